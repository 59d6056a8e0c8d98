//! Allocation of n over strata.
//!
//! Proportional and Neyman allocation use Wright's exact optimal allocation (T. Wright, "The
//! Equivalence of Neyman Optimum Allocation for Sampling and Equal Proportions for Apportioning
//! the U.S. House of Representatives", The American Statistician 66(4), 2012, and "Exact optimal
//! sample allocation: More efficient than Neyman", Statistics & Probability Letters 129, 2017):
//! every stratum starts at its lower bound, and each further unit goes to the stratum with the
//! largest priority value N_h S_h / √(n_h (n_h + 1)) among those below their upper bound. The
//! result is the integer allocation that minimises Σ N_h² S_h² / n_h (and so the stratified
//! variance) subject to the bounds, with no rounding step. Ties go to the earlier stratum.
//!
//! Equal allocation keeps the SAS PROC SURVEYSELECT scheme: quotas, a minimum, a cap with the
//! surplus reallocated, and integer sizes by largest remainder.

/// Why n cannot be allocated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// More units asked for than the strata hold.
    #[error("随机抽取部分需要 {size} 个账号,但可供随机抽取的只有 {frame} 个")]
    SizeExceedsFrame {
        /// Units to allocate.
        size: u64,
        /// Units available over all strata.
        frame: u64,
    },
    /// The per-stratum minimums alone need more than n.
    #[error("每层至少 {min} 个共需 {total} 个,超过随机抽取部分 {size} 个;请增大 --size 或减小 --min-per-stratum")]
    MinimumsExceedSize {
        /// The minimum per stratum asked for.
        min: u64,
        /// What the minimums add up to.
        total: u64,
        /// Units to allocate.
        size: u64,
    },
    /// The per-region minimums (with the per-stratum ones) need more than n.
    #[error("每个地区至少 {min} 个样本(必查计入)加上每层最少的随机样本,共需随机抽取 {total} 个,超过随机抽取部分 {size} 个;请增大 --size 或减小 --min-per-region")]
    RegionMinimumsExceedSize {
        /// The minimum per region asked for.
        min: u64,
        /// The random draws the minimums need.
        total: u64,
        /// Units to allocate.
        size: u64,
    },
}

/// Lower bounds min(min_per_stratum, available), checked against n and the frame.
fn bounds(available: &[u64], n: u64, min_per_stratum: u64) -> Result<Vec<u64>, AllocationError> {
    check_size(available, n)?;
    let mins: Vec<u64> = available
        .iter()
        .map(|a| (*a).min(min_per_stratum))
        .collect();
    let total: u64 = mins.iter().sum();
    if total > n {
        return Err(AllocationError::MinimumsExceedSize {
            min: min_per_stratum,
            total,
            size: n,
        });
    }
    Ok(mins)
}

/// n is no more than the strata hold.
fn check_size(available: &[u64], n: u64) -> Result<(), AllocationError> {
    let frame: u64 = available.iter().sum();
    if n > frame {
        return Err(AllocationError::SizeExceedsFrame { size: n, frame });
    }
    Ok(())
}

/// Wright's priority of giving stratum `h` (weight N_h S_h) its next unit when it has `nh`:
/// N_h S_h / √(n_h (n_h + 1)); infinite for a stratum with spread and no unit yet, so every
/// such stratum gets its first unit before any gets a second.
pub fn priority(weight: f64, nh: u64) -> f64 {
    let w = weight.max(0.0);
    if nh == 0 {
        if w > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        w / ((nh as f64) * (nh as f64 + 1.0)).sqrt()
    }
}

/// Of the strata `among` below their size, the one whose next unit has the highest priority
/// (ties: among first units the larger weight, else the earlier stratum).
pub fn best_stratum(
    among: impl IntoIterator<Item = usize>,
    sizes: &[u64],
    available: &[u64],
    weights: &[f64],
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for h in among.into_iter().filter(|h| sizes[*h] < available[*h]) {
        let p = priority(weights[h], sizes[h]);
        let better = match best {
            None => true,
            Some((b, bp)) => p > bp || (p == bp && p.is_infinite() && weights[h] > weights[b]),
        };
        if better {
            best = Some((h, p));
        }
    }
    best.map(|(h, _)| h)
}

