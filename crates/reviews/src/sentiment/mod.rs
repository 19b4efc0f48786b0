//! Sentiment on the device.
//!
//! - [`vader`]: VADER's lexicon and rules, ported from the reference implementation.
//! - [`Method::VaderSalon`]: VADER plus salon-domain rules: words reviews of hair and beauty
//!   services use that the general lexicon lacks ("burnt", "botched", "patchy", "brassy",
//!   "overcharged", "skilled"…) and return-intent phrases ("never again", "won't be back",
//!   "will be back", "highly recommend"), added as extra valences before normalisation.
//! - [`sentences`] splits a review so a mention gets the score of its own sentence.
//!
//! A review's score is the mean compound over its sentences (as VADER's authors advise for
//! paragraphs).

pub mod sentences;
pub mod vader;

pub use vader::{Scores, Vader};

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Which scorer to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// VADER as published.
    Vader,
    /// VADER with the salon-domain words and phrases.
    VaderSalon,
}

/// Domain words absent from VADER's lexicon, on its −4…+4 scale.
pub const SALON_WORDS: &[(&str, f64)] = &[
    ("burn", -2.0),
    ("burned", -2.5),
    ("burnt", -2.5),
    ("botched", -2.8),
    ("butchered", -3.0),
    ("patchy", -1.6),
    ("brassy", -1.5),
    ("uneven", -1.3),
    ("fried", -1.5),
    ("frizzy", -1.0),
    ("overcharged", -2.2),
    ("refund", -1.2),
    ("rushed", -1.4),
    ("skilled", 1.8),
    ("professional", 1.5),
    ("unprofessional", -2.3),
];

/// Phrases that change a review's valence whatever their words score.
pub const SALON_PHRASES: &[(&str, f64)] = &[
    ("never again", -2.5),
    ("never going back", -2.5),
    ("won't be back", -2.5),
    ("will not be back", -2.5),
    ("not coming back", -2.5),
    ("never coming back", -2.5),
    ("will be back", 1.5),
    ("coming back", 1.0),
    ("highly recommend", 1.0),
    ("waste of money", -2.0),
];

fn salon_vader() -> &'static Vader {
    static V: OnceLock<Vader> = OnceLock::new();
    V.get_or_init(|| Vader::with_extra(SALON_WORDS))
}

/// The extra valences `SALON_PHRASES` give `sentence` (a negated "coming back" is counted
/// only by its negative phrase).
fn phrase_valences(sentence: &str) -> Vec<f64> {
    let lower = sentence.to_lowercase().replace('’', "'");
    let mut out = Vec::new();
    let mut negative_hit = false;
    for (phrase, v) in SALON_PHRASES {
        if lower.contains(phrase) {
            if *v > 0.0 && negative_hit {
                continue;
            }
            negative_hit |= *v < 0.0;
            out.push(*v);
        }
    }
    out
}

impl Method {
    /// Compound score of one sentence.
    pub fn sentence_score(self, sentence: &str) -> f64 {
        match self {
            Method::Vader => Vader::shared().polarity_scores(sentence).compound,
            Method::VaderSalon => {
                salon_vader()
                    .polarity_scores_adjusted(sentence, &phrase_valences(sentence))
                    .compound
            }
        }
    }

    /// Compound score of a whole text: the mean over its sentences (0 for no text).
    pub fn text_score(self, text: &str) -> f64 {
        let sents = sentences::split(text);
        if sents.is_empty() {
            return 0.0;
        }
        sents.iter().map(|s| self.sentence_score(s)).sum::<f64>() / sents.len() as f64
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::Vader => "vader",
            Method::VaderSalon => "vader+salon",
        }
    }
}

/// A three-way label from a compound score (VADER's conventional ±0.05 thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    Negative,
    Neutral,
    Positive,
}

impl Polarity {
    pub fn of(compound: f64) -> Polarity {
        if compound >= 0.05 {
            Polarity::Positive
        } else if compound <= -0.05 {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salon_words_are_new_to_vader() {
        for (w, _) in SALON_WORDS {
            if *w != "unprofessional" {
                assert_eq!(Vader::shared().polarity_scores(w).compound, 0.0, "{w}");
            }
        }
    }

    #[test]
    fn salon_rules_read_burns_and_return_intent() {
        let s = "She burnt my scalp.";
        assert_eq!(Method::Vader.sentence_score(s), 0.0);
        assert!(Method::VaderSalon.sentence_score(s) < -0.4);
        assert!(Method::VaderSalon.sentence_score("Never again.") < -0.4);
        assert!(Method::VaderSalon.sentence_score("We will be back.") > 0.3);
        assert!(Method::VaderSalon.sentence_score("I won't be back, not coming back.") < -0.4);
    }

    #[test]
    fn text_score_averages_sentences() {
        let t = "The cut was great. The wait was awful.";
        let a = Method::Vader.sentence_score("The cut was great.");
        let b = Method::Vader.sentence_score("The wait was awful.");
        assert!((Method::Vader.text_score(t) - (a + b) / 2.0).abs() < 1e-12);
        assert_eq!(Method::Vader.text_score("   "), 0.0);
    }

    #[test]
    fn polarity_uses_the_conventional_thresholds() {
        assert_eq!(Polarity::of(0.05), Polarity::Positive);
        assert_eq!(Polarity::of(0.0), Polarity::Neutral);
        assert_eq!(Polarity::of(-0.3), Polarity::Negative);
    }
}
