//! Urgent reviews: a rating of 2 stars or less, strongly negative sentiment, or words that
//! call for the owner at once (rude, refund, burn, allergic, never again…). The analysis
//! turns `urgent = 1` rows into tasks; the app raises the desktop notification.

use serde::Serialize;

/// Compound sentiment at or below which a review is urgent.
pub const STRONGLY_NEGATIVE: f64 = -0.5;

/// Words and phrases that make a review urgent (matched on whole words, lower case).
pub const URGENT_TERMS: &[&str] = &[
    "rude",
    "refund",
    "burn",
    "burned",
    "burnt",
    "burns",
    "allergic",
    "allergy",
    "reaction",
    "never again",
    "injured",
    "bleeding",
    "infection",
    "lawyer",
    "report you",
];

/// Why a review is urgent (empty: it is not).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Urgency {
    pub reasons: Vec<String>,
}

impl Urgency {
    pub fn is_urgent(&self) -> bool {
        !self.reasons.is_empty()
    }

    /// The `urgent_reason` column: reasons joined by "; ".
    pub fn reason(&self) -> Option<String> {
        self.is_urgent().then(|| self.reasons.join("; "))
    }
}

/// Applies the three rules.
pub fn assess(rating: Option<u8>, sentiment: f64, text: &str) -> Urgency {
    let mut reasons = Vec::new();
    if let Some(r) = rating.filter(|r| *r <= 2) {
        reasons.push(format!("rating {r}★"));
    }
    if sentiment <= STRONGLY_NEGATIVE {
        reasons.push(format!("strongly negative ({sentiment:.2})"));
    }
    let words: Vec<String> = text
        .to_lowercase()
        .replace('’', "'")
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let joined = format!(" {} ", words.join(" "));
    let found: Vec<&str> = URGENT_TERMS
        .iter()
        .copied()
        .filter(|t| joined.contains(&format!(" {t} ")))
        .collect();
    if !found.is_empty() {
        reasons.push(format!("words: {}", found.join(", ")));
    }
    Urgency { reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_ratings_are_urgent() {
        let u = assess(Some(2), 0.3, "It was fine.");
        assert_eq!(u.reason().unwrap(), "rating 2★");
        assert!(!assess(Some(3), 0.3, "It was fine.").is_urgent());
    }

    #[test]
    fn strongly_negative_text_is_urgent_even_with_stars() {
        let u = assess(Some(4), -0.8, "Terrible.");
        assert!(u.reason().unwrap().contains("strongly negative (-0.80)"));
    }

    #[test]
    fn urgent_words_are_found_as_whole_words_and_phrases() {
        let u = assess(Some(5), 0.2, "Lovely, but she burnt my ear. Never again!");
        assert_eq!(u.reasons, vec!["words: burnt, never again"]);
        assert!(!assess(Some(5), 0.5, "Crude jokes aside, superb.").is_urgent());
        assert!(!assess(None, 0.0, "").is_urgent());
    }
}
