//! Design-weighted pass-rate estimates for a stratified sample (SRSWOR within strata), with
//! finite-population correction, and a 95% interval that stays inside \[0,1\].
//!
//! Estimator (for a domain D, e.g. 设区市 or 微博): R̂ = Σ w_i y_i / Σ w_i z_i, where z_i = 1 if unit
//! i is in D, y_i = z_i · 1{qualified}, w_i = (N_h − c_h) / m_h for the m_h checked random units
//! of stratum h and 1 for certainty units. Its linearised variance is
//! V̂ = Σ_h (N_h − c_h)² (1 − m_h/(N_h − c_h)) s²_{u,h} / m_h with u_i = (y_i − R̂ z_i)/Ẑ.
//! Certainty units add no variance.
//!
//! **Lonely strata** (one checked random unit, where s² is undefined) follow R's
//! `options(survey.lonely.psu = "adjust")`: the unit is centred at the grand mean of the scores
//! (zero for a ratio) instead of its stratum's mean, so it adds (N_h u_i)² (1 − 1/N_h).
//!
//! **Interval**: Korn–Graubard (1998), as R's `survey::svyciprop(method = "beta")` computes it on a
//! subset: n* = R̂(1−R̂)/V̂ · (t_{n_D−1} / t_{df_D})², with n_D the checked units of the domain and
//! df_D = n_D − H_D, H_D counting the strata with random units in the domain and each certainty
//! unit as a stratum of its own; then the Clopper–Pearson interval for n*R̂ successes in n*
//! trials. One departure from R: n* never exceeds the domain's checked random units (certainty
//! units are known, not sampled); [`Estimate::capped`] says when that bound applied. Where
//! V̂ = 0 (R̂ is 0 or 1) or df_D < 1, n* is that number of random units: the Clopper–Pearson
//! interval of the random units. A domain with no checked random unit gets no estimate at all
//! ([`IntervalMethod::NoRandomSample`]): its certainty units (re-checks of last quarter's
//! failures) are not a sample of the rest of the domain. Only when every frame unit of the
//! domain was checked (a census) is the interval the point itself.

pub mod coverage;
pub mod dist;

pub use dist::{beta_quantile, clopper_pearson, inc_beta, t_quantile};

/// One checked unit of the sample, as the estimator sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Obs {
    /// Stratum index into the `StratumFrame` list.
    pub stratum: usize,
    /// Taken with certainty (必查 or 回头看): weight 1, no variance.
    pub certainty: bool,
    /// The unit belongs to the domain being estimated.
    pub in_domain: bool,
    /// The unit passed the check.
    pub qualified: bool,
}

/// What the estimator needs to know of a stratum of the frame.
#[derive(Clone, Debug, PartialEq)]
pub struct StratumFrame {
    /// N_h − c_h: the units the random draw was made from.
    pub random_population: u64,
}

/// How the interval of an estimate was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalMethod {
    /// Every frame unit of the domain was checked: the rate is known.
    Census,
    /// Korn–Graubard with the design's variance and the domain's degrees of freedom.
    KornGraubard,
    /// No usable design variance (every random unit passed, or every one failed, or df < 1):
    /// Clopper–Pearson on the domain's checked random units.
    ClopperPearson,
    /// The domain's checked units are all certainty units (必查, 回头看): nothing is estimated
    /// for the rest of the domain ("无随机样本，不作推算"); `lower` and `upper` are 0 and 1.
    NoRandomSample,
}

/// A domain's weighted pass rate with its 95% interval.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// Checked units in the domain (raw).
    pub n: u64,
    /// Checked units in the domain that passed (raw).
    pub qualified: u64,
    /// Checked random (non-certainty) units in the domain.
    pub random_n: u64,
    /// Estimated number of domain units in the covered frame (Σ w z).
    pub population: f64,
    /// The weighted pass rate R̂.
    pub rate: f64,
    /// Its linearised standard error (a proportion, not percentage points).
    pub std_err: f64,
    /// Lower bound of the 95% interval.
    pub lower: f64,
    /// Upper bound of the 95% interval.
    pub upper: f64,
    /// Degrees of freedom of the domain (n_D − H_D), when the design variance was used.
    pub df: Option<f64>,
    /// Strata with one checked random unit whose variance used the lonely-unit rule.
    pub lonely_strata: usize,
    /// Korn–Graubard's effective sample size was cut to the domain's random units.
    pub capped: bool,
    /// How the interval was obtained.
    pub method: IntervalMethod,
}

