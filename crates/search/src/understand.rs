//! Query understanding: an owner's words about a customer's status ("lapsed", "slipping",
//! "new", "came once", "regulars"), a time ("since spring", "last month", "in the last two
//! weeks", relative to the `now` passed in), spend ("big spenders", "top spenders", "low
//! spenders", "over $500"), cadence ("weekly", "every six weeks", "twice a year"), missed
//! bookings, reviews ("a bad review", "five stars"), a stylist who left, and the names of the
//! services, add-ons, categories and staff the store holds, turned into [`Condition`]s over
//! each customer's [`Profile`] and an optional [`Order`] among the customers meeting them.
//!
//! Names are matched by their words (light stemming and a small salon thesaurus: "dye" is
//! colour, "trim" a haircut, "blowout" a blow dry). A word that names several things ("colour",
//! "haircut") means any of the names it ends ("root colour", not "colour-safe shampoo"),
//! unless the query names one fully ("root colour"). A name
//! matched only in part ("scalp" of "Scalp Massage") becomes a condition only when every other
//! word of the query was understood: otherwise the query is probably about something the
//! document's text says (a note about a sensitive scalp), which keyword and semantic search
//! find better.

use crate::facts::Status;
use crate::profile::{Profile, Tally, Vocabulary};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

/// Which visit a time window applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The first visit (new and one-time customers).
    First,
    /// The last visit ("haven't been back since", "came in over the last two weeks").
    Last,
}

/// What kind of name a condition refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Service,
    Category,
    Modifier,
    /// The customer's most frequent staff member.
    Staff,
}

/// One thing a query asks of a customer.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The customer's status is one of these.
    Status(Vec<Status>),
    /// Regular, but more than one and a half cadences since the last visit.
    Slipping,
    /// Exactly one visit.
    OneVisit,
    /// The first or last visit at or after `from` and before `to` (Unix seconds).
    Visited {
        which: Which,
        from: i64,
        to: i64,
    },
    /// At most this share of paying customers spent more (percent).
    SpendTop(f64),
    /// At least this share of paying customers spent more (percent).
    SpendBottom(f64),
    /// Lifetime value at least / at most (minor units).
    MinValue(i64),
    MaxValue(i64),
    /// A median gap between visits within a factor of about 1.5 of `days`.
    Cadence(f64),
    /// Had any of these (lower-case names) on a visit; for staff, the most frequent is one.
    Has(Kind, Vec<String>),
    /// The most frequent staff member no longer works here.
    DepartedStaff,
    NoShows,
    Cancellations,
    /// A review rated within `min..=max` stars.
    Reviewed {
        min: i64,
        max: i64,
    },
}

/// How to order the customers meeting the conditions (before the text ranking).
#[derive(Debug, Clone, PartialEq)]
pub enum Order {
    SpendDesc,
    SpendAsc,
    /// Cadence closest to this many days.
    CadenceNear(f64),
    LastVisitDesc,
    NoShowsDesc,
    CancellationsDesc,
    RatingAsc,
    RatingDesc,
    /// The largest share of visits with any of these names ("always adds Olaplex").
    ShareDesc(Kind, Vec<String>),
}

/// What a query was understood to ask.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Understanding {
    pub conditions: Vec<Condition>,
    pub order: Option<Order>,
}

impl Understanding {
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty() && self.order.is_none()
    }

    /// How many conditions `p` meets.
    pub fn met(&self, p: &Profile, now: DateTime<Utc>) -> usize {
        self.conditions.iter().filter(|c| meets(c, p, now)).count()
    }

    /// The order key of `p` (lower first; 0 without an order).
    pub fn key(&self, p: &Profile) -> f64 {
        match &self.order {
            None => 0.0,
            Some(Order::SpendDesc) => -(p.lifetime_value as f64),
            Some(Order::SpendAsc) => p.lifetime_value as f64,
            Some(Order::CadenceNear(d)) => p
                .cadence_days
                .map_or(f64::MAX, |c| (c.max(0.5) / d).ln().abs()),
            Some(Order::LastVisitDesc) => -(p.last_visit.unwrap_or(i64::MIN / 2) as f64),
            Some(Order::NoShowsDesc) => -(p.no_shows as f64),
            Some(Order::CancellationsDesc) => -(p.cancellations as f64),
            Some(Order::RatingAsc) => p.ratings.iter().min().map_or(f64::MAX, |r| *r as f64),
            Some(Order::RatingDesc) => p.ratings.iter().max().map_or(f64::MAX, |r| -*r as f64),
            Some(Order::ShareDesc(kind, names)) => {
                let with = tallies(p, *kind)
                    .iter()
                    .filter(|t| names.contains(&t.name))
                    .map(|t| t.visits)
                    .max()
                    .unwrap_or(0);
                // Share first, then more visits (an always on five visits beats one on one).
                -(with as f64 / p.visits.max(1) as f64) - p.visits as f64 * 1e-6
            }
        }
    }
}

