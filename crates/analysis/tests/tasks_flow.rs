//! Tasks on the hand-built salon: which tasks, their reasons and ranking, deduplication
//! across daily runs, and state changes (done, snooze, dismiss) with their history.

mod fixture;

use chrono::{Duration, TimeZone, Utc};
use keeper_analysis::tasks::store::{self, Action};
use keeper_analysis::tasks::{TaskState, TaskType};
use keeper_analysis::{analyse, recompute};

fn open_of(
    store: &keeper_store::Store,
    now: chrono::DateTime<Utc>,
) -> Vec<keeper_analysis::tasks::TaskView> {
    store::list_open(store.conn(), now, 100).unwrap()
}

fn find(
    tasks: &[keeper_analysis::tasks::TaskView],
    customer: &str,
    t: TaskType,
) -> Option<keeper_analysis::tasks::TaskView> {
    tasks
        .iter()
        .find(|x| x.customer_id.as_deref() == Some(customer) && x.task_type == t)
        .cloned()
}

#[test]
fn the_fixture_raises_the_expected_tasks_with_plain_reasons() {
    let store = fixture::salon();
    let a = analyse(store.conn(), fixture::now()).unwrap();
    let kinds: Vec<(String, TaskType)> = a
        .candidates
        .iter()
        .map(|c| (c.customer_id.clone().unwrap(), c.task_type))
        .collect();
    assert!(kinds.contains(&("maria".into(), TaskType::ChurnPrevention)));
    assert!(kinds.contains(&("maria".into(), TaskType::Birthday)));
    assert!(kinds.contains(&("nina".into(), TaskType::SecondVisit)));
    assert!(kinds.contains(&("olga".into(), TaskType::Reactivation)));
    assert!(
        !kinds.iter().any(|(c, _)| c == "tom"),
        "Tom is booked: no task"
    );
    let reason = |c: &str, t: TaskType| {
        a.candidates
            .iter()
            .find(|x| x.customer_id.as_deref() == Some(c) && x.task_type == t)
            .unwrap()
            .reason
            .clone()
    };
    assert_eq!(
        reason("maria", TaskType::ChurnPrevention),
        "Maria: 3 weeks past the usual 6-week Colour; usually sees Jess; $340 in the last 12 months"
    );
    assert_eq!(
        reason("nina", TaskType::SecondVisit),
        "Nina: first visit 3 weeks ago (Women's Haircut with Ana, $65); no second visit booked"
    );
    assert_eq!(
        reason("maria", TaskType::Birthday),
        "Maria: birthday in 4 days (Thursday 5 June); 3 visits; usually sees Jess; $340 in the last 12 months"
    );
    assert_eq!(
        reason("olga", TaskType::Reactivation),
        "Olga: last visit 15 months ago, used to come every 4 weeks for Haircuts; used to see Jess; $195 spent in all"
    );
    // Value at stake: Maria's yearly value = $113.33 × 365 / 42.
    let maria = a
        .candidates
        .iter()
        .find(|x| {
            x.customer_id.as_deref() == Some("maria") && x.task_type == TaskType::ChurnPrevention
        })
        .unwrap();
    assert_eq!(
        maria.value_at_stake,
        (11_333.0f64 * 365.0 / 42.0).round() as i64
    );
}

#[test]
fn tasks_are_ranked_by_value_at_stake_with_urgent_reviews_first() {
    let mut store = fixture::salon();
    store
        .conn()
        .execute(
            "INSERT INTO reviews (id, source, source_id, author_name, rating, text, created_at, customer_id, fetched_at)
             VALUES ('google:1', 'google', '1', 'Nina P.', 2, 'Waited 40 minutes and nobody said sorry.',
                     '2025-05-30T10:00:00.000Z', 'nina', '2025-05-31T00:00:00.000Z')",
            [],
        )
        .unwrap();
    recompute(&mut store, fixture::now()).unwrap();
    let open = open_of(&store, fixture::now());
    assert_eq!(open[0].task_type, TaskType::ReviewFollowUp, "urgent first");
    assert_eq!(
        open[0].reason,
        "Nina: 2-star Google review 2 days ago, not answered; \u{201c}Waited 40 minutes and nobody said sorry.\u{201d}; $65 in the last 12 months"
    );
    let values: Vec<i64> = open[1..].iter().map(|t| t.value_at_stake).collect();
    let mut sorted = values.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(values, sorted, "the rest by value at stake, highest first");
    assert_eq!(open[0].context, None, "context is left for the search work");
}

#[test]
fn regenerating_daily_neither_duplicates_open_tasks_nor_resurrects_closed_ones() {
    let mut store = fixture::salon();
    let now = fixture::now();
    let first = recompute(&mut store, now).unwrap();
    assert_eq!(first.tasks.created, 4);
    let second = recompute(&mut store, now + Duration::days(1)).unwrap();
    assert_eq!(second.tasks.created, 0);
    assert_eq!(second.tasks.refreshed, 4);
    let count: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM tasks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 4);

    let open = open_of(&store, now);
    let churn = find(&open, "maria", TaskType::ChurnPrevention).unwrap();
    let reactivation = find(&open, "olga", TaskType::Reactivation).unwrap();
    store::apply(store.conn(), churn.id, Action::Dismiss, now).unwrap();
    store::apply(store.conn(), reactivation.id, Action::Done, now).unwrap();
    let third = recompute(&mut store, now + Duration::days(2)).unwrap();
    assert_eq!(third.tasks.skipped_owner_closed, 2);
    assert_eq!(third.tasks.created, 0);
    let open = open_of(&store, now + Duration::days(2));
    assert!(find(&open, "maria", TaskType::ChurnPrevention).is_none());
    assert!(find(&open, "olga", TaskType::Reactivation).is_none());
    assert!(find(&open, "maria", TaskType::Birthday).is_some());
}

