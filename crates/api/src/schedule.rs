//! The daily schedule while the app runs: at 4 AM local time Keeper syncs with Square and
//! fetches reviews, as one background job through the one-job-at-a-time slot (`jobs.rs`).
//!
//! Everything here is a pure function of the time passed in, so it is tested with fixed
//! instants in real time zones (DST changes included): [`next_daily`] finds the next instant
//! the local wall clock shows a time, and [`Daily`] decides, on each tick, whether the daily
//! run is due, waiting for a busy job slot first (a run due during an import starts right
//! after it). The app's thread (`App::start_daily_schedule`) only reads the clock, asks
//! [`Daily::tick`] and sleeps.

use chrono::{DateTime, Duration as ChronoDuration, LocalResult, NaiveTime, TimeZone, Utc};
use std::time::Duration;

/// When the daily run happens (local wall-clock time).
pub const DAILY_AT: (u32, u32) = (4, 0);

/// Longest sleep between two looks at the clock: a suspended laptop or a clock change is
/// noticed within this long.
pub const MAX_SLEEP: Duration = Duration::from_secs(60);

/// How often a due run looks again whether the job slot is free.
pub const BUSY_POLL: Duration = Duration::from_secs(5);

/// The daily time as a `NaiveTime`.
pub fn daily_time() -> NaiveTime {
    NaiveTime::from_hms_opt(DAILY_AT.0, DAILY_AT.1, 0).unwrap_or(NaiveTime::MIN)
}

/// The daily time, or the `HH:MM` in `setting` (`KEEPER_DAILY_AT`, for trying the schedule
/// out) when it is one.
pub fn daily_time_or(setting: Option<&str>) -> NaiveTime {
    setting
        .and_then(|s| NaiveTime::parse_from_str(s.trim(), "%H:%M").ok())
        .unwrap_or_else(daily_time)
}

/// The first instant strictly after `now` at which the wall clock of `now`'s time zone shows
/// `at`. When a DST change skips `at` that day (a gap), the run is at the first local minute
/// after the gap; when `at` happens twice (clocks turned back), at the first of the two.
pub fn next_daily<Tz: TimeZone>(now: &DateTime<Tz>, at: NaiveTime) -> DateTime<Tz> {
    let tz = now.timezone();
    let mut day = now.date_naive();
    loop {
        if let Some(t) = local_instant(&tz, day.and_time(at))
            && t > *now
        {
            return t;
        }
        day = day.succ_opt().unwrap_or(day);
    }
}

/// The instant the wall clock shows `local`: the earlier one when it shows it twice, the
/// first minute after a DST gap when it never does.
fn local_instant<Tz: TimeZone>(tz: &Tz, local: chrono::NaiveDateTime) -> Option<DateTime<Tz>> {
    // Gaps are at most a few hours (usually one); a day has none longer than 24 h.
    for minutes in 0..=24 * 60 {
        let t = local + ChronoDuration::minutes(minutes);
        match tz.from_local_datetime(&t) {
            LocalResult::Single(x) => return Some(x),
            LocalResult::Ambiguous(first, _) => return Some(first),
            LocalResult::None => continue,
        }
    }
    None
}

/// What the schedule's thread does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Start the daily job now.
    Run,
    /// Look again after this long.
    Sleep(Duration),
}

/// The daily run's state: when it is next due, and whether a due run waits for the job slot.
#[derive(Debug, Clone)]
pub struct Daily {
    at: NaiveTime,
    next: DateTime<Utc>,
    pending: bool,
}

impl Daily {
    /// A schedule at `at` each day, first due after `now` (starting the app at 10 AM does
    /// not run the daily job at once; it runs at the next 4 AM).
    pub fn new<Tz: TimeZone>(at: NaiveTime, now: &DateTime<Tz>) -> Daily {
        Daily {
            at,
            next: next_daily(now, at).with_timezone(&Utc),
            pending: false,
        }
    }

    /// When the next run is due (a due run waiting for the slot is not counted).
    pub fn next_run(&self) -> DateTime<Utc> {
        self.next
    }

