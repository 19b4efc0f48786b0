//! Faults scoped to one path or endpoint family: only the requests whose path starts with a
//! prefix (on a segment boundary, or exactly the path), optionally of one method, are
//! answered with a 429 `RATE_LIMITED` or a 5xx, for the next N of them, while the simulator
//! clock is inside a window, or until removed. They sit in [`crate::faults::Faults::paths`],
//! so they are set like every other fault: in the spec string, with
//! `SimHandle::set_faults` / `SimHandle::set_path_faults`, or through `POST /_sim/faults`.
//!
//! Spec form (one `path=` key per fault, repeatable): `path=[METHOD:]PREFIX[$]:STATUS[:N]`,
//! e.g. `path=/v2/loyalty:503` (every loyalty request, until removed),
//! `path=GET:/v2/bookings$:500:3` (the next three `GET /v2/bookings`, not
//! `/v2/bookings/{id}`), `path=/v2/catalog:429`. Clock windows are set in JSON (`from`, `to`).

use crate::error::SimError;
use crate::time::Ts;
use serde::{Deserialize, Serialize};

/// The answer a path fault gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub enum FaultStatus {
    /// 429 with Square's `RATE_LIMITED` body.
    TooManyRequests,
    /// 500 `INTERNAL_SERVER_ERROR`.
    Internal,
    /// 502 `BAD_GATEWAY`.
    BadGateway,
    /// 503 `SERVICE_UNAVAILABLE`.
    Unavailable,
    /// 504 `GATEWAY_TIMEOUT`.
    GatewayTimeout,
}

impl FaultStatus {
    pub fn code(self) -> u16 {
        match self {
            FaultStatus::TooManyRequests => 429,
            FaultStatus::Internal => 500,
            FaultStatus::BadGateway => 502,
            FaultStatus::Unavailable => 503,
            FaultStatus::GatewayTimeout => 504,
        }
    }
}

impl TryFrom<u16> for FaultStatus {
    type Error = String;

    fn try_from(v: u16) -> Result<Self, Self::Error> {
        Ok(match v {
            429 => FaultStatus::TooManyRequests,
            500 => FaultStatus::Internal,
            502 => FaultStatus::BadGateway,
            503 => FaultStatus::Unavailable,
            504 => FaultStatus::GatewayTimeout,
            other => {
                return Err(format!(
                    "status {other} is not one of 429, 500, 502, 503, 504"
                ));
            }
        })
    }
}

impl From<FaultStatus> for u16 {
    fn from(s: FaultStatus) -> u16 {
        s.code()
    }
}

/// One fault scoped to a path (also an element of `paths` in `POST /_sim/faults`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathFault {
    /// A path prefix matched on segment boundaries: `/v2/loyalty` matches
    /// `/v2/loyalty/events/search`, not `/v2/loyaltyx`.
    pub path: String,
    /// Match only the path itself, not the paths under it.
    #[serde(default)]
    pub exact: bool,
    /// Only requests of this method (case-insensitive); `None`: any method.
    #[serde(default)]
    pub method: Option<String>,
    pub status: FaultStatus,
    /// Fail only this many more matching requests (counts down, then the fault is spent);
    /// `None`: every matching request until removed.
    #[serde(default)]
    pub remaining: Option<u64>,
    /// Only while the simulator clock is in `[from, to)` (RFC 3339; either may be absent).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// `Retry-After` (seconds) sent with a 429.
    #[serde(default)]
    pub retry_after_s: Option<u64>,
    /// Requests this fault has answered so far (read back through `GET /_sim/faults`).
    #[serde(default)]
    pub hits: u64,
}

impl PathFault {
    /// Every request under `path` (any method) answers `status` until removed.
    pub fn new(path: &str, status: FaultStatus) -> PathFault {
        PathFault {
            path: path.to_owned(),
            exact: false,
            method: None,
            status,
            remaining: None,
            from: None,
            to: None,
            retry_after_s: None,
            hits: 0,
        }
    }

    /// Only requests of `method`.
    pub fn method(mut self, method: &str) -> PathFault {
        self.method = Some(method.to_owned());
        self
    }

    /// Only the path itself.
    pub fn exact(mut self) -> PathFault {
        self.exact = true;
        self
    }

    /// Only the next `n` matching requests.
    pub fn times(mut self, n: u64) -> PathFault {
        self.remaining = Some(n);
        self
    }

    /// Only while the simulator clock is in `[from, to)`.
    pub fn between(mut self, from: Ts, to: Ts) -> PathFault {
        self.from = Some(from.rfc3339());
        self.to = Some(to.rfc3339());
        self
    }