/// Wright's exact optimal allocation of `n` units: `weights[h]` is N_h S_h (the stratum's size
/// times its standard deviation), `available[h]` the upper bound, and every stratum gets at least
/// `min(min_per_stratum, available[h])`.
///
/// ```
/// use audit::domain::sampling::allocate::exact_optimal;
/// // Equal S_h: proportional to size, in whole units, summing to n.
/// assert_eq!(exact_optimal(&[100, 300], &[100.0, 300.0], 8, 1).unwrap(), vec![2, 6]);
/// ```
pub fn exact_optimal(
    available: &[u64],
    weights: &[f64],
    n: u64,
    min_per_stratum: u64,
) -> Result<Vec<u64>, AllocationError> {
    let sizes = bounds(available, n, min_per_stratum)?;
    Ok(exact_optimal_from(available, weights, n, sizes))
}

/// Wright's exact optimal allocation of `n` units from the lower bounds `lower` (each at most
/// its stratum's size, together at most `n`): each further unit goes to the stratum with the
/// highest [`priority`].
pub fn exact_optimal_from(available: &[u64], weights: &[f64], n: u64, lower: Vec<u64>) -> Vec<u64> {
    let mut sizes = lower;
    let mut left = n.saturating_sub(sizes.iter().sum::<u64>());
    while left > 0 {
        let Some(h) = best_stratum(0..sizes.len(), &sizes, available, weights) else {
            break;
        };
        sizes[h] += 1;
        left -= 1;
    }
    sizes
}

/// The lower bounds of the random draws when every region must have at least `min_region`
/// sampled accounts (its certainty units count) and every group of strata at least
/// `min_per_group` random draws (as far as their units allow). `region[h]` and `group[h]` number
/// the region and the group of stratum h; `certainty[h]` is its certainty units. A unit a
/// region needs goes, by Wright's priority, to one of its strata whose group is still short of
/// its minimum when there is one (so one unit serves both minimums), else to any of its strata;
/// then the groups still short get theirs. The bounds are where the optimal allocation would
/// put its first units, and the regions are served in stratum order.
pub fn region_bounds(
    available: &[u64],
    weights: &[f64],
    certainty: &[u64],
    (region, min_region): (&[usize], u64),
    (group, min_per_group): (&[usize], u64),
) -> Vec<u64> {
    let k = available.len();
    let groups = group.iter().copied().max().map_or(0, |g| g + 1);
    let mut need = vec![0u64; groups];
    for (h, g) in group.iter().enumerate() {
        need[*g] += available[h];
    }
    for n in &mut need {
        *n = (*n).min(min_per_group);
    }
    let mut lower = vec![0u64; k];
    let mut given = vec![0u64; groups];
    for r in 0..region.iter().copied().max().map_or(0, |r| r + 1) {
        let members: Vec<usize> = (0..k).filter(|h| region[*h] == r).collect();
        let certain: u64 = members.iter().map(|h| certainty[*h]).sum();
        let room: u64 = members.iter().map(|h| available[*h]).sum();
        let mut have = certain;
        while have < min_region.min(certain + room) {
            let short = members
                .iter()
                .copied()
                .filter(|h| given[group[*h]] < need[group[*h]]);
            let Some(h) = best_stratum(short, &lower, available, weights)
                .or_else(|| best_stratum(members.iter().copied(), &lower, available, weights))
            else {
                break;
            };
            lower[h] += 1;
            given[group[h]] += 1;
            have += 1;
        }
    }
    for g in 0..groups {
        let members: Vec<usize> = (0..k).filter(|h| group[*h] == g).collect();
        while given[g] < need[g] {
            let Some(h) = best_stratum(members.iter().copied(), &lower, available, weights) else {
                break;
            };
            lower[h] += 1;
            given[g] += 1;
        }
    }
    lower
}

