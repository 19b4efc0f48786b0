//! VADER (Hutto & Gilbert 2014, "VADER: A Parsimonious Rule-based Model for Sentiment
//! Analysis of Social Media Text", ICWSM-14), ported rule for rule from the reference
//! implementation `vaderSentiment` 3.3.2 (MIT; the lexicon files and their licence notice
//! sit next to this module in `lexicon/`).
//!
//! Rules: the valence lexicon, emoji descriptions, booster and dampener words (with
//! distance decay), ALL-CAPS emphasis when only some words are capitalised, negation in the
//! three preceding words (and "n't"), "no" before a lexicon word, "least", "never so/this",
//! "without doubt", special-case idioms, the contrastive "but" (earlier words ×0.5, later
//! words ×1.5), and "!"/"?" emphasis; the sum is normalised to a compound score in [-1, 1].
//! Even the reference's quirks are kept (for instance, the "but" rule looks a score up by
//! value) so that compound scores agree with the Python package.

use std::collections::HashMap;
use std::sync::OnceLock;

const B_INCR: f64 = 0.293;
const B_DECR: f64 = -0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOST_UP: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

const BOOST_DOWN: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "just enough",
    "kind of",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sort of",
    "sorta",
    "sortof",
    "sort-of",
];

const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

/// The four VADER scores of a text.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    pub neg: f64,
    pub neu: f64,
    pub pos: f64,
    /// Normalised sum of valences, in [-1, 1].
    pub compound: f64,
}

/// The lexicons of a VADER analyser.
#[derive(Debug, Clone)]
pub struct Vader {
    lexicon: HashMap<String, f64>,
    emojis: HashMap<char, String>,
    boosters: HashMap<&'static str, f64>,
}

const LEXICON: &str = include_str!("lexicon/vader_lexicon.txt");
const EMOJI_LEXICON: &str = include_str!("lexicon/emoji_utf8_lexicon.txt");

