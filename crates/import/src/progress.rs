//! Progress per stream — pages, objects, windows done, percent and ETA — reported after
//! every stored page. The CLI turns it into progress bars, the desktop shell into events.

use crate::plan::Stream;
use crate::state::WindowState;
use crate::writer::PageWrite;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

/// Where one stream stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub stream: &'static str,
    pub pages: u64,
    pub objects: u64,
    pub windows_done: usize,
    pub windows_total: usize,
    /// 0–100, by windows done.
    pub percent: f64,
    /// Seconds left at this run's pace (`None` until a window finished).
    pub eta_secs: Option<f64>,
    /// Every window of the stream is done.
    pub done: bool,
}

struct StreamTrack {
    pages: u64,
    objects: u64,
    total: usize,
    done: HashSet<usize>,
    done_here: usize,
    started: Option<Instant>,
}

/// Running figures of every stream of a run.
pub struct Tracker {
    streams: BTreeMap<Stream, StreamTrack>,
}

impl Tracker {
    /// Starts from the checkpoints (windows done before a restart count as done).
    pub fn new(states: &[WindowState]) -> Tracker {
        let mut streams: BTreeMap<Stream, StreamTrack> = BTreeMap::new();
        for (i, s) in states.iter().enumerate() {
            let Some(stream) = Stream::parse(&s.stream) else {
                continue;
            };
            let t = streams.entry(stream).or_insert_with(|| StreamTrack {
                pages: 0,
                objects: 0,
                total: 0,
                done: HashSet::new(),
                done_here: 0,
                started: None,
            });
            t.total += 1;
            if s.status == "done" {
                t.done.insert(i);
                t.pages += s.pages as u64;
                t.objects += s.objects as u64;
            }
        }
        Tracker { streams }
    }

    /// A window starts again from its beginning.
    pub fn restart(&mut self, stream: Stream, window: usize) {
        if let Some(t) = self.streams.get_mut(&stream) {
            t.done.remove(&window);
        }
    }

    /// Counts a stored page and returns the stream's progress.
    pub fn page(&mut self, stream: Stream, window: usize, w: &PageWrite, done: bool) -> Progress {
        let t = self.streams.entry(stream).or_insert_with(|| StreamTrack {
            pages: 0,
            objects: 0,
            total: 1,
            done: HashSet::new(),
            done_here: 0,
            started: None,
        });
        let started = *t.started.get_or_insert_with(Instant::now);
        t.pages += 1;
        t.objects += w.objects as u64;
        if done && t.done.insert(window) {
            t.done_here += 1;
        }
        let windows_done = t.done.len();
        let fraction = windows_done as f64 / t.total.max(1) as f64;
        let left = t.total.saturating_sub(windows_done);
        let eta_secs = (t.done_here > 0)
            .then(|| started.elapsed().as_secs_f64() / t.done_here as f64 * left as f64);
        Progress {
            stream: stream.as_str(),
            pages: t.pages,
            objects: t.objects,
            windows_done,
            windows_total: t.total,
            percent: (fraction * 1000.0).round() / 10.0,
            eta_secs,
            done: left == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_and_eta_follow_windows_done() {
        let state = |stream: &str, key: &str, status: &str| WindowState {
            stream: stream.into(),
            key: key.into(),
            seq: 0,
            begin_at: None,
            end_at: None,
            scope: vec![],
            status: status.into(),
            cursor: None,
            pages: 2,
            objects: 150,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            quarantined: 0,
            attempts: 1,
            last_error: None,
            reported: None,
            stored: None,
        };
        let states = vec![
            state("payments", "a", "done"),
            state("payments", "b", "pending"),
            state("payments", "c", "pending"),
            state("payments", "d", "pending"),
        ];
        let mut t = Tracker::new(&states);
        let page = PageWrite {
            objects: 100,
            ..Default::default()
        };
        let p = t.page(Stream::Payments, 1, &page, false);
        assert_eq!((p.pages, p.objects, p.windows_done), (3, 250, 1));
        assert_eq!(p.percent, 25.0);
        assert_eq!(p.eta_secs, None);
        let p = t.page(Stream::Payments, 1, &page, true);
        assert_eq!(p.percent, 50.0);
        assert!(p.eta_secs.is_some());
        assert!(!p.done);
    }
}
