//! `audit demo-data --accounts N --seed S --out FILE.xlsx|.csv`

use crate::cli::DemoDataArgs;
use crate::domain::demo_data::generate;
use crate::store::output::guard_overwrite;
use anyhow::{bail, Result};

/// Kept here for `audit demo`, which writes its registries the same way.
pub use crate::ops::demo_data::write_registry;

/// Run `audit demo-data`.
pub fn run(args: &DemoDataArgs) -> Result<i32> {
    guard_overwrite(&args.out, args.force, "输出文件")?;
    if args.accounts == 0 {
        bail!("--accounts 应大于 0");
    }
    let accounts = generate(args.accounts, args.seed);
    let title = match args.as_of {
        Some(d) => format!(
            "江苏省政务新媒体备案台账(演示数据,截至{})",
            d.format("%Y年%-m月%-d日")
        ),
        None => "江苏省政务新媒体备案台账(演示数据)".to_string(),
    };
    write_registry(&args.out, &title, &accounts)?;
    println!(
        "已生成 {} 个演示账号(种子 {}): {}",
        args.accounts,
        args.seed,
        args.out.display()
    );
    Ok(0)
}
