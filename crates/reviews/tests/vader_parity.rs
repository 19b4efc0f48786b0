//! The Rust VADER against the Python reference (`vaderSentiment`): compound scores agree to
//! 1e-3 on hand-written review sentences (including the reference's own examples) and, when
//! the ICWSM-14 ground-truth files are provisioned, on all Amazon review snippets.
//!
//! Runs when the Python peer is installed (`KEEPER_PYTHON`, else the venv at
//! `~/.cache/keeper/venv`, with `vaderSentiment`); otherwise it says so and checks nothing
//! further (scripts/test.sh provisions it).

use keeper_reviews::sentiment::Vader;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const SENTENCES: &[&str] = &[
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "Maria did an amazing job on my balayage, I love it!",
    "The receptionist was RUDE and I want a refund.",
    "Good haircut but the wait was terrible and nobody said sorry.",
    "Never again. She burned my scalp and I'm allergic to the dye.",
    "Not the worst blow dry, not the best either.",
    "Jess is the best!!! Highly recommend the keratin smoothing 😍",
    "I was barely in the chair for 10 minutes, hardly worth $75??",
    "No complaints, no problems, great service.",
    "Great great great, but bad bad bad.",
    "It was kind of nice but really not what I asked for.",
    "The toner & gloss looks GREAT, the staff are friendly :)",
    "",
    "?!?!",
];

fn python() -> Option<PathBuf> {
    let p = std::env::var_os("KEEPER_PYTHON")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/keeper/venv/bin/python"))
        })?;
    let ok = Command::new(&p)
        .args(["-c", "import vaderSentiment"])
        .output()
        .ok()?
        .status
        .success();
    ok.then_some(p)
}

fn amazon_snippets() -> Vec<String> {
    let dir = keeper_reviews::eval::default_data_dir();
    match keeper_reviews::eval::load_ground_truth(&dir.join("amazonReviewSnippets_GroundTruth.txt"))
    {
        Ok(rows) => rows.into_iter().map(|r| r.text).collect(),
        Err(_) => Vec::new(),
    }
}

fn python_compounds(python: &PathBuf, sentences: &[String]) -> Vec<f64> {
    let script = "import sys, json\n\
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer\n\
        a = SentimentIntensityAnalyzer()\n\
        for line in sys.stdin.read().split('\\x1e'):\n\
        \x20   print(json.dumps(a.polarity_scores(line)['compound']))\n";
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sentences.join("\x1e").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.parse().unwrap())
        .collect()
}

#[test]
fn rust_vader_matches_the_python_reference_on_compound_scores() {
    let Some(python) = python() else {
        eprintln!(
            "SKIP: no Python with vaderSentiment (set KEEPER_PYTHON or run scripts/provision-python.sh)"
        );
        return;
    };
    let mut sentences: Vec<String> = SENTENCES.iter().map(|s| (*s).to_owned()).collect();
    let amazon = amazon_snippets();
    eprintln!(
        "comparing {} sentences ({} Amazon snippets)",
        sentences.len() + amazon.len(),
        amazon.len()
    );
    sentences.extend(amazon);
    let expected = python_compounds(&python, &sentences);
    assert_eq!(expected.len(), sentences.len());
    let vader = Vader::shared();
    let mut worst = (0.0f64, String::new());
    for (s, e) in sentences.iter().zip(&expected) {
        let got = vader.polarity_scores(s).compound;
        let d = (got - e).abs();
        if d > worst.0 {
            worst = (d, format!("{s:?}: rust {got} python {e}"));
        }
    }
    eprintln!("largest |rust - python| = {:.1e}", worst.0);
    assert!(
        worst.0 < 1e-3,
        "largest difference {}: {}",
        worst.0,
        worst.1
    );
}
