//! Design-weighted pass-rate estimates for a stratified sample (SRSWOR within strata), with
//! finite-population correction, and a 95% interval that stays inside [0,1].
//!
//! Estimator (for a domain D, e.g. 设区市 or 微博): R̂ = Σ w_i y_i / Σ w_i z_i, where z_i = 1 if unit
//! i is in D, y_i = z_i · 1{qualified}, w_i = (N_h − c_h) / m_h for the m_h checked random units
//! of stratum h and 1 for certainty units. Its linearised variance is
//! V̂ = Σ_h (N_h − c_h)² (1 − m_h/(N_h − c_h)) s²_{u,h} / m_h with u_i = (y_i − R̂ z_i)/Ẑ.
//! Certainty units add no variance.
//!
//! Interval: Korn–Graubard (1998), as R's `survey::svyciprop(method = "beta")` computes it. The
//! effective sample size n* = R̂(1−R̂)/V̂ · (t_{n−1}/t_{df})², with n the checked sample and
//! df = n − (strata with checked units); then the Clopper–Pearson interval for x* = n*R̂ successes
//! in n* trials, from Beta quantiles. Where R̂ is 0 or 1 (V̂ = 0) n* is the domain's checked count,
//! so the interval is still sound at both ends. When every unit of the domain was observed (a
//! census) the interval is the point itself.

