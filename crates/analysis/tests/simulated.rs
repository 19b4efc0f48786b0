//! BG/NBD and Gamma-Gamma on data simulated from known parameters: the fits must recover
//! them, and fitting 20,000 customers must be fast. The simulator follows the models'
//! generative stories with a seeded SplitMix64 generator (no external RNG crates).

use std::time::Instant;

use keeper_analysis::clv::bgnbd::{self, BgNbdParams, Rfm};
use keeper_analysis::clv::gamma_gamma::{self, GammaGammaParams, Spend};

struct SplitMix(u64);

impl SplitMix {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        (-2.0 * self.uniform().ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }

    /// Gamma(shape, scale 1), Marsaglia & Tsang (2000), boosted for shape < 1.
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.gamma(shape + 1.0) * self.uniform().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let z = self.normal();
            let v = (1.0 + c * z).powi(3);
            if v > 0.0 && self.uniform().ln() < 0.5 * z * z + d - d * v + d * v.ln() {
                return d * v;
            }
        }
    }

    fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a);
        x / (x + self.gamma(b))
    }
}

/// One customer from BG/NBD with age `age`, plus Gamma-Gamma transaction values.
fn simulate(rng: &mut SplitMix, bg: BgNbdParams, gg: GammaGammaParams, age: f64) -> (Rfm, Spend) {
    let rate = rng.gamma(bg.r) / bg.alpha;
    let dropout = rng.beta(bg.a, bg.b);
    let nu = rng.gamma(gg.q) / gg.v;
    let (mut t, mut x, mut recency, mut total) = (0.0, 0u32, 0.0, 0.0);
    loop {
        t += -rng.uniform().ln() / rate;
        if t > age {
            break;
        }
        x += 1;
        recency = t;
        total += rng.gamma(gg.p) / nu;
        if rng.uniform() < dropout {
            break;
        }
    }
    let monetary_value = if x == 0 { 0.0 } else { total / f64::from(x) };
    (
        Rfm {
            frequency: x,
            recency,
            age,
        },
        Spend {
            frequency: x,
            monetary_value,
        },
    )
}

const TRUE_BG: BgNbdParams = BgNbdParams {
    r: 0.8,
    alpha: 40.0,
    a: 0.6,
    b: 4.0,
};
const TRUE_GG: GammaGammaParams = GammaGammaParams {
    p: 5.0,
    q: 4.0,
    v: 30.0,
};

fn population(n: usize, seed: u64) -> Vec<(Rfm, Spend)> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|_| {
            // Ages in whole days over two years, like a salon's calibration window.
            let age = (rng.uniform() * 730.0).floor();
            simulate(&mut rng, TRUE_BG, TRUE_GG, age)
        })
        .collect()
}

fn within(got: f64, want: f64, rel: f64, name: &str) {
    assert!(
        ((got - want) / want).abs() <= rel,
        "{name}: fitted {got}, true {want}"
    );
}

#[test]
fn fits_recover_the_parameters_of_20k_simulated_customers() {
    let data = population(20_000, 7);
    let rfm: Vec<Rfm> = data.iter().map(|d| d.0).collect();
    let started = Instant::now();
    let fit = bgnbd::fit(&rfm).unwrap();
    let bg_time = started.elapsed();
    let p = fit.params;
    eprintln!(
        "simulated BG/NBD: {p:?} in {bg_time:?} ({} evaluations)",
        fit.evaluations
    );
    within(p.r, TRUE_BG.r, 0.1, "r");
    within(p.alpha, TRUE_BG.alpha, 0.1, "alpha");
    within(p.a, TRUE_BG.a, 0.15, "a");
    within(p.b, TRUE_BG.b, 0.2, "b");
    let spend: Vec<Spend> = data.iter().map(|d| d.1).collect();
    let started = Instant::now();
    let gg = gamma_gamma::fit(&spend).unwrap();
    eprintln!(
        "simulated Gamma-Gamma: {:?} in {:?} ({} evaluations)",
        gg.params,
        started.elapsed(),
        gg.evaluations
    );
    within(gg.params.p, TRUE_GG.p, 0.1, "p");
    within(gg.params.q, TRUE_GG.q, 0.15, "q");
    within(gg.params.v, TRUE_GG.v, 0.2, "v");
}

#[test]
#[ignore = "benchmark: run with `cargo test --release -p keeper-analysis --test simulated -- --ignored`"]
fn benchmark_fitting_20k_customers_takes_well_under_a_second() {
    let data = population(20_000, 11);
    let rfm: Vec<Rfm> = data.iter().map(|d| d.0).collect();
    let spend: Vec<Spend> = data.iter().map(|d| d.1).collect();
    let runs = 5;
    let started = Instant::now();
    for _ in 0..runs {
        bgnbd::fit(&rfm).unwrap();
    }
    let bg = started.elapsed() / runs;
    let started = Instant::now();
    for _ in 0..runs {
        gamma_gamma::fit(&spend).unwrap();
    }
    let gg = started.elapsed() / runs;
    eprintln!("20k customers: BG/NBD fit {bg:?}, Gamma-Gamma fit {gg:?} (mean of {runs})");
    println!(
        "BENCH\tchurn model\tBG/NBD fit, 20k customers (mean of {runs})\t{:.1} ms\t-",
        bg.as_secs_f64() * 1e3
    );
    println!(
        "BENCH\tchurn model\tGamma-Gamma fit, 20k customers (mean of {runs})\t{:.1} ms\t-",
        gg.as_secs_f64() * 1e3
    );
    assert!(
        bg.as_secs_f64() < 0.5 && gg.as_secs_f64() < 0.5,
        "BG/NBD {bg:?}, Gamma-Gamma {gg:?}"
    );
}
