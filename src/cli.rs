//! Command-line definitions (clap derive): one Args struct per command.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "audit",
    version,
    about = "政务新媒体季度检查抽查工具:导入台账、分层抽样、生成检查表、汇总结果、生成通报",
    long_about = None,
    after_help = "一次检查抽查的流程:\n  audit import 台账.xlsx --campaign 2020Q1\n  audit sample --campaign 2020Q1 --size 219 --take-all owner_kind=政府\n  audit sheet --campaign 2020Q1 --inspectors 4 --deadline 2020-03-31\n  audit collect --campaign 2020Q1 2020Q1/sheets/*.xlsx\n  audit report --campaign 2020Q1 --previous 2019Q4\n\n先试一试: audit demo"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import the account registry (备案台账) from Excel/CSV into a campaign folder
    Import(ImportArgs),
    /// Draw a reproducible stratified sample from the campaign's registry
    Sample(SampleArgs),
    /// Re-derive the sample from the registry and the recorded design, and compare
    Verify(CampaignArgs),
    /// Print the indicator catalog, or write it out for editing
    Indicators(IndicatorsArgs),
    /// Write one inspection workbook per inspector into DIR/sheets/
    Sheet(SheetArgs),
    /// Collect filled inspection workbooks into the campaign's results
    Collect(CollectArgs),
    /// Where the campaign stands: registry, sample, sheets, returns, conflicts, deadline
    Status(CampaignArgs),
    /// Pass-rate tables, problem counts, annex, quarter-on-quarter, estimates and a notice draft
    Report(ReportArgs),
    /// Run a whole campaign on built-in generated data (simulated answers)
    Demo(DemoArgs),
    /// Generate a realistic registry workbook for tests and benchmarks
    DemoData(DemoDataArgs),
}

#[derive(Args, Debug)]
#[command(after_help = "例: audit import 台账.xlsx --campaign 2020Q1 --previous 2019Q4")]
pub struct ImportArgs {
    /// The registry file: .xlsx .xlsm .xlsb .xls .ods or .csv (UTF-8 or GBK)
    pub file: PathBuf,
    /// The campaign folder (created if missing)
    #[arg(long)]
    pub campaign: PathBuf,
    /// The sheet to read (default: the first)
    #[arg(long)]
    pub sheet: Option<String>,
    /// An earlier campaign, to report the registry's change
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// Exit non-zero when any row is rejected
    #[arg(long)]
    pub strict: bool,
    /// Replace an existing registry in the campaign
    #[arg(long)]
    pub force: bool,
    /// CSV encoding: utf-8, gbk or gb18030 (default: detected)
    #[arg(long)]
    pub encoding: Option<String>,
}

#[derive(Args, Debug)]
pub struct CampaignArgs {
    #[arg(long)]
    pub campaign: PathBuf,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocationArg {
    Proportional,
    Equal,
    Neyman,
    Quota,
}

#[derive(Args, Debug)]
#[command(
    after_help = "例: audit sample --campaign 2020Q1 --size 219 --strata level,type --take-all owner_kind=政府 --recheck 2019Q4 --seed 20200320"
)]
pub struct SampleArgs {
    #[arg(long)]
    pub campaign: PathBuf,
    /// Total sample size n (certainty units included)
    #[arg(long, conflicts_with = "rate")]
    pub size: Option<u64>,
    /// Sampling rate of the frame, 0 < R <= 1 (n = ceil(R × frame))
    #[arg(long)]
    pub rate: Option<f64>,
    /// Registry columns that define the strata
    #[arg(long, default_value = "level,type", value_delimiter = ',')]
    pub strata: Vec<String>,
    /// How n is spread over the strata
    #[arg(long, value_enum, default_value = "proportional")]
    pub allocation: AllocationArg,
    /// Quota CSV: the strata columns plus n (implies --allocation quota)
    #[arg(long)]
    pub quota: Option<PathBuf>,
    /// An earlier campaign: its fail rates drive the Neyman allocation
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// Minimum sample per stratum, wherever the stratum holds that many
    #[arg(long, default_value_t = 1)]
    pub min_per_stratum: u64,
    /// Always include accounts matching COLUMN=VALUE[|VALUE…] (may repeat)
    #[arg(long = "take-all")]
    pub take_all: Vec<String>,
    /// Re-check (回头看): an earlier campaign folder (its unqualified accounts) or a CSV of ids
    #[arg(long)]
    pub recheck: Option<PathBuf>,
    /// Remove these ids from the frame (CSV/xlsx with an id column)
    #[arg(long)]
    pub exclude: Option<PathBuf>,
    /// Random seed (u64); drawn from the OS and printed when omitted
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print the allocation, write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Replace an existing sample
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct IndicatorsArgs {
    /// Write the catalog (TOML) to this file for editing
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// Print this catalog instead of the built-in one (checks it)
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
#[command(after_help = "例: audit sheet --campaign 2020Q1 --inspectors 4 --deadline 2020-03-31")]
pub struct SheetArgs {
    #[arg(long)]
    pub campaign: PathBuf,
    /// Number of inspectors (workbooks), balanced by count, regions kept together
    #[arg(long, conflicts_with = "assign")]
    pub inspectors: Option<usize>,
    /// CSV mapping id or region (地区) to an inspector (检查人) name
    #[arg(long)]
    pub assign: Option<PathBuf>,
    /// Deadline for returning the sheets, YYYY-MM-DD
    #[arg(long)]
    pub deadline: Option<String>,
    /// Indicator catalog (TOML); default: the built-in one
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
#[command(after_help = "例: audit collect --campaign 2020Q1 返回/*.xlsx")]
pub struct CollectArgs {
    #[arg(long)]
    pub campaign: PathBuf,
    /// Filled workbooks (.xlsx/.ods/.xls) as returned by the inspectors
    pub files: Vec<PathBuf>,
    /// Resolve conflicts in favour of this returned file's answers (file name; may repeat)
    #[arg(long)]
    pub prefer: Vec<String>,
}

#[derive(Args, Debug)]
#[command(
    after_help = "例: audit report --campaign 2020Q1 --previous 2019Q4 --previous 2019Q3\n--previous 按时间由近到远给出:第一个是上季度。"
)]
pub struct ReportArgs {
    #[arg(long)]
    pub campaign: PathBuf,
    /// Earlier campaigns, most recent first (quarter-on-quarter and repeat offenders)
    #[arg(long)]
    pub previous: Vec<PathBuf>,
    /// Output folder (default: DIR/report)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Report although some sampled accounts are unchecked (marked 未完成 everywhere)
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Deadline for the units' rectification reports, YYYY-MM-DD (printed in the draft as 4月10日)
    #[arg(long)]
    pub rectify_by: Option<String>,
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where to put the demo campaigns
    #[arg(long, default_value = "audit-demo")]
    pub out: PathBuf,
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
#[command(after_help = "例: audit demo-data --accounts 6030 --seed 1 --out 台账.xlsx")]
pub struct DemoDataArgs {
    #[arg(long, default_value_t = 6030)]
    pub accounts: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output .xlsx or .csv
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub force: bool,
}
