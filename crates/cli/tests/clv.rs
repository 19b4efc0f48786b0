//! `keeper clv` end to end: the built binary on the CDNOW transactions that the Python
//! package `lifetimes` ships (found through `KEEPER_PYTHON`, default
//! `$HOME/.cache/keeper/venv/bin/python`; run `scripts/provision-python.sh` to create it),
//! checked against `lifetimes`' own summary and fits (lifetimes 0.11.3,
//! `summary_data_from_transaction_data(..., observation_period_end="1997-09-30",
//! freq="D", freq_multiplier=7)`), plus bad-row and thin-history refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn lifetimes_datasets() -> PathBuf {
    let python = std::env::var("KEEPER_PYTHON").unwrap_or_else(|_| {
        format!(
            "{}/.cache/keeper/venv/bin/python",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let output = Command::new(&python)
        .args([
            "-c",
            "import lifetimes,os;print(os.path.dirname(lifetimes.__file__))",
        ])
        .output();
    match output {
        Ok(o) if o.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("datasets")
        }
        _ => panic!(
            "the CDNOW data comes from the Python package `lifetimes`, which was not found with {python} \
             (set KEEPER_PYTHON): run scripts/provision-python.sh first"
        ),
    }
}

fn remove_temp(file: &Path) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keeper-clv-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// CDNOW_sample.txt (`id index yyyymmdd cds dollars`) as a `customer_id,date,amount` CSV.
fn cdnow_csv(test: &str) -> PathBuf {
    let source = lifetimes_datasets().join("CDNOW_sample.txt");
    let text =
        std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    let mut csv = String::from("customer_id,date,amount\n");
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let d = f[2];
        csv.push_str(&format!(
            "{},{}-{}-{},{}\n",
            f[0],
            &d[..4],
            &d[4..6],
            &d[6..],
            f[4]
        ));
    }
    let path = temp_dir(test).join("cdnow.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn keeper_clv(csv: &Path, unit: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keeper"))
        .args(["clv", "--transactions"])
        .arg(csv)
        .args(["--calibration-end", "1997-09-30", "--unit", unit, "--json"])
        .output()
        .unwrap()
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "keeper clv failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn sig4(value: f64) -> f64 {
    let magnitude = 10f64.powi(3 - value.abs().log10().floor() as i32);
    (value * magnitude).round() / magnitude
}

fn close(got: &Value, want: f64, rel: f64, what: &str) {
    let got = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {got}"));
    assert!(
        ((got - want) / want).abs() <= rel || (got - want).abs() < 1e-12,
        "{what}: got {got}, want {want}"
    );
}

fn customer<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer_id"] == id)
        .unwrap()
}

