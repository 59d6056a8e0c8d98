use super::*;

fn obs(stratum: usize, certainty: bool, in_domain: bool, qualified: bool) -> Obs {
    Obs {
        stratum,
        certainty,
        in_domain,
        qualified,
    }
}

fn frames(sizes: &[u64]) -> Vec<StratumFrame> {
    sizes
        .iter()
        .map(|s| StratumFrame {
            random_population: *s,
        })
        .collect()
}

#[test]
fn weighted_estimate_by_hand() {
    // Stratum 0: 100 units, 4 checked, 3 qualified → weight 25.
    // Stratum 1: 10 units, 2 checked, 1 qualified → weight 5. Plus one certainty unit, failed.
    let strata = frames(&[100, 10]);
    let mut o: Vec<Obs> = [true, true, true, false]
        .iter()
        .map(|q| obs(0, false, true, *q))
        .collect();
    o.push(obs(1, false, true, true));
    o.push(obs(1, false, true, false));
    o.push(obs(1, true, true, false));
    let e = estimate(&strata, &o, 111).unwrap();
    // Σw = 100 + 10 + 1 = 111; Σwy = 75 + 5 = 80.
    assert!((e.population - 111.0).abs() < 1e-12);
    assert!((e.rate - 80.0 / 111.0).abs() < 1e-12);
    let r = 80.0 / 111.0;
    let stratum_var = |ys: &[f64], big: f64| {
        let us: Vec<f64> = ys.iter().map(|y| (y - r) / 111.0).collect();
        let m = us.len() as f64;
        let mean = us.iter().sum::<f64>() / m;
        let s2 = us.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / (m - 1.0);
        big * big * (1.0 - m / big) * s2 / m
    };
    let v = stratum_var(&[1.0, 1.0, 1.0, 0.0], 100.0) + stratum_var(&[1.0, 0.0], 10.0);
    assert!((e.std_err - v.sqrt()).abs() < 1e-12);
    assert_eq!(e.method, IntervalMethod::KornGraubard);
    // df = 6 random units − 2 strata; the certainty unit is a stratum of its own.
    assert_eq!(e.df, Some(4.0));
    assert!(e.lower < e.rate && e.rate < e.upper);
    assert!(e.lower >= 0.0 && e.upper <= 1.0);
}

#[test]
fn all_pass_is_sound_and_census_only_when_all_were_checked() {
    let five: Vec<Obs> = (0..5).map(|_| obs(0, false, true, true)).collect();
    let e = estimate(&frames(&[50]), &five, 50).unwrap();
    assert_eq!((e.rate, e.upper), (1.0, 1.0));
    assert!(e.lower > 0.4 && e.lower < 1.0);
    assert_eq!(e.method, IntervalMethod::ClopperPearson);
    let e = estimate(&frames(&[5]), &five, 5).unwrap();
    assert_eq!(e.method, IntervalMethod::Census);
    assert_eq!((e.lower, e.upper), (1.0, 1.0));
    assert!(estimate(&frames(&[5]), &[], 5).is_none());
}

/// Issue #10, case 1, and #23: a group whose sample is only certainty units (six 移动客户端
/// re-checks, one failed) out of 174 frame accounts is not a census, and not a sample either:
/// re-checks are last quarter's failures, so no interval is claimed (Clopper–Pearson on the six,
/// [35.9%, 99.6%], covered the truth 60–63% of the time in simulation).
#[test]
fn certainty_units_alone_give_no_interval() {
    let strata = frames(&[300, 900]);
    let mut o: Vec<Obs> = (0..6).map(|i| obs(i % 2, true, true, i != 0)).collect();
    for i in 0..20 {
        o.push(obs(i % 2, false, false, true));
    }
    let e = estimate(&strata, &o, 174).unwrap();
    assert!((e.rate - 5.0 / 6.0).abs() < 1e-12);
    assert_eq!(e.method, IntervalMethod::NoRandomSample);
    assert_eq!((e.lower, e.upper), (0.0, 1.0));
    assert_eq!((e.random_n, e.df), (0, None));
}

/// Issue #10, case 2: one random unit in a stratum adds (N_h u)² (1 − 1/N_h), R's "adjust".
#[test]
fn a_lonely_stratum_adds_variance() {
    let strata = frames(&[40, 20]);
    let o = vec![
        obs(0, false, true, true),
        obs(0, false, true, false),
        obs(0, false, true, true),
        obs(1, false, true, false),
    ];
    let e = estimate(&strata, &o, 60).unwrap();
    let zw = 60.0;
    let r = (40.0 / 3.0 * 2.0) / zw;
    let us: Vec<f64> = [1.0, 0.0, 1.0].iter().map(|y| (y - r) / zw).collect();
    let mean = us.iter().sum::<f64>() / 3.0;
    let s2 = us.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / 2.0;
    let v0 = 40.0 * 40.0 * (1.0 - 3.0 / 40.0) * s2 / 3.0;
    let v1 = (20.0 * (0.0 - r) / zw).powi(2) * (1.0 - 1.0 / 20.0);
    assert_eq!(e.lonely_strata, 1);
    assert!((e.std_err - (v0 + v1).sqrt()).abs() < 1e-12);
    // A stratum of one unit, taken: no variance, not lonely.
    let e = estimate(&frames(&[40, 1]), &o, 41).unwrap();
    assert_eq!(e.lonely_strata, 0);
}

/// Issue #10, case 4: the domain's degrees of freedom count only its own units and strata.
#[test]
fn domain_degrees_of_freedom() {
    let strata = frames(&[100, 100, 100]);
    let mut o = Vec::new();
    for h in 0..3 {
        for i in 0..10 {
            // The domain is stratum 0 and three units of stratum 1.
            let in_domain = h == 0 || (h == 1 && i < 3);
            o.push(obs(h, false, in_domain, i % 4 != 0));
        }
    }
    o.push(obs(2, true, true, false));
    let e = estimate(&strata, &o, 120).unwrap();
    // 13 random domain units in 2 strata; the certainty unit is its own stratum.
    assert_eq!(e.df, Some(11.0));
    assert_eq!(e.n, 14);
}

/// Issue #10, case 3: strata without a checked random unit and unchecked certainty units are
/// the uncovered part of the frame.
#[test]
fn uncovered_strata_and_accounts() {
    let strata = frames(&[100, 50, 7]);
    let o = vec![
        obs(0, false, true, true),
        obs(0, false, true, true),
        obs(1, true, true, true),
    ];
    let u = uncovered(&strata, &[0, 2, 1], &o);
    assert_eq!(u.strata, 2);
    assert_eq!(u.accounts, 50 + 7 + 1 + 1);
}

#[test]
fn wald_is_symmetric_and_clipped() {
    let o: Vec<Obs> = (0..10).map(|i| obs(0, false, true, i != 0)).collect();
    let e = estimate(&frames(&[100]), &o, 100).unwrap();
    let (l, u) = wald(&e);
    assert!((u - e.rate - (e.rate - l)).abs() < 1e-12 || u == 1.0);
    assert!(l >= 0.0 && u <= 1.0);
}
