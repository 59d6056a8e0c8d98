//! Allocation of n over strata, as SAS PROC SURVEYSELECT does it: quotas proportional to a
//! weight, a minimum per stratum, a cap at the stratum's size with the surplus reallocated,
//! and integer sizes by largest remainder that add up exactly to n.

/// Allocate `n` units over strata of sizes `available` in proportion to `weights`.
/// Every stratum gets at least `min(min_per_stratum, available)` and at most `available`.
pub fn allocate(
    available: &[u64],
    weights: &[f64],
    n: u64,
    min_per_stratum: u64,
) -> Result<Vec<u64>, String> {
    let k = available.len();
    let total: u64 = available.iter().sum();
    if n > total {
        return Err(format!(
            "随机抽取部分需要 {n} 个账号,但可供随机抽取的只有 {total} 个"
        ));
    }
    let mins: Vec<u64> = available
        .iter()
        .map(|a| (*a).min(min_per_stratum))
        .collect();
    let min_total: u64 = mins.iter().sum();
    if min_total > n {
        return Err(format!(
            "每层至少 {min_per_stratum} 个共需 {min_total} 个,超过随机抽取部分 {n} 个;请增大 --size 或减小 --min-per-stratum"
        ));
    }
    // Fixed strata (at their min or their cap) and the free ones sharing the rest.
    let mut fixed: Vec<Option<u64>> = vec![None; k];
    for h in 0..k {
        if available[h] == 0 {
            fixed[h] = Some(0);
        }
    }
    let quotas = loop {
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
        break q;
    };
    // Largest remainder; ties go to the earlier stratum.
    let mut sizes: Vec<u64> = quotas.iter().map(|q| (q + 1e-9).floor() as u64).collect();
    for h in 0..k {
        sizes[h] = sizes[h].min(available[h]).max(mins[h]);
    }
    let mut short = n as i64 - sizes.iter().sum::<u64>() as i64;
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|a, b| {
        let ra = quotas[*a] - sizes[*a] as f64;
        let rb = quotas[*b] - sizes[*b] as f64;
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(b))
    });
    while short > 0 {
        let mut progressed = false;
        for &h in &order {
            if short == 0 {
                break;
            }
            if sizes[h] < available[h] && fixed[h].is_none() {
                sizes[h] += 1;
                short -= 1;
                progressed = true;
            }
        }
        if !progressed {
            for &h in &order {
                if short == 0 {
                    break;
                }
                if sizes[h] < available[h] {
                    sizes[h] += 1;
                    short -= 1;
                    progressed = true;
                }
            }
        }
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
    if sizes.iter().sum::<u64>() != n {
        return Err(format!("无法把 {n} 个样本分配到各层(内部错误)"));
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_exactly_and_is_proportional() {
        let avail = [375u64, 1446, 4209];
        let w: Vec<f64> = avail.iter().map(|a| *a as f64).collect();
        let s = allocate(&avail, &w, 219, 1).unwrap();
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
        let s = allocate(&avail, &[1.0, 1.0, 1.0, 1.0], 10, 2).unwrap();
        assert_eq!(s, vec![6, 3, 1, 0]);
        let s = allocate(&[1000, 500], &[1000.0, 500.0], 5, 2).unwrap();
        assert_eq!(s, vec![3, 2]);
        assert!(allocate(&[1000, 500], &[1000.0, 500.0], 3, 2).is_err());
    }

    #[test]
    fn errors() {
        assert!(allocate(&[5, 5], &[1.0, 1.0], 11, 1).is_err());
        assert!(allocate(&[5, 5, 5], &[1.0, 1.0, 1.0], 2, 1).is_err());
        assert_eq!(allocate(&[5, 5], &[1.0, 1.0], 10, 1).unwrap(), vec![5, 5]);
    }
}
