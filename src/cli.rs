//! Command-line definitions (clap derive): one Args struct per command.
//!
//! Every doc comment on an argument is its --help text for the user, brackets and all
//! (`列=值[|值…]`, `[issuer]`), so rustdoc must not read those brackets as links.
#![allow(rustdoc::broken_intra_doc_links)]

use chrono::NaiveDate;
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// 政务新媒体季度检查抽查工具
#[derive(Parser, Debug)]
#[command(
    name = "audit",
    bin_name = "audit",
    version,
    about = "政务新媒体季度检查抽查工具:导入台账、分层抽样、生成检查表、汇总结果、生成通报",
    long_about = None,
    after_help = "一次检查抽查的流程:\n  audit import 台账.xlsx --campaign 2020Q1\n  audit sample --campaign 2020Q1 --size 219 --take-all owner_kind=政府\n  audit sheet --campaign 2020Q1 --inspectors 4 --deadline 2020-03-31 --monitor 监测数据.xlsx\n  audit collect --campaign 2020Q1 交回/*.xlsx\n  audit report --campaign 2020Q1 --previous 2019Q4\n  audit rectify sheets --campaign 2020Q1 --deadline 2020-04-10\n\n先试一试: audit demo"
)]
pub struct Cli {
    /// 项目正被另一个 audit 命令使用时等待它结束,而不是立即报错
    #[arg(long, global = true)]
    pub wait: bool,
    /// 要执行的命令
    #[command(subcommand)]
    pub command: Command,
}

/// audit 的子命令
#[derive(Subcommand, Debug)]
pub enum Command {
    /// 从本单位的台账导出文件生成省份画像草稿 — a profile draft from the office's export
    Profile(ProfileArgs),
    /// 导入备案台账(Excel/CSV)到项目目录 — import the registry
    Import(ImportArgs),
    /// 分层抽样,可按种子逐字节复现 — draw the stratified sample
    Sample(SampleArgs),
    /// 按台账和记录的设计重新抽样并核对 sample.csv — verify the sample
    Verify(CampaignArgs),
    /// 显示检查指标目录,或写出以便修改 — the indicator catalog
    Indicators(IndicatorsArgs),
    /// 为每位检查人生成检查表(DIR/sheets/) — inspector workbooks
    Sheet(SheetArgs),
    /// 收回填好的检查表,汇总检查结果 — collect returned workbooks
    Collect(CollectArgs),
    /// 项目进度:台账、样本、检查表、收回、冲突、截止日期 — campaign status
    Status(CampaignArgs),
    /// 生成合格率表、问题统计、附件名单、环比、加权估计和通报草稿 — the report
    Report(ReportArgs),
    /// 整改跟踪:给各责任单位的整改反馈表、收回、整改情况统计 — rectification after the notice
    Rectify(RectifyArgs),
    /// 用内置演示数据跑完整个流程(检查结果为模拟) — the demo
    Demo(DemoArgs),
    /// 生成演示台账(测试与基准用) — generate a demo registry
    DemoData(DemoDataArgs),
}

/// 省份画像的命令
#[derive(Args, Debug)]
pub struct ProfileArgs {
    /// 画像的命令
    #[command(subcommand)]
    pub command: ProfileCommand,
}

/// 省份画像的命令
#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// 读本单位的台账导出文件,写出带注释的画像草稿(填好 ? 行后用于 import --profile)
    Init(ProfileInitArgs),
}

