//! Evaluation of the sentiment methods on a labelled review set that ships inside a PyPI
//! package: the ICWSM-14 ground truth in `vaderSentiment`'s source distribution
//! (`additional_resources/hutto_ICWSM_2014.tar.gz`: 3,708 Amazon review snippets, each with
//! the mean of 20 human ratings on −4…+4).
//!
//! Labels: a snippet is positive when its mean rating is ≥ 0.5, negative when ≤ −0.5,
//! neutral otherwise; a method's label is [`Polarity::of`] its compound score. Reported: the
//! three-class accuracy and macro-F1, and the binary accuracy and macro-F1 on the snippets
//! whose truth is not neutral (predicting positive when the compound is ≥ 0).

use crate::error::ReviewsError;
use crate::sentiment::{Method, Polarity};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One labelled snippet.
#[derive(Debug, Clone)]
pub struct GroundTruth {
    pub id: String,
    pub mean_rating: f64,
    pub text: String,
}

impl GroundTruth {
    pub fn label(&self) -> Polarity {
        if self.mean_rating >= 0.5 {
            Polarity::Positive
        } else if self.mean_rating <= -0.5 {
            Polarity::Negative
        } else {
            Polarity::Neutral
        }
    }
}

/// Where the provisioned ground-truth folder is: `KEEPER_VADER_DATA`, else
/// `~/.cache/keeper/vader/hutto_ICWSM_2014`.
pub fn default_data_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("KEEPER_VADER_DATA") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".cache/keeper/vader/hutto_ICWSM_2014")
}

/// Reads a `*_GroundTruth.txt` file (`id<TAB>mean<TAB>text` per line).
pub fn load_ground_truth(path: &Path) -> Result<Vec<GroundTruth>, ReviewsError> {
    let text = std::fs::read_to_string(path).map_err(|e| ReviewsError::File {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let mut f = line.splitn(3, '\t');
        let (Some(id), Some(mean), Some(body)) = (f.next(), f.next(), f.next()) else {
            return Err(ReviewsError::BadFile {
                path: path.display().to_string(),
                detail: format!("line {} has fewer than three tab-separated fields", n + 1),
            });
        };
        let mean_rating = mean.parse().map_err(|_| ReviewsError::BadFile {
            path: path.display().to_string(),
            detail: format!("line {}: rating {mean:?} is not a number", n + 1),
        })?;
        rows.push(GroundTruth {
            id: id.to_owned(),
            mean_rating,
            text: body.to_owned(),
        });
    }
    Ok(rows)
}

/// Accuracy and macro-F1 of one method on one set.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub method: &'static str,
    pub n: usize,
    pub accuracy3: f64,
    pub macro_f1_3: f64,
    pub n_binary: usize,
    pub accuracy2: f64,
    pub macro_f1_2: f64,
}

/// Macro-F1 over `classes` from (truth, predicted) pairs.
pub fn macro_f1<T: PartialEq + Copy>(pairs: &[(T, T)], classes: &[T]) -> f64 {
    let mut sum = 0.0;
    for &c in classes {
        let tp = pairs.iter().filter(|(t, p)| *t == c && *p == c).count() as f64;
        let fp = pairs.iter().filter(|(t, p)| *t != c && *p == c).count() as f64;
        let fneg = pairs.iter().filter(|(t, p)| *t == c && *p != c).count() as f64;
        let denom = 2.0 * tp + fp + fneg;
        sum += if denom == 0.0 { 0.0 } else { 2.0 * tp / denom };
    }
    sum / classes.len() as f64
}

fn accuracy<T: PartialEq>(pairs: &[(T, T)]) -> f64 {
    if pairs.is_empty() {
        return 0.0;
    }
    pairs.iter().filter(|(t, p)| t == p).count() as f64 / pairs.len() as f64
}

/// Evaluates `method` on labelled `(truth, text)` rows.
pub fn evaluate(method: Method, rows: &[(Polarity, &str)]) -> EvalReport {
    use Polarity::*;
    let scored: Vec<(Polarity, f64)> = rows
        .iter()
        .map(|(t, text)| (*t, method.text_score(text)))
        .collect();
    let three: Vec<(Polarity, Polarity)> =
        scored.iter().map(|(t, c)| (*t, Polarity::of(*c))).collect();
    let two: Vec<(Polarity, Polarity)> = scored
        .iter()
        .filter(|(t, _)| *t != Neutral)
        .map(|(t, c)| (*t, if *c >= 0.0 { Positive } else { Negative }))
        .collect();
    EvalReport {
        method: method.name(),
        n: three.len(),
        accuracy3: accuracy(&three),
        macro_f1_3: macro_f1(&three, &[Negative, Neutral, Positive]),
        n_binary: two.len(),
        accuracy2: accuracy(&two),
        macro_f1_2: macro_f1(&two, &[Negative, Positive]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_averages_per_class_f1() {
        // Class A: tp 1, fp 1, fn 0 → 2/3; class B: tp 1, fp 0, fn 1 → 2/3.
        let pairs = [('a', 'a'), ('b', 'a'), ('b', 'b')];
        assert!((macro_f1(&pairs, &['a', 'b']) - 2.0 / 3.0).abs() < 1e-12);
        assert!((accuracy(&pairs) - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn evaluate_scores_obvious_sentences_correctly() {
        use Polarity::*;
        let rows = [
            (Positive, "Wonderful, friendly, loved it."),
            (Negative, "Awful and rude."),
            (Neutral, "I went on Tuesday."),
        ];
        let r = evaluate(Method::Vader, &rows);
        assert_eq!(r.accuracy3, 1.0);
        assert_eq!(r.n_binary, 2);
        assert_eq!(r.macro_f1_2, 1.0);
    }

    #[test]
    fn a_malformed_ground_truth_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gt.txt");
        std::fs::write(&p, "1_1\tnot-a-number\ttext\n").unwrap();
        let e = load_ground_truth(&p).unwrap_err();
        assert_eq!(e.code(), "bad_file");
    }
}
