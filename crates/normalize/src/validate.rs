//! The seed's validation rules, as Keeper applies them. A failed rule is an [`Issue`];
//! nothing is dropped silently (see `quarantine`).
//!
//! | rule | applies to | severity | what happens |
//! | --- | --- | --- | --- |
//! | `missing_id` | every object | hard | not stored; quarantined under `sha256:<hash of the JSON>` |
//! | `undecodable` | every object | hard | the JSON does not match Square's schema; not stored |
//! | `amount_out_of_bounds` | payments, refunds, orders | hard | not stored |
//! | `date_out_of_range` | payments, refunds, orders, bookings, loyalty events | hard | not stored |
//! | `date_out_of_range` | customers, team members, loyalty accounts | soft | stored, date nulled |
//! | `duplicate_composite_key` | payments, orders | hard | not stored (the first one is) |
//! | `name_length` | customers | soft | stored, given and family name nulled |
//! | `email_invalid` | customers, team members | soft | stored, email nulled |
//! | `phone_invalid` | customers, team members | soft | stored, phone nulled |
//!
//! Amounts (minor units, `ceiling` from [`Limits`](crate::context::Limits), default
//! 1,000,000 = $10,000): a payment's `amount_money` (without tip) must satisfy
//! 0 < amount < ceiling — Square never takes a zero payment, so a zero or missing amount is
//! broken data. A refund's amount must satisfy 0 < amount < ceiling (Square sends refund
//! amounts positive). An order's total may be zero — comps, 100 % discounts and loyalty
//! rewards close at $0 and are still visits — so 0 ≤ total < ceiling, and an order without a
//! total (an open order) passes.
//!
//! Dates: transactions (payments, refunds, orders, loyalty events, a booking's
//! `created_at`) must lie between `earliest` (2015-01-01) and `now` + `clock_skew`; a
//! booking's `start_at` may be in the future up to `booking_horizon`. Profiles (customers,
//! team members, loyalty accounts) may predate 2015 — Square has existed since 2009 and the
//! full lists are imported — so for them only "not in the future" applies, softly.
//!
//! Names: the cleaned "given family" must have 2 to 99 characters when present (the seed's
//! `1 < len < 100`); a customer with only an email or a phone passes. Emails: one `@`, a
//! non-empty local part, a dotted domain, no spaces. Phones: normalizable to E.164 (see
//! `phone`) and at least 10 digits.

use crate::context::Context;
use chrono::{DateTime, Utc};
use std::fmt;

/// A validation rule, with its stable name (stored in the quarantine's `rule` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    MissingId,
    Undecodable,
    AmountOutOfBounds,
    DateOutOfRange,
    DuplicateCompositeKey,
    NameLength,
    EmailInvalid,
    PhoneInvalid,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::MissingId => "missing_id",
            Rule::Undecodable => "undecodable",
            Rule::AmountOutOfBounds => "amount_out_of_bounds",
            Rule::DateOutOfRange => "date_out_of_range",
            Rule::DuplicateCompositeKey => "duplicate_composite_key",
            Rule::NameLength => "name_length",
            Rule::EmailInvalid => "email_invalid",
            Rule::PhoneInvalid => "phone_invalid",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Soft: the row is stored with the bad field nulled. Hard: the row is not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Soft,
    Hard,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Soft => "soft",
            Severity::Hard => "hard",
        }
    }
}

/// One failed rule, with a reason the owner can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub rule: Rule,
    pub severity: Severity,
    pub reason: String,
}

impl Issue {
    pub fn soft(rule: Rule, reason: impl Into<String>) -> Self {
        Issue {
            rule,
            severity: Severity::Soft,
            reason: reason.into(),
        }
    }

    pub fn hard(rule: Rule, reason: impl Into<String>) -> Self {
        Issue {
            rule,
            severity: Severity::Hard,
            reason: reason.into(),
        }
    }
}

/// The seed's name rule on the cleaned full name.
pub fn name_length(full_name: &str) -> Result<(), Issue> {
    let n = full_name.chars().count();
    if (2..100).contains(&n) {
        Ok(())
    } else {
        Err(Issue::soft(
            Rule::NameLength,
            format!("name {full_name:?} has {n} characters; 2 to 99 are expected"),
        ))
    }
}