/// 生成画像草稿的参数
#[derive(Args, Debug)]
#[command(
    after_help = "例: audit profile init 四川省政务新媒体台账.xlsx --out 四川.toml\n    然后填写草稿中值为 \"?\" 的行,再: audit import 四川省政务新媒体台账.xlsx --campaign 2023Q3 --profile 四川.toml\n连同监测数据的列: audit profile init 四川省政务新媒体台账.xlsx --monitor 监测数据.xlsx --out 四川.toml"
)]
pub struct ProfileInitArgs {
    /// 台账导出文件:.xlsx .xlsm .xlsb .xls .ods 或 .csv(UTF-8 或 GBK)
    pub file: PathBuf,
    /// 监测数据导出文件(.xlsx/.xls/.ods/.csv):按它的表头同时起草 [monitor.columns]
    #[arg(long)]
    pub monitor: Option<PathBuf>,
    /// 画像草稿写到哪里
    #[arg(long, default_value = "profile.toml")]
    pub out: PathBuf,
    /// 要读取的工作表(默认第一个可见的)
    #[arg(long)]
    pub sheet: Option<String>,
    /// CSV 编码:utf-8、gbk 或 gb18030(默认自动识别)
    #[arg(long)]
    pub encoding: Option<String>,
    /// 覆盖已有的 --out 文件
    #[arg(long)]
    pub force: bool,
}

/// 导入备案台账的参数
#[derive(Args, Debug)]
#[command(after_help = "例: audit import 台账.xlsx --campaign 2020Q1 --previous 2019Q4")]
pub struct ImportArgs {
    /// 台账文件:.xlsx .xlsm .xlsb .xls .ods 或 .csv(UTF-8 或 GBK)
    pub file: PathBuf,
    /// 项目目录(不存在则新建)
    #[arg(long)]
    pub campaign: PathBuf,
    /// 要读取的工作表(默认第一个可见的)
    #[arg(long)]
    pub sheet: Option<String>,
    /// 上期项目目录,用于统计台账变化
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// 有任何拒收行时报错退出,不导入
    #[arg(long)]
    pub strict: bool,
    /// 拒收行超过数据行的这一百分比时不导入(默认 5),以免台账被误读后只导入了一部分
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_rejects: Option<f64>,
    /// 覆盖项目中已有的台账
    #[arg(long)]
    pub force: bool,
    /// CSV 编码:utf-8、gbk 或 gb18030(默认自动识别)
    #[arg(long)]
    pub encoding: Option<String>,
    /// 期次,如 2020Q1(默认取项目目录名,形如 2020Q1 时)
    #[arg(long)]
    pub period: Option<String>,
    /// 省份,如 江苏(默认:台账标题行或所属地区推断)
    #[arg(long)]
    pub province: Option<String>,
    /// 省份配置文件(TOML):省份、设区市称谓、合格率小数位、类型方案、地区别名、检查范围
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// 检查范围:本省的一个市或县(市、区),如 无锡、宜兴市(默认全省);范围外的账号拒收,按所辖县(市、区)或乡镇(街道)分组
    #[arg(long)]
    pub scope: Option<String>,
    /// 台账统计截止日期 YYYY-MM-DD(默认:标题行中的"截至X年X月X日",否则导入当天)
    #[arg(long, value_parser = DayParser(DayWording::ShouldBe))]
    pub as_of: Option<NaiveDate>,
}

/// 只需项目目录的命令(verify、status)的参数
#[derive(Args, Debug)]
pub struct CampaignArgs {
    /// 项目目录(检查抽查项目的文件夹)
    #[arg(long)]
    pub campaign: PathBuf,
}

/// 样本分配方法
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocationArg {
    /// 按比例分配:各层随机样本数与该层必查以外的账号数成比例
    Proportional,
    /// 等量分配:各层随机样本数相同(账号不足的层全部抽取)
    Equal,
    /// Neyman 分配:按各层账号数和上期不合格率(需 --previous)
    Neyman,
    /// 配额分配:各层样本数由 --quota 文件给出
    Quota,
}

