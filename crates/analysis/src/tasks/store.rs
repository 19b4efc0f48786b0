//! The `tasks` and `task_history` tables (migration 0004): reconciling a day's candidates,
//! listing, and the owner's state changes.
//!
//! Reconciling ([`sync`]), for a run at `now`:
//! 1. snoozes that have ended become open again;
//! 2. a candidate whose (customer, type, episode) task is live is refreshed (value, reason,
//!    details); one the **owner** marked done or dismissed is left alone, never re-raised;
//!    one the **system** closed (the situation had gone away) is reopened;
//! 3. a candidate for a customer and type with a live task of another episode moves that
//!    task to the new episode (keeping its snooze): one live task per customer and type;
//! 4. otherwise a new open task is created;
//! 5. a live task no candidate matched is closed by the system: `done` when the customer
//!    came back or booked since the episode, else `dismissed` ("no longer applies").
//!
//! Every state change writes a `task_history` row with the actor (`owner` or `system`).
//! A task moved to a new episode drops its retrieved context ([`fill_context`] fills it
//! again for the new situation).

use super::{Candidate, ContextSource, HistoryEntry, TaskState, TaskType, TaskView};
use crate::error::{Error, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashSet;

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn history(
    conn: &Connection,
    task_id: i64,
    at: &str,
    from: Option<TaskState>,
    to: TaskState,
    actor: &str,
    note: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO task_history (task_id, at, from_state, to_state, actor, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        task_id,
        at,
        from.map(TaskState::as_str),
        to.as_str(),
        actor,
        note
    ])?;
    Ok(())
}

/// What a reconcile did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncStats {
    pub created: usize,
    pub refreshed: usize,
    pub reopened: usize,
    pub woken: usize,
    pub closed_done: usize,
    pub closed_dismissed: usize,
    pub skipped_owner_closed: usize,
}

/// Whether the customer came back or booked after `episode` (a day): decides how the
/// system closes a come-back task whose situation went away.
pub type CameBack<'a> = &'a dyn Fn(Option<&str>, TaskType, &str) -> Option<String>;

