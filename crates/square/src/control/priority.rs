//! Request priorities (the seed's critical, high, normal, low), their retry rules, and the
//! retry queue that decides which waiting request goes next.
//!
//! | priority | examples                              | attempts | retry delay               |
//! |----------|---------------------------------------|----------|---------------------------|
//! | critical | token refresh, payment verification   | 11       | immediately (pacer only)  |
//! | high     | new customers, today's transactions   | 6        | 1 s × 2ⁿ, jittered        |
//! | normal   | daily sync, catalog update            | 4        | 16 s × 2ⁿ, jittered       |
//! | low      | historical backfill, reports          | 2        | the next scheduled run    |
//!
//! Attempts are the seed's `max_retries` + 1. The seed's "2ⁿ minutes" for normal work is
//! bounded here by the 64 s backoff cap of the issue, so normal retries wait 16, 32, 64 s.
//! A `Retry-After` from the server always wins (see [`super::backoff`]).
//!
//! **Ordering.** With an [`Budget::Ample`] budget the queue is FIFO across priorities (so a
//! long backfill is not starved). When the budget is [`Budget::Scarce`] (throttled, slowed
//! down, told to wait), higher priorities go first, FIFO within a priority, and low work is
//! deferred. When the breaker is half-open ([`Budget::ProbeOnly`]) the single probe goes to
//! the most important ready request, low work included (a probe is needed to recover).
//!
//! Items are plain serde data so the store can persist the queue
//! ([`RetryQueue::to_records`] / [`RetryQueue::from_records`]); times are milliseconds since
//! the Unix epoch so they mean the same after a restart.

use super::backoff::{Backoff, Jitter};
use super::family::EndpointFamily;
use super::millis;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How urgent a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    // Declared from most to least urgent: `Critical < Low` in `Ord`, so sorting ascending
    // puts the most urgent first.
    Critical,
    High,
    Normal,
    Low,
}

/// When a failed request may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryTiming {
    /// As soon as the pacer allows.
    Immediate,
    /// After an exponential, jittered backoff.
    Backoff(Backoff),
    /// At the next scheduled sync run.
    NextScheduledRun,
}

/// Retry rules of one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorityPolicy {
    /// Attempts in total, the first one included.
    pub max_attempts: u32,
    pub retry: RetryTiming,
}

impl Priority {
    /// Every priority, most urgent first.
    pub const ALL: [Priority; 4] = [
        Priority::Critical,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    /// Stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }

    /// The retry rules of this priority (table in the module docs).
    pub fn policy(self) -> PriorityPolicy {
        match self {
            Priority::Critical => PriorityPolicy {
                max_attempts: 11,
                retry: RetryTiming::Immediate,
            },
            Priority::High => PriorityPolicy {
                max_attempts: 6,
                retry: RetryTiming::Backoff(Backoff::new(Duration::from_secs(1), Jitter::Full)),
            },
            Priority::Normal => PriorityPolicy {
                max_attempts: 4,
                retry: RetryTiming::Backoff(Backoff::new(Duration::from_secs(16), Jitter::Full)),
            },
            Priority::Low => PriorityPolicy {
                max_attempts: 2,
                retry: RetryTiming::NextScheduledRun,
            },
        }
    }

    /// What to do after attempt number `attempts_made` (1 after the first try) failed in a
    /// retryable way. `retry_after` is the server's `Retry-After`, if any; `not_before` is
    /// the earliest the family can send anyway (an open breaker's probe time).
    pub fn plan_retry(
        self,
        now: Duration,
        attempts_made: u32,
        retry_after: Option<Duration>,
        not_before: Option<Duration>,
        rng: &mut dyn RngCore,
    ) -> RetryPlan {
        let policy = self.policy();
        if attempts_made >= policy.max_attempts {
            return RetryPlan::GiveUp;
        }
        let retry_number = attempts_made.saturating_sub(1);
        let wait = match policy.retry {
            RetryTiming::NextScheduledRun => return RetryPlan::NextScheduledRun,
            RetryTiming::Immediate => retry_after.map_or(Duration::ZERO, |ra| {
                Backoff::default().delay_honouring(Some(ra), 0, None, rng)
            }),
            RetryTiming::Backoff(backoff) => {
                backoff.delay_honouring(retry_after, retry_number, None, rng)
            }
        };
        let at = (now + wait).max(not_before.unwrap_or(Duration::ZERO));
        RetryPlan::RetryAt(at)
    }
}

/// The verdict on a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPlan {
    /// Queue it again, not before this time.
    RetryAt(Duration),
    /// Queue it for the next scheduled run.
    NextScheduledRun,
    /// Attempts exhausted (or not retryable): report the failure.
    GiveUp,
}

