//! Staff and service mentions in review text.
//!
//! **Team members** are matched on their full name, their first name, a nickname of it
//! ("Kate" for Katherine, both ways) or a misspelling: a capitalised word within Jaro-Winkler
//! 0.88 of a first name or nickname (0.92 when the word is not capitalised), never a common
//! English word. When two team members share the matched first name, the following word must
//! match one's family name, or the mention is dropped as ambiguous.
//!
//! **Services and products** are matched on their catalog name after normalisation
//! (lower case, "color" → "colour", "&" → "and", possessives dropped, "blowout" → "blow dry",
//! "hair cut" → "haircut"), on a word only one item has ("balayage", "keratin", "olaplex"),
//! also misspelt (Jaro-Winkler ≥ 0.93, six letters or more), and on common variants ("cut",
//! "trim" → the haircut; "color", "dye" → the colour) when one item fits, using a qualifier in
//! the sentence ("men", "kids", "root") to choose between several.

use crate::sentiment::sentences;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use strsim::jaro_winkler;

/// A team member as mentions see them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamName {
    pub id: String,
    pub given_name: String,
    pub family_name: String,
}

/// A catalog item (service or product).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemName {
    pub id: String,
    pub name: String,
}

/// What a mention points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionKind {
    TeamMember,
    Service,
}

impl MentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::TeamMember => "team_member",
            MentionKind::Service => "service",
        }
    }
}

/// One staff member or service a review mentions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub kind: MentionKind,
    pub target_id: String,
    /// The team member's full name or the item's catalog name.
    pub target_name: String,
    /// The words of the review that matched.
    pub matched: String,
    /// Index of the sentence (in [`sentences::split`]) holding the mention.
    pub sentence: usize,
}

/// Common first names and their nicknames (both directions are used).
pub const NICKNAMES: &[(&str, &[&str])] = &[
    ("katherine", &["kate", "katie", "kat", "kathy"]),
    ("catherine", &["cat", "cathy", "kate"]),
    ("elizabeth", &["liz", "lizzie", "beth", "betty", "eliza"]),
    ("jennifer", &["jen", "jenny"]),
    ("jessica", &["jess", "jessie"]),
    ("rebecca", &["becky", "becca"]),
    ("margaret", &["maggie", "meg", "peggy"]),
    ("samantha", &["sam", "sammy"]),
    ("victoria", &["tori", "vicky"]),
    ("abigail", &["abby"]),
    ("alexander", &["alex", "xander"]),
    ("alexandra", &["alex", "lexi", "sandra"]),
    ("benjamin", &["ben", "benny"]),
    ("christopher", &["chris"]),
    ("christina", &["chris", "tina"]),
    ("daniel", &["dan", "danny"]),
    ("jonathan", &["jon", "jonny"]),
    ("matthew", &["matt"]),
    ("michael", &["mike", "mikey"]),
    ("nicholas", &["nick", "nicky"]),
    ("robert", &["rob", "bob", "bobby"]),
    ("william", &["will", "bill", "billy"]),
    ("zachary", &["zach", "zack"]),
    ("isabella", &["bella", "izzy"]),
    ("gabriella", &["gabby", "gabi"]),
    ("anthony", &["tony"]),
    ("joseph", &["joe", "joey"]),
    ("patricia", &["pat", "trish", "patty"]),
    ("stephanie", &["steph"]),
    ("natalie", &["nat"]),
    ("olivia", &["liv"]),
    ("sophia", &["sophie"]),
    ("emily", &["em", "emmy"]),
    ("madison", &["maddie"]),
    ("jacqueline", &["jackie"]),
    ("theresa", &["tess", "terry"]),
    ("andrew", &["andy", "drew"]),
    ("james", &["jim", "jimmy", "jamie"]),
    ("thomas", &["tom", "tommy"]),
    ("richard", &["rick", "rich", "dick"]),
    ("david", &["dave"]),
    ("steven", &["steve"]),
    ("kimberly", &["kim"]),
    ("amanda", &["mandy"]),
    ("melissa", &["mel", "missy"]),
    ("deborah", &["deb", "debbie"]),
    ("susan", &["sue", "suzy"]),
];