/// 分层抽样的参数
#[derive(Args, Debug)]
#[command(
    after_help = "例: audit sample --campaign 2020Q1 --size 219 --strata level,type --take-all owner_kind=政府 --recheck 2019Q4 --seed 20200320"
)]
pub struct SampleArgs {
    /// 项目目录(检查抽查项目的文件夹)
    #[arg(long)]
    pub campaign: PathBuf,
    /// 样本量 n(含必查账号)
    #[arg(long, conflicts_with = "rate", allow_negative_numbers = true, value_parser = parse_size)]
    pub size: Option<u64>,
    /// 抽样比例,0 < R <= 1(n = 向上取整(R × 抽样框))
    #[arg(long, allow_negative_numbers = true, value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// 分层变量(台账列名,逗号分隔)
    #[arg(long, default_value = "level,type", value_delimiter = ',')]
    pub strata: Vec<String>,
    /// 样本分配方法
    #[arg(long, value_enum, default_value = "proportional")]
    pub allocation: AllocationArg,
    /// 配额文件:分层列加 n 列(即 --allocation quota)
    #[arg(long)]
    pub quota: Option<PathBuf>,
    /// 上期项目:其各层不合格率用于 Neyman 分配
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// 每层最少随机样本数(该层账号足够时;默认 2,使每层方差可估计)
    #[arg(long, default_value_t = 2)]
    pub min_per_stratum: u64,
    /// 每个地区(省本级和每个设区市/市(州);市、县的检查为本级部门和每个县(市、区)、乡镇(街道)、功能区)至少抽取的账号数(必查计入,账号不足时全部抽取);
    /// 分层再按地区细分,--min-per-stratum 仍按 --strata 的层计
    #[arg(long)]
    pub min_per_region: Option<u64>,
    /// 必查条件 列=值[|值…](可多次给出),如 owner_kind=政府
    #[arg(long = "take-all")]
    pub take_all: Vec<String>,
    /// 回头看:上期项目目录(其不合格账号)或账号ID名单
    #[arg(long)]
    pub recheck: Option<PathBuf>,
    /// 从抽样框中排除的账号(含账号ID列的 CSV/xlsx)
    #[arg(long)]
    pub exclude: Option<PathBuf>,
    /// 随机种子(u64);不给则随机生成并记录
    #[arg(long)]
    pub seed: Option<u64>,
    /// 只显示分配表,不写文件
    #[arg(long)]
    pub dry_run: bool,
    /// 必查条件、排除名单、回头看名单或配额没有选中任何账号时,只警告而不报错
    #[arg(long)]
    pub allow_empty: bool,
    /// 覆盖已有样本
    #[arg(long)]
    pub force: bool,
}

/// 指标目录命令的参数
#[derive(Args, Debug)]
pub struct IndicatorsArgs {
    /// 把指标目录(TOML)写到此文件以便修改
    #[arg(long)]
    pub write: Option<PathBuf>,
    /// 显示(并检查)此指标目录,而非内置目录
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// 覆盖已有输出
    #[arg(long)]
    pub force: bool,
}

/// 生成检查表的参数
#[derive(Args, Debug)]
#[command(
    after_help = "例: audit sheet --campaign 2020Q1 --inspectors 4 --deadline 2020-03-31\n按监测数据预填: audit sheet --campaign 2020Q1 --inspectors 4 --monitor 监测数据.xlsx --monitor-at 2020-03-18"
)]
pub struct SheetArgs {
    /// 项目目录(检查抽查项目的文件夹)
    #[arg(long)]
    pub campaign: PathBuf,
    /// 检查人数(按数量均分,同一地区尽量分给同一人)
    #[arg(long, conflicts_with = "assign")]
    pub inspectors: Option<usize>,
    /// 分配文件:账号ID 或 地区 对应 检查人
    #[arg(long)]
    pub assign: Option<PathBuf>,
    /// 检查表交回截止日期 YYYY-MM-DD
    #[arg(long, value_parser = DayParser(DayWording::NotADate))]
    pub deadline: Option<NaiveDate>,
    /// 指标目录(TOML);默认内置目录
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// 检查表中显示的台账列(逗号分隔),帮助找到账号,如 账号链接,微信号;
    /// 默认:表头含 链接、网址、URL、微信号、账号 的列
    #[arg(long, value_delimiter = ',')]
    pub show: Option<Vec<String>>,
    /// 监测数据导出(.xlsx/.xls/.ods/.csv):按 最近更新时间、超期未回复数、互动功能 等列预填单项否决指标
    #[arg(long)]
    pub monitor: Option<PathBuf>,
    /// 监测时间 YYYY-MM-DD(监测数据没有 监测时间 列,或某行为空时使用)
    #[arg(long, requires = "monitor", value_parser = DayParser(DayWording::NotADate))]
    pub monitor_at: Option<NaiveDate>,
    /// 监测时间不在本期季度前后 31 天内时仍然预填(默认拒绝,以免用往期数据预填)
    #[arg(long, requires = "monitor")]
    pub monitor_any_date: bool,
    /// 覆盖已有输出
    #[arg(long)]
    pub force: bool,
    /// 项目密钥 secret.key 丢失且无法从备份恢复时,生成新密钥;已发出的工作簿将全部无法核验(须全部重新发出)
    #[arg(long)]
    pub new_secret: bool,
}

