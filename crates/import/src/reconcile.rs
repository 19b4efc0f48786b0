//! Reconciliation: per stream and window, what Square reported — the distinct objects it
//! returned for the window — against what was stored: how many of those objects the raw store
//! holds, checked in the transaction that closes the window. Both are recorded in the
//! window's checkpoint row; this module reads them back for a run.

use crate::Result;
use crate::state;
use rusqlite::Connection;
use serde::Serialize;

/// One window's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowCheck {
    pub stream: String,
    pub window: String,
    pub reported: i64,
    pub stored: i64,
}

/// A run's reconciliation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reconciliation {
    /// Closed windows.
    pub windows: usize,
    pub matched: usize,
    /// Windows whose stored count differs from the reported one.
    pub mismatches: Vec<WindowCheck>,
    /// Windows not done (nothing to reconcile yet).
    pub open: usize,
}

impl Reconciliation {
    /// Share of closed windows that reconcile, in percent.
    pub fn percent(&self) -> f64 {
        if self.windows == 0 {
            100.0
        } else {
            self.matched as f64 * 100.0 / self.windows as f64
        }
    }
}

/// The reconciliation of run `run_id`.
pub fn reconcile(conn: &Connection, run_id: i64) -> Result<Reconciliation> {
    let mut out = Reconciliation::default();
    for w in state::windows(conn, run_id)? {
        let (Some(reported), Some(stored)) = (w.reported, w.stored) else {
            out.open += 1;
            continue;
        };
        out.windows += 1;
        if reported == stored {
            out.matched += 1;
        } else {
            out.mismatches.push(WindowCheck {
                stream: w.stream,
                window: w.key,
                reported,
                stored,
            });
        }
    }
    Ok(out)
}