/// Words that are never taken for a misspelt name (JW is generous with short words).
const COMMON_WORDS: &[&str] = &[
    "the",
    "and",
    "but",
    "she",
    "her",
    "his",
    "him",
    "they",
    "them",
    "was",
    "were",
    "very",
    "great",
    "good",
    "best",
    "will",
    "would",
    "could",
    "should",
    "again",
    "also",
    "amazing",
    "said",
    "made",
    "make",
    "more",
    "most",
    "much",
    "many",
    "really",
    "team",
    "time",
    "next",
    "never",
    "ever",
    "every",
    "even",
    "here",
    "there",
    "their",
    "then",
    "than",
    "this",
    "that",
    "with",
    "without",
    "have",
    "had",
    "has",
    "hair",
    "salon",
    "staff",
    "color",
    "colour",
    "cut",
    "love",
    "loved",
    "like",
    "liked",
    "nice",
    "kind",
    "just",
    "only",
    "over",
    "after",
    "before",
    "back",
    "about",
    "came",
    "come",
    "went",
    "left",
    "right",
    "well",
    "what",
    "when",
    "where",
    "while",
    "who",
    "why",
    "how",
    "today",
    "tonight",
    "job",
    "done",
    "did",
    "does",
    "not",
    "nothing",
    "sorry",
    "happy",
    "friendly",
    "thanks",
    "thank",
    "wait",
    "waited",
    "hour",
    "hours",
    "minutes",
    "price",
    "paid",
    "pay",
    "money",
    "refund",
    "rude",
    "recommend",
    "anyone",
    "everyone",
    "gave",
    "give",
    "took",
    "take",
    "first",
    "last",
    "trial",
    "perm",
    "style",
    "styled",
    "stylist",
    "highlights",
    "toner",
    "gloss",
    "cheap",
    "sweet",
    "sweetest",
    "mister",
    "miss",
    "misses",
    "always",
    "already",
    "asked",
    "manager",
    "owner",
    "booking",
    "booked",
    "appointment",
    "wedding",
    "daughter",
    "son",
    "husband",
    "wife",
    "friend",
    "mom",
    "mother",
    "kids",
    "men",
    "women",
    "will",
    "bill",
];

const QUALIFIERS: &[&str] = &[
    "women", "woman", "ladies", "lady", "men", "man", "mens", "womens", "kids", "kid", "child",
    "children", "son", "daughter", "boy", "girl", "root", "roots", "full", "half", "regular",
];

/// The team and catalog mentions are matched against.
#[derive(Debug, Clone, Default)]
pub struct MentionIndex {
    team: Vec<TeamName>,
    /// (normalised name, team index): first names and nicknames.
    first_names: Vec<(String, usize)>,
    items: Vec<ItemName>,
    /// Normalised token sequences per item (full name and variants).
    item_phrases: Vec<(Vec<String>, usize)>,
    /// Tokens only one item has (for single-word and misspelt matches).
    key_tokens: HashMap<String, usize>,
    /// Generic head word → items having it ("haircut" → 3 items).
    heads: HashMap<String, Vec<usize>>,
}

/// Lower case, accents dropped for the common Latin ones, and canonical spellings.
pub fn normalize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            '’' | '`' => '\'',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

/// The words of `s`, normalised: possessive "'s" dropped, "&" → "and", hyphens split.
pub fn tokens(s: &str) -> Vec<String> {
    let norm = normalize_text(s).replace('&', " and ").replace('-', " ");
    let mut out: Vec<String> = Vec::new();
    for raw in norm.split(|c: char| c.is_whitespace() || c == '/' || c == ',') {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let w = w.strip_suffix("'s").unwrap_or(w);
        let w = w.trim_end_matches('\'');
        if w.is_empty() {
            continue;
        }
        let w = canonical(w);
        out.extend(w.split(' ').map(str::to_owned));
    }
    // "hair cut" → "haircut", "blow out" → "blow dry".
    let mut merged = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        if i + 1 < out.len() && out[i] == "hair" && out[i + 1] == "cut" {
            merged.push("haircut".to_owned());
            i += 2;
        } else if i + 1 < out.len() && out[i] == "blow" && out[i + 1] == "out" {
            merged.push("blow".to_owned());
            merged.push("dry".to_owned());
            i += 2;
        } else {
            merged.push(out[i].clone());
            i += 1;
        }
    }
    merged
}