/// 收回检查表的参数
#[derive(Args, Debug)]
#[command(after_help = "例: audit collect --campaign 2020Q1 返回/*.xlsx")]
pub struct CollectArgs {
    /// 项目目录(检查抽查项目的文件夹)
    #[arg(long)]
    pub campaign: PathBuf,
    /// 检查人交回的检查表(.xlsx/.ods/.xls)
    pub files: Vec<PathBuf>,
    /// 以此文件为准(文件名或路径,可多次给出):解决冲突;同时在收回的文件中给出时,不论保存时间先后都采用这份
    /// (保存时间在将来而被搁置、比已收回的更早、与另一份同时保存的副本都可这样指定)
    #[arg(long)]
    pub prefer: Vec<String>,
}

/// 整改跟踪的参数
#[derive(Args, Debug)]
#[command(
    after_help = "通报印发后:\n  audit rectify sheets --campaign 2020Q1 --deadline 2020-04-10\n  audit rectify collect --campaign 2020Q1 整改反馈/*.xlsx\n  audit rectify status --campaign 2020Q1\n下季度抽样时 audit sample --recheck 2020Q1 会按整改记录决定回头看的账号和原因。"
)]
pub struct RectifyArgs {
    /// 整改跟踪的步骤
    #[command(subcommand)]
    pub command: RectifyCommand,
}

/// 整改跟踪的步骤
#[derive(Subcommand, Debug)]
pub enum RectifyCommand {
    /// 为每个责任单位生成整改反馈表(DIR/rectify/sheets/) — one workbook per responsible unit
    Sheets(RectifySheetsArgs),
    /// 收回填好的整改反馈表 — collect the units' replies
    Collect(RectifyCollectArgs),
    /// 各责任单位整改情况,写出 整改情况.xlsx — per-unit status and a drafted paragraph
    Status(RectifyStatusArgs),
}

/// 生成整改反馈表的参数
#[derive(Args, Debug)]
#[command(after_help = "例: audit rectify sheets --campaign 2020Q1 --deadline 2020-04-10")]
pub struct RectifySheetsArgs {
    /// 项目目录(已出通报的检查抽查项目)
    #[arg(long)]
    pub campaign: PathBuf,
    /// 整改情况报送截止日期 YYYY-MM-DD
    #[arg(long, value_parser = DayParser(DayWording::NotADate))]
    pub deadline: NaiveDate,
    /// 尚有样本账号未检查或有冲突时也生成(名单可能不全)
    #[arg(long)]
    pub allow_incomplete: bool,
    /// 重新生成(只替换 audit 生成且未改动的整改反馈表;已收回的整改情况保留)
    #[arg(long)]
    pub force: bool,
    /// 项目密钥 secret.key 丢失且无法从备份恢复时,生成新密钥;已发出的工作簿将全部无法核验(须全部重新发出)
    #[arg(long)]
    pub new_secret: bool,
}

