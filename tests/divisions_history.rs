//! Registries written with the divisions of their own year (issue #20, "Divisions of every year"):
//! a 2020 registry naming 港闸区 (merged into 崇川区 in 2020), 海门市 (海门区 since 2020), 郫县
//! (郫都区 since 2016), 会理县 (会理市 since 2021) or 莱芜市 (part of 济南 since 2019) imports
//! without rejects, each account counted under the prefecture its unit belongs to now, the older
//! name kept beside the current one in the county column.

mod common;
use common::Workdir;

const JIANGSU_2020: &str = "\
江苏省政务新媒体备案台账(截至2020年3月20日)
账号ID,名称,类型,开设主体,层级,所属地区,主体类别,状态
JS01,江苏发布,微信,江苏省人民政府办公厅,省级,,政府,正常
JS02,港闸发布,微信,南通市港闸区人民政府,县级,港闸区,政府,正常
JS03,港闸教育,微博,南通市港闸区教育局,县级,南通市港闸区,部门,正常
JS04,海门发布,微信,海门市人民政府,县级,海门市,政府,正常
JS05,崇川发布,微信,南通市崇川区人民政府,县级,崇川区,政府,正常
JS06,昆山发布,微信,昆山市人民政府,县级,昆山市,政府,正常
JS07,南通发布,微博,南通市人民政府,市级,南通市,政府,正常
";

const SICHUAN_2016: &str = "\
四川省政务新媒体备案台账(截至2016年6月30日)
账号ID,名称,类型,开设主体,层级,所属地区,主体类别,状态
SC01,郫县发布,微信,郫县人民政府,县级,郫县,政府,正常
SC02,会理发布,微信,会理县人民政府,县级,会理县,政府,正常
SC03,成都发布,微博,成都市人民政府,市级,成都市,政府,正常
";

/// No title row: the province is inferred from the regions, older names included.
const SHANDONG_2018: &str = "\
账号ID,名称,类型,开设主体,层级,所属地区,主体类别,状态
SD01,莱芜发布,微信,莱芜市人民政府,市级,莱芜市,政府,正常
SD02,莱城发布,微信,莱芜市莱城区人民政府,县级,莱城区,政府,正常
SD03,钢城发布,微信,莱芜市钢城区人民政府,县级,莱芜市钢城区,政府,正常
SD04,济南发布,微博,济南市人民政府,市级,济南市,政府,正常
";

/// Import `text` as campaign `campaign` and return (id, region, county) of every account; the
/// import must reject nothing.
fn import(w: &Workdir, file: &str, text: &str, campaign: &str) -> Vec<(String, String, String)> {
    w.write(file, text);
    w.run(&["import", file, "--campaign", campaign])
        .ok()
        .stdout_has("拒收 0 行");
    let rejects = format!("{campaign}/rejects.csv");
    if w.exists(&rejects) {
        assert_eq!(w.csv(&rejects).len(), 1, "{}", w.read(&rejects));
    }
    let reg = w.csv(&format!("{campaign}/registry.csv"));
    assert_eq!(reg[0][5], "地区");
    assert_eq!(reg[0][14], "县(市、区)");
    reg[1..]
        .iter()
        .map(|r| (r[0].clone(), r[5].clone(), r[14].clone()))
        .collect()
}

fn row(id: &str, region: &str, county: &str) -> (String, String, String) {
    (id.into(), region.into(), county.into())
}

#[test]
fn registries_of_older_years_import_without_rejects() {
    let w = Workdir::new();
    assert_eq!(
        import(&w, "js.csv", JIANGSU_2020, "js"),
        [
            row("JS01", "省本级", ""),
            row("JS02", "南通", "港闸区（今崇川区）"),
            row("JS03", "南通", "港闸区（今崇川区）"),
            row("JS04", "南通", "海门市（今海门区）"),
            // Current names as before.
            row("JS05", "南通", "崇川区"),
            row("JS06", "苏州", "昆山市"),
            row("JS07", "南通", ""),
        ]
    );
    assert!(w.read("js/campaign.toml").contains("province = \"江苏省\""));

    assert_eq!(
        import(&w, "sc.csv", SICHUAN_2016, "sc"),
        [
            row("SC01", "成都", "郫县（今郫都区）"),
            row("SC02", "凉山州", "会理县（今会理市）"),
            row("SC03", "成都", ""),
        ]
    );

    assert_eq!(
        import(&w, "sd.csv", SHANDONG_2018, "sd"),
        [
            row("SD01", "济南", ""),
            row("SD02", "济南", "莱城区（今莱芜区）"),
            row("SD03", "济南", "钢城区"),
            row("SD04", "济南", ""),
        ]
    );
    assert!(w.read("sd/campaign.toml").contains("province = \"山东省\""));
}

/// An older name of another province is refused as foreign, not as unknown.
#[test]
fn older_names_of_another_province_are_foreign() {
    let w = Workdir::new();
    let text = format!("{JIANGSU_2020}JS08,郫县发布,微信,郫县人民政府,县级,郫县,政府,正常\n");
    w.write("js.csv", &text);
    // 1 of 8 rows refused on purpose: above the 5% that refuses a whole file by default.
    w.run(&[
        "import",
        "js.csv",
        "--campaign",
        "js",
        "--max-rejects",
        "15",
    ])
    .ok()
    .stdout_has("拒收 1 行");
    let rej = w.csv("js/rejects.csv");
    assert_eq!(rej.len(), 2, "{rej:?}");
    assert_eq!(rej[1][3], "不属于本省");
    assert!(rej[1].iter().any(|c| c.contains("四川省")), "{rej:?}");
}