fn canonical(w: &str) -> &str {
    match w {
        "color" => "colour",
        "colors" | "colours" => "colour",
        "coloring" | "colouring" | "colored" | "coloured" => "colour",
        "haircuts" => "haircut",
        "blowout" | "blowdry" => "blow dry",
        "highlight" => "highlights",
        "mens" => "men",
        "womens" => "women",
        "kid" => "kids",
        w => w,
    }
}

/// Variant words → the head word an item name contains.
const SERVICE_SYNONYMS: &[(&str, &str)] = &[
    ("cut", "haircut"),
    ("trim", "haircut"),
    ("dye", "colour"),
    ("foils", "highlights"),
    ("keratin", "smoothing"),
    ("glaze", "gloss"),
];

const GENERIC: &[&str] = &[
    "and",
    "the",
    "a",
    "of",
    "women",
    "men",
    "kids",
    "full",
    "half",
    "root",
    "regular",
    "hair",
    "style",
    "treatment",
    "head",
    "no.3",
    "no",
    "3",
    "spray",
    "trial",
];

impl MentionIndex {
    /// Builds the index over `team` and `items`.
    pub fn new(team: Vec<TeamName>, items: Vec<ItemName>) -> MentionIndex {
        let mut first_names = Vec::new();
        for (k, t) in team.iter().enumerate() {
            let given = normalize_text(t.given_name.trim());
            if given.is_empty() {
                continue;
            }
            for (formal, nicks) in NICKNAMES {
                if *formal == given {
                    first_names.extend(nicks.iter().map(|n| ((*n).to_owned(), k)));
                }
                if nicks.contains(&given.as_str()) {
                    first_names.push(((*formal).to_owned(), k));
                }
            }
            first_names.push((given, k));
        }
        let mut item_phrases = Vec::new();
        let mut token_items: HashMap<String, HashSet<usize>> = HashMap::new();
        for (k, it) in items.iter().enumerate() {
            let toks = tokens(&it.name);
            if toks.is_empty() {
                continue;
            }
            for t in &toks {
                token_items.entry(t.clone()).or_default().insert(k);
            }
            item_phrases.push((toks, k));
        }
        let mut key_tokens = HashMap::new();
        let mut heads: HashMap<String, Vec<usize>> = HashMap::new();
        for (tok, set) in &token_items {
            if GENERIC.contains(&tok.as_str()) || tok.len() < 4 {
                continue;
            }
            let mut v: Vec<usize> = set.iter().copied().collect();
            v.sort_unstable();
            if v.len() == 1 {
                key_tokens.insert(tok.clone(), v[0]);
            }
            heads.insert(tok.clone(), v);
        }
        MentionIndex {
            team,
            first_names,
            items,
            item_phrases,
            key_tokens,
            heads,
        }
    }

    pub fn team(&self) -> &[TeamName] {
        &self.team
    }

    pub fn items_len(&self) -> usize {
        self.items.len()
    }