    /// Whether a run is due and waits for the job slot.
    pub fn is_pending(&self) -> bool {
        self.pending
    }

    /// Looks at the clock: `now` is the local time, `busy` whether a job runs. A run due
    /// while the computer slept happens when it wakes, once (missed days do not pile up).
    pub fn tick<Tz: TimeZone>(&mut self, now: &DateTime<Tz>, busy: bool) -> Step {
        if now.with_timezone(&Utc) >= self.next {
            self.pending = true;
            self.next = next_daily(now, self.at).with_timezone(&Utc);
        }
        if self.pending {
            if busy {
                return Step::Sleep(BUSY_POLL);
            }
            self.pending = false;
            return Step::Run;
        }
        let left = (self.next - now.with_timezone(&Utc))
            .to_std()
            .unwrap_or(Duration::ZERO);
        Step::Sleep(left.min(MAX_SLEEP))
    }

    /// The run could not start after all (another job took the slot first): try again as
    /// soon as the slot is free.
    pub fn retry(&mut self) {
        self.pending = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::Berlin;

    fn four() -> NaiveTime {
        daily_time()
    }

    fn ny(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<chrono_tz::Tz> {
        New_York
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .earliest()
            .unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_daily_time_is_four_unless_a_valid_setting_says_otherwise() {
        assert_eq!(daily_time_or(None), four());
        assert_eq!(daily_time_or(Some("nonsense")), four());
        assert_eq!(
            daily_time_or(Some("21:15")),
            NaiveTime::from_hms_opt(21, 15, 0).unwrap()
        );
    }

    #[test]
    fn before_four_the_run_is_today_and_after_four_it_is_tomorrow() {
        let tz = FixedOffset::east_opt(2 * 3600).unwrap();
        let early = tz.with_ymd_and_hms(2026, 6, 10, 3, 59, 0).unwrap();
        assert_eq!(
            next_daily(&early, four()),
            tz.with_ymd_and_hms(2026, 6, 10, 4, 0, 0).unwrap()
        );
        let late = tz.with_ymd_and_hms(2026, 6, 10, 4, 0, 0).unwrap();
        assert_eq!(
            next_daily(&late, four()),
            tz.with_ymd_and_hms(2026, 6, 11, 4, 0, 0).unwrap(),
            "exactly at 4 the next run is tomorrow's"
        );
        assert_eq!(
            next_daily(&late, four()).with_timezone(&Utc),
            utc("2026-06-11T02:00:00Z"),
            "4 AM at UTC+2 is 2 AM UTC"
        );
    }

    #[test]
    fn four_am_stays_four_am_local_across_spring_forward() {
        // New York moves from EST (UTC-5) to EDT (UTC-4) at 2 AM on 8 March 2026.
        let before = next_daily(&ny(2026, 3, 7, 10, 0), four());
        assert_eq!(before.with_timezone(&Utc), utc("2026-03-08T08:00:00Z"));
        let after = next_daily(&before, four());
        assert_eq!(after.with_timezone(&Utc), utc("2026-03-09T08:00:00Z"));
        // The day before: 4 AM EST is 9 AM UTC; that night is one hour short.
        let eve = next_daily(&ny(2026, 3, 6, 10, 0), four());
        assert_eq!(eve.with_timezone(&Utc), utc("2026-03-07T09:00:00Z"));
        assert_eq!(before - eve, ChronoDuration::hours(23));
    }

    #[test]
    fn four_am_stays_four_am_local_across_fall_back() {
        // Clocks go back from 2 AM EDT to 1 AM EST on 1 November 2026: a 25-hour night.
        let a = next_daily(&ny(2026, 10, 31, 12, 0), four());
        let b = next_daily(&a, four());
        assert_eq!(a.with_timezone(&Utc), utc("2026-11-01T09:00:00Z"));
        assert_eq!(b.with_timezone(&Utc), utc("2026-11-02T09:00:00Z"));
        let eve = next_daily(&ny(2026, 10, 30, 12, 0), four());
        assert_eq!(a - eve, ChronoDuration::hours(25));
    }

    #[test]
    fn a_time_skipped_by_dst_runs_right_after_the_gap_and_a_repeated_one_runs_once() {
        let half_past_two = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        // 2:30 does not exist on 29 March 2026 in Berlin (2:00 CET → 3:00 CEST).
        let now = Berlin.with_ymd_and_hms(2026, 3, 28, 20, 0, 0).unwrap();
        let run = next_daily(&now, half_past_two);
        assert_eq!(
            run.with_timezone(&Utc),
            utc("2026-03-29T01:00:00Z"),
            "3:00 CEST"
        );
        // 2:30 happens twice on 25 October 2026 in Berlin: the first one (CEST) counts.
        let now = Berlin.with_ymd_and_hms(2026, 10, 24, 20, 0, 0).unwrap();
        let run = next_daily(&now, half_past_two);
        assert_eq!(run.with_timezone(&Utc), utc("2026-10-25T00:30:00Z"));
        let next = next_daily(&run, half_past_two);
        assert_eq!(
            next.with_timezone(&Utc),
            utc("2026-10-26T01:30:00Z"),
            "the second 2:30 of that night does not run it again"
        );
    }

    #[test]
    fn the_schedule_sleeps_until_four_then_runs_once() {
        let mut d = Daily::new(four(), &ny(2026, 5, 1, 3, 58));
        assert_eq!(d.next_run(), utc("2026-05-01T08:00:00Z"));
        assert_eq!(
            d.tick(&ny(2026, 5, 1, 3, 58), false),
            Step::Sleep(MAX_SLEEP),
            "never sleeps longer than a minute"
        );
        assert_eq!(
            d.tick(
                &(ny(2026, 5, 1, 3, 59) + ChronoDuration::seconds(30)),
                false
            ),
            Step::Sleep(Duration::from_secs(30))
        );
        assert_eq!(d.tick(&ny(2026, 5, 1, 4, 0), false), Step::Run);
        assert_eq!(d.next_run(), utc("2026-05-02T08:00:00Z"));
        assert_eq!(
            d.tick(&ny(2026, 5, 1, 4, 1), false),
            Step::Sleep(MAX_SLEEP),
            "one run per day"
        );
    }

    #[test]
    fn a_run_due_while_a_job_runs_starts_right_after_it() {
        let mut d = Daily::new(four(), &ny(2026, 5, 1, 2, 0));
        assert_eq!(d.tick(&ny(2026, 5, 1, 4, 0), true), Step::Sleep(BUSY_POLL));
        assert!(d.is_pending());
        assert_eq!(d.tick(&ny(2026, 5, 1, 4, 20), true), Step::Sleep(BUSY_POLL));
        assert_eq!(d.tick(&ny(2026, 5, 1, 4, 40), false), Step::Run);
        assert!(!d.is_pending());
        assert_eq!(d.next_run(), utc("2026-05-02T08:00:00Z"));
        // The slot was taken between the look and the start: the run waits again.
        d.retry();
        assert_eq!(d.tick(&ny(2026, 5, 1, 4, 41), true), Step::Sleep(BUSY_POLL));
        assert_eq!(d.tick(&ny(2026, 5, 1, 4, 42), false), Step::Run);
    }

    #[test]
    fn starting_after_four_waits_for_tomorrow_and_a_long_sleep_runs_once_on_waking() {
        let mut d = Daily::new(four(), &ny(2026, 5, 1, 10, 0));
        assert_eq!(d.next_run(), utc("2026-05-02T08:00:00Z"));
        assert_eq!(
            d.tick(&ny(2026, 5, 1, 10, 0), false),
            Step::Sleep(MAX_SLEEP)
        );
        // The laptop slept for three days and wakes at 9 AM: one run, then tomorrow's.
        assert_eq!(d.tick(&ny(2026, 5, 4, 9, 0), false), Step::Run);
        assert_eq!(d.next_run(), utc("2026-05-05T08:00:00Z"));
        assert_eq!(d.tick(&ny(2026, 5, 4, 9, 1), false), Step::Sleep(MAX_SLEEP));
    }
}