#[test]
fn clv_on_cdnow_transactions_matches_lifetimes() {
    let csv = cdnow_csv("cdnow");
    let report = json_of(&keeper_clv(&csv, "weeks"));
    remove_temp(&csv);
    let bg = &report["bgnbd"];
    for (key, want) in [
        ("r", 0.242_594_543_421_067_34),
        ("alpha", 4.413_602_716_077_379),
        ("a", 0.792_921_833_347_874_2),
        ("b", 2.425_905_728_721_750_3),
    ] {
        assert_eq!(
            sig4(bg[key].as_f64().unwrap()),
            sig4(want),
            "bgnbd.{key} = {}",
            bg[key]
        );
    }
    close(
        &bg["log_likelihood"],
        -9_582.429_206_673_936,
        1e-7,
        "log_likelihood",
    );
    let gg = &report["gamma_gamma"];
    for (key, want) in [
        ("p", 6.249_572_277_634_129),
        ("q", 3.744_224_674_758_558),
        ("v", 15.443_521_018_368_04),
    ] {
        assert_eq!(
            sig4(gg[key].as_f64().unwrap()),
            sig4(want),
            "gamma_gamma.{key} = {}",
            gg[key]
        );
    }
    let customers = report["customers"].as_array().unwrap();
    assert_eq!(customers.len(), 2357);
    for c in customers {
        for key in [
            "customer_id",
            "frequency",
            "recency",
            "T",
            "monetary_value",
            "p_alive",
            "expected_purchases_30d",
            "expected_purchases_90d",
            "expected_avg_spend",
        ] {
            assert!(c.get(key).is_some(), "customer row lacks {key}: {c}");
        }
    }
    // (id, frequency, recency, T, monetary, P(alive), E[30 days], E[90 days], E[spend]) from lifetimes.
    let cases = [
        (
            "00004",
            2.0,
            30.428_571_428_571_427,
            38.857_142_857_142_854,
            22.345,
            0.726_620_297_788_255_2,
            0.157_607_716_582_833_18,
            0.452_482_865_291_964_9,
            24.653_918_713_235_88,
        ),
        (
            "00018",
            0.0,
            0.0,
            38.428_571_428_571_43,
            0.0,
            1.0,
            0.023_907_701_402_961_803,
            0.069_742_649_662_494_97,
            35.170_371_330_454_02,
        ),
        (
            "00021",
            1.0,
            1.714_285_714_285_714_2,
            38.857_142_857_142_854,
            11.77,
            0.212_391_024_349_369_16,
            0.025_612_887_284_728_714,
            0.073_983_258_048_869_02,
            18.910_018_475_340_48,
        ),
    ];
    for (id, x, recency, age, monetary, p_alive, e30, e90, spend) in cases {
        let c = customer(&report, id);
        assert_eq!(c["frequency"].as_f64(), Some(x), "{id}");
        close(&c["recency"], recency, 1e-12, &format!("{id} recency"));
        close(&c["T"], age, 1e-12, &format!("{id} T"));
        close(
            &c["monetary_value"],
            monetary,
            1e-12,
            &format!("{id} monetary_value"),
        );
        // Predictions use our fitted parameters, which agree with lifetimes' to ~1e-5.
        close(&c["p_alive"], p_alive, 1e-4, &format!("{id} p_alive"));
        close(
            &c["expected_purchases_30d"],
            e30,
            1e-4,
            &format!("{id} expected_purchases_30d"),
        );
        close(
            &c["expected_purchases_90d"],
            e90,
            1e-4,
            &format!("{id} expected_purchases_90d"),
        );
        close(
            &c["expected_avg_spend"],
            spend,
            1e-4,
            &format!("{id} expected_avg_spend"),
        );
    }
}

#[test]
fn clv_predictions_do_not_depend_on_the_time_unit() {
    let csv = cdnow_csv("units");
    let weeks = json_of(&keeper_clv(&csv, "weeks"));
    let days = json_of(&keeper_clv(&csv, "days"));
    remove_temp(&csv);
    close(
        &days["bgnbd"]["alpha"],
        7.0 * weeks["bgnbd"]["alpha"].as_f64().unwrap(),
        1e-5,
        "alpha in days",
    );
    close(
        &days["bgnbd"]["r"],
        weeks["bgnbd"]["r"].as_f64().unwrap(),
        1e-5,
        "r",
    );
    for id in ["00004", "00021", "00111"] {
        let (w, d) = (customer(&weeks, id), customer(&days, id));
        close(
            &d["T"],
            7.0 * w["T"].as_f64().unwrap(),
            1e-12,
            &format!("{id} T"),
        );
        for key in [
            "p_alive",
            "expected_purchases_30d",
            "expected_purchases_90d",
        ] {
            close(
                &d[key],
                w[key].as_f64().unwrap(),
                1e-5,
                &format!("{id} {key}"),
            );
        }
    }
}

#[test]
fn clv_names_the_line_of_a_bad_row() {
    let path = temp_dir("bad-row").join("bad.csv");
    std::fs::write(
        &path,
        "customer_id,date,amount\nc1,2024-01-02,10\nc2,2024-13-40,7\n",
    )
    .unwrap();
    let out = keeper_clv(&path, "days");
    remove_temp(&path);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("2024-13-40"),
        "stderr: {stderr}"
    );
}

#[test]
fn clv_refuses_a_thin_history_instead_of_guessing() {
    let path = temp_dir("thin").join("thin.csv");
    std::fs::write(
        &path,
        "c1,1997-01-02,10\nc1,1997-02-02,12\nc2,1997-01-05,7\n",
    )
    .unwrap();
    let out = keeper_clv(&path, "days");
    remove_temp(&path);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no numbers may be printed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("too_few_customers"), "stderr: {stderr}");
}