fn tallies(p: &Profile, kind: Kind) -> &[Tally] {
    match kind {
        Kind::Service => &p.services,
        Kind::Category => &p.categories,
        Kind::Modifier => &p.modifiers,
        Kind::Staff => &p.staff,
    }
}

fn meets(c: &Condition, p: &Profile, now: DateTime<Utc>) -> bool {
    match c {
        Condition::Status(s) => s.contains(&p.status(now)),
        Condition::Slipping => {
            p.status(now) == Status::Regular
                && p.cadence_days
                    .zip(p.days_since_last(now))
                    .is_some_and(|(c, since)| since > 1.5 * c)
        }
        Condition::OneVisit => p.visits == 1,
        Condition::Visited { which, from, to } => match which {
            Which::First => p.first_visit,
            Which::Last => p.last_visit,
        }
        .is_some_and(|t| t >= *from && t < *to),
        Condition::SpendTop(pct) => p.spend_percent_above.is_some_and(|a| a < *pct),
        Condition::SpendBottom(pct) => p.spend_percent_above.is_some_and(|a| a >= *pct),
        Condition::MinValue(v) => p.lifetime_value >= *v,
        Condition::MaxValue(v) => p.lifetime_value <= *v,
        Condition::Cadence(d) => p.cadence_days.is_some_and(|c| c >= d / 1.5 && c <= d * 1.5),
        Condition::Has(Kind::Staff, names) => {
            p.staff.first().is_some_and(|t| names.contains(&t.name))
        }
        Condition::Has(kind, names) => tallies(p, *kind).iter().any(|t| names.contains(&t.name)),
        Condition::DepartedStaff => p.main_staff_departed,
        Condition::NoShows => p.no_shows > 0,
        Condition::Cancellations => p.cancellations > 0,
        Condition::Reviewed { min, max } => p.ratings.iter().any(|r| r >= min && r <= max),
    }
}

