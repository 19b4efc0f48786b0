//! Blocking: every record gets a handful of keys; only records sharing a key are compared, so
//! no all-pairs scan ever happens. Keys too common to be useful (over the block cap) are dropped.

use super::nicknames::Nicknames;
use super::phonetic::soundex;
use crate::normalize::Record;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

fn key(tag: u8, parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    tag.hash(&mut h);
    parts.hash(&mut h);
    h.finish()
}

fn prefix(s: &str, n: usize) -> &str {
    s.get(..n.min(s.len())).unwrap_or(s)
}

/// The blocking keys of one record.
pub fn keys(r: &Record, nick: &Nicknames) -> Vec<u64> {
    let mut out = Vec::with_capacity(16);
    let (g, f) = (r.given.as_str(), r.family.as_str());
    let (sg, sf) = (soundex(g), soundex(f));
    let (gi, fi) = (prefix(g, 1), prefix(f, 1));
    if let Some(id) = &r.square_id {
        out.push(key(1, &[id]));
    }
    for p in &r.phones {
        out.push(key(2, &[p.get(p.len().saturating_sub(7)..).unwrap_or(p)]));
    }
    for e in &r.emails {
        out.push(key(3, &[e]));
        if let Some(local) = e.split('@').next().filter(|l| l.len() >= 3) {
            out.push(key(4, &[local]));
        }
    }
    if !r.postcode.is_empty() && !f.is_empty() {
        out.push(key(5, &[&r.postcode, fi]));
    }
    if !sf.is_empty() && !g.is_empty() {
        out.push(key(6, &[&sf, gi]));
        for group in nick.groups(g) {
            out.push(key(7, &[&sf, &group.to_string()]));
        }
    }
    if !sg.is_empty() && !sf.is_empty() {
        // Order-free pair: catches first and last names swapped.
        let (lo, hi) = if sg <= sf { (&sg, &sf) } else { (&sf, &sg) };
        out.push(key(8, &[lo, hi]));
    }
    if let Some(b) = r.birthday {
        let (m, d) = (b.month.to_string(), b.day.to_string());
        if let Some(y) = b.year {
            out.push(key(9, &[&y.to_string(), &m, &d]));
        }
        if !f.is_empty() {
            out.push(key(10, &[&m, &d, fi]));
        }
    }
    if g.len() >= 3 && !r.postcode.is_empty() {
        out.push(key(11, &[prefix(g, 3), &r.postcode]));
    }
    if !r.street_number.is_empty() && !r.street.is_empty() {
        let street_code = soundex(r.street.split(' ').next().unwrap_or(""));
        out.push(key(12, &[&r.street_number, &street_code, &r.postcode]));
        if !r.locality.is_empty() {
            out.push(key(
                13,
                &[&r.street_number, &street_code, prefix(&r.locality, 3)],
            ));
        }
    }
    if !sg.is_empty() && (g.len() >= 3) && !r.locality.is_empty() && f.is_empty() {
        out.push(key(14, &[&sg, &r.locality]));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Targets indexed by blocking key.
pub struct BlockIndex {
    blocks: HashMap<u64, Vec<u32>>,
    /// Blocks over the cap, ignored.
    pub oversized: usize,
}

impl BlockIndex {
    /// Indexes `targets`; blocks with more than `cap` members are dropped.
    pub fn build(targets: &[Record], cap: usize, nick: &Nicknames) -> Self {
        let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, r) in targets.iter().enumerate() {
            for k in keys(r, nick) {
                blocks.entry(k).or_default().push(i as u32);
            }
        }
        let before = blocks.len();
        blocks.retain(|_, v| v.len() <= cap);
        BlockIndex {
            oversized: before - blocks.len(),
            blocks,
        }
    }

    /// Targets sharing at least one key with `r`, sorted and deduplicated, into `out`.
    pub fn candidates(&self, r: &Record, nick: &Nicknames, out: &mut Vec<u32>) {
        out.clear();
        for k in keys(r, nick) {
            if let Some(v) = self.blocks.get(&k) {
                out.extend_from_slice(v);
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}
