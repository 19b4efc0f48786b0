//! `keeper sim serve`: run the Square-compatible simulator over a generated merchant.
//! The first stdout line is a JSON object with `base_url`, `client_id`, `access_token`
//! (a seller token with every scope) and what was generated; then it serves until killed.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use keeper_sim::faults::Faults;
use keeper_sim::{Profile, SimConfig, Simulator, Ts};
use std::io::Write;
use std::net::SocketAddr;

#[derive(Subcommand)]
pub enum SimCommand {
    /// Generate a merchant and serve Square's API for it on loopback.
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct ServeArgs {
    /// Loopback address to bind (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// Seed of the generated merchant.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// small (~300 customers), salon (~2,000) or large (~20,000).
    #[arg(long, default_value = "salon")]
    profile: String,
    /// The simulator's present (RFC 3339); default: the clock.
    #[arg(long)]
    now: Option<String>,
    /// Latency added to every response, in milliseconds.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Requests per second allowed per access token (429 RATE_LIMITED beyond).
    #[arg(long)]
    rate_limit: Option<f64>,
    /// Fault spec, e.g. `5xx=0.05,html=0.5,drop=0.01` (see keeper_sim::faults).
    #[arg(long)]
    faults: Option<String>,
}

pub fn run(cmd: SimCommand) -> Result<()> {
    match cmd {
        SimCommand::Serve(args) => serve(args),
    }
}

fn serve(args: ServeArgs) -> Result<()> {
    let addr: SocketAddr = args
        .addr
        .parse()
        .with_context(|| format!("--addr `{}` is not an IP:port address", args.addr))?;
    if !addr.ip().is_loopback() {
        bail!(
            "--addr {addr} is not a loopback address; the simulator binds loopback only (use 127.0.0.1 or [::1])"
        );
    }
    let profile: Profile = args.profile.parse()?;
    let now = match args.now {
        Some(s) => {
            Ts::parse(&s).with_context(|| format!("--now `{s}` is not an RFC 3339 timestamp"))?
        }
        None => Ts(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis() as i64),
    };
    let mut faults = match args.faults {
        Some(spec) => Faults::parse(&spec)?,
        None => Faults::default(),
    };
    if let Some(ms) = args.latency_ms {
        faults.latency_ms = ms;
    }
    if let Some(rps) = args.rate_limit {
        faults.rate_limit_rps = Some(rps);
    }
    let config = SimConfig {
        addr,
        seed: args.seed,
        profile,
        now,
        faults,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let sim = Simulator::start(config).await?;
        let truth = sim.truth();
        let first = serde_json::json!({
            "base_url": sim.base_url(),
            "client_id": sim.client_id(),
            "client_secret": sim.client_secret(),
            "access_token": sim.access_token(),
            "merchant_id": sim.state().data().merchant.id,
            "now": sim.now(),
            "profile": profile.name(),
            "seed": args.seed,
            "generation_ms": sim.generation_time().as_millis() as u64,
            "counts": truth.counts,
        });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{first}")?;
        out.flush()?;
        drop(out);
        tokio::signal::ctrl_c().await?;
        sim.shutdown().await;
        anyhow::Ok(())
    })
}