    /// Every staff and service mention in `text`, one per target (the first occurrence).
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::new();
        let mut seen: HashSet<(MentionKind, String)> = HashSet::new();
        for (si, sentence) in sentences::split(text).iter().enumerate() {
            for m in self
                .team_in(sentence, si)
                .into_iter()
                .chain(self.items_in(sentence, si))
            {
                if seen.insert((m.kind, m.target_id.clone())) {
                    out.push(m);
                }
            }
        }
        out
    }

    fn team_in(&self, sentence: &str, si: usize) -> Vec<Mention> {
        let words: Vec<&str> = sentence
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '/' | '(' | ')'))
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
            .map(|w| {
                w.strip_suffix("'s")
                    .or_else(|| w.strip_suffix("’s"))
                    .unwrap_or(w)
            })
            .filter(|w| !w.is_empty())
            .collect();
        let mut out = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let lw = normalize_text(word);
            if lw.chars().count() < 3 {
                continue;
            }
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            let common = COMMON_WORDS.contains(&lw.as_str());
            // Best first-name score per team member.
            let mut best: HashMap<usize, f64> = HashMap::new();
            for (name, k) in &self.first_names {
                let s = if *name == lw {
                    1.0
                } else if common {
                    0.0
                } else {
                    jaro_winkler(name, &lw)
                };
                let e = best.entry(*k).or_insert(0.0);
                *e = e.max(s);
            }
            let exact_common_ok = |k: usize| -> bool {
                // A first name that is also a common word ("Will", "Bella") counts only
                // capitalised.
                !common || capitalised || normalize_text(&self.team[k].given_name) == lw
            };
            let threshold = if capitalised { 0.88 } else { 0.92 };
            let mut cands: Vec<(usize, f64)> = best
                .into_iter()
                .filter(|(k, s)| *s >= threshold && (*s < 1.0 || exact_common_ok(*k)))
                .filter(|(_, s)| *s == 1.0 || !common)
                .collect();
            if cands.is_empty() {
                continue;
            }
            // A following family name settles it (and confirms a fuzzy first name).
            let next = words.get(i + 1).map(|w| normalize_text(w));
            let with_family: Vec<(usize, f64)> = cands
                .iter()
                .copied()
                .filter(|(k, _)| {
                    next.as_deref().is_some_and(|n| {
                        jaro_winkler(&normalize_text(&self.team[*k].family_name), n) >= 0.9
                    })
                })
                .collect();
            let (k, matched) = if with_family.len() == 1 {
                (with_family[0].0, format!("{} {}", word, words[i + 1]))
            } else {
                cands.sort_by(|a, b| b.1.total_cmp(&a.1));
                if cands.len() > 1 && cands[1].1 >= cands[0].1 - 1e-9 {
                    continue; // two team members fit equally: ambiguous
                }
                (cands[0].0, (*word).to_owned())
            };
            let t = &self.team[k];
            out.push(Mention {
                kind: MentionKind::TeamMember,
                target_id: t.id.clone(),
                target_name: format!("{} {}", t.given_name, t.family_name),
                matched,
                sentence: si,
            });
        }
        out
    }

    fn items_in(&self, sentence: &str, si: usize) -> Vec<Mention> {
        let toks = tokens(sentence);
        let mut out = Vec::new();
        let mut hit: HashSet<usize> = HashSet::new();
        let push = |out: &mut Vec<Mention>, hit: &mut HashSet<usize>, k: usize, matched: String| {
            if hit.insert(k) {
                out.push(Mention {
                    kind: MentionKind::Service,
                    target_id: self.items[k].id.clone(),
                    target_name: self.items[k].name.clone(),
                    matched,
                    sentence: si,
                });
            }
        };
        // 1. Whole catalog names (longest first so "full colour" beats "colour").
        let mut phrases: Vec<&(Vec<String>, usize)> = self.item_phrases.iter().collect();
        phrases.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        for (phrase, k) in phrases {
            if phrase.len() > 1 && toks.windows(phrase.len()).any(|w| w == phrase.as_slice()) {
                push(&mut out, &mut hit, *k, phrase.join(" "));
            }
        }
        let qualifiers: Vec<&String> = toks
            .iter()
            .filter(|t| QUALIFIERS.contains(&t.as_str()))
            .collect();
        for tok in &toks {
            // 2. A word only one item has, exactly or misspelt.
            if let Some(&k) = self.key_tokens.get(tok) {
                push(&mut out, &mut hit, k, tok.clone());
                continue;
            }
            if tok.len() >= 6 && !COMMON_WORDS.contains(&tok.as_str()) {
                let best = self
                    .key_tokens
                    .iter()
                    .map(|(key, k)| (jaro_winkler(key, tok), *k, key))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((s, k, _)) = best
                    && s >= 0.93
                {
                    push(&mut out, &mut hit, k, tok.clone());
                    continue;
                }
            }
            // 3. A head word or variant shared by several items: a qualifier chooses.
            let head = SERVICE_SYNONYMS
                .iter()
                .find(|(v, _)| v == tok)
                .map(|(_, h)| *h)
                .unwrap_or(tok.as_str());
            let Some(cands) = self.heads.get(head) else {
                continue;
            };
            if cands.iter().any(|k| hit.contains(k)) {
                continue;
            }
            let chosen = if cands.len() == 1 {
                Some(cands[0])
            } else {
                let fit: Vec<usize> = cands
                    .iter()
                    .copied()
                    .filter(|k| {
                        let name = tokens(&self.items[*k].name);
                        qualifiers.iter().any(|q| qualifier_fits(q, &name))
                    })
                    .collect();
                (fit.len() == 1).then(|| fit[0])
            };
            if let Some(k) = chosen {
                push(&mut out, &mut hit, k, tok.clone());
            }
        }
        out
    }
}