/// How much sending capacity a family has right now (decided by the governor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// Send freely: FIFO across priorities.
    Ample,
    /// Throttled: priority order, low work deferred.
    Scarce,
    /// Half-open breaker: one probe, the most important ready request.
    ProbeOnly,
    /// Open breaker: nothing goes.
    Closed,
}

/// A request waiting in the retry queue. `T` is the caller's description of the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedRequest<T> {
    /// Queue-assigned, increasing: FIFO order.
    pub id: u64,
    pub family: EndpointFamily,
    pub priority: Priority,
    /// Attempts already made.
    pub attempts: u32,
    /// Milliseconds since the Unix epoch.
    pub enqueued_at_ms: u64,
    /// Not to be sent before this (milliseconds since the Unix epoch).
    pub not_before_ms: u64,
    /// Waiting for the next scheduled run.
    pub next_run: bool,
    /// Error code of the last failed attempt.
    pub last_error_code: Option<String>,
    pub payload: T,
}

/// A queue item with its payload as JSON: what the store persists.
pub type QueueRecord = QueuedRequest<serde_json::Value>;

/// A queue could not be turned into records or back.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("a queued request's payload could not be encoded: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("a stored queued request (id {id}) could not be decoded: {source}")]
    Decode {
        id: u64,
        #[source]
        source: serde_json::Error,
    },
    #[error("two stored queued requests share id {0}")]
    DuplicateId(u64),
}

impl QueueError {
    /// Stable code for the UI.
    pub fn code(&self) -> &'static str {
        match self {
            QueueError::Encode(_) => "retry_queue_encode",
            QueueError::Decode { .. } => "retry_queue_decode",
            QueueError::DuplicateId(_) => "retry_queue_duplicate_id",
        }
    }
}

/// Requests waiting to be (re)sent.
#[derive(Debug, Clone)]
pub struct RetryQueue<T> {
    items: Vec<QueuedRequest<T>>,
    next_id: u64,
}

impl<T> Default for RetryQueue<T> {
    fn default() -> Self {
        RetryQueue {
            items: Vec::new(),
            next_id: 1,
        }
    }
}

