//! Plain words for task reasons: money ("$1,240"), spans ("3 weeks"), cadences ("6-week")
//! and relative days ("in 5 days").

/// Money is Keeper's one formatter (`keeper_normalize::money`), re-exported for the reasons.
pub use keeper_normalize::money::money;

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// A span of days in the largest sensible unit: "5 days", "3 weeks", "7 months".
pub fn span(days: i64) -> String {
    let days = days.max(0);
    if days < 14 {
        plural(days, "day")
    } else if days < 63 {
        plural((days as f64 / 7.0).round() as i64, "week")
    } else if days < 730 {
        plural((days as f64 / 30.44).round() as i64, "month")
    } else {
        plural((days as f64 / 365.25).round() as i64, "year")
    }
}

/// A cadence as an adjective: "6-week", "3-month".
pub fn cadence(days: f64) -> String {
    if days < 63.0 {
        format!("{}-week", ((days / 7.0).round() as i64).max(1))
    } else {
        format!("{}-month", (days / 30.44).round() as i64)
    }
}

/// "today", "tomorrow", "in 5 days", "5 days ago".
pub fn relative(days_from_today: i64) -> String {
    match days_from_today {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        d if d > 0 => format!("in {}", span(d)),
        d => format!("{} ago", span(-d)),
    }
}

/// A percentage without decimals.
pub fn percent(share: f64) -> String {
    format!("{}%", (share * 100.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_format_money_with_the_shared_formatter() {
        assert_eq!(money(124_000, Some("USD")), "$1,240");
        assert_eq!(money(-500, None), "-$5");
    }

    #[test]
    fn spans_and_cadences_read_naturally() {
        assert_eq!(span(1), "1 day");
        assert_eq!(span(21), "3 weeks");
        assert_eq!(span(210), "7 months");
        assert_eq!(cadence(42.0), "6-week");
        assert_eq!(cadence(91.0), "3-month");
        assert_eq!(relative(5), "in 5 days");
        assert_eq!(relative(-21), "3 weeks ago");
        assert_eq!(percent(0.424), "42%");
    }
}