/// Weighted estimate of the qualified share in a domain, whose frame holds `frame_in_domain`
/// units (certainty units included). `None` if the domain has no checked unit.
pub fn estimate(strata: &[StratumFrame], obs: &[Obs], frame_in_domain: u64) -> Option<Estimate> {
    let m = random_checked(strata.len(), obs);
    let weight = |o: &Obs| -> f64 {
        if o.certainty {
            1.0
        } else {
            strata[o.stratum].random_population as f64 / m[o.stratum] as f64
        }
    };
    let domain: Vec<&Obs> = obs
        .iter()
        .filter(|o| o.in_domain && o.stratum < strata.len())
        .collect();
    let zw: f64 = domain.iter().map(|o| weight(o)).sum();
    let yw: f64 = domain
        .iter()
        .filter(|o| o.qualified)
        .map(|o| weight(o))
        .sum();
    let n = domain.len() as u64;
    if n == 0 || zw <= 0.0 {
        return None;
    }
    let rate = yw / zw;
    let (var, lonely_strata) = variance(strata, obs, &m, rate, zw);
    let random_n = domain.iter().filter(|o| !o.certainty).count() as u64;
    let mut e = Estimate {
        n,
        qualified: domain.iter().filter(|o| o.qualified).count() as u64,
        random_n,
        population: zw,
        rate,
        std_err: var.max(0.0).sqrt(),
        lower: rate,
        upper: rate,
        df: None,
        lonely_strata,
        capped: false,
        method: IntervalMethod::Census,
    };
    if n >= frame_in_domain {
        e.std_err = 0.0;
        return Some(e);
    }
    if random_n == 0 {
        // Re-checks are last quarter's failures, not a sample of the domain: no interval.
        e.method = IntervalMethod::NoRandomSample;
        (e.lower, e.upper) = (0.0, 1.0);
        return Some(e);
    }
    let df = domain_df(&domain);
    // Certainty units are known, not sampled: the interval claims no more information than the
    // domain's random units carry.
    let (n_eff, method, capped) = effective_n(rate, var, n, df, random_n as f64);
    e.capped = capped;
    if method == IntervalMethod::KornGraubard {
        e.df = Some(df);
    }
    (e.lower, e.upper) = clopper_pearson(n_eff * rate, n_eff, 0.05);
    e.method = method;
    Some(e)
}

/// m_h: the checked random units of each stratum.
fn random_checked(k: usize, obs: &[Obs]) -> Vec<u64> {
    let mut m = vec![0u64; k];
    for o in obs.iter().filter(|o| !o.certainty && o.stratum < k) {
        m[o.stratum] += 1;
    }
    m
}

/// The linearised variance of R̂ and the number of lonely strata that contributed to it.
fn variance(strata: &[StratumFrame], obs: &[Obs], m: &[u64], rate: f64, zw: f64) -> (f64, usize) {
    let score = |o: &Obs| {
        let z = if o.in_domain { 1.0 } else { 0.0 };
        let y = if o.in_domain && o.qualified { 1.0 } else { 0.0 };
        (y - rate * z) / zw
    };
    let (mut var, mut lonely) = (0.0, 0);
    for (h, frame) in strata.iter().enumerate() {
        let big = frame.random_population as f64;
        let us: Vec<f64> = obs
            .iter()
            .filter(|o| o.stratum == h && !o.certainty)
            .map(score)
            .collect();
        let mh = m[h] as f64;
        let fpc = (1.0 - mh / big).max(0.0);
        if m[h] == 1 {
            // R's "adjust": centred at the grand mean of the scores, which is zero for a ratio.
            if fpc > 0.0 {
                lonely += 1;
                var += (big * us[0]).powi(2) * fpc;
            }
        } else if m[h] >= 2 {
            let mean = us.iter().sum::<f64>() / mh;
            let s2 = us.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / (mh - 1.0);
            var += big * big * fpc * s2 / mh;
        }
    }
    (var, lonely)
}

/// df_D = n_D − H_D: random units of the domain minus the strata they fall in (each certainty
/// unit is a stratum of one and adds nothing), as R's `degf()` counts on a subset.
fn domain_df(domain: &[&Obs]) -> f64 {
    let mut strata: Vec<usize> = domain
        .iter()
        .filter(|o| !o.certainty)
        .map(|o| o.stratum)
        .collect();
    let random = strata.len();
    strata.sort_unstable();
    strata.dedup();
    random as f64 - strata.len() as f64
}

/// Korn–Graubard's effective sample size, never more than the domain's random units (`cap`;
/// the flag says whether it was cut), or that count where the design variance cannot carry an
/// interval.
fn effective_n(rate: f64, var: f64, n: u64, df: f64, cap: f64) -> (f64, IntervalMethod, bool) {
    let usable = var > 1e-15 && rate > 0.0 && rate < 1.0 && df >= 1.0;
    if !usable {
        return (cap, IntervalMethod::ClopperPearson, false);
    }
    let mut n_eff = rate * (1.0 - rate) / var;
    if n >= 2 {
        n_eff *= (t_quantile(0.05, n as f64 - 1.0) / t_quantile(0.05, df)).powi(2);
    }
    (n_eff.min(cap), IntervalMethod::KornGraubard, n_eff > cap)
}

/// The Wald interval R̂ ± 1.96·SE, clipped to [0, 1]: the textbook interval the coverage study
/// compares against.
pub fn wald(e: &Estimate) -> (f64, f64) {
    if e.method == IntervalMethod::Census {
        return (e.rate, e.rate);
    }
    let half = 1.959_963_984_540_054 * e.std_err;
    ((e.rate - half).max(0.0), (e.rate + half).min(1.0))
}

/// The part of the frame no estimate speaks for: strata with random units of which none was
/// checked, and certainty units left unchecked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uncovered {
    /// Strata with a random frame but no checked random unit.
    pub strata: usize,
    /// Frame units in those strata plus unchecked certainty units.
    pub accounts: u64,
}

/// Which part of the frame the checked sample covers. `certainty[h]` is c_h, the certainty
/// units of stratum h in the frame.
pub fn uncovered(strata: &[StratumFrame], certainty: &[u64], obs: &[Obs]) -> Uncovered {
    let m = random_checked(strata.len(), obs);
    let mut u = Uncovered::default();
    for (h, frame) in strata.iter().enumerate() {
        if frame.random_population > 0 && m[h] == 0 {
            u.strata += 1;
            u.accounts += frame.random_population;
        }
        let seen = obs.iter().filter(|o| o.certainty && o.stratum == h).count() as u64;
        u.accounts += certainty.get(h).copied().unwrap_or(0).saturating_sub(seen);
    }
    u
}

#[cfg(test)]
mod tests;