impl<T> RetryQueue<T> {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Items of one family (for the health screen's "queued retries").
    pub fn count_for(&self, family: EndpointFamily) -> usize {
        self.items.iter().filter(|i| i.family == family).count()
    }

    /// Add a fresh request; returns its id.
    pub fn push(
        &mut self,
        now: Duration,
        family: EndpointFamily,
        priority: Priority,
        payload: T,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.items.push(QueuedRequest {
            id,
            family,
            priority,
            attempts: 0,
            enqueued_at_ms: millis(now),
            not_before_ms: millis(now),
            next_run: false,
            last_error_code: None,
            payload,
        });
        id
    }

    /// Put back a request whose attempt failed, according to `plan`. It keeps its id, so it
    /// stays ahead of newer work of its priority. Returns the item back on
    /// [`RetryPlan::GiveUp`].
    pub fn requeue(
        &mut self,
        mut item: QueuedRequest<T>,
        plan: RetryPlan,
        error_code: &str,
    ) -> Option<QueuedRequest<T>> {
        item.last_error_code = Some(error_code.to_owned());
        match plan {
            RetryPlan::GiveUp => return Some(item),
            RetryPlan::RetryAt(at) => item.not_before_ms = millis(at),
            RetryPlan::NextScheduledRun => item.next_run = true,
        }
        self.items.push(item);
        None
    }

    /// A new scheduled run starts: work deferred to it becomes ready.
    pub fn start_scheduled_run(&mut self) {
        for item in &mut self.items {
            item.next_run = false;
        }
    }

    /// The request that should go next at `now`, given each family's budget, without
    /// taking it (the caller asks the governor first, then [`RetryQueue::remove`]s it).
    pub fn peek_next(
        &self,
        now: Duration,
        budget_of: impl Fn(EndpointFamily) -> Budget,
    ) -> Option<&QueuedRequest<T>> {
        self.best_index(now, budget_of)
            .map(|index| &self.items[index])
    }

    /// Take the request that should go next at `now`, given each family's budget.
    pub fn pop_next(
        &mut self,
        now: Duration,
        budget_of: impl Fn(EndpointFamily) -> Budget,
    ) -> Option<QueuedRequest<T>> {
        let index = self.best_index(now, budget_of)?;
        Some(self.items.remove(index))
    }

    /// Take the request with this id out of the queue.
    pub fn remove(&mut self, id: u64) -> Option<QueuedRequest<T>> {
        let index = self.items.iter().position(|i| i.id == id)?;
        Some(self.items.remove(index))
    }

    fn best_index(
        &self,
        now: Duration,
        budget_of: impl Fn(EndpointFamily) -> Budget,
    ) -> Option<usize> {
        let now_ms = millis(now);
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| !i.next_run && i.not_before_ms <= now_ms)
            .filter_map(|(index, i)| {
                let key = match budget_of(i.family) {
                    Budget::Closed => return None,
                    Budget::Scarce if i.priority == Priority::Low => return None,
                    Budget::Ample => (Priority::Critical, i.id),
                    Budget::Scarce | Budget::ProbeOnly => (i.priority, i.id),
                };
                Some((key, index))
            })
            .min_by_key(|&(key, _)| key)
            .map(|(_, index)| index)
    }

    /// The earliest time an item becomes ready by its own schedule (ignoring budgets).
    pub fn next_ready_at(&self) -> Option<Duration> {
        self.items
            .iter()
            .filter(|i| !i.next_run)
            .map(|i| Duration::from_millis(i.not_before_ms))
            .min()
    }

    /// Low-priority items held back because their family's budget is scarce.
    pub fn deferred_low(&self, budget_of: impl Fn(EndpointFamily) -> Budget) -> usize {
        self.items
            .iter()
            .filter(|i| i.priority == Priority::Low && budget_of(i.family) == Budget::Scarce)
            .count()
    }
}

impl<T: Serialize> RetryQueue<T> {
    /// The queue as records the store can persist.
    pub fn to_records(&self) -> Result<Vec<QueueRecord>, QueueError> {
        self.items
            .iter()
            .map(|i| {
                Ok(QueuedRequest {
                    id: i.id,
                    family: i.family,
                    priority: i.priority,
                    attempts: i.attempts,
                    enqueued_at_ms: i.enqueued_at_ms,
                    not_before_ms: i.not_before_ms,
                    next_run: i.next_run,
                    last_error_code: i.last_error_code.clone(),
                    payload: serde_json::to_value(&i.payload).map_err(QueueError::Encode)?,
                })
            })
            .collect()
    }
}