/// Light stemming shared by query words and names: plural and verb endings.
fn stem(w: &str) -> String {
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if n > 5 && w.ends_with("ing") {
        return w[..w.len() - 3].to_string();
    }
    if n > 4 && w.ends_with("ed") && !w.ends_with("eed") {
        return w[..w.len() - 2].to_string();
    }
    if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Salon words and the words of the store's names they mean.
const THESAURUS: &[(&str, &[&str])] = &[
    ("color", &["colour"]),
    ("dye", &["colour"]),
    ("dy", &["colour"]),
    ("tint", &["colour"]),
    ("trim", &["haircut"]),
    ("cut", &["haircut"]),
    ("kid", &["kid"]),
    ("child", &["kid"]),
    ("children", &["kid"]),
    ("gentlemen", &["men"]),
    ("gentleman", &["men"]),
    ("man", &["men"]),
    ("gent", &["men"]),
    ("guy", &["men"]),
    ("lady", &["women"]),
    ("ladi", &["women"]),
    ("woman", &["women"]),
    ("blowout", &["blow", "dry"]),
    ("blowdry", &["blow", "dry"]),
    ("foil", &["highlight"]),
    ("bride", &["bridal"]),
    ("root", &["root"]),
    ("grey", &["root"]),
];

/// Words that carry no content of their own in an owner's query, besides the keyword
/// search's stop words.
const MORE_FILLER: &[&str] = &[
    "us",
    "we",
    "person",
    "folk",
    "list",
    "come",
    "came",
    "com",
    "get",
    "got",
    "have",
    "has",
    "had",
    "hav",
    "like",
    "want",
    "book",
    "see",
    "saw",
    "look",
    "after",
    "visit",
    "visitor",
    "do",
    "doe",
    "did",
    "just",
    "only",
    "also",
    "both",
    "her",
    "his",
    "she",
    "he",
    "you",
    "still",
    "ever",
    "again",
    "some",
    "usually",
    "tend",
    "appointment",
    "service",
    "treatment",
    "hair",
    "salon",
    "here",
    "there",
    "so",
    "about",
    "into",
    "up",
    "out",
    "back",
    "s",
    "t",
    "go",
    "take",
    "home",
    "bought",
    "buy",
    "buyer",
    "purchas",
    "product",
    "add",
    "extra",
    "always",
    "often",
    "every",
    "again",
    "ones",
    "those",
    "these",
    "this",
    "what",
    "when",
    "where",
    "how",
    "i",
];

/// A word that names nothing to look for: the keyword search's stop words and [`MORE_FILLER`].
fn is_filler(word: &str) -> bool {
    crate::search::is_stop_word(word) || MORE_FILLER.contains(&word)
}

/// A query's words (lower-case, contractions opened, possessives dropped, stemmed, thesaurus
/// applied), each with whether a phrase has claimed it.
struct Words {
    raw: Vec<String>,
    stems: Vec<String>,
    used: Vec<bool>,
}

impl Words {
    fn new(query: &str) -> Words {
        let text = query
            .to_lowercase()
            .replace(['’', '`'], "'")
            .replace("n't", " not")
            .replace(',', "")
            .replace("'s", "")
            .replace("s'", "s");
        let raw: Vec<String> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '$' || c == '%'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let mut stems = Vec::new();
        let mut raw_out = Vec::new();
        for w in raw {
            let s = stem(w.trim_start_matches('$').trim_end_matches('%'));
            match THESAURUS.iter().find(|(k, _)| *k == s || *k == w) {
                Some((_, to)) => {
                    for t in *to {
                        stems.push((*t).to_string());
                        raw_out.push(w.clone());
                    }
                }
                None => {
                    stems.push(s);
                    raw_out.push(w);
                }
            }
        }
        let used = vec![false; stems.len()];
        Words {
            raw: raw_out,
            stems,
            used,
        }
    }

    fn word_matches(&self, i: usize, p: &str) -> bool {
        let w = &self.stems[i];
        if p.len() >= 4 {
            w.starts_with(p) || self.raw[i].starts_with(p)
        } else {
            w == p || self.raw[i] == p
        }
    }

    /// Finds `phrase` (words separated by spaces; a word of four letters or more also matches
    /// a longer word it starts) among unclaimed words, claims it and returns its position.
    fn take(&mut self, phrase: &str) -> Option<usize> {
        let parts: Vec<&str> = phrase.split(' ').collect();
        let n = parts.len();
        if n > self.stems.len() {
            return None;
        }
        for i in 0..=self.stems.len() - n {
            if (0..n).all(|k| !self.used[i + k] && self.word_matches(i + k, parts[k])) {
                for k in 0..n {
                    self.used[i + k] = true;
                }
                return Some(i);
            }
        }
        None
    }

    /// Claims the first of `phrases` found; returns its position.
    fn take_any(&mut self, phrases: &[&str]) -> Option<usize> {
        phrases.iter().find_map(|p| self.take(p))
    }

    fn has(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| {
            let parts: Vec<&str> = p.split(' ').collect();
            let n = parts.len();
            n <= self.stems.len()
                && (0..=self.stems.len() - n)
                    .any(|i| (0..n).all(|k| self.word_matches(i + k, parts[k])))
        })
    }
}

/// A number word or digits.
fn number(w: &str) -> Option<f64> {
    Some(match w {
        "one" | "a" | "an" => 1.0,
        "two" | "couple" => 2.0,
        "three" | "few" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "twelve" => 12.0,
        _ => return w.replace(',', "").parse().ok(),
    })
}

fn midnight(y: i32, m: u32, d: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .map(|d| Utc.from_utc_datetime(&d.into()).timestamp())
        .unwrap_or(0)
}