/// Reconciles today's candidates with the table (module doc). `came_back` returns a note
/// when a vanished come-back situation ended because the customer returned.
pub fn sync(
    conn: &Connection,
    now: DateTime<Utc>,
    candidates: &[Candidate],
    came_back: CameBack,
) -> Result<SyncStats> {
    let at = ts(&now);
    let mut stats = SyncStats::default();

    // 1. Ended snoozes.
    let woken: Vec<i64> = conn
        .prepare(
            "SELECT id FROM tasks WHERE state = 'snoozed' AND snoozed_until IS NOT NULL
                AND snoozed_until <= ?1",
        )?
        .query_map([&at], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in woken {
        conn.execute(
            "UPDATE tasks SET state = 'open', snoozed_until = NULL, updated_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
        history(
            conn,
            id,
            &at,
            Some(TaskState::Snoozed),
            TaskState::Open,
            "system",
            Some("snooze ended"),
        )?;
        stats.woken += 1;
    }

    let mut seen: HashSet<i64> = HashSet::new();
    for c in candidates {
        let details = serde_json::to_string(&c.details)?;
        let exact: Option<(i64, String, Option<String>)> = conn
            .prepare_cached(
                "SELECT id, state, closed_by FROM tasks
                  WHERE customer_id IS ?1 AND task_type = ?2 AND episode = ?3",
            )?
            .query_row(
                params![c.customer_id, c.task_type.as_str(), c.episode],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let refresh = |id: i64, episode: &str| -> Result<()> {
            conn.prepare_cached(
                "UPDATE tasks SET context = CASE WHEN episode = ?2 THEN context END,
                        episode = ?2, value_at_stake = ?3, priority = ?4, reason = ?5,
                        details = ?6, last_seen_at = ?7, updated_at = ?7
                  WHERE id = ?1",
            )?
            .execute(params![
                id,
                episode,
                c.value_at_stake,
                c.priority,
                c.reason,
                details,
                at
            ])?;
            Ok(())
        };
        if let Some((id, state, closed_by)) = exact {
            let state = TaskState::parse(&state).unwrap_or(TaskState::Open);
            if state.is_live() {
                refresh(id, &c.episode)?;
                stats.refreshed += 1;
            } else if closed_by.as_deref() == Some("system") {
                // Only reopen when no other live task of this customer and type exists.
                let live: Option<i64> = live_task(conn, c.customer_id.as_deref(), c.task_type)?;
                if live.is_none() {
                    conn.execute(
                        "UPDATE tasks SET state = 'open', closed_by = NULL WHERE id = ?1",
                        [id],
                    )?;
                    refresh(id, &c.episode)?;
                    history(
                        conn,
                        id,
                        &at,
                        Some(state),
                        TaskState::Open,
                        "system",
                        Some("applies again"),
                    )?;
                    stats.reopened += 1;
                } else {
                    continue;
                }
            } else {
                stats.skipped_owner_closed += 1;
                continue;
            }
            seen.insert(id);
            continue;
        }
        if c.customer_id.is_some()
            && let Some(id) = live_task(conn, c.customer_id.as_deref(), c.task_type)?
        {
            refresh(id, &c.episode)?;
            stats.refreshed += 1;
            seen.insert(id);
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO tasks (customer_id, task_type, episode, state, value_at_stake, priority,
                                reason, details, created_at, updated_at, last_seen_at)
             VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?8, ?8)",
        )?
        .execute(params![
            c.customer_id,
            c.task_type.as_str(),
            c.episode,
            c.value_at_stake,
            c.priority,
            c.reason,
            details,
            at
        ])?;
        let id = conn.last_insert_rowid();
        history(conn, id, &at, None, TaskState::Open, "system", None)?;
        stats.created += 1;
        seen.insert(id);
    }

    // 5. Live tasks whose situation went away.
    let stale: Vec<(i64, Option<String>, String, String, String)> = conn
        .prepare(
            "SELECT id, customer_id, task_type, episode, state FROM tasks
              WHERE state IN ('open','snoozed')",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, customer, task_type, episode, state) in stale {
        if seen.contains(&id) {
            continue;
        }
        let Some(task_type) = TaskType::parse(&task_type) else {
            continue;
        };
        let from = TaskState::parse(&state).unwrap_or(TaskState::Open);
        let (to, note) = match came_back(customer.as_deref(), task_type, &episode) {
            Some(note) => (TaskState::Done, note),
            None => (TaskState::Dismissed, "no longer applies".to_string()),
        };
        conn.execute(
            "UPDATE tasks SET state = ?2, snoozed_until = NULL, closed_by = 'system',
                    updated_at = ?3 WHERE id = ?1",
            params![id, to.as_str(), at],
        )?;
        history(conn, id, &at, Some(from), to, "system", Some(&note))?;
        match to {
            TaskState::Done => stats.closed_done += 1,
            _ => stats.closed_dismissed += 1,
        }
    }
    Ok(stats)
}

fn live_task(conn: &Connection, customer: Option<&str>, t: TaskType) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM tasks WHERE customer_id IS ?1 AND task_type = ?2
                AND state IN ('open','snoozed')",
        )?
        .query_row(params![customer, t.as_str()], |r| r.get(0))
        .optional()?)
}

const VIEW: &str = "
    SELECT t.id, t.customer_id,
           NULLIF(TRIM(COALESCE(c.given_name, '') || ' ' || COALESCE(c.family_name, '')), ''),
           t.task_type, t.state, t.snoozed_until, t.value_at_stake, t.priority, t.reason,
           t.details, t.context, t.created_at, t.updated_at
      FROM tasks t LEFT JOIN customers c ON c.id = t.customer_id";

