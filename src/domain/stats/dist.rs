//! The distributions behind the intervals: Student's t and Beta quantiles from the regularised
//! incomplete beta, and the Clopper–Pearson interval. Pinned by tests against R's values.

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
}