/// 收回整改反馈表的参数
#[derive(Args, Debug)]
#[command(after_help = "例: audit rectify collect --campaign 2020Q1 整改反馈/*.xlsx")]
pub struct RectifyCollectArgs {
    /// 项目目录
    #[arg(long)]
    pub campaign: PathBuf,
    /// 责任单位交回的整改反馈表(.xlsx/.ods/.xls)
    pub files: Vec<PathBuf>,
    /// 以这份文件为准(不论其保存时间),例如保存时间在将来而被搁置的一份;可重复
    #[arg(long)]
    pub prefer: Vec<String>,
}

/// 整改情况统计的参数
#[derive(Args, Debug)]
#[command(after_help = "例: audit rectify status --campaign 2020Q1 --as-of 2020-04-12")]
pub struct RectifyStatusArgs {
    /// 项目目录
    #[arg(long)]
    pub campaign: PathBuf,
    /// 统计截至日期 YYYY-MM-DD(默认今天);晚于报送截止日期时未报送的计为逾期未报
    #[arg(long, value_parser = DayParser(DayWording::NotADate))]
    pub as_of: Option<NaiveDate>,
}

/// 生成合格率表和通报草稿的参数
#[derive(Args, Debug)]
#[command(
    after_help = "例: audit report --campaign 2020Q1 --previous 2019Q4 --previous 2019Q3\n--previous 按时间由近到远给出:第一个是上季度。"
)]
pub struct ReportArgs {
    /// 项目目录(检查抽查项目的文件夹)
    #[arg(long)]
    pub campaign: PathBuf,
    /// 以往项目,由近到远(用于环比和连续不合格)
    #[arg(long)]
    pub previous: Vec<PathBuf>,
    /// 输出目录(默认 DIR/report)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 样本未查完也出报告(各处标明 未完成)
    #[arg(long)]
    pub allow_incomplete: bool,
    /// 整改情况报送截止日期 YYYY-MM-DD(草稿中写作 4月10日)
    #[arg(long, value_parser = DayParser(DayWording::NotADate))]
    pub rectify_by: Option<NaiveDate>,
    /// 通报的主送机关,如 "各设区市人民政府,省各有关部门"(默认取配置文件 [issuer] to;市、县的检查为"各市(县)区人民政府,市各委办局"一类的本级写法;否则留【】待填)
    #[arg(long)]
    pub to: Option<String>,
    /// 通报的发文机关署名,如 "江苏省人民政府办公厅"(默认取配置文件 [issuer] name;市、县的检查为"无锡市人民政府办公室"一类;否则留【】待填)
    #[arg(long)]
    pub issuer: Option<String>,
    /// 正式通报:去掉所有"草稿"字样,文件名为 通报.docx / 通报.md(画像 [issuer] final = true 时为默认)
    #[arg(long = "final", conflicts_with = "draft")]
    pub final_notice: bool,
    /// 草稿(画像设定正式通报为默认时用它出草稿)
    #[arg(long)]
    pub draft: bool,
    /// 版头的发文字号,如 "苏政办函〔2020〕12号";给出时排版头(发文机关标志取 --mark 或署名)
    #[arg(long)]
    pub doc_number: Option<String>,
    /// 版头的发文机关标志,如 "江苏省人民政府办公厅文件"
    #[arg(long)]
    pub mark: Option<String>,
    /// 版记的抄送机关,如 "省委办公厅,省人大常委会办公厅";给出时排版记
    #[arg(long)]
    pub cc: Option<String>,
    /// 版记的印发机关(默认取署名);给出时排版记
    #[arg(long)]
    pub printed_by: Option<String>,
    /// 版记的印发日期 YYYY-MM-DD(默认留【】待填)
    #[arg(long, value_parser = DayParser(DayWording::NotADate))]
    pub printed_on: Option<NaiveDate>,
    /// 覆盖已有输出
    #[arg(long)]
    pub force: bool,
}

/// 演示流程的参数
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// 演示项目放在哪个目录
    #[arg(long, default_value = "audit-demo")]
    pub out: PathBuf,
    /// 覆盖已有输出
    #[arg(long)]
    pub force: bool,
}