#[derive(Clone, Debug, PartialEq)]
pub struct Obs {
    /// Stratum index.
    pub stratum: usize,
    pub certainty: bool,
    pub in_domain: bool,
    pub qualified: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StratumFrame {
    /// N_h − c_h: the units the random draw was made from.
    pub random_population: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Checked units in the domain (raw).
    pub n: u64,
    pub qualified: u64,
    /// Estimated number of domain units in the frame (Σ w z).
    pub population: f64,
    pub rate: f64,
    pub std_err: f64,
    pub lower: f64,
    pub upper: f64,
    pub census: bool,
}

/// Weighted estimate of the qualified share in a domain. `None` if the domain has no checked unit.
pub fn estimate(strata: &[StratumFrame], obs: &[Obs]) -> Option<Estimate> {
    let k = strata.len();
    let mut m = vec![0u64; k]; // checked random units per stratum
    for o in obs {
        if !o.certainty && o.stratum < k {
            m[o.stratum] += 1;
        }
    }
    let weight = |o: &Obs| -> f64 {
        if o.certainty {
            1.0
        } else {
            strata[o.stratum].random_population as f64 / m[o.stratum] as f64
        }
    };
    let mut yw = 0.0;
    let mut zw = 0.0;
    let mut n = 0u64;
    let mut q = 0u64;
    for o in obs.iter().filter(|o| o.in_domain && o.stratum < k) {
        let w = weight(o);
        zw += w;
        n += 1;
        if o.qualified {
            yw += w;
            q += 1;
        }
    }
    if n == 0 || zw <= 0.0 {
        return None;
    }
    let r = yw / zw;
    // Linearised variance, stratum by stratum (random units only).
    let mut var = 0.0;
    let mut census = true;
    for h in 0..k {
        let mh = m[h] as f64;
        if m[h] == 0 {
            continue;
        }
        let big = strata[h].random_population as f64;
        let us: Vec<f64> = obs
            .iter()
            .filter(|o| o.stratum == h && !o.certainty)
            .map(|o| {
                let z = if o.in_domain { 1.0 } else { 0.0 };
                let y = if o.in_domain && o.qualified { 1.0 } else { 0.0 };
                (y - r * z) / zw
            })
            .collect();
        let touches = obs
            .iter()
            .any(|o| o.stratum == h && !o.certainty && o.in_domain);
        if touches && m[h] < strata[h].random_population {
            census = false;
        }
        if m[h] < 2 {
            continue;
        }
        let mean = us.iter().sum::<f64>() / mh;
        let s2 = us.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / (mh - 1.0);
        let fpc = (1.0 - mh / big).max(0.0);
        var += big * big * fpc * s2 / mh;
    }
    let se = var.max(0.0).sqrt();
    let total = obs.iter().filter(|o| o.stratum < k).count() as f64;
    let used = (0..k)
        .filter(|h| obs.iter().any(|o| o.stratum == *h))
        .count() as f64;
    let (lower, upper) = if census {
        (r, r)
    } else {
        korn_graubard(r, var, n, total, total - used)
    };
    Some(Estimate {
        n,
        qualified: q,
        population: zw,
        rate: r,
        std_err: se,
        lower,
        upper,
        census,
    })
}

/// Korn–Graubard 95% interval for a proportion `p` with design variance `var`: `n` observations
/// in the domain, `total` in the whole sample, `df` design degrees of freedom.
pub fn korn_graubard(p: f64, var: f64, n: u64, total: f64, df: f64) -> (f64, f64) {
    let n_eff = if var > 1e-15 && p > 0.0 && p < 1.0 {
        let base = p * (1.0 - p) / var;
        if total >= 2.0 && df >= 1.0 {
            base * (t_quantile(0.05, total - 1.0) / t_quantile(0.05, df)).powi(2)
        } else {
            base
        }
    } else {
        n as f64
    };
    clopper_pearson(n_eff * p, n_eff, 0.05)
}

/// The two-sided critical value of Student's t: P(|T| > t) = alpha with `df` degrees of freedom.
pub fn t_quantile(alpha: f64, df: f64) -> f64 {
    // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2), decreasing in t.
    let (mut lo, mut hi) = (0.0f64, 1e4f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if inc_beta(df / 2.0, 0.5, df / (df + mid * mid)) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Clopper–Pearson interval for x successes in n trials (x, n may be non-integer).
pub fn clopper_pearson(x: f64, n: f64, alpha: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (0.0, 1.0);
    }
    let lower = if x <= 0.0 {
        0.0
    } else {
        beta_quantile(alpha / 2.0, x, n - x + 1.0)
    };
    let upper = if x >= n {
        1.0
    } else {
        beta_quantile(1.0 - alpha / 2.0, x + 1.0, n - x)
    };
    (lower, upper)
}

/// Quantile of the Beta(a, b) distribution, by bisection on the regularised incomplete beta.
pub fn beta_quantile(prob: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if inc_beta(a, b, mid) < prob {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn ln_gamma(x: f64) -> f64 {
    // Lanczos approximation (g = 7, n = 9).
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4).
pub fn inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_bt = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let bt = ln_bt.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        bt * beta_cf(a, b, x) / a
    } else {
        1.0 - bt * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..500 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clopper_pearson_known_values() {
        // R: binom.test(5, 20)$conf.int = 0.08657147 0.49104587
        let (l, u) = clopper_pearson(5.0, 20.0, 0.05);
        assert!((l - 0.08657147).abs() < 1e-6, "{l}");
        assert!((u - 0.49104587).abs() < 1e-6, "{u}");
        // 0 of 10: [0, 0.3084971]; 10 of 10: [0.6915029, 1]
        let (l, u) = clopper_pearson(0.0, 10.0, 0.05);
        assert_eq!(l, 0.0);
        assert!((u - 0.3084971).abs() < 1e-6);
        let (l, u) = clopper_pearson(10.0, 10.0, 0.05);
        assert!((l - 0.6915029).abs() < 1e-6);
        assert_eq!(u, 1.0);
    }

    #[test]
    fn t_critical_values() {
        // R: qt(0.975, c(1, 10, 200))
        assert!((t_quantile(0.05, 1.0) - 12.706205).abs() < 1e-5);
        assert!((t_quantile(0.05, 10.0) - 2.228139).abs() < 1e-6);
        assert!((t_quantile(0.05, 200.0) - 1.971896).abs() < 1e-6);
    }

    #[test]
    fn weighted_estimate_by_hand() {
        // Stratum 0: 100 units, 4 checked, 3 qualified → weight 25.
        // Stratum 1: 10 units, 2 checked, 1 qualified → weight 5. Plus one certainty unit, failed.
        let strata = vec![
            StratumFrame {
                random_population: 100,
            },
            StratumFrame {
                random_population: 10,
            },
        ];
        let mut obs = Vec::new();
        for q in [true, true, true, false] {
            obs.push(Obs {
                stratum: 0,
                certainty: false,
                in_domain: true,
                qualified: q,
            });
        }
        for q in [true, false] {
            obs.push(Obs {
                stratum: 1,
                certainty: false,
                in_domain: true,
                qualified: q,
            });
        }
        obs.push(Obs {
            stratum: 1,
            certainty: true,
            in_domain: true,
            qualified: false,
        });
        let e = estimate(&strata, &obs).unwrap();
        // Σw = 100 + 10 + 1 = 111; Σwy = 75 + 5 = 80.
        assert!((e.population - 111.0).abs() < 1e-12);
        assert!((e.rate - 80.0 / 111.0).abs() < 1e-12);
        // Hand variance: u = (y − R)/111 per unit.
        let r = 80.0 / 111.0;
        let v0 = {
            let us: Vec<f64> = [1.0, 1.0, 1.0, 0.0]
                .iter()
                .map(|y| (y - r) / 111.0)
                .collect();
            let m = us.iter().sum::<f64>() / 4.0;
            let s2 = us.iter().map(|u| (u - m).powi(2)).sum::<f64>() / 3.0;
            100.0 * 100.0 * (1.0 - 4.0 / 100.0) * s2 / 4.0
        };
        let v1 = {
            let us: Vec<f64> = [1.0, 0.0].iter().map(|y| (y - r) / 111.0).collect();
            let m = us.iter().sum::<f64>() / 2.0;
            let s2 = us.iter().map(|u| (u - m).powi(2)).sum::<f64>() / 1.0;
            10.0 * 10.0 * (1.0 - 2.0 / 10.0) * s2 / 2.0
        };
        assert!((e.std_err - (v0 + v1).sqrt()).abs() < 1e-12);
        assert!(e.lower < e.rate && e.rate < e.upper);
        assert!(e.lower >= 0.0 && e.upper <= 1.0);
    }

    #[test]
    fn all_pass_and_census() {
        let strata = vec![StratumFrame {
            random_population: 50,
        }];
        let obs: Vec<Obs> = (0..5)
            .map(|_| Obs {
                stratum: 0,
                certainty: false,
                in_domain: true,
                qualified: true,
            })
            .collect();
        let e = estimate(&strata, &obs).unwrap();
        assert_eq!(e.rate, 1.0);
        assert_eq!(e.upper, 1.0);
        assert!(e.lower > 0.4 && e.lower < 1.0);
        let strata = vec![StratumFrame {
            random_population: 5,
        }];
        let e = estimate(&strata, &obs).unwrap();
        assert!(e.census);
        assert_eq!((e.lower, e.upper), (1.0, 1.0));
        assert!(estimate(&strata, &[]).is_none());
    }
}