impl Vader {
    /// The analyser with VADER's own lexicon (built once per process).
    pub fn shared() -> &'static Vader {
        static V: OnceLock<Vader> = OnceLock::new();
        V.get_or_init(|| Vader::with_extra(&[]))
    }

    /// VADER's lexicon plus (or overridden by) `extra` word valences.
    pub fn with_extra(extra: &[(&str, f64)]) -> Vader {
        let mut lexicon = HashMap::with_capacity(7600);
        for line in LEXICON.lines() {
            let mut fields = line.trim().split('\t');
            if let (Some(word), Some(score)) = (fields.next(), fields.next())
                && let Ok(v) = score.parse::<f64>()
            {
                lexicon.insert(word.to_owned(), v);
            }
        }
        for (w, v) in extra {
            lexicon.insert((*w).to_owned(), *v);
        }
        let mut emojis = HashMap::new();
        for line in EMOJI_LEXICON.lines() {
            let mut fields = line.trim().split('\t');
            if let (Some(e), Some(desc)) = (fields.next(), fields.next()) {
                let mut chars = e.chars();
                // Only one-character keys can match the reference's per-character scan.
                if let (Some(c), None) = (chars.next(), chars.next()) {
                    emojis.insert(c, desc.to_owned());
                }
            }
        }
        let boosters = BOOST_UP
            .iter()
            .map(|w| (*w, B_INCR))
            .chain(BOOST_DOWN.iter().map(|w| (*w, B_DECR)))
            .collect();
        Vader {
            lexicon,
            emojis,
            boosters,
        }
    }

    /// Number of words in the lexicon.
    pub fn lexicon_len(&self) -> usize {
        self.lexicon.len()
    }

    /// VADER's scores of `text` (best on one sentence).
    pub fn polarity_scores(&self, text: &str) -> Scores {
        self.polarity_scores_adjusted(text, &[])
    }

    /// VADER's scores with `extra` valences (domain rules) added to the words' valences
    /// before the punctuation emphasis and normalisation.
    pub fn polarity_scores_adjusted(&self, text: &str, extra: &[f64]) -> Scores {
        let text = self.replace_emojis(text);
        let text = text.trim();
        let words: Vec<&str> = text.split_whitespace().map(strip_punc_if_word).collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let cap_diff = allcap_differential(&words);
        let mut sentiments: Vec<f64> = Vec::with_capacity(words.len());
        for i in 0..words.len() {
            if self.boosters.contains_key(lower[i].as_str()) {
                sentiments.push(0.0);
                continue;
            }
            if i + 1 < words.len() && lower[i] == "kind" && lower[i + 1] == "of" {
                sentiments.push(0.0);
                continue;
            }
            sentiments.push(self.sentiment_valence(&words, &lower, cap_diff, i));
        }
        but_check(&lower, &mut sentiments);
        sentiments.extend_from_slice(extra);
        score_valence(&sentiments, text)
    }

    fn replace_emojis(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut prev_space = true;
        for c in text.chars() {
            if let Some(desc) = self.emojis.get(&c) {
                if !prev_space {
                    out.push(' ');
                }
                out.push_str(desc);
                prev_space = false;
            } else {
                out.push(c);
                prev_space = c == ' ';
            }
        }
        out
    }

    fn in_lex(&self, w: &str) -> bool {
        self.lexicon.contains_key(w)
    }

    fn sentiment_valence(&self, words: &[&str], lower: &[String], cap_diff: bool, i: usize) -> f64 {
        let item = words[i];
        let Some(&base) = self.lexicon.get(lower[i].as_str()) else {
            return 0.0;
        };
        let mut valence = base;
        if lower[i] == "no" && i != words.len() - 1 && self.in_lex(&lower[i + 1]) {
            valence = 0.0;
        }
        if (i > 0 && lower[i - 1] == "no")
            || (i > 1 && lower[i - 2] == "no")
            || (i > 2 && lower[i - 3] == "no" && (lower[i - 1] == "or" || lower[i - 1] == "nor"))
        {
            valence = base * N_SCALAR;
        }
        if is_upper(item) && cap_diff {
            if valence > 0.0 {
                valence += C_INCR;
            } else {
                valence -= C_INCR;
            }
        }
        for start_i in 0..3 {
            if i > start_i && !self.in_lex(&lower[i - (start_i + 1)]) {
                let mut s = self.scalar_inc_dec(words[i - (start_i + 1)], valence, cap_diff);
                if start_i == 1 && s != 0.0 {
                    s *= 0.95;
                }
                if start_i == 2 && s != 0.0 {
                    s *= 0.9;
                }
                valence += s;
                valence = negation_check(valence, lower, start_i, i);
                if start_i == 2 {
                    valence = self.special_idioms_check(valence, lower, i);
                }
            }
        }
        self.least_check(valence, lower, i)
    }

    fn scalar_inc_dec(&self, word: &str, valence: f64, cap_diff: bool) -> f64 {
        let Some(&b) = self.boosters.get(word.to_lowercase().as_str()) else {
            return 0.0;
        };
        let mut scalar = if valence < 0.0 { -b } else { b };
        if is_upper(word) && cap_diff {
            if valence > 0.0 {
                scalar += C_INCR;
            } else {
                scalar -= C_INCR;
            }
        }
        scalar
    }

    fn least_check(&self, valence: f64, lower: &[String], i: usize) -> f64 {
        if i > 1 && !self.in_lex(&lower[i - 1]) && lower[i - 1] == "least" {
            if lower[i - 2] != "at" && lower[i - 2] != "very" {
                return valence * N_SCALAR;
            }
        } else if i > 0 && !self.in_lex(&lower[i - 1]) && lower[i - 1] == "least" {
            return valence * N_SCALAR;
        }
        valence
    }

    fn special_idioms_check(&self, mut valence: f64, lower: &[String], i: usize) -> f64 {
        let onezero = format!("{} {}", lower[i - 1], lower[i]);
        let twoonezero = format!("{} {} {}", lower[i - 2], lower[i - 1], lower[i]);
        let twoone = format!("{} {}", lower[i - 2], lower[i - 1]);
        let threetwoone = format!("{} {} {}", lower[i - 3], lower[i - 2], lower[i - 1]);
        let threetwo = format!("{} {}", lower[i - 3], lower[i - 2]);
        for seq in [&onezero, &twoonezero, &twoone, &threetwoone, &threetwo] {
            if let Some(v) = special_case(seq) {
                valence = v;
                break;
            }
        }
        if lower.len() - 1 > i
            && let Some(v) = special_case(&format!("{} {}", lower[i], lower[i + 1]))
        {
            valence = v;
        }
        if lower.len() - 1 > i + 1
            && let Some(v) =
                special_case(&format!("{} {} {}", lower[i], lower[i + 1], lower[i + 2]))
        {
            valence = v;
        }
        for n_gram in [&threetwoone, &threetwo, &twoone] {
            if let Some(b) = self.boosters.get(n_gram.as_str()) {
                valence += b;
            }
        }
        valence
    }
}

fn special_case(seq: &str) -> Option<f64> {
    SPECIAL_CASES
        .iter()
        .find(|(k, _)| *k == seq)
        .map(|(_, v)| *v)
}

/// Python's `str.isupper()`: at least one cased character and no lower-case one.
fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// Leading and trailing ASCII punctuation removed, unless that leaves two characters or
/// fewer (then it was probably an emoticon such as ":)").
fn strip_punc_if_word(token: &str) -> &str {
    let stripped = token.trim_matches(|c: char| c.is_ascii_punctuation());
    if stripped.chars().count() <= 2 {
        token
    } else {
        stripped
    }
}

fn allcap_differential(words: &[&str]) -> bool {
    let caps = words.iter().filter(|w| is_upper(w)).count();
    let diff = words.len() - caps;
    diff > 0 && diff < words.len()
}

fn negated(word: &str) -> bool {
    NEGATE.contains(&word) || word.contains("n't")
}