/// 生成演示台账的参数
#[derive(Args, Debug)]
#[command(after_help = "例: audit demo-data --accounts 6030 --seed 1 --out 台账.xlsx")]
pub struct DemoDataArgs {
    /// 演示台账的账号数
    #[arg(long, default_value_t = 6030)]
    pub accounts: u64,
    /// 随机种子(同一种子生成同一台账)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 输出文件 .xlsx 或 .csv
    #[arg(long)]
    pub out: PathBuf,
    /// 标题行写上“截至”日期(YYYY-MM-DD),如导出的台账那样
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<chrono::NaiveDate>,
    /// 覆盖已有输出
    #[arg(long)]
    pub force: bool,
}

/// A value clap refuses in our words.
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    /// `--size` is no positive whole number.
    #[error("样本量应为正整数,收到 \"{0}\"")]
    Size(String),
    /// `--rate` is not in (0, 1].
    #[error("抽样比例应大于 0 且不超过 1(如 0.05 表示 5%),收到 \"{0}\"")]
    Rate(String),
}

/// `--size`: a whole number of at least 1, refused in our words (negative numbers included).
fn parse_size(s: &str) -> Result<u64, ArgError> {
    match s.trim().parse::<i128>() {
        Ok(n) if n >= 1 && n <= u64::MAX as i128 => Ok(n as u64),
        _ => Err(ArgError::Size(s.to_string())),
    }
}

/// `--rate`: a proportion above 0 and at most 1, refused in our words.
fn parse_rate(s: &str) -> Result<f64, ArgError> {
    match s.trim().parse::<f64>() {
        Ok(r) if r > 0.0 && r <= 1.0 => Ok(r),
        _ => Err(ArgError::Rate(s.to_string())),
    }
}

/// How a date flag words its refusal (each flag keeps the message it always had).
#[derive(Clone, Copy, Debug)]
pub enum DayWording {
    /// `--flag "text" 不是 YYYY-MM-DD 格式的日期`.
    NotADate,
    /// `--flag "text" 应为 YYYY-MM-DD,例如 2020-03-20`.
    ShouldBe,
}

/// A date flag's value that is no YYYY-MM-DD date; the message names the flag and the value,
/// so the usage error prints it as it is (see `cmd::usage`).
#[derive(Debug, thiserror::Error)]
#[error("{flag} \"{text}\" {}", match wording { DayWording::NotADate => "不是 YYYY-MM-DD 格式的日期", DayWording::ShouldBe => "应为 YYYY-MM-DD,例如 2020-03-20" })]
pub struct BadDay {
    /// The flag, e.g. `--rectify-by`.
    pub flag: String,
    /// The value as given.
    pub text: String,
    /// How the flag words it.
    pub wording: DayWording,
}

/// A date flag, YYYY-MM-DD, parsed once by clap into a `NaiveDate`; a refusal names the flag.
#[derive(Clone, Copy, Debug)]
pub struct DayParser(pub DayWording);

impl TypedValueParser for DayParser {
    type Value = NaiveDate;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<NaiveDate, clap::Error> {
        let text = value.to_string_lossy();
        if let Some(d) = crate::domain::dates::parse_iso_day(&text) {
            return Ok(d);
        }
        let flag = arg
            .and_then(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .unwrap_or_default();
        let wording = self.0;
        // clap's own refusal (kind, flag and value in its context) with our reason as its source.
        let refuse = move |t: &str| -> Result<NaiveDate, BadDay> {
            Err(BadDay {
                flag: flag.clone(),
                text: t.to_string(),
                wording,
            })
        };
        refuse.parse_ref(cmd, arg, value)
    }
}

/// A percentage from 0 to 100 (`--max-rejects 20`; a trailing % is accepted).
fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().trim_end_matches('%').trim().parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "应为 0 到 100 之间的百分数(如 20 表示 20%),收到 \"{s}\""
        )),
    }
}