/// Whether `email` (already trimmed and lower-cased) looks like an address.
pub fn email_shape(email: &str) -> Result<(), Issue> {
    let bad = |why: &str| {
        Err(Issue::soft(
            Rule::EmailInvalid,
            format!("email {email:?} {why}"),
        ))
    };
    if email.chars().any(char::is_whitespace) {
        return bad("contains a space");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return bad("has no @");
    };
    if domain.contains('@') {
        return bad("has more than one @");
    }
    if local.is_empty() {
        return bad("has nothing before the @");
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return bad("has no valid domain after the @");
    }
    Ok(())
}

/// The seed's phone rule on a normalized E.164 number.
pub fn phone_digits(e164: &str) -> Result<(), Issue> {
    let n = e164.bytes().filter(u8::is_ascii_digit).count();
    if n >= 10 {
        Ok(())
    } else {
        Err(Issue::soft(
            Rule::PhoneInvalid,
            format!("phone {e164} has {n} digits; at least 10 are expected"),
        ))
    }
}

/// What an amount belongs to; each has its own bounds (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountKind {
    Payment,
    Refund,
    OrderTotal,
}

/// Checks an amount in minor units against its kind's bounds.
pub fn amount(kind: AmountKind, amount: Option<i64>, ctx: &Context) -> Result<(), Issue> {
    let ceiling = ctx.limits.amount_ceiling;
    let (what, zero_ok, missing_ok) = match kind {
        AmountKind::Payment => ("payment amount", false, false),
        AmountKind::Refund => ("refund amount", false, false),
        AmountKind::OrderTotal => ("order total", true, true),
    };
    let fail = |why: String| Err(Issue::hard(Rule::AmountOutOfBounds, why));
    match amount {
        None if missing_ok => Ok(()),
        None => fail(format!("{what} is missing")),
        Some(a) if a < 0 || (a == 0 && !zero_ok) => fail(format!("{what} {a} is not above zero")),
        Some(a) if a >= ceiling => fail(format!(
            "{what} {a} (minor units) is not below the ceiling of {ceiling}"
        )),
        Some(_) => Ok(()),
    }
}

/// How a date is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateKind {
    /// Between `earliest` and `now` + skew; hard.
    Transaction,
    /// Not after `now` + skew; soft.
    Profile,
    /// A booking's start: between `earliest` and `now` + horizon; hard.
    Appointment,
}

/// Checks the date `field` of an object. A missing date passes (the row keeps `NULL`).
pub fn date(
    kind: DateKind,
    field: &str,
    at: Option<DateTime<Utc>>,
    ctx: &Context,
) -> Result<(), Issue> {
    let Some(at) = at else { return Ok(()) };
    let limits = &ctx.limits;
    let latest = match kind {
        DateKind::Appointment => ctx.now + limits.booking_horizon,
        _ => ctx.latest_past(),
    };
    // The texts are built only for a failure: this runs for every date of every object.
    let issue = |why: &str, bound: &DateTime<Utc>| {
        let text = crate::time::utc_text(&at);
        let bound = crate::time::utc_text(bound);
        let why = format!("{field} {text} is {why} {bound}");
        match kind {
            DateKind::Profile => Issue::soft(Rule::DateOutOfRange, why),
            _ => Issue::hard(Rule::DateOutOfRange, why),
        }
    };
    if kind != DateKind::Profile && at < limits.earliest {
        return Err(issue("before", &limits.earliest));
    }
    if at > latest {
        return Err(issue("after", &latest));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shape_accepts_plain_addresses_and_rejects_the_rest() {
        assert!(email_shape("amelia.earhart@example.com").is_ok());
        assert!(email_shape("a+tag@sub.example.co.uk").is_ok());
        for bad in [
            "amelia",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@b..com",
            "a@.com",
        ] {
            let issue = email_shape(bad).expect_err(bad);
            assert_eq!(
                (issue.rule, issue.severity),
                (Rule::EmailInvalid, Severity::Soft)
            );
        }
    }

    #[test]
    fn name_length_is_two_to_ninety_nine_characters() {
        assert!(name_length("Al").is_ok());
        assert!(name_length("J").is_err());
        assert!(name_length(&"x".repeat(99)).is_ok());
        assert!(name_length(&"x".repeat(100)).is_err());
        assert!(name_length("王五").is_ok(), "characters, not bytes");
    }

    #[test]
    fn phone_rule_needs_ten_digits() {
        assert!(phone_digits("+12125554240").is_ok());
        assert_eq!(
            phone_digits("+4930123").unwrap_err().rule,
            Rule::PhoneInvalid
        );
    }
}
