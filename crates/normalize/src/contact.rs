//! Cleaning shared by customers and team members: emails (trimmed, lower-cased, shape
//! checked) and phones (E.164, ≥ 10 digits). A value that fails is nulled and its issue
//! returned, so the caller stores the row and quarantines it (both rules are soft).

use crate::phone;
use crate::validate::{self, Issue, Rule};

/// The cleaned email, or `None` (blank, or failed the shape rule: then the issue is pushed).
pub fn email(raw: Option<&str>, issues: &mut Vec<Issue>) -> Option<String> {
    let trimmed = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let lower = trimmed.to_lowercase();
    match validate::email_shape(&lower) {
        Ok(()) => Some(lower),
        Err(issue) => {
            issues.push(issue);
            None
        }
    }
}

/// The phone in E.164, or `None` (blank, or not normalizable / too short: issue pushed).
/// `country` reads numbers written without a country code.
pub fn phone(raw: Option<&str>, country: Option<&str>, issues: &mut Vec<Issue>) -> Option<String> {
    let trimmed = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match phone::to_e164(trimmed, country) {
        Ok(e164) => match validate::phone_digits(&e164) {
            Ok(()) => Some(e164),
            Err(issue) => {
                issues.push(issue);
                None
            }
        },
        Err(e) => {
            issues.push(Issue::soft(
                Rule::PhoneInvalid,
                format!("phone {trimmed:?} {e}"),
            ));
            None
        }
    }
}