fn qualifier_fits(q: &str, name: &[String]) -> bool {
    let group: &[&str] = match q {
        "women" | "woman" | "ladies" | "lady" | "daughter" | "girl" => &["women"],
        "men" | "man" | "son" | "boy" => &["men"],
        "kids" | "child" | "children" => &["kids"],
        "root" | "roots" => &["root"],
        other => return name.iter().any(|n| n == other),
    };
    // A son or daughter under 12 is a kid's cut; the adult word is a better guess otherwise.
    name.iter().any(|n| group.contains(&n.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> MentionIndex {
        let team = vec![
            TeamName {
                id: "TM1".into(),
                given_name: "Katherine".into(),
                family_name: "Okafor".into(),
            },
            TeamName {
                id: "TM2".into(),
                given_name: "Marco".into(),
                family_name: "Rossi".into(),
            },
            TeamName {
                id: "TM3".into(),
                given_name: "Marco".into(),
                family_name: "Bianchi".into(),
            },
            TeamName {
                id: "TM4".into(),
                given_name: "Siobhan".into(),
                family_name: "Walsh".into(),
            },
        ];
        let items = [
            ("I1", "Women's Haircut"),
            ("I2", "Men's Haircut"),
            ("I3", "Kids' Haircut"),
            ("I4", "Balayage"),
            ("I5", "Root Colour"),
            ("I6", "Full Colour"),
            ("I7", "Keratin Smoothing"),
            ("I8", "Toner & Gloss"),
            ("I9", "Blow Dry & Style"),
        ]
        .into_iter()
        .map(|(id, name)| ItemName {
            id: id.into(),
            name: name.into(),
        })
        .collect();
        MentionIndex::new(team, items)
    }

    fn ids(ms: &[Mention], kind: MentionKind) -> Vec<String> {
        let mut v: Vec<String> = ms
            .iter()
            .filter(|m| m.kind == kind)
            .map(|m| m.target_id.clone())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn nicknames_and_misspellings_find_the_team_member() {
        let idx = index();
        for text in [
            "Kate was lovely.",
            "Katherine did my hair.",
            "Kathrine was great.",
            "Siobahn is the best",
            "siobhan fixed it",
        ] {
            let m = idx.find(text);
            assert_eq!(m.len(), 1, "{text}: {m:?}");
        }
        assert_eq!(idx.find("Kate was lovely.")[0].target_id, "TM1");
        assert_eq!(idx.find("Siobahn is the best")[0].target_id, "TM4");
    }

    #[test]
    fn a_shared_first_name_needs_the_family_name() {
        let idx = index();
        assert!(ids(&idx.find("Marco was quick."), MentionKind::TeamMember).is_empty());
        let m = idx.find("Marco Bianchi was quick.");
        assert_eq!(ids(&m, MentionKind::TeamMember), vec!["TM3"]);
        assert_eq!(m[0].matched, "Marco Bianchi");
    }

    #[test]
    fn common_words_are_not_names() {
        let idx = index();
        assert!(idx.find("The staff were great and very kind.").is_empty());
    }

    #[test]
    fn services_match_names_variants_and_misspellings() {
        let idx = index();
        let m = idx.find("My bayalage and toner and gloss came out great.");
        assert_eq!(ids(&m, MentionKind::Service), vec!["I4", "I8"]);
        let m = idx.find("Best blowout in town. Also got a keratin treatment.");
        assert_eq!(ids(&m, MentionKind::Service), vec!["I7", "I9"]);
        let m = idx.find("My son's cut was perfect.");
        assert_eq!(ids(&m, MentionKind::Service), vec!["I2"]);
        let m = idx.find("The root color is patchy.");
        assert_eq!(ids(&m, MentionKind::Service), vec!["I5"]);
        // "cut" alone is ambiguous between three haircuts.
        assert!(idx.find("Nice cut.").is_empty());
    }

    #[test]
    fn mentions_carry_their_sentence_index() {
        let idx = index();
        let m = idx.find("Loved it. Kate did my balayage.");
        assert!(m.iter().all(|m| m.sentence == 1));
        assert_eq!(m.len(), 2);
    }
}