fn view(r: &rusqlite::Row, currency: Option<&str>) -> rusqlite::Result<TaskView> {
    let details: String = r.get(9)?;
    Ok(TaskView {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        customer_name: r.get(2)?,
        task_type: TaskType::parse(&r.get::<_, String>(3)?).unwrap_or(TaskType::ChurnPrevention),
        state: TaskState::parse(&r.get::<_, String>(4)?).unwrap_or(TaskState::Open),
        snoozed_until: r.get(5)?,
        value_at_stake: r.get(6)?,
        currency: currency.map(str::to_string),
        priority: r.get::<_, i64>(7)? as u8,
        reason: r.get(8)?,
        details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
        context: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

fn currency(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT currency FROM customer_metrics WHERE currency IS NOT NULL
              GROUP BY currency ORDER BY COUNT(*) DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// Today's list: open tasks (and snoozes that have ended by `now`), ranked by priority
/// then value at stake; at most `limit`.
pub fn list_open(conn: &Connection, now: DateTime<Utc>, limit: usize) -> Result<Vec<TaskView>> {
    let cur = currency(conn)?;
    let sql = format!(
        "{VIEW} WHERE t.state = 'open'
                 OR (t.state = 'snoozed' AND t.snoozed_until <= ?1)
          ORDER BY t.priority, t.value_at_stake DESC, t.id LIMIT ?2"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![ts(&now), limit as i64], |r| view(r, cur.as_deref()))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One task by id.
pub fn get(conn: &Connection, id: i64) -> Result<TaskView> {
    let cur = currency(conn)?;
    conn.query_row(&format!("{VIEW} WHERE t.id = ?1"), [id], |r| {
        view(r, cur.as_deref())
    })
    .optional()?
    .ok_or(Error::TaskNotFound(id))
}

/// A task's state changes, oldest first.
pub fn history_of(conn: &Connection, id: i64) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare(
        "SELECT at, from_state, to_state, actor, note FROM task_history
          WHERE task_id = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([id], |r| {
        let from: Option<String> = r.get(1)?;
        Ok(HistoryEntry {
            at: r.get(0)?,
            from_state: from.as_deref().and_then(TaskState::parse),
            to_state: TaskState::parse(&r.get::<_, String>(2)?).unwrap_or(TaskState::Open),
            actor: r.get(3)?,
            note: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The owner's change of a task's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Done,
    Dismiss,
    /// Hide until the given instant.
    Snooze(DateTime<Utc>),
    /// Bring a snoozed task back now.
    Unsnooze,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Done => "marked done",
            Action::Dismiss => "dismissed",
            Action::Snooze(_) => "snoozed",
            Action::Unsnooze => "unsnoozed",
        }
    }
}

/// Applies the owner's `action` to task `id` at `now`. Done and dismissed are final; open
/// and snoozed tasks can be done, dismissed or (re)snoozed; only a snoozed task unsnoozes.
pub fn apply(conn: &Connection, id: i64, action: Action, now: DateTime<Utc>) -> Result<TaskView> {
    let task = get(conn, id)?;
    let at = ts(&now);
    let allowed = match action {
        Action::Unsnooze => task.state == TaskState::Snoozed,
        _ => task.state.is_live(),
    };
    if !allowed {
        return Err(Error::InvalidTransition {
            id,
            state: task.state.as_str().into(),
            action: action.verb(),
        });
    }
    let (to, until, closed_by, note) = match action {
        Action::Done => (TaskState::Done, None, Some("owner"), None),
        Action::Dismiss => (TaskState::Dismissed, None, Some("owner"), None),
        Action::Snooze(until) => {
            if until <= now {
                return Err(Error::SnoozeInPast { until: ts(&until) });
            }
            (
                TaskState::Snoozed,
                Some(ts(&until)),
                None,
                Some(format!("until {}", ts(&until))),
            )
        }
        Action::Unsnooze => (TaskState::Open, None, None, None),
    };
    conn.execute(
        "UPDATE tasks SET state = ?2, snoozed_until = ?3, closed_by = ?4, updated_at = ?5
          WHERE id = ?1",
        params![id, to.as_str(), until, closed_by, at],
    )?;
    history(
        conn,
        id,
        &at,
        Some(task.state),
        to,
        "owner",
        note.as_deref(),
    )?;
    get(conn, id)
}

/// Asks `source` for the context of the open tasks that have none yet (at most `limit`,
/// best-ranked first) and stores what it returns. Returns how many were filled.
pub fn fill_context(
    conn: &Connection,
    source: &dyn ContextSource,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<usize> {
    let mut filled = 0;
    for task in list_open(conn, now, limit)? {
        if task.context.is_some() {
            continue;
        }
        if let Some(context) = source.get_context_for_task(&task) {
            conn.execute(
                "UPDATE tasks SET context = ?2 WHERE id = ?1",
                params![task.id, context],
            )?;
            filled += 1;
        }
    }
    Ok(filled)
}
