//! `keeper match-files` end to end: a Square-export-shaped customer CSV and a merchant upload
//! (semicolon-separated, title row, combined name column, day-first dates) in a temp dir.

use std::path::PathBuf;
use std::process::Command;

const GIVEN: [&str; 12] = [
    "olivia", "noah", "amelia", "jack", "isla", "oscar", "ava", "harry", "mia", "leo", "grace",
    "arthur",
];
const FAMILY: [&str; 12] = [
    "brown", "taylor", "wilson", "davies", "evans", "thomas", "johnson", "roberts", "walker",
    "wright", "robinson", "hughes",
];

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keeper-match-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn square_id(i: usize) -> String {
    format!("SQ{i:02}ABCDEFGHJKMNPQRSTVWXY")
}

#[test]
fn match_files_writes_one_decision_per_upload_row() {
    let dir = temp_dir();
    let mut customers = String::from(
        "Square Customer ID,First Name,Last Name,Phone Number,Email Address,Street Address 1,City,Postal Code,Birthday\n",
    );
    for i in 0..60 {
        let (g, f) = (GIVEN[i % 12], FAMILY[(i * 7 + i / 12) % 12]);
        customers += &format!(
            "{},{g},{f},(415) 555-{:04},{g}.{f}{i}@example.com,{} Main St,Springfield,{:05},{}-{:02}-{:02}\n",
            square_id(i),
            1000 + i,
            i + 1,
            94000 + i,
            1950 + i,
            1 + i % 12,
            1 + i % 28
        );
    }
    customers += &format!(
        "{},William,Fairbanks,,,9 Elm Rd,Springfield,94999,1961-07-04\n",
        square_id(60)
    );
    let upload = format!(
        "Client export\n\
         Client;Mobile;E-mail;DOB;Notes\n\
         {g0} {f0};415.555.1000;;{d0};first row, exact phone\n\
         Bill Fairbanks;;;04/07/1961;nickname, no phone\n\
         Zebedee Quarrington;+44 7911 123456;zq@example.org;29/02/1932;stranger\n\
         ;;{g5}.{f5}5@example.com;;email only\n",
        g0 = "Olivia",
        f0 = "Brown",
        d0 = "01/01/1950",
        g5 = GIVEN[5],
        f5 = FAMILY[(5 * 7) % 12],
    );
    let (cp, up, out) = (
        dir.join("customers.csv"),
        dir.join("upload.csv"),
        dir.join("matches.csv"),
    );
    std::fs::write(&cp, customers).unwrap();
    std::fs::write(&up, upload).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_keeper"))
        .args(["match-files", "--customers"])
        .arg(&cp)
        .arg("--upload")
        .arg(&up)
        .arg("--out")
        .arg(&out)
        .args(["--accept-above", "0.9", "--review-above", "0.5"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stderr.contains("FullName")
            && stderr.contains("Phone")
            && stderr.contains("SquareCustomerId"),
        "mapping printed: {stderr}"
    );
    assert!(stdout.contains("4 upload rows"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("upload_row,square_customer_id,score,decision,reasons")
    );
    let rows: Vec<Vec<String>> = lines.map(split_csv).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        ["0", "1", "2", "3"]
    );
    assert_eq!(
        (rows[0][1].as_str(), rows[0][3].as_str()),
        (square_id(0).as_str(), "matched")
    );
    assert!(rows[0][4].contains("phone=exact"), "{:?}", rows[0]);
    assert_eq!(rows[1][1], square_id(60), "Bill ~ William: {:?}", rows[1]);
    assert_ne!(rows[1][3], "unmatched");
    assert_eq!(
        (rows[2][1].as_str(), rows[2][3].as_str()),
        ("", "unmatched")
    );
    assert_eq!(rows[3][1], square_id(5), "{:?}", rows[3]);
    for r in &rows {
        let score: f64 = r[2].parse().unwrap();
        assert!((0.0..=1.0).contains(&score));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn match_files_reports_a_bad_upload_clearly() {
    let dir = temp_dir().join("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let (cp, up) = (dir.join("customers.csv"), dir.join("upload.xlsx"));
    std::fs::write(&cp, "First Name,Last Name\nAnn,Lee\n").unwrap();
    std::fs::write(&up, b"\x89PNG\r\n\x1a\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_keeper"))
        .args(["match-files", "--customers"])
        .arg(&cp)
        .arg("--upload")
        .arg(&up)
        .arg("--out")
        .arg(dir.join("m.csv"))
        .output()
        .unwrap();
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("not a spreadsheet"), "{stderr}");
    assert!(!dir.join("m.csv").exists(), "nothing written on failure");
}

/// Minimal CSV line split (quoted fields with doubled quotes).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                out.last_mut().unwrap().push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}
