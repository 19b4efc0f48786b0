//! Reciprocal rank fusion: each ranked list contributes `1 / (k + rank)` (rank from 1) to
//! every item it holds; items are ordered by the sum. Lists need no comparable scores, which
//! is why BM25 and cosine can be fused this way.

use std::collections::HashMap;
use std::hash::Hash;

/// The constant from Cormack et al. (2009); damps the weight of the very top ranks.
pub const RRF_K: f64 = 60.0;

/// Fuses ranked lists (best first) into one list of `(item, score)`, best first; ties keep
/// the order of first appearance.
pub fn reciprocal_rank_fusion<T: Clone + Eq + Hash>(lists: &[&[T]], k: f64) -> Vec<(T, f64)> {
    let weighted: Vec<(&[T], f64)> = lists.iter().map(|l| (*l, 1.0)).collect();
    weighted_reciprocal_rank_fusion(&weighted, k)
}

/// Reciprocal rank fusion where each list's contributions are multiplied by its weight
/// (weighted RRF): a list known to be less precise still adds what only it finds, and still
/// lifts items both lists hold, without displacing the stronger list's top ranks.
pub fn weighted_reciprocal_rank_fusion<T: Clone + Eq + Hash>(
    lists: &[(&[T], f64)],
    k: f64,
) -> Vec<(T, f64)> {
    let mut scores: HashMap<T, (f64, usize)> = HashMap::new();
    let mut order = 0usize;
    for (list, weight) in lists {
        for (i, item) in list.iter().enumerate() {
            let entry = scores.entry(item.clone()).or_insert_with(|| {
                order += 1;
                (0.0, order)
            });
            entry.0 += weight / (k + (i + 1) as f64);
        }
    }
    let mut fused: Vec<(T, f64, usize)> = scores.into_iter().map(|(t, (s, o))| (t, s, o)).collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
    fused.into_iter().map(|(t, s, _)| (t, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_ranked_well_in_both_lists_beats_one_ranked_first_in_only_one() {
        let keyword = ["a", "b", "c"];
        let semantic = ["d", "b", "a"];
        let fused = reciprocal_rank_fusion(&[&keyword[..], &semantic[..]], RRF_K);
        let ids: Vec<&str> = fused.iter().map(|(t, _)| *t).collect();
        // a: 1/61 + 1/63, b: 1/62 + 1/62, d: 1/61, c: 1/63.
        assert_eq!(ids, vec!["a", "b", "d", "c"]);
        let a = fused[0].1;
        assert!((a - (1.0 / 61.0 + 1.0 / 63.0)).abs() < 1e-12);
    }

    #[test]
    fn a_lighter_list_adds_its_finds_below_the_heavier_lists_top_but_lifts_shared_items() {
        let keyword = ["a", "b", "c"];
        let semantic = ["d", "c"];
        let fused =
            weighted_reciprocal_rank_fusion(&[(&keyword[..], 1.0), (&semantic[..], 0.5)], RRF_K);
        let ids: Vec<&str> = fused.iter().map(|(t, _)| *t).collect();
        // c: 1/63 + 0.5/62, a: 1/61, b: 1/62, d: 0.5/61.
        assert_eq!(ids, vec!["c", "a", "b", "d"]);
        assert!((fused[3].1 - 0.5 / 61.0).abs() < 1e-12);
    }

    #[test]
    fn a_single_list_keeps_its_order_and_empty_lists_fuse_to_nothing() {
        let only = [3, 1, 2];
        let fused = reciprocal_rank_fusion(&[&only[..], &[]], RRF_K);
        assert_eq!(
            fused.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            vec![3, 1, 2]
        );
        assert!(reciprocal_rank_fusion::<u8>(&[&[], &[]], RRF_K).is_empty());
    }
}
