//! One review through the on-device analysis: sentiment of the whole text and of each
//! sentence that mentions a team member or a service, the customer link, and urgency.
//! Pure: no clock, no I/O.

use crate::alert::{self, Urgency};
use crate::link::{CustomerIndex, Link};
use crate::mentions::{Mention, MentionIndex};
use crate::model::RawReview;
use crate::sentiment::{Method, sentences};
use serde::Serialize;

/// What the analysis needs besides the review: the team, the catalog and the customers.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub mentions: MentionIndex,
    pub customers: CustomerIndex,
}

impl Directory {
    /// Changes when team members, catalog items or customers are added or removed, so a
    /// review analysed before the Square import is analysed again after it.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}/{}/{}",
            self.mentions.team().len(),
            self.mentions.items_len(),
            self.customers.len()
        )
    }
}

/// A mention with the compound score of its sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoredMention {
    #[serde(flatten)]
    pub mention: Mention,
    pub sentiment: f64,
}

/// A review and everything the analysis found in it.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyzedReview {
    pub review: RawReview,
    pub method: Method,
    pub sentiment: f64,
    pub mentions: Vec<ScoredMention>,
    pub customer: Option<Link>,
    pub urgency: Urgency,
    /// [`Directory::fingerprint`] of what the review was matched against.
    pub directory: String,
}

/// Analyses `review` with `method` against `dir`.
pub fn analyze(review: RawReview, dir: &Directory, method: Method) -> AnalyzedReview {
    let sents = sentences::split(&review.text);
    let scores: Vec<f64> = sents.iter().map(|s| method.sentence_score(s)).collect();
    let sentiment = if scores.is_empty() {
        0.0
    } else {
        scores.iter().sum::<f64>() / scores.len() as f64
    };
    let mentions = dir
        .mentions
        .find(&review.text)
        .into_iter()
        .map(|m| ScoredMention {
            sentiment: scores.get(m.sentence).copied().unwrap_or(sentiment),
            mention: m,
        })
        .collect();
    let customer = review
        .author_name
        .as_deref()
        .and_then(|n| dir.customers.link(n));
    let urgency = alert::assess(review.rating, sentiment, &review.text);
    AnalyzedReview {
        review,
        method,
        sentiment,
        mentions,
        customer,
        urgency,
        directory: dir.fingerprint(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::CustomerName;
    use crate::mentions::{ItemName, TeamName};
    use crate::model::SourceKind;
    use chrono::{TimeZone, Utc};

    #[test]
    fn each_mention_gets_the_sentiment_of_its_own_sentence() {
        let dir = Directory {
            mentions: MentionIndex::new(
                vec![
                    TeamName {
                        id: "T1".into(),
                        given_name: "Maria".into(),
                        family_name: "Lopez".into(),
                    },
                    TeamName {
                        id: "T2".into(),
                        given_name: "Dev".into(),
                        family_name: "Shah".into(),
                    },
                ],
                vec![ItemName {
                    id: "I1".into(),
                    name: "Balayage".into(),
                }],
            ),
            customers: CustomerIndex::new(vec![CustomerName {
                id: "C1".into(),
                given_name: "Ann".into(),
                family_name: "Lee".into(),
            }]),
        };
        let review = RawReview {
            source: SourceKind::Google,
            source_id: "r1".into(),
            author_name: Some("Ann Lee".into()),
            rating: Some(2),
            text: "Maria did a wonderful balayage. Dev was rude to my mother.".into(),
            created_at: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            updated_at: None,
            owner_reply: None,
            excerpt: false,
            url: None,
        };
        let a = analyze(review, &dir, Method::VaderSalon);
        let by = |id: &str| {
            a.mentions
                .iter()
                .find(|m| m.mention.target_id == id)
                .unwrap()
                .sentiment
        };
        assert!(by("T1") > 0.3 && by("I1") > 0.3);
        assert!(by("T2") < -0.3);
        assert_eq!(a.customer.unwrap().customer_id, "C1");
        assert!(a.urgency.reason().unwrap().starts_with("rating 2★"));
    }
}