impl<T: DeserializeOwned> RetryQueue<T> {
    /// A queue rebuilt from persisted records (FIFO order and ids preserved).
    pub fn from_records(records: Vec<QueueRecord>) -> Result<Self, QueueError> {
        let mut queue = RetryQueue::new();
        let mut seen = std::collections::BTreeSet::new();
        if let Some(dup) = records.iter().find(|r| !seen.insert(r.id)) {
            return Err(QueueError::DuplicateId(dup.id));
        }
        for r in records {
            let payload = serde_json::from_value(r.payload)
                .map_err(|source| QueueError::Decode { id: r.id, source })?;
            queue.next_id = queue.next_id.max(r.id + 1);
            queue.items.push(QueuedRequest {
                id: r.id,
                family: r.family,
                priority: r.priority,
                attempts: r.attempts,
                enqueued_at_ms: r.enqueued_at_ms,
                not_before_ms: r.not_before_ms,
                next_run: r.next_run,
                last_error_code: r.last_error_code,
                payload,
            });
        }
        queue.items.sort_by_key(|i| i.id);
        Ok(queue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const C: EndpointFamily = EndpointFamily::Customers;

    fn s(x: u64) -> Duration {
        Duration::from_secs(x)
    }

    fn queue() -> RetryQueue<&'static str> {
        let mut q = RetryQueue::new();
        q.push(s(0), C, Priority::Low, "backfill");
        q.push(s(0), C, Priority::Normal, "daily-1");
        q.push(s(0), C, Priority::High, "today");
        q.push(s(0), C, Priority::Normal, "daily-2");
        q.push(s(0), C, Priority::Critical, "refresh");
        q
    }

    fn drain(q: &mut RetryQueue<&'static str>, budget: Budget) -> Vec<&'static str> {
        std::iter::from_fn(|| q.pop_next(s(1), |_| budget).map(|i| i.payload)).collect()
    }

    #[test]
    fn scarce_budget_serves_higher_priorities_first_fifo_within_and_defers_low() {
        let mut q = queue();
        assert_eq!(
            drain(&mut q, Budget::Scarce),
            ["refresh", "today", "daily-1", "daily-2"]
        );
        assert_eq!(q.deferred_low(|_| Budget::Scarce), 1);
        assert_eq!(drain(&mut q, Budget::Ample), ["backfill"]);
    }

    #[test]
    fn ample_budget_serves_in_arrival_order() {
        let mut q = queue();
        let order = drain(&mut q, Budget::Ample);
        assert_eq!(
            order,
            ["backfill", "daily-1", "today", "daily-2", "refresh"]
        );
    }

    #[test]
    fn half_open_probe_goes_to_the_most_important_even_if_only_low_work_waits() {
        let mut q = queue();
        assert_eq!(
            q.pop_next(s(1), |_| Budget::ProbeOnly).unwrap().payload,
            "refresh"
        );
        let mut only_low = RetryQueue::new();
        only_low.push(s(0), C, Priority::Low, "backfill");
        assert!(only_low.pop_next(s(1), |_| Budget::ProbeOnly).is_some());
    }

    #[test]
    fn closed_budget_sends_nothing_and_other_families_still_flow() {
        let mut q = queue();
        q.push(s(0), EndpointFamily::Payments, Priority::Low, "payments");
        let budget = |f| {
            if f == C {
                Budget::Closed
            } else {
                Budget::Ample
            }
        };
        assert_eq!(q.pop_next(s(1), budget).unwrap().payload, "payments");
        assert!(q.pop_next(s(1), budget).is_none());
    }

    #[test]
    fn requeued_item_waits_for_its_time_and_keeps_its_place() {
        let mut q = RetryQueue::new();
        q.push(s(0), C, Priority::Normal, "first");
        q.push(s(0), C, Priority::Normal, "second");
        let mut first = q.pop_next(s(0), |_| Budget::Scarce).unwrap();
        first.attempts = 1;
        assert!(
            q.requeue(first, RetryPlan::RetryAt(s(10)), "SERVICE_UNAVAILABLE")
                .is_none()
        );
        assert_eq!(
            q.pop_next(s(5), |_| Budget::Scarce).unwrap().payload,
            "second"
        );
        assert!(q.pop_next(s(5), |_| Budget::Scarce).is_none());
        assert_eq!(q.next_ready_at(), Some(s(10)));
        let again = q.pop_next(s(10), |_| Budget::Scarce).unwrap();
        assert_eq!((again.payload, again.attempts), ("first", 1));
        assert_eq!(
            again.last_error_code.as_deref(),
            Some("SERVICE_UNAVAILABLE")
        );
    }

    #[test]
    fn low_priority_retry_waits_for_the_next_scheduled_run() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let plan = Priority::Low.plan_retry(s(0), 1, None, None, &mut rng);
        assert_eq!(plan, RetryPlan::NextScheduledRun);
        let mut q = RetryQueue::new();
        q.push(s(0), C, Priority::Low, "backfill");
        let item = q.pop_next(s(0), |_| Budget::Ample).unwrap();
        q.requeue(item, plan, "SERVICE_UNAVAILABLE");
        assert!(q.pop_next(s(1_000), |_| Budget::Ample).is_none());
        q.start_scheduled_run();
        assert!(q.pop_next(s(1_000), |_| Budget::Ample).is_some());
    }

    #[test]
    fn attempts_per_priority_follow_the_seed() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let attempts: Vec<u32> = Priority::ALL
            .iter()
            .map(|p| {
                (1..)
                    .find(|&n| p.plan_retry(s(0), n, None, None, &mut rng) == RetryPlan::GiveUp)
                    .unwrap()
            })
            .collect();
        assert_eq!(attempts, [11, 6, 4, 2]);
    }

