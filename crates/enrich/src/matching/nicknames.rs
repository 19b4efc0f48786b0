//! Nickname equivalence (Bill ~ William, Liz ~ Elizabeth) from the data file
//! `data/nicknames.txt`, compiled into the binary.

use std::collections::HashMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../data/nicknames.txt");

/// Name → the groups it belongs to (a group is one line of the data file).
pub struct Nicknames {
    groups: HashMap<&'static str, Vec<u16>>,
}

impl Nicknames {
    fn parse() -> Self {
        let mut groups: HashMap<&'static str, Vec<u16>> = HashMap::new();
        let lines = DATA
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        for (id, line) in lines.enumerate() {
            let (formal, nicks) = line.split_once(':').unwrap_or((line, ""));
            for name in std::iter::once(formal)
                .chain(nicks.split(','))
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                let g = groups.entry(name).or_default();
                if !g.contains(&(id as u16)) {
                    g.push(id as u16);
                }
            }
        }
        Nicknames { groups }
    }

    /// The shared table.
    pub fn get() -> &'static Nicknames {
        static TABLE: OnceLock<Nicknames> = OnceLock::new();
        TABLE.get_or_init(Nicknames::parse)
    }

    /// Groups of a folded given name (empty when unknown).
    pub fn groups(&self, name: &str) -> &[u16] {
        self.groups.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether two different folded names are nicknames of each other.
    pub fn equivalent(&self, a: &str, b: &str) -> bool {
        let (ga, gb) = (self.groups(a), self.groups(b));
        ga.iter().any(|g| gb.contains(g))
    }

    /// Number of names known.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_nicknames_are_equivalent() {
        let n = Nicknames::get();
        assert!(n.len() > 500);
        for (a, b) in [
            ("bill", "william"),
            ("liz", "elizabeth"),
            ("bob", "robert"),
            ("peggy", "margaret"),
            ("al", "alfred"),
            ("al", "albert"),
        ] {
            assert!(n.equivalent(a, b), "{a} ~ {b}");
        }
        assert!(!n.equivalent("bill", "robert"));
        assert!(
            !n.equivalent("zorblax", "zorblax"),
            "unknown names have no group"
        );
    }
}
