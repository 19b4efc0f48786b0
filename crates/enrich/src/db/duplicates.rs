//! Likely duplicate customers inside Square itself. Square only catches exact email or phone
//! duplicates; the enrichment matcher (`duplicates_within`) also finds nickname, typo and
//! swapped-name twins, each pair with its score and explanation.

use super::StoredEvidence;
use super::customers::{self, CustomerRow};
use crate::error::Result;
use crate::matching::{self, MatchOptions};
use keeper_store::Store;
use serde::Serialize;

/// Two customers that are probably one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicatePair {
    /// One customer.
    pub a: CustomerRow,
    /// The other.
    pub b: CustomerRow,
    /// Posterior, 0..1.
    pub score: f64,
    /// Given and family names matched crosswise.
    pub swapped_names: bool,
    /// How much each field counted.
    pub explanation: Vec<StoredEvidence>,
    /// One-line explanation.
    pub reasons: String,
}

/// Pairs of customers scoring at least `min_score`, best first.
pub fn customer_duplicates(store: &Store, min_score: f64) -> Result<Vec<DuplicatePair>> {
    let (rows, records) = customers::records(store.conn())?;
    let options = MatchOptions {
        review_above: min_score,
        accept_above: min_score.max(MatchOptions::default().accept_above),
        ..MatchOptions::default()
    };
    Ok(matching::duplicates_within(&records, &options)
        .into_iter()
        .map(|c| DuplicatePair {
            a: rows[c.upload].clone(),
            b: rows[c.target].clone(),
            score: c.score,
            swapped_names: c.swapped_names,
            explanation: StoredEvidence::of(&c),
            reasons: c.reasons(),
        })
        .collect())
}