    #[test]
    fn retry_delays_grow_per_priority_and_honour_retry_after_and_the_breaker() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        assert_eq!(
            Priority::Critical.plan_retry(s(100), 1, None, None, &mut rng),
            RetryPlan::RetryAt(s(100))
        );
        let RetryPlan::RetryAt(high) = Priority::High.plan_retry(s(100), 3, None, None, &mut rng)
        else {
            panic!("high priority retries")
        };
        assert!(
            high >= s(100) && high <= s(104),
            "third high attempt waits ≤ 4 s"
        );
        let with_header = Priority::Normal.plan_retry(s(100), 1, Some(s(7)), None, &mut rng);
        assert_eq!(with_header, RetryPlan::RetryAt(s(107)));
        let breaker_open = Priority::Critical.plan_retry(s(100), 1, None, Some(s(130)), &mut rng);
        assert_eq!(breaker_open, RetryPlan::RetryAt(s(130)));
    }

    #[test]
    fn queue_survives_a_round_trip_through_records() {
        let mut q = queue();
        let item = q.pop_next(s(1), |_| Budget::Scarce).unwrap();
        q.requeue(item, RetryPlan::RetryAt(s(30)), "INTERNAL_SERVER_ERROR");
        let records = q.to_records().unwrap();
        let json = serde_json::to_string(&records).unwrap();
        let back: Vec<QueueRecord> = serde_json::from_str(&json).unwrap();
        let mut restored = RetryQueue::<String>::from_records(back).unwrap();
        assert_eq!(restored.len(), 5);
        let id = restored.push(s(2), C, Priority::Normal, "new".to_owned());
        assert_eq!(id, 6, "ids continue after the restored ones");
        let order: Vec<String> = std::iter::from_fn(|| {
            restored
                .pop_next(s(60), |_| Budget::Scarce)
                .map(|i| i.payload)
        })
        .collect();
        assert_eq!(order, ["refresh", "today", "daily-1", "daily-2", "new"]);
        assert!(json.contains("\"priority\":\"critical\""));
    }

    #[test]
    fn corrupt_records_are_typed_errors() {
        let records = vec![
            QueueRecord {
                id: 1,
                family: C,
                priority: Priority::Low,
                attempts: 0,
                enqueued_at_ms: 0,
                not_before_ms: 0,
                next_run: false,
                last_error_code: None,
                payload: serde_json::json!(42),
            };
            2
        ];
        let err = RetryQueue::<String>::from_records(records.clone()).unwrap_err();
        assert_eq!(err.code(), "retry_queue_duplicate_id");
        let err = RetryQueue::<String>::from_records(records[..1].to_vec()).unwrap_err();
        assert_eq!(err.code(), "retry_queue_decode");
    }
}
