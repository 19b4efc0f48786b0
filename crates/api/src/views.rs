//! The shapes the desktop UI receives: one serde struct per screen element, named for what the
//! owner sees. The TypeScript types in `ui/src/lib/backend/generated/` are generated from
//! these by ts-rs when `cargo test -p keeper-api` runs, so the two sides cannot drift apart
//! (CI fails when the generated files differ from the committed ones).
//!
//! Money is in the smallest currency unit (`*_cents`) with the currency code beside it; dates
//! are ISO 8601 strings (`YYYY-MM-DD` for days, RFC 3339 for instants). Fields that may be
//! unknown are `Option`s and serialize as `null`: the UI shows "not enough history" rather
//! than a made-up number.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Directory (relative to this crate) where the generated TypeScript lands.
macro_rules! view {
    ($(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
        #[ts(export, export_to = "../../../ui/src/lib/backend/generated/")]
        pub struct $name { $($body)* }
    };
    ($(#[$m:meta])* pub enum $name:ident { $($body:tt)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export, export_to = "../../../ui/src/lib/backend/generated/")]
        pub enum $name { $($body)* }
    };
}

// ---------------------------------------------------------------- jobs (import, sync, demo)

view! {
    /// Which long-running job a status describes.
    /// `Upload`: a spreadsheet's upload, its re-match after a column correction, or its undo
    /// (see [`UploadJob`]).
    pub enum JobKind { Demo, Import, Sync, Upload }
}

view! {
    /// Where a job or one of its streams stands.
    pub enum JobState { Idle, Waiting, Running, Finished, Failed }
}

view! {
    /// Progress of one stream of an import or sync (customers, payments, ...).
    pub struct StreamProgress {
        pub stream: String,
        pub state: JobState,
        pub pages: u32,
        pub objects: u32,
        /// 0–100 when the total is known (time-windowed streams), otherwise null.
        pub percent: Option<f64>,
        pub eta_seconds: Option<f64>,
        /// What went wrong and what to do next, for a failed stream.
        pub error: Option<String>,
    }
}

view! {
    /// A snapshot of the current (or last) job, sent as the `job-progress` event and returned
    /// by `job_status`.
    pub struct JobStatus {
        pub kind: Option<JobKind>,
        pub state: JobState,
        /// The step in plain words: "Connecting to Square", "Importing", "Analysing", ...
        pub stage: String,
        pub streams: Vec<StreamProgress>,
        pub started_at: Option<String>,
        pub finished_at: Option<String>,
        /// Square is answering 429: the import slows down on its own.
        pub rate_limited: bool,
        pub backoff_seconds: f64,
        /// For a failed job: the error code the UI can switch on, and the message.
        pub error_code: Option<String>,
        pub error: Option<String>,
        /// One line per finished stage, for the summary ("Imported 2,036 customers in 41 s").
        pub summary: Vec<String>,
    }
}

// ---------------------------------------------------------------- customers

view! {
    /// How the customer list is ordered.
    pub enum CustomerSort { Name, Value, LastVisit, Risk, Visits, Overdue }
}

view! {
    /// What the customer list asks for: a window of rows (the list is virtualized).
    pub struct CustomerQuery {
        pub search: Option<String>,
        pub sort: CustomerSort,
        pub descending: bool,
        pub offset: u32,
        pub limit: u32,
    }
}

view! {
    /// One row of the customer list.
    pub struct CustomerRow {
        pub id: String,
        pub name: String,
        pub email: Option<String>,
        pub phone: Option<String>,
        pub visits: u32,
        pub last_visit: Option<String>,
        #[ts(type = "number")]
        pub lifetime_value_cents: i64,
        /// P(alive) from the churn model; null when the history is too thin for it.
        pub p_alive: Option<f64>,
        /// Days past the expected next visit (negative: not due yet); null without a cadence.
        #[ts(type = "number | null")]
        pub days_overdue: Option<i64>,
        pub preferred_staff: Option<String>,
    }
}

view! {
    /// A window of the customer list.
    pub struct CustomerPage {
        pub rows: Vec<CustomerRow>,
        /// Rows matching the query in total (for the virtual scroll height).
        pub total: u32,
        pub offset: u32,
        pub currency: String,
        /// "hybrid" (words + meaning), "text" (words only) or "none" (no search).
        pub search_mode: String,
        /// Why semantic search is off, when it is.
        pub search_note: Option<String>,
    }
}

view! {
    /// Something counted and summed: a service, a team member, a modifier.
    pub struct Ranked {
        pub name: String,
        pub count: u32,
        #[ts(type = "number")]
        pub amount_cents: i64,
    }
}

view! {
    /// One visit on the customer's timeline.
    pub struct VisitEntry {
        pub date: String,
        /// order, payment or booking: which record made it a visit.
        pub source: String,
        #[ts(type = "number")]
        pub amount_cents: i64,
        pub services: Vec<String>,
        pub staff: Option<String>,
    }
}

view! {
    /// A note about the customer and where it came from.
    pub struct NoteEntry {
        /// square, spreadsheet or review.
        pub source: String,
        pub text: String,
        /// The upload or review it came from.
        pub origin: Option<String>,
    }
}

view! {
    /// The model's and the cadence rules' figures for one customer.
    pub struct CustomerMetrics {
        pub first_visit: Option<String>,
        pub last_visit: Option<String>,
        pub mean_days_between: Option<f64>,
        pub sd_days_between: Option<f64>,
        #[ts(type = "number | null")]
        pub average_spend_cents: Option<i64>,
        pub next_expected_visit: Option<String>,
        pub p_alive: Option<f64>,
        pub expected_visits_30d: Option<f64>,
        pub expected_visits_90d: Option<f64>,
        #[ts(type = "number | null")]
        pub clv_cents: Option<i64>,
        pub modifier_attach_rate: Option<f64>,
        pub no_shows: u32,
        pub cancellations: u32,
        pub loyalty: Option<String>,
        /// Why a figure is missing ("2 visits: too few for the churn model; using cadence").
        pub model_note: Option<String>,
    }
}

view! {
    /// Everything on the customer page.
    pub struct CustomerDetail {
        pub row: CustomerRow,
        pub birthday: Option<String>,
        pub created_at: Option<String>,
        pub currency: String,
        pub metrics: CustomerMetrics,
        pub timeline: Vec<VisitEntry>,
        pub services: Vec<Ranked>,
        pub staff: Vec<Ranked>,
        pub modifiers: Vec<Ranked>,
        pub notes: Vec<NoteEntry>,
        pub reviews: Vec<ReviewEntry>,
        pub tasks: Vec<TaskEntry>,
    }
}

// ---------------------------------------------------------------- tasks and insights

view! {
    /// What the owner did with a task.
    pub enum TaskState { Open, Done, Snoozed, Dismissed }
}

view! {
    /// One task on today's list.
    pub struct TaskEntry {
        pub id: String,
        pub customer_id: Option<String>,
        pub customer_name: Option<String>,
        /// churn_prevention, upsell, reactivation, second_visit, review_follow_up, birthday.
        pub task_type: String,
        /// The reason in plain words.
        pub reason: String,
        #[ts(type = "number")]
        pub value_at_stake_cents: i64,
        pub state: TaskState,
        pub snoozed_until: Option<String>,
        pub created_at: String,
        /// What Keeper knows that helps with this task (the customer's context).
        pub context: Option<String>,
    }
}

view! {
    /// A change to a task's state, from the Insights screen.
    pub struct TaskAction {
        pub id: String,
        pub state: TaskState,
        /// For `snoozed`: until when (YYYY-MM-DD).
        pub until: Option<String>,
    }
}

view! {
    /// A labelled number for a chart.
    pub struct Point {
        pub label: String,
        pub value: f64,
    }
}

view! {
    /// Retention of one cohort (customers whose first visit fell in `cohort`).
    pub struct CohortRow {
        pub cohort: String,
        pub size: u32,
        /// Share still visiting 1, 2, 3, ... months later.
        pub retention: Vec<f64>,
    }
}

view! {
    /// One team member's figures.
    pub struct StaffRow {
        pub id: String,
        pub name: String,
        pub retention: Option<f64>,
        pub rebooking_rate: Option<f64>,
        pub second_visit_rate: Option<f64>,
        #[ts(type = "number")]
        pub revenue_cents: i64,
        pub review_sentiment: Option<f64>,
    }
}

view! {
    /// The Insights screen's charts.
    pub struct BusinessSummary {
        pub currency: String,
        pub revenue_by_month: Vec<Point>,
        pub active_customers: u32,
        pub lapsed_customers: u32,
        pub new_customers: u32,
        pub visit_frequency: Vec<Point>,
        pub cohorts: Vec<CohortRow>,
        pub churn_risk: Vec<Point>,
        pub staff: Vec<StaffRow>,
        pub computed_at: Option<String>,
    }
}

// ---------------------------------------------------------------- reviews

view! {
    /// A staff member or service a review mentions.
    pub struct Mention {
        /// team_member or service.
        pub kind: String,
        pub name: String,
        pub sentiment: Option<f64>,
    }
}

view! {
    /// One review.
    pub struct ReviewEntry {
        pub id: String,
        /// google, yelp or file.
        pub source: String,
        pub author: Option<String>,
        pub rating: Option<u8>,
        pub text: String,
        pub created_at: String,
        pub sentiment: Option<f64>,
        pub urgent: bool,
        pub urgent_reason: Option<String>,
        pub customer_id: Option<String>,
        pub customer_name: Option<String>,
        pub mentions: Vec<Mention>,
    }
}

// ---------------------------------------------------------------- spreadsheet match review

view! {
    /// One detected column of an uploaded sheet.
    pub struct ColumnMapping {
        pub column: String,
        /// The Keeper field it maps to (full_name, email, phone, birthday, notes, ...) or null
        /// when ignored.
        pub field: Option<String>,
        pub confidence: f64,
        pub samples: Vec<String>,
    }
}

view! {
    /// One field of a candidate match, side by side.
    pub struct FieldComparison {
        pub field: String,
        pub upload: Option<String>,
        pub square: Option<String>,
        /// The matcher's level for the field (exact, typo, different, missing, ...); for a
        /// name or an address, the level of each part compared ("given exact, family typo").
        pub outcome: String,
        /// How much this field counted (log-likelihood weight).
        pub weight: f64,
    }
}

view! {
    /// A sheet row and the Square customer it may be.
    pub struct MatchCandidate {
        pub id: String,
        pub row_number: u32,
        pub customer_id: Option<String>,
        pub customer_name: Option<String>,
        pub score: f64,
        /// accept, review or reject: what the thresholds decided.
        pub band: String,
        /// pending, accepted, rejected or skipped: what happened since.
        pub state: String,
        pub fields: Vec<FieldComparison>,
        /// Other customers the row may be (rows in review; at most three), best first.
        pub alternatives: Vec<MatchAlternative>,
    }
}

view! {
    /// Another Square customer a sheet row in review may be; the owner can pick it instead.
    pub struct MatchAlternative {
        pub customer_id: String,
        pub customer_name: Option<String>,
        pub score: f64,
        pub fields: Vec<FieldComparison>,
        /// The row of this sheet already linked to this customer, if any.
        pub taken_by_row: Option<u32>,
    }
}

view! {
    /// An upload and where its review stands.
    pub struct UploadSummary {
        pub id: String,
        pub file_name: String,
        pub rows: u32,
        pub accepted: u32,
        pub to_review: u32,
        pub rejected: u32,
        pub unmatched: u32,
        pub created_at: String,
        pub undone: bool,
        pub mapping: Vec<ColumnMapping>,
    }
}

view! {
    /// What an upload job does.
    pub enum UploadJobKind { Upload, Remap, UndoUpload }
}

view! {
    /// A spreadsheet job (upload, re-match, undo) as the match-review screen follows it: the
    /// command that starts it answers with it at once, `upload_job` reads it again. The job
    /// runs in the app's job slot (its progress is also the `job-progress` status) and is
    /// recorded in the database, so one the app did not finish is finished at the next start.
    pub struct UploadJob {
        pub id: String,
        pub kind: UploadJobKind,
        /// `waiting` (recorded, not started), `running`, `finished` or `failed`.
        pub state: JobState,
        /// The step in plain words ("Matching 200 rows against 20,308 customers").
        pub stage: String,
        /// Steps done out of all steps, 0–100.
        pub percent: Option<f64>,
        pub file_name: Option<String>,
        /// The upload to show when the job ends: the new one (upload, remap) or the one undone.
        pub upload_id: Option<String>,
        /// For a failed job: the error code the UI switches on, and what to do.
        pub error_code: Option<String>,
        pub error: Option<String>,
    }
}

// ---------------------------------------------------------------- health

view! {
    /// One Square endpoint family's figures.
    pub struct FamilyHealth {
        pub family: String,
        pub success_rate: Option<f64>,
        pub mean_latency_ms: Option<f64>,
        pub p95_latency_ms: Option<f64>,
        pub rate_limited: u32,
        pub last_success: Option<String>,
        pub last_failure: Option<String>,
        pub last_error: Option<String>,
        pub backoff_seconds: f64,
        pub queued_retries: u32,
        /// closed, open or half_open.
        pub circuit_state: String,
    }
}

view! {
    /// The Health screen.
    pub struct HealthReport {
        /// 0–100.
        pub score: f64,
        pub families: Vec<FamilyHealth>,
        #[ts(type = "number")]
        pub store_bytes: u64,
        pub quarantined: u32,
        pub last_sync: Option<String>,
        pub recommendations: Vec<String>,
    }
}