#[test]
fn a_new_lapse_after_a_dismissal_raises_a_new_task() {
    let mut store = fixture::salon();
    let now = fixture::now();
    recompute(&mut store, now).unwrap();
    let churn = find(&open_of(&store, now), "maria", TaskType::ChurnPrevention).unwrap();
    store::apply(store.conn(), churn.id, Action::Dismiss, now).unwrap();
    // Maria comes back on 2 June, then lapses again: gaps 42, 42, 64 → mean 49.3; by
    // 15 August she is 74 days out, 25 days late.
    let mut s = fixture::Sale::new("maria3", "maria", "2025-06-02", "tm_jess", 12_000);
    s.variation = Some("var_colour");
    fixture::sale(store.conn(), &s);
    let later = Utc.with_ymd_and_hms(2025, 8, 15, 12, 0, 0).unwrap();
    recompute(&mut store, later).unwrap();
    let again = find(&open_of(&store, later), "maria", TaskType::ChurnPrevention).unwrap();
    assert_ne!(again.id, churn.id);
    assert_eq!(again.state, TaskState::Open);
    assert!(
        again.reason.starts_with("Maria: 4 weeks past the usual"),
        "{}",
        again.reason
    );
}

#[test]
fn a_task_whose_customer_came_back_is_closed_by_the_system_as_done() {
    let mut store = fixture::salon();
    let now = fixture::now();
    recompute(&mut store, now).unwrap();
    let second = find(&open_of(&store, now), "nina", TaskType::SecondVisit).unwrap();
    fixture::sale(
        store.conn(),
        &fixture::Sale::new("nina1", "nina", "2025-06-02", "tm_ana", 6_500),
    );
    let next_day = now + Duration::days(2);
    let report = recompute(&mut store, next_day).unwrap();
    assert!(report.tasks.closed_done >= 1);
    let task = store::get(store.conn(), second.id).unwrap();
    assert_eq!(task.state, TaskState::Done);
    let history = store::history_of(store.conn(), second.id).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.actor, "system");
    assert_eq!(last.note.as_deref(), Some("came back on 2025-06-02"));
}

#[test]
fn snoozed_tasks_hide_until_their_time_then_reopen() {
    let mut store = fixture::salon();
    let now = fixture::now();
    recompute(&mut store, now).unwrap();
    let task = find(&open_of(&store, now), "olga", TaskType::Reactivation).unwrap();
    let until = now + Duration::days(3);
    let snoozed = store::apply(store.conn(), task.id, Action::Snooze(until), now).unwrap();
    assert_eq!(snoozed.state, TaskState::Snoozed);
    assert!(find(&open_of(&store, now), "olga", TaskType::Reactivation).is_none());

    let report = recompute(&mut store, now + Duration::days(1)).unwrap();
    assert_eq!(
        report.tasks.created, 0,
        "the snoozed task still counts: no duplicate"
    );
    assert_eq!(
        store::get(store.conn(), task.id).unwrap().state,
        TaskState::Snoozed
    );
    let report = recompute(&mut store, now + Duration::days(4)).unwrap();
    assert_eq!(report.tasks.woken, 1);
    assert_eq!(
        store::get(store.conn(), task.id).unwrap().state,
        TaskState::Open
    );

    let states: Vec<(Option<TaskState>, TaskState, String)> =
        store::history_of(store.conn(), task.id)
            .unwrap()
            .into_iter()
            .map(|h| (h.from_state, h.to_state, h.actor))
            .collect();
    assert_eq!(
        states,
        vec![
            (None, TaskState::Open, "system".into()),
            (Some(TaskState::Open), TaskState::Snoozed, "owner".into()),
            (Some(TaskState::Snoozed), TaskState::Open, "system".into()),
        ]
    );
}

#[test]
fn closed_tasks_refuse_further_changes_and_snoozes_must_end_in_the_future() {
    let mut store = fixture::salon();
    let now = fixture::now();
    recompute(&mut store, now).unwrap();
    let task = find(&open_of(&store, now), "nina", TaskType::SecondVisit).unwrap();
    let err = store::apply(
        store.conn(),
        task.id,
        Action::Snooze(now - Duration::hours(1)),
        now,
    )
    .unwrap_err();
    assert_eq!(err.code(), "task_snooze_in_past");
    store::apply(store.conn(), task.id, Action::Done, now).unwrap();
    let err = store::apply(store.conn(), task.id, Action::Dismiss, now).unwrap_err();
    assert_eq!(err.code(), "task_invalid_transition");
    let err = store::apply(store.conn(), 9_999, Action::Done, now).unwrap_err();
    assert_eq!(err.code(), "task_not_found");
}

#[test]
fn the_context_hook_stores_what_the_source_returns() {
    struct Notes;
    impl keeper_analysis::tasks::ContextSource for Notes {
        fn get_context_for_task(&self, task: &keeper_analysis::tasks::TaskView) -> Option<String> {
            (task.customer_id.as_deref() == Some("nina")).then(|| "note: prefers mornings".into())
        }
    }
    let mut store = fixture::salon();
    let now = fixture::now();
    recompute(&mut store, now).unwrap();
    let filled = store::fill_context(store.conn(), &Notes, now, 10).unwrap();
    assert_eq!(filled, 1);
    let open = open_of(&store, now);
    assert_eq!(
        find(&open, "nina", TaskType::SecondVisit)
            .unwrap()
            .context
            .as_deref(),
        Some("note: prefers mornings")
    );
    assert_eq!(
        find(&open, "olga", TaskType::Reactivation).unwrap().context,
        None
    );
}