fn negation_check(mut valence: f64, lower: &[String], start_i: usize, i: usize) -> f64 {
    match start_i {
        0 => {
            if negated(&lower[i - 1]) {
                valence *= N_SCALAR;
            }
        }
        1 => {
            if lower[i - 2] == "never" && (lower[i - 1] == "so" || lower[i - 1] == "this") {
                valence *= 1.25;
            } else if lower[i - 2] == "without" && lower[i - 1] == "doubt" {
            } else if negated(&lower[i - 2]) {
                valence *= N_SCALAR;
            }
        }
        _ => {
            if (lower[i - 3] == "never" && (lower[i - 2] == "so" || lower[i - 2] == "this"))
                || (lower[i - 1] == "so" || lower[i - 1] == "this")
            {
                valence *= 1.25;
            } else if lower[i - 3] == "without"
                && (lower[i - 2] == "doubt" || lower[i - 1] == "doubt")
            {
            } else if negated(&lower[i - 3]) {
                valence *= N_SCALAR;
            }
        }
    }
    valence
}

/// The contrastive "but": scores before it are halved, after it ×1.5. Like the reference,
/// each score is located by value (its first equal), which matters only for repeated values.
fn but_check(lower: &[String], sentiments: &mut [f64]) {
    let Some(bi) = lower.iter().position(|w| w == "but") else {
        return;
    };
    for pos in 0..sentiments.len() {
        let s = sentiments[pos];
        let si = sentiments.iter().position(|x| *x == s).unwrap_or(pos);
        if si < bi {
            sentiments[si] = s * 0.5;
        } else if si > bi {
            sentiments[si] = s * 1.5;
        }
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    let ep = text.matches('!').count().min(4) as f64 * 0.292;
    let qm_count = text.matches('?').count();
    let qm = if qm_count > 1 {
        if qm_count <= 3 {
            qm_count as f64 * 0.18
        } else {
            0.96
        }
    } else {
        0.0
    };
    ep + qm
}

/// `score / sqrt(score² + 15)`, clamped to [-1, 1].
fn normalize(score: f64) -> f64 {
    (score / (score * score + 15.0).sqrt()).clamp(-1.0, 1.0)
}

fn score_valence(sentiments: &[f64], text: &str) -> Scores {
    if sentiments.is_empty() {
        return Scores {
            neg: 0.0,
            neu: 0.0,
            pos: 0.0,
            compound: 0.0,
        };
    }
    let mut sum: f64 = sentiments.iter().sum();
    let amp = punctuation_emphasis(text);
    if sum > 0.0 {
        sum += amp;
    } else if sum < 0.0 {
        sum -= amp;
    }
    let compound = normalize(sum);
    let mut pos_sum = 0.0;
    let mut neg_sum = 0.0;
    let mut neu = 0usize;
    for &s in sentiments {
        if s > 0.0 {
            pos_sum += s + 1.0;
        }
        if s < 0.0 {
            neg_sum += s - 1.0;
        }
        if s == 0.0 {
            neu += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += amp;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= amp;
    }
    let total = pos_sum + neg_sum.abs() + neu as f64;
    Scores {
        neg: (neg_sum / total).abs(),
        neu: (neu as f64 / total).abs(),
        pos: (pos_sum / total).abs(),
        compound,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(text: &str) -> f64 {
        Vader::shared().polarity_scores(text).compound
    }

    #[test]
    fn lexicon_loads_every_entry() {
        assert!(Vader::shared().lexicon_len() > 7_400);
    }

    #[test]
    fn reference_examples_score_as_the_paper_reports() {
        // Values printed by vaderSentiment 3.3.2 for its own examples.
        assert!((c("VADER is smart, handsome, and funny.") - 0.8316).abs() < 1e-3);
        assert!((c("VADER is smart, handsome, and funny!") - 0.8439).abs() < 1e-3);
        assert!((c("VADER is not smart, handsome, nor funny.") - -0.7424).abs() < 1e-3);
        assert!((c("The book was good.") - 0.4404).abs() < 1e-3);
    }

    #[test]
    fn negation_flips_and_damps_the_valence() {
        assert!(c("The stylist was good.") > 0.3);
        assert!(c("The stylist was not good.") < -0.3);
    }

    #[test]
    fn boosters_and_caps_and_exclamations_intensify() {
        let plain = c("The colour was good.");
        assert!(c("The colour was very good.") > plain);
        assert!(c("The colour was GOOD.") > plain);
        assert!(c("The colour was good!!!") > plain);
        assert!(c("The colour was kind of good.") < plain);
    }

    #[test]
    fn but_shifts_weight_to_the_clause_after_it() {
        assert!(c("The cut was great, but the wait was horrible.") < 0.0);
        assert!(c("The wait was horrible, but the cut was great.") > 0.0);
    }

    #[test]
    fn emojis_are_scored_through_their_descriptions() {
        assert!(c("Loved it 😁") > c("Loved it"));
    }

    #[test]
    fn empty_text_is_neutral() {
        assert_eq!(c(""), 0.0);
    }
}
