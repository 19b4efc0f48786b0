//! What normalization needs from outside the object: the default country for phone numbers
//! (from the location, else the merchant), `now` (passed in, never read from the clock) and
//! the validation limits.

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Bounds used by the validation rules (see `validate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Amounts must be strictly below this many minor units of their currency
    /// (default 1,000,000 = $10,000.00, the seed's bound).
    pub amount_ceiling: i64,
    /// No transaction is older than this (default 2015-01-01T00:00:00Z, the seed's bound).
    pub earliest: DateTime<Utc>,
    /// How far past `now` a timestamp may be before it counts as "in the future"
    /// (default 10 minutes: device clocks and offline payments drift).
    pub clock_skew: Duration,
    /// How far past `now` a booking may start (default 400 days: Square lets sellers take
    /// bookings up to a year ahead).
    pub booking_horizon: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            amount_ceiling: 1_000_000,
            earliest: NaiveDate::from_ymd_opt(2015, 1, 1)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
                .unwrap_or_default(),
            clock_skew: Duration::minutes(10),
            booking_horizon: Duration::days(400),
        }
    }
}

/// Everything a normalization call needs besides the object.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// ISO 3166-1 alpha-2 country used for phone numbers written without a country code
    /// (the location's country, else the merchant's). `None`: such numbers are quarantined.
    pub default_country: Option<String>,
    /// The time of this import or sync; the upper bound of every date rule and the
    /// `detected_at` of new quarantine rows.
    pub now: DateTime<Utc>,
    pub limits: Limits,
}

impl Context {
    /// A context with the default limits.
    pub fn new(default_country: Option<&str>, now: DateTime<Utc>) -> Self {
        Context {
            default_country: default_country.map(|c| c.trim().to_ascii_uppercase()),
            now,
            limits: Limits::default(),
        }
    }

    /// The same context with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The latest acceptable timestamp for something that already happened.
    pub fn latest_past(&self) -> DateTime<Utc> {
        self.now + self.limits.clock_skew
    }
}