    /// Parses the value of one `path=` spec key (see module docs).
    pub fn parse(v: &str) -> Result<PathFault, SimError> {
        let bad = |why: &str| SimError::BadFaults(format!("path `{v}`: {why}"));
        let mut parts: Vec<&str> = v.split(':').collect();
        let method = match parts.first() {
            Some(m) if !m.starts_with('/') => Some(parts.remove(0).to_ascii_uppercase()),
            _ => None,
        };
        let (prefix, status, n) = match parts.as_slice() {
            [p, s] => (*p, *s, None),
            [p, s, n] => (*p, *s, Some(*n)),
            _ => return Err(bad("wants [METHOD:]PREFIX[$]:STATUS[:N]")),
        };
        if !prefix.starts_with('/') {
            return Err(bad("the prefix must start with `/`"));
        }
        let (prefix, exact) = match prefix.strip_suffix('$') {
            Some(p) => (p, true),
            None => (prefix, false),
        };
        let status = status
            .parse::<u16>()
            .map_err(|_| bad("the status must be a number"))
            .and_then(|s| FaultStatus::try_from(s).map_err(|e| bad(&e)))?;
        let remaining = n
            .map(|n| n.parse::<u64>().map_err(|_| bad("N must be an integer")))
            .transpose()?;
        Ok(PathFault {
            path: prefix.to_owned(),
            exact,
            method,
            status,
            remaining,
            ..PathFault::new("/", status)
        })
    }

    /// Checks what serde cannot: the prefix and the clock window.
    pub fn validate(&self) -> Result<(), SimError> {
        if !self.path.starts_with('/') {
            return Err(SimError::BadFaults(format!(
                "path `{}` must start with `/`",
                self.path
            )));
        }
        for t in [&self.from, &self.to].into_iter().flatten() {
            Ts::parse(t).ok_or_else(|| SimError::BadTime(t.clone()))?;
        }
        Ok(())
    }

    /// Whether a request `method path` at simulator time `now` is in this fault's scope
    /// (its count aside).
    pub fn matches(&self, method: &str, path: &str, now: Ts) -> bool {
        let prefix = self.path.trim_end_matches('/');
        let path_ok = if self.exact {
            path.trim_end_matches('/') == prefix
        } else {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let after = |t: &Option<String>| t.as_deref().and_then(Ts::parse);
        let in_window =
            after(&self.from).is_none_or(|a| now >= a) && after(&self.to).is_none_or(|b| now < b);
        path_ok && method_ok && in_window
    }

    /// Applies the fault to a matching request: counts it and uses up one of `remaining`.
    /// Returns `false` (and changes nothing) when the fault is spent.
    pub fn take(&mut self) -> bool {
        match &mut self.remaining {
            Some(0) => return false,
            Some(n) => *n -= 1,
            None => {}
        }
        self.hits += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Ts {
        Ts::parse(s).unwrap()
    }

    #[test]
    fn a_prefix_matches_on_segment_boundaries_and_exact_only_the_path() {
        let now = Ts(0);
        let f = PathFault::new("/v2/loyalty", FaultStatus::Unavailable);
        assert!(f.matches("POST", "/v2/loyalty/events/search", now));
        assert!(f.matches("GET", "/v2/loyalty", now));
        assert!(!f.matches("GET", "/v2/loyaltyx", now));
        assert!(!f.matches("GET", "/v2/customers", now));
        let list = PathFault::new("/v2/bookings", FaultStatus::Internal)
            .exact()
            .method("get");
        assert!(list.matches("GET", "/v2/bookings", now));
        assert!(!list.matches("GET", "/v2/bookings/B1", now));
        assert!(!list.matches("POST", "/v2/bookings", now));
    }

    #[test]
    fn a_counted_fault_is_spent_after_n_requests() {
        let mut f = PathFault::new("/v2/catalog", FaultStatus::TooManyRequests).times(2);
        assert!(f.take());
        assert!(f.take());
        assert!(!f.take());
        assert_eq!((f.remaining, f.hits), (Some(0), 2));
    }

    #[test]
    fn a_clock_window_limits_the_fault_in_simulator_time() {
        let f = PathFault::new("/v2/team-members", FaultStatus::BadGateway)
            .between(ts("2025-01-01T00:00:00Z"), ts("2025-01-02T00:00:00Z"));
        assert!(!f.matches(
            "POST",
            "/v2/team-members/search",
            ts("2024-12-31T23:59:59Z")
        ));
        assert!(f.matches(
            "POST",
            "/v2/team-members/search",
            ts("2025-01-01T12:00:00Z")
        ));
        assert!(!f.matches(
            "POST",
            "/v2/team-members/search",
            ts("2025-01-02T00:00:00Z")
        ));
    }

    #[test]
    fn spec_values_parse_method_exactness_status_and_count() {
        let f = PathFault::parse("get:/v2/bookings$:500:3").unwrap();
        assert_eq!(f.method.as_deref(), Some("GET"));
        assert_eq!((f.path.as_str(), f.exact), ("/v2/bookings", true));
        assert_eq!((f.status, f.remaining), (FaultStatus::Internal, Some(3)));
        let f = PathFault::parse("/v2/loyalty:503").unwrap();
        assert_eq!((f.method, f.exact, f.remaining), (None, false, None));
        for bad in [
            "/v2/loyalty",
            "/v2/loyalty:418",
            "v2/x:503",
            "/v2/x:503:many",
        ] {
            assert_eq!(
                PathFault::parse(bad).unwrap_err().code(),
                "bad_faults",
                "{bad}"
            );
        }
    }

    #[test]
    fn json_status_outside_the_supported_set_is_refused() {
        let ok: PathFault =
            serde_json::from_str(r#"{"path": "/v2/orders", "status": 504}"#).unwrap();
        assert_eq!(ok.status, FaultStatus::GatewayTimeout);
        let err = serde_json::from_str::<PathFault>(r#"{"path": "/v2/orders", "status": 404}"#);
        assert!(err.unwrap_err().to_string().contains("404"));
    }
}