/// The first day of the month `m` months after year `y` month `month` (months may overflow).
fn month_start(y: i32, month: i32) -> i64 {
    let y = y + (month - 1).div_euclid(12);
    let m = (month - 1).rem_euclid(12) + 1;
    midnight(y, m as u32, 1)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The most recent period (season or month) that began before `now`, as `[from, to)`.
fn recent_period(now: DateTime<Utc>, first_month: i32, months: i32) -> (i64, i64) {
    let (y, m) = (now.year(), now.month() as i32);
    // Winter (December) starts the year before when we are in January or February.
    let mut start_year = y;
    if first_month > m {
        start_year -= 1;
    }
    (
        month_start(start_year, first_month),
        month_start(start_year, first_month + months),
    )
}

/// A time the query names, as `[from, to)` in Unix seconds, with whether it followed "since".
fn time_window(w: &mut Words, now: DateTime<Utc>) -> Option<(i64, i64, bool)> {
    let since = w.has(&["since"]);
    let t = now.timestamp();
    let seasons: [(&str, i32, i32); 5] = [
        ("spring", 3, 3),
        ("summer", 6, 3),
        ("autumn", 9, 3),
        ("fall", 9, 3),
        ("winter", 12, 3),
    ];
    for (name, first, months) in seasons {
        if w.take(name).is_some() {
            w.take("last");
            w.take("this");
            let (from, to) = recent_period(now, first, months);
            return Some((from, to.min(t + 1), since));
        }
    }
    for (i, name) in MONTHS.iter().enumerate() {
        // A month is a time only after a word that makes it one ("since March", "in May"):
        // "a June wedding" is what a note says, and "may" is also a verb.
        let timed = [
            "since", "in", "last", "from", "during", "after", "before", "this",
        ]
        .iter()
        .any(|p| w.has(&[&format!("{p} {name}")]));
        if timed && w.take(name).is_some() {
            let (from, to) = recent_period(now, i as i32 + 1, 1);
            return Some((from, to.min(t + 1), since));
        }
    }
    let (y, m) = (now.year(), now.month() as i32);
    if w.take_any(&["last month", "previous month"]).is_some() {
        return Some((month_start(y, m - 1), month_start(y, m), since));
    }
    if w.take("this month").is_some() {
        return Some((month_start(y, m), t + 1, since));
    }
    if w.take("this year").is_some() {
        return Some((midnight(y, 1, 1), t + 1, since));
    }
    if w.take_any(&["last year", "previous year"]).is_some() {
        return Some((midnight(y - 1, 1, 1), midnight(y, 1, 1), since));
    }
    // "(in the) last / past N days|weeks|months", "last week".
    for i in 0..w.stems.len() {
        if w.used[i] || !(w.stems[i] == "last" || w.stems[i] == "past") {
            continue;
        }
        let (n, unit_at) = match w.stems.get(i + 1).and_then(|s| number(s)) {
            Some(n) => (n, i + 2),
            None => (1.0, i + 1),
        };
        let days = match w.stems.get(unit_at).map(String::as_str) {
            Some("day") => 1.0,
            Some("week") => 7.0,
            Some("month") => 30.44,
            _ => continue,
        };
        for k in i..=unit_at {
            w.used[k] = true;
        }
        let from = now - Duration::seconds((n * days * 86_400.0) as i64);
        return Some((from.timestamp(), t + 1, since));
    }
    if w.take_any(&["recently", "lately", "recent"]).is_some() {
        return Some(((now - Duration::days(30)).timestamp(), t + 1, since));
    }
    None
}

/// A cadence the query names, in days.
fn cadence(w: &mut Words) -> Option<f64> {
    let fixed: [(&[&str], f64); 7] = [
        (
            &["every other week", "fortnight", "biweekly", "bi weekly"],
            14.0,
        ),
        (&["every week", "weekly", "once a week"], 7.0),
        (
            &["every month", "monthly", "once a month", "each month"],
            30.44,
        ),
        (&["every few weeks"], 21.0),
        (&["every few months", "quarterly"], 91.0),
        (
            &[
                "twice a year",
                "couple of times a year",
                "couple times a year",
                "two times a year",
                "few times a year",
            ],
            150.0,
        ),
        (&["once a year", "yearly", "annually", "every year"], 365.0),
    ];
    for (phrases, days) in fixed {
        if w.take_any(phrases).is_some() {
            return Some(days);
        }
    }
    // "every N weeks / months".
    for i in 0..w.stems.len() {
        if w.used[i] || w.stems[i] != "every" {
            continue;
        }
        let Some(n) = w.stems.get(i + 1).and_then(|s| number(s)) else {
            continue;
        };
        let unit = match w.stems.get(i + 2).map(String::as_str) {
            Some("week") => 7.0,
            Some("month") => 30.44,
            Some("day") => 1.0,
            _ => continue,
        };
        for k in i..i + 3 {
            w.used[k] = true;
        }
        return Some(n * unit);
    }
    None
}

/// An amount like "$1,000" or "1000 dollars" with its direction, in minor units.
fn amount(w: &mut Words) -> Option<Condition> {
    for i in 0..w.raw.len() {
        let r = w.raw[i].clone();
        let dollars =
            r.starts_with('$') || w.raw.get(i + 1).is_some_and(|n| n.starts_with("dollar"));
        if w.used[i] || !dollars {
            continue;
        }
        let Some(v) = number(r.trim_start_matches('$')).filter(|v| *v > 0.0) else {
            continue;
        };
        w.used[i] = true;
        let before = |k: usize| {
            i.checked_sub(k)
                .map(|j| w.stems[j].clone())
                .unwrap_or_default()
        };
        let under = ["under", "less", "below", "than"].contains(&before(1).as_str())
            && (before(1) != "than" || before(2) == "less");
        let minor = (v * 100.0) as i64;
        return Some(if under {
            Condition::MaxValue(minor)
        } else {
            Condition::MinValue(minor)
        });
    }
    None
}

/// One name of the store, split into words.
struct Name {
    kind: Kind,
    name: String,
    words: Vec<String>,
}

fn name_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .replace("'s", "")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2 && !["no", "hair", "and", "the", "of", "with"].contains(w))
        .map(stem)
        .collect()
}