/// [`region_bounds`] checked against n: the error names the minimum per region.
pub fn checked_region_bounds(
    available: &[u64],
    n: u64,
    min_region: u64,
    lower: Vec<u64>,
) -> Result<Vec<u64>, AllocationError> {
    check_size(available, n)?;
    let total: u64 = lower.iter().sum();
    if total > n {
        return Err(AllocationError::RegionMinimumsExceedSize {
            min: min_region,
            total,
            size: n,
        });
    }
    Ok(lower)
}

/// Allocate `n` units over strata of sizes `available` in proportion to `weights`, by largest
/// remainder. Every stratum gets at least `min(min_per_stratum, available)` and at most
/// `available`.
pub fn largest_remainder(
    available: &[u64],
    weights: &[f64],
    n: u64,
    min_per_stratum: u64,
) -> Result<Vec<u64>, AllocationError> {
    let mins = bounds(available, n, min_per_stratum)?;
    Ok(largest_remainder_from(available, weights, n, &mins))
}

/// Largest-remainder allocation of `n` units within the lower bounds `mins` (each at most its
/// stratum's size, together at most `n`) and the strata's sizes.
pub fn largest_remainder_from(
    available: &[u64],
    weights: &[f64],
    n: u64,
    mins: &[u64],
) -> Vec<u64> {
    let mins = mins.to_vec();
    let Quotas { quotas, fixed } = quotas(available, weights, n, &mins);
    // Largest remainder; ties go to the earlier stratum.
    let mut sizes: Vec<u64> = quotas.iter().map(|q| (q + 1e-9).floor() as u64).collect();
    for h in 0..available.len() {
        sizes[h] = sizes[h].min(available[h]).max(mins[h]);
    }
    let mut short = n as i64 - sizes.iter().sum::<u64>() as i64;
    let order = remainder_order(&quotas, &sizes);
    while short > 0 {
        // Free strata take the extra units first; fixed ones only when no free one can.
        let progressed = add_round(&order, &mut sizes, available, &mut short, |h| {
            fixed[h].is_none()
        }) || add_round(&order, &mut sizes, available, &mut short, |_| true);
        if !progressed {
            break;
        }
    }
    while short < 0 {
        let mut progressed = false;
        for &h in order.iter().rev() {
            if short == 0 {
                break;
            }
            if sizes[h] > mins[h] {
                sizes[h] -= 1;
                short += 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    debug_assert_eq!(sizes.iter().sum::<u64>(), n, "the bounds were checked");
    sizes
}

/// The exact (fractional) quota of each stratum, and which strata ended up pinned at their
/// minimum or their cap while the quotas were shared out.
struct Quotas {
    /// Per stratum, its share of `n`; a pinned stratum's is its pinned size.
    quotas: Vec<f64>,
    /// Per stratum, `Some(size)` when pinned (empty, at its cap or at its minimum).
    fixed: Vec<Option<u64>>,
}

/// Shares `n` among the strata by weight, pinning strata whose share exceeds their
/// population or falls below their minimum and re-sharing the rest until none does.
fn quotas(available: &[u64], weights: &[f64], n: u64, mins: &[u64]) -> Quotas {
    let k = available.len();
    // Fixed strata (at their min or their cap) and the free ones sharing the rest.
    let mut fixed: Vec<Option<u64>> = vec![None; k];
    for h in 0..k {
        if available[h] == 0 {
            fixed[h] = Some(0);
        }
    }
    loop {
        let fixed_sum: u64 = fixed.iter().flatten().sum();
        let rest = n.saturating_sub(fixed_sum) as f64;
        let free: Vec<usize> = (0..k).filter(|h| fixed[*h].is_none()).collect();
        let wsum: f64 = free.iter().map(|h| weights[*h].max(0.0)).sum();
        let mut q = vec![0.0; k];
        for &h in &free {
            q[h] = if wsum > 0.0 {
                rest * weights[h].max(0.0) / wsum
            } else {
                rest / free.len() as f64
            };
        }
        // Fix caps first (their surplus goes to the others), then minimums.
        let over: Vec<usize> = free
            .iter()
            .copied()
            .filter(|h| q[*h] > available[*h] as f64)
            .collect();
        if !over.is_empty() {
            for h in over {
                fixed[h] = Some(available[h]);
            }
            continue;
        }
        let under: Vec<usize> = free
            .iter()
            .copied()
            .filter(|h| q[*h] < mins[*h] as f64)
            .collect();
        if !under.is_empty() {
            for h in under {
                fixed[h] = Some(mins[h]);
            }
            continue;
        }
        for h in 0..k {
            if let Some(f) = fixed[h] {
                q[h] = f as f64;
            }
        }
        return Quotas { quotas: q, fixed };
    }
}

/// Strata by descending remainder (quota minus rounded size); ties go to the earlier stratum.
fn remainder_order(quotas: &[f64], sizes: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..quotas.len()).collect();
    order.sort_by(|a, b| {
        let ra = quotas[*a] - sizes[*a] as f64;
        let rb = quotas[*b] - sizes[*b] as f64;
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(b))
    });
    order
}

/// One pass down `order` giving a unit to each stratum `eligible` and below its population,
/// until `short` is 0; whether any stratum took one.
fn add_round(
    order: &[usize],
    sizes: &mut [u64],
    available: &[u64],
    short: &mut i64,
    eligible: impl Fn(usize) -> bool,
) -> bool {
    let mut progressed = false;
    for &h in order {
        if *short == 0 {
            break;
        }
        if sizes[h] < available[h] && eligible(h) {
            sizes[h] += 1;
            *short -= 1;
            progressed = true;
        }
    }
    progressed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_exactly_and_is_proportional() {
        let avail = [375u64, 1446, 4209];
        let w: Vec<f64> = avail.iter().map(|a| *a as f64).collect();
        let s = largest_remainder(&avail, &w, 219, 1).unwrap();
        assert_eq!(s.iter().sum::<u64>(), 219);
        for (h, a) in avail.iter().enumerate() {
            let q = 219.0 * *a as f64 / 6030.0;
            assert!((s[h] as f64 - q).abs() < 1.0, "{s:?}");
        }
    }

    #[test]
    fn min_and_cap_with_reallocation() {
        // A tiny stratum gets its minimum; a small one is capped at its size (taken whole).
        let avail = [1000u64, 3, 1, 0];
        let s = largest_remainder(&avail, &[1.0, 1.0, 1.0, 1.0], 10, 2).unwrap();
        assert_eq!(s, vec![6, 3, 1, 0]);
        let s = largest_remainder(&[1000, 500], &[1000.0, 500.0], 5, 2).unwrap();
        assert_eq!(s, vec![3, 2]);
        assert!(largest_remainder(&[1000, 500], &[1000.0, 500.0], 3, 2).is_err());
    }

    #[test]
    fn errors() {
        assert!(largest_remainder(&[5, 5], &[1.0, 1.0], 11, 1).is_err());
        assert!(largest_remainder(&[5, 5, 5], &[1.0, 1.0, 1.0], 2, 1).is_err());
        assert_eq!(
            largest_remainder(&[5, 5], &[1.0, 1.0], 10, 1).unwrap(),
            vec![5, 5]
        );
    }

    /// Issue #10, case 6: A = 10 units with p = .5, B = 20 with p at the .05 floor, and ten
    /// strata of 5 held at their size by a minimum of 5. The constrained optimum of
    /// Σ N_h² S_h² / n_h is (6, 6) at n = 62 and (7, 7) at n = 64; capping first gave (7, 5) and
    /// (9, 5).
    #[test]
    fn exact_optimal_frees_capped_strata() {
        let sd = |p: f64| (p * (1.0f64 - p)).sqrt();
        let mut avail = vec![10u64, 20];
        let mut w = vec![10.0 * sd(0.5), 20.0 * sd(0.05)];
        for _ in 0..10 {
            avail.push(5);
            w.push(5.0 * sd(0.3));
        }
        let s = exact_optimal(&avail, &w, 62, 5).unwrap();
        assert_eq!((s[0], s[1]), (6, 6), "{s:?}");
        assert!(s[2..].iter().all(|n| *n == 5));
        let s = exact_optimal(&avail, &w, 64, 5).unwrap();
        assert_eq!((s[0], s[1]), (7, 7), "{s:?}");
        // No integer allocation within the bounds has a smaller Σ w²/n.
        let cost = |a: u64, b: u64| w[0].powi(2) / a as f64 + w[1].powi(2) / b as f64;
        for a in 5..=10 {
            let b = 14 - a;
            if (5..=20).contains(&b) {
                assert!(cost(7, 7) <= cost(a, b) + 1e-12);
            }
        }
    }

    #[test]
    fn exact_optimal_respects_bounds_and_sums() {
        let avail = [375u64, 1446, 4209, 1, 0];
        let w: Vec<f64> = avail.iter().map(|a| *a as f64).collect();
        let s = exact_optimal(&avail, &w, 219, 2).unwrap();
        assert_eq!(s.iter().sum::<u64>(), 219);
        assert_eq!((s[3], s[4]), (1, 0));
        for (h, a) in avail.iter().take(3).enumerate() {
            let q = 218.0 * *a as f64 / 6030.0;
            assert!((s[h] as f64 - q).abs() < 1.5, "{s:?}");
        }
        assert_eq!(
            exact_optimal(&[5, 5], &[1.0, 1.0], 11, 1),
            Err(AllocationError::SizeExceedsFrame {
                size: 11,
                frame: 10
            })
        );
        assert!(matches!(
            exact_optimal(&[5, 5, 5], &[1.0, 1.0, 1.0], 5, 2),
            Err(AllocationError::MinimumsExceedSize { total: 6, .. })
        ));
    }

    /// Issue #20, case 9: two strata (微信, 微博) crossed with three regions; region C is small
    /// and would get nothing by priority alone. Each region gets its minimum, certainty units
    /// counted, and one unit serves both a region's and a stratum's minimum where it can.
    #[test]
    fn region_minimums_are_lower_bounds() {
        // Strata: 微信/A, 微信/B, 微信/C, 微博/A, 微博/B, 微博/C.
        let available = [400u64, 300, 4, 100, 80, 1];
        let weights: Vec<f64> = available.iter().map(|a| *a as f64).collect();
        let region = [0usize, 1, 2, 0, 1, 2];
        let group = [0usize, 0, 0, 1, 1, 1];
        let certainty = [0u64, 0, 1, 0, 0, 0];
        let lower = region_bounds(&available, &weights, &certainty, (&region, 3), (&group, 2));
        let per_region = |r: usize| -> u64 {
            (0..6)
                .filter(|h| region[*h] == r)
                .map(|h| lower[h] + certainty[h])
                .sum()
        };
        assert!((0..3).all(|r| per_region(r) >= 3), "{lower:?}");
        assert!(lower[0] + lower[1] + lower[2] >= 2 && lower[3] + lower[4] + lower[5] >= 2);
        // Region C has one certainty unit: two more, and its 微博 stratum holds one.
        assert_eq!(lower[2] + lower[5], 2, "{lower:?}");
        assert_eq!(lower.iter().sum::<u64>(), 8, "{lower:?}");
        let sizes = exact_optimal_from(&available, &weights, 30, lower.clone());
        assert_eq!(sizes.iter().sum::<u64>(), 30);
        assert!(sizes.iter().zip(&lower).all(|(s, l)| s >= l));
        assert_eq!(
            checked_region_bounds(&available, 7, 3, lower),
            Err(AllocationError::RegionMinimumsExceedSize {
                min: 3,
                total: 8,
                size: 7
            })
        );
    }
}
