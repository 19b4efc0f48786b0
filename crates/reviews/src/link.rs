//! Links a review to a Square customer when the reviewer's display name matches one
//! confidently. Name-only evidence is weak, so the rules are strict and the match must be
//! unique:
//!
//! 1. `full_name_exact`: given and family name equal (case and accents ignored) to exactly
//!    one customer.
//! 2. `given_and_initial`: "Jane D." — the given name equal and the family name starting
//!    with the initial, for exactly one customer.
//! 3. `full_name_fuzzy`: both names within Jaro-Winkler 0.94 of exactly one customer, and no
//!    other customer within 0.03 of it (typos such as "Jane Doh").
//!
//! A single word ("Jane") or an anonymous reviewer never links. (keeper-enrich's matcher
//! scores whole records with contact fields; with a name alone it has nothing to calibrate
//! on, so this module applies its own strict rule.)

use crate::mentions::normalize_text;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use strsim::jaro_winkler;

/// A customer as the linker sees them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustomerName {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
}

/// How a review was linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub customer_id: String,
    pub rule: &'static str,
}

/// Customers indexed by normalised given name.
#[derive(Debug, Clone, Default)]
pub struct CustomerIndex {
    customers: Vec<(String, String, String)>,
    by_given: HashMap<String, Vec<usize>>,
}

fn clean(s: &str) -> String {
    normalize_text(s)
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '\'')
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl CustomerIndex {
    pub fn new(customers: Vec<CustomerName>) -> CustomerIndex {
        let mut idx = CustomerIndex::default();
        for c in customers {
            let g = clean(&c.given_name);
            let f = clean(&c.family_name);
            if g.is_empty() || f.is_empty() {
                continue;
            }
            idx.by_given
                .entry(g.clone())
                .or_default()
                .push(idx.customers.len());
            idx.customers.push((c.id, g, f));
        }
        idx
    }

    pub fn len(&self) -> usize {
        self.customers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// The customer `display_name` confidently names, if any.
    pub fn link(&self, display_name: &str) -> Option<Link> {
        let name = clean(display_name);
        let parts: Vec<&str> = name.split(' ').filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 {
            return None;
        }
        let given = parts[0];
        let family = parts[1..].join(" ");
        let unique = |v: Vec<usize>, rule: &'static str| -> Option<Link> {
            (v.len() == 1).then(|| Link {
                customer_id: self.customers[v[0]].0.clone(),
                rule,
            })
        };
        let same_given = self.by_given.get(given).cloned().unwrap_or_default();
        let exact: Vec<usize> = same_given
            .iter()
            .copied()
            .filter(|k| self.customers[*k].2 == family)
            .collect();
        if !exact.is_empty() {
            return unique(exact, "full_name_exact");
        }
        let initial = display_name
            .split_whitespace()
            .nth(1)
            .is_some_and(|w| w.trim_end_matches('.').chars().count() == 1);
        if initial {
            let first = family.chars().next()?;
            let v = same_given
                .iter()
                .copied()
                .filter(|k| self.customers[*k].2.starts_with(first))
                .collect();
            return unique(v, "given_and_initial");
        }
        let mut scored: Vec<(f64, usize)> = self
            .customers
            .iter()
            .enumerate()
            .map(|(k, (_, g, f))| (jaro_winkler(g, given).min(jaro_winkler(f, &family)), k))
            .filter(|(s, _)| *s >= 0.94 - 0.03)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        match scored.as_slice() {
            [(best, k), rest @ ..]
                if *best >= 0.94 && rest.first().is_none_or(|(s, _)| *s < best - 0.03) =>
            {
                unique(vec![*k], "full_name_fuzzy")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx() -> CustomerIndex {
        let c = |id: &str, g: &str, f: &str| CustomerName {
            id: id.into(),
            given_name: g.into(),
            family_name: f.into(),
        };
        CustomerIndex::new(vec![
            c("C1", "Jane", "Doe"),
            c("C2", "Jane", "Dalton"),
            c("C3", "Amélie", "Laurent"),
            c("C4", "Tom", "Price"),
            c("C5", "Tom", "Price"),
            c("C6", "Priya", "Raman"),
        ])
    }

    #[test]
    fn exact_full_names_link_ignoring_case_and_accents() {
        assert_eq!(idx().link("jane doe").unwrap().customer_id, "C1");
        let l = idx().link("Amelie LAURENT").unwrap();
        assert_eq!((l.customer_id.as_str(), l.rule), ("C3", "full_name_exact"));
    }

    #[test]
    fn an_initial_links_only_when_unique() {
        assert!(idx().link("Jane D.").is_none(), "Doe and Dalton both fit");
        assert_eq!(idx().link("Priya R.").unwrap().rule, "given_and_initial");
    }

    #[test]
    fn typos_link_but_homonyms_and_single_words_do_not() {
        assert_eq!(idx().link("Priya Ramann").unwrap().customer_id, "C6");
        assert!(
            idx().link("Tom Price").is_none(),
            "two customers share the name"
        );
        assert!(idx().link("Jane").is_none());
        assert!(idx().link("Bob Marley").is_none());
    }
}