/// Turns `query` into conditions over the profiles, with times relative to `now` and names
/// from `vocabulary`.
pub fn understand(query: &str, vocabulary: &Vocabulary, now: DateTime<Utc>) -> Understanding {
    let mut w = Words::new(query);
    let mut out = Understanding::default();
    let mut order: Option<Order> = None;

    // Missed bookings and reviews first: their words ("left us a bad review") must not read
    // as a stylist who left or a lapsed customer.
    if w.take_any(&[
        "no show",
        "noshow",
        "not turn up",
        "not show up",
        "not show",
        "stood us up",
        "miss appointment",
        "miss their appointment",
        "missed",
        "skipped",
    ])
    .is_some()
    {
        out.conditions.push(Condition::NoShows);
        order.get_or_insert(Order::NoShowsDesc);
    }
    if w.take("cancel").is_some() {
        out.conditions.push(Condition::Cancellations);
        order.get_or_insert(Order::CancellationsDesc);
    }
    if w.take_any(&[
        "review", "star", "rating", "rated", "feedback", "yelp", "google",
    ])
    .is_some()
    {
        // Consume the rest of the review words.
        while w
            .take_any(&["review", "star", "rating", "rated", "online"])
            .is_some()
        {}
        let five = w.take_any(&["five", "5"]).is_some();
        let negative = w
            .take_any(&[
                "bad",
                "negative",
                "poor",
                "unhappy",
                "complain",
                "angry",
                "terrible",
                "awful",
                "one",
                "1",
                "two",
                "2",
                "low",
                "dissatisfied",
                "unsatisfied",
                "harsh",
            ])
            .is_some();
        let positive = w
            .take_any(&[
                "good",
                "great",
                "positive",
                "glowing",
                "happy",
                "love",
                "excellent",
                "rave",
                "four",
                "4",
                "nice",
                "kind",
            ])
            .is_some();
        w.take_any(&["left", "wrote", "written", "gave", "give", "post"]);
        let (min, max, o) = if five {
            (5, 5, Order::RatingDesc)
        } else if negative {
            (1, 2, Order::RatingAsc)
        } else if positive {
            (4, 5, Order::RatingDesc)
        } else {
            (1, 5, Order::RatingAsc)
        };
        out.conditions.push(Condition::Reviewed { min, max });
        order.get_or_insert(o);
    }

    // A stylist who left.
    let staff_word = w.has(&[
        "stylist",
        "hairdresser",
        "barber",
        "colourist",
        "colorist",
        "staff",
    ]);
    if staff_word
        && w.take_any(&[
            "no longer work",
            "not work here",
            "left",
            "quit",
            "departed",
            "moved on",
            "leave",
            "former",
            "gone",
        ])
        .is_some()
    {
        w.take_any(&[
            "stylist",
            "hairdresser",
            "barber",
            "colourist",
            "colorist",
            "staff",
        ]);
        w.take_any(&["here", "business", "salon"]);
        out.conditions.push(Condition::DepartedStaff);
    }

    // Spend.
    let top_pct = (0..w.stems.len()).find_map(|i| {
        (w.stems[i] == "top" && w.raw.get(i + 1).is_some_and(|r| r.ends_with('%')))
            .then(|| (i, number(w.raw[i + 1].trim_end_matches('%'))))
    });
    if let Some((i, Some(p))) = top_pct {
        w.used[i] = true;
        w.used[i + 1] = true;
        out.conditions.push(Condition::SpendTop(p));
        order.get_or_insert(Order::SpendDesc);
    } else if w
        .take_any(&[
            "top spend",
            "biggest spend",
            "highest spend",
            "best customer",
            "best client",
            "most valuable",
            "vip",
            "spend the most",
            "spent the most",
            "top client",
            "top customer",
        ])
        .is_some()
    {
        out.conditions.push(Condition::SpendTop(10.0));
        order.get_or_insert(Order::SpendDesc);
    } else if w
        .take_any(&[
            "big spend",
            "high value",
            "high spend",
            "valuable",
            "spend a lot",
            "spent a lot",
            "heavy spend",
            "wealthy",
            "lucrative",
        ])
        .is_some()
    {
        out.conditions.push(Condition::SpendTop(25.0));
        order.get_or_insert(Order::SpendDesc);
    } else if w
        .take_any(&[
            "low spend",
            "low value",
            "small spend",
            "spend little",
            "cheap",
            "budget",
            "least",
            "lowest spend",
        ])
        .is_some()
    {
        out.conditions.push(Condition::SpendBottom(75.0));
        order.get_or_insert(Order::SpendAsc);
    }
    if let Some(c) = amount(&mut w) {
        w.take_any(&[
            "spent",
            "spend",
            "over",
            "more than",
            "above",
            "at least",
            "under",
        ]);
        if matches!(c, Condition::MinValue(_)) {
            order.get_or_insert(Order::SpendDesc);
        } else {
            order.get_or_insert(Order::SpendAsc);
        }
        out.conditions.push(c);
    }

    // Cadence before status words ("once a month" is not "once").
    if let Some(days) = cadence(&mut w) {
        out.conditions.push(Condition::Cadence(days));
        order.get_or_insert(Order::CadenceNear(days));
        w.take("or so");
    }

    // Status.
    let once = w
        .take_any(&[
            "never came back",
            "never come back",
            "never return",
            "never been back",
            "not come back",
            "not came back",
            "not return",
            "one time",
            "onetime",
            "tried us",
            "single visit",
            "only once",
            "once",
        ])
        .is_some();
    while w
        .take_any(&["never came back", "never return", "not return", "once"])
        .is_some()
    {}
    // "Something new" is what they want, not who they are.
    w.take_any(&["something new", "new look", "new style"]);
    let new = w
        .take_any(&[
            "brand new",
            "new",
            "first time",
            "first visit",
            "newcomer",
            "just started",
        ])
        .is_some();
    let slipping = w
        .take_any(&[
            "slipping",
            "slip",
            "overdue",
            "drifting",
            "due back",
            "falling off",
        ])
        .is_some();
    let lapsed_words = [
        "lapsed",
        "lapse",
        "lost",
        "stopped com",
        "stop com",
        "not been in",
        "not been back",
        "not been",
        "not seen",
        "not com",
        "not visit",
        "gone quiet",
        "went quiet",
        "go quiet",
        "for ages",
        "in ages",
        "long time",
        "a while",
        "drifted",
        "no longer com",
        "used to com",
        "churn",
        "stopped",
        "inactive",
    ];
    let lapsed = w.take_any(&lapsed_words).is_some();
    while w.take_any(&lapsed_words).is_some() {}
    let regular = w
        .take_any(&["regular", "loyal", "faithful", "usual", "frequent"])
        .is_some();

    let window = time_window(&mut w, now);
    let which = if once || new {
        Which::First
    } else {
        Which::Last
    };
    if let Some((from, to, _)) = window {
        out.conditions.push(Condition::Visited { which, from, to });
    }
    let since = window.is_some_and(|(_, _, since)| since);
    w.take("since");
    if once && (new || window.is_some()) {
        out.conditions.push(Condition::OneVisit);
    } else if once {
        out.conditions
            .push(Condition::Status(vec![Status::OneTime]));
    } else if new {
        out.conditions.push(Condition::Status(vec![Status::New]));
    } else if lapsed && !since {
        out.conditions.push(Condition::Status(vec![Status::Lapsed]));
    } else if slipping {
        out.conditions.push(Condition::Slipping);
    } else if regular {
        out.conditions
            .push(Condition::Status(vec![Status::Regular]));
    }

    // Names of the store.
    let always = w.has(&["always", "every time", "every visit", "each time"]);
    let add_hint = w.has(&["add", "extra", "with their"]);
    let buy_hint = w.has(&["bought", "buy", "buyer", "purchas", "take home", "product"]);
    let names: Vec<Name> = [
        (Kind::Service, &vocabulary.services),
        (Kind::Category, &vocabulary.categories),
        (Kind::Modifier, &vocabulary.modifiers),
        (Kind::Staff, &vocabulary.staff),
    ]
    .into_iter()
    .flat_map(|(kind, set)| {
        set.iter().map(move |n| Name {
            kind,
            name: n.clone(),
            words: name_words(n),
        })
    })
    .filter(|n| !n.words.is_empty())
    .collect();
    let free: Vec<usize> = (0..w.stems.len()).filter(|i| !w.used[*i]).collect();
    let present = |word: &str| free.iter().any(|i| w.stems[*i] == word);
    // For each free word, the names it picks: names fully present (the longest), else every
    // name holding it; a staff member's first name counts as their full name.
    let full = |n: &Name| {
        n.words.iter().all(|x| present(x)) || (n.kind == Kind::Staff && present(&n.words[0]))
    };
    let mut groups: Vec<(Vec<&Name>, bool)> = Vec::new();
    let mut explained = vec![false; w.stems.len()];
    for &i in &free {
        let word = &w.stems[i];
        let mut holding: Vec<&Name> = names.iter().filter(|n| n.words.contains(word)).collect();
        if holding.is_empty() {
            continue;
        }
        explained[i] = true;
        let fulls: Vec<&Name> = holding.iter().copied().filter(|n| full(n)).collect();
        let is_full = !fulls.is_empty();
        if is_full {
            let longest = fulls.iter().map(|n| n.words.len()).max().unwrap_or(0);
            holding = fulls
                .into_iter()
                .filter(|n| n.words.len() == longest)
                .collect();
        } else if holding.iter().any(|n| n.words.last() == Some(word))
            && holding.iter().any(|n| n.words.last() != Some(word))
        {
            // A bare word means the names it heads ("colour": root colour, full colour; not
            // colour-safe shampoo).
            holding.retain(|n| n.words.last() == Some(word));
        }
        if !is_full && add_hint && holding.iter().any(|n| n.kind == Kind::Modifier) {
            holding.retain(|n| n.kind == Kind::Modifier);
        } else if !is_full && buy_hint && holding.iter().any(|n| n.kind != Kind::Modifier) {
            holding.retain(|n| n.kind != Kind::Modifier);
        }
        let same = |a: &Vec<&Name>, b: &Vec<&Name>| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| std::ptr::eq(*x, *y))
        };
        if !groups.iter().any(|(g, _)| same(g, &holding)) {
            groups.push((holding, is_full));
        }
    }
    // Words neither claimed by a phrase, nor naming something, nor filler: what the query is
    // about beyond what was understood.
    let unexplained = free
        .iter()
        .any(|i| !explained[*i] && !is_filler(&w.stems[*i]) && !is_filler(&w.raw[*i]));
    // A name matched in part is kept only when nothing else in the query is left unexplained,
    // and a word shared by several names only when no word names one thing ("glossing
    // treatment": the gloss is named, "treatment" could be many things).
    let any_strong = groups.iter().any(|(g, f)| *f || g.len() == 1);
    for (group, is_full) in groups {
        if !is_full && (unexplained || (group.len() > 1 && any_strong)) {
            continue;
        }
        // One condition per kind in the group (a word can name a service and an add-on).
        let mut kinds: Vec<Kind> = group.iter().map(|n| n.kind).collect();
        kinds.dedup();
        for kind in kinds {
            let list: Vec<String> = group
                .iter()
                .filter(|n| n.kind == kind)
                .map(|n| n.name.clone())
                .collect();
            if always && order.is_none() {
                order = Some(Order::ShareDesc(kind, list.clone()));
            }
            out.conditions.push(Condition::Has(kind, list));
        }
    }
    out.order = order;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn vocabulary() -> Vocabulary {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        Vocabulary {
            services: set(&[
                "women's haircut",
                "men's haircut",
                "kids' haircut",
                "root colour",
                "full colour",
                "balayage",
                "toner & gloss",
                "olaplex no.3 hair perfector",
                "colour-safe shampoo",
            ]),
            categories: BTreeSet::new(),
            modifiers: set(&["olaplex treatment", "scalp massage", "long"]),
            staff: set(&["maria lopez", "jo baker"]),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 9, 1, 12, 0, 0).unwrap()
    }

    fn u(q: &str) -> Understanding {
        understand(q, &vocabulary(), now())
    }

    #[test]
    fn status_words_become_status_conditions_and_lapsed_wins_over_regular() {
        assert_eq!(
            u("lapsed regulars").conditions,
            vec![Condition::Status(vec![Status::Lapsed])]
        );
        assert_eq!(
            u("haven't been in for ages").conditions,
            vec![Condition::Status(vec![Status::Lapsed])]
        );
        assert_eq!(
            u("tried us once and didn't return").conditions,
            vec![Condition::Status(vec![Status::OneTime])]
        );
        assert_eq!(
            u("regulars who are slipping").conditions,
            vec![Condition::Slipping]
        );
        assert_eq!(
            u("brand new clients").conditions,
            vec![Condition::Status(vec![Status::New])]
        );
    }

    #[test]
    fn times_are_relative_to_now() {
        // "since spring": the last visit fell in March to May of now's year.
        assert_eq!(
            u("clients who haven't been back since spring").conditions,
            vec![Condition::Visited {
                which: Which::Last,
                from: midnight(2025, 3, 1),
                to: midnight(2025, 6, 1),
            }]
        );
        // "new ... last month ... never returned": one visit, the first in August.
        assert_eq!(
            u("new clients from last month who never returned").conditions,
            vec![
                Condition::Visited {
                    which: Which::First,
                    from: midnight(2025, 8, 1),
                    to: midnight(2025, 9, 1),
                },
                Condition::OneVisit
            ]
        );
        // Winter began the year before.
        let winter = u("came once last winter").conditions;
        assert!(winter.contains(&Condition::Visited {
            which: Which::First,
            from: midnight(2024, 12, 1),
            to: midnight(2025, 3, 1),
        }));
        let two_weeks = u("who came in over the last two weeks").conditions;
        assert_eq!(
            two_weeks,
            vec![Condition::Visited {
                which: Which::Last,
                from: (now() - Duration::days(14)).timestamp(),
                to: now().timestamp() + 1,
            }]
        );
    }

    #[test]
    fn spend_and_cadence_words_filter_and_order() {
        let top = u("top spenders");
        assert_eq!(top.conditions, vec![Condition::SpendTop(10.0)]);
        assert_eq!(top.order, Some(Order::SpendDesc));
        let over = u("clients who have spent over $1,000");
        assert_eq!(over.conditions, vec![Condition::MinValue(100_000)]);
        let monthly = u("clients who come in monthly");
        assert_eq!(monthly.conditions, vec![Condition::Cadence(30.44)]);
        assert_eq!(
            u("every six weeks or so").conditions,
            vec![Condition::Cadence(42.0)]
        );
        // "once a month" is a cadence, not a one-time customer.
        assert_eq!(
            u("comes once a month").conditions,
            vec![Condition::Cadence(30.44)]
        );
    }

    #[test]
    fn names_are_matched_by_their_words_and_a_full_name_beats_a_shared_word() {
        assert_eq!(
            u("root colour touch-ups regulars").conditions,
            vec![
                Condition::Status(vec![Status::Regular]),
                Condition::Has(Kind::Service, vec!["root colour".into()])
            ]
        );
        // A shared word means the names it ends.
        assert_eq!(
            u("hair dye clients").conditions,
            vec![Condition::Has(
                Kind::Service,
                vec!["full colour".into(), "root colour".into()]
            )]
        );
        assert_eq!(
            u("gentlemen's cuts").conditions,
            vec![Condition::Has(Kind::Service, vec!["men's haircut".into()])]
        );
        let always = u("regulars who always add Olaplex");
        assert_eq!(
            always.conditions,
            vec![
                Condition::Status(vec![Status::Regular]),
                Condition::Has(Kind::Modifier, vec!["olaplex treatment".into()])
            ]
        );
        assert_eq!(
            always.order,
            Some(Order::ShareDesc(
                Kind::Modifier,
                vec!["olaplex treatment".into()]
            ))
        );
        assert_eq!(
            u("Maria's clients").conditions,
            vec![Condition::Has(Kind::Staff, vec!["maria lopez".into()])]
        );
    }

    #[test]
    fn a_partly_named_thing_is_left_to_text_search_when_other_words_remain() {
        // "scalp" is a word of "Scalp Massage", but the query is about a note.
        assert!(u("customers with a sensitive scalp").is_empty());
        // Alone, it is understood.
        assert_eq!(
            u("massage").conditions,
            vec![Condition::Has(Kind::Modifier, vec!["scalp massage".into()])]
        );
    }

    #[test]
    fn reviews_stylists_who_left_and_missed_bookings() {
        assert_eq!(
            u("clients who left us a bad review").conditions,
            vec![Condition::Reviewed { min: 1, max: 2 }]
        );
        assert_eq!(
            u("customers who gave us five stars").conditions,
            vec![Condition::Reviewed { min: 5, max: 5 }]
        );
        assert_eq!(
            u("clients who stopped coming after their stylist left").conditions,
            vec![
                Condition::DepartedStaff,
                Condition::Status(vec![Status::Lapsed])
            ]
        );
        assert_eq!(
            u("clients who didn't turn up to their appointment").conditions,
            vec![Condition::NoShows]
        );
    }
}
