//! Matching behaviour on generated customers: exact id/email/phone, nicknames, swapped names,
//! typos, missing fields, one-to-one assignment, explanations, and duplicates within one set.

use keeper_enrich::matching::model::SplitMix;
use keeper_enrich::matching::{Decision, MatchOptions, duplicates_within, match_records};
use keeper_enrich::normalize::{PartialDate, Record};

const GIVEN: [&str; 40] = [
    "olivia", "noah", "amelia", "jack", "isla", "oscar", "ava", "harry", "mia", "leo", "grace",
    "arthur", "ella", "henry", "chloe", "oliver", "ruby", "george", "lily", "theo", "freya",
    "jacob", "emily", "alfie", "sophie", "charlie", "poppy", "thomas", "evie", "james", "daisy",
    "finley", "isabelle", "joshua", "phoebe", "samuel", "florence", "luca", "millie", "archie",
];
const FAMILY: [&str; 40] = [
    "brown", "taylor", "wilson", "davies", "evans", "thomas", "johnson", "roberts", "walker",
    "wright", "robinson", "thompson", "white", "hughes", "edwards", "green", "hall", "wood",
    "harris", "lewis", "martin", "jackson", "clarke", "clark", "turner", "hill", "scott", "cooper",
    "morris", "ward", "moore", "king", "watson", "baker", "harrison", "morgan", "patel", "young",
    "allen", "mitchell",
];
const STREETS: [&str; 10] = [
    "high street",
    "station road",
    "church lane",
    "park avenue",
    "mill road",
    "victoria street",
    "green lane",
    "manor road",
    "kings road",
    "queens road",
];
const TOWNS: [&str; 5] = ["leeds", "york", "bradford", "harrogate", "wakefield"];

fn person(i: usize) -> Record {
    let mut rng = SplitMix::new(i as u64 * 31 + 5);
    Record {
        row: i,
        square_id: Some(format!("SQ{i:024}")),
        given: GIVEN[rng.below(40)].into(),
        family: FAMILY[rng.below(40)].into(),
        phones: vec![format!("+4477009{:05}", i)],
        emails: vec![format!("p{i}x{}@example.com", rng.below(1000))],
        birthday: Some(PartialDate {
            year: Some(1940 + rng.below(60) as u16),
            month: 1 + rng.below(12) as u8,
            day: 1 + rng.below(28) as u8,
        }),
        street_number: (1 + rng.below(150)).to_string(),
        street: STREETS[rng.below(10)].into(),
        locality: TOWNS[rng.below(5)].into(),
        postcode: format!(
            "LS{}{}{}",
            1 + rng.below(30),
            rng.below(10),
            ["AB", "CD", "EF"][rng.below(3)]
        ),
        ..Record::default()
    }
}

/// 400 customers; index 400.. are the special people each test adds.
fn customers() -> Vec<Record> {
    (0..400).map(person).collect()
}

fn upload_from(r: &Record, row: usize) -> Record {
    Record {
        row,
        square_id: None,
        ..r.clone()
    }
}

fn options() -> MatchOptions {
    MatchOptions {
        u_samples: 10_000,
        ..MatchOptions::default()
    }
}

fn run(uploads: &[Record], targets: &[Record]) -> keeper_enrich::matching::MatchReport {
    match_records(uploads, targets, &options())
}

#[test]
fn exact_square_id_matches_at_one() {
    let c = customers();
    let mut u = upload_from(&c[7], 0);
    u.square_id = c[7].square_id.clone();
    u.given = "someone".into();
    u.family = "else".into();
    let r = run(&[u], &c);
    let o = &r.outcomes[0];
    assert_eq!(o.decision, Decision::Matched);
    let cand = o.candidate.as_ref().unwrap();
    assert_eq!((cand.target, cand.score), (7, 1.0));
    assert_eq!(cand.evidence[0].field, "square_customer_id");
    assert_eq!(r.stats.exact_id, 1);
}

#[test]
fn exact_email_alone_with_names_is_enough() {
    let c = customers();
    let u = Record {
        row: 0,
        given: c[42].given.clone(),
        family: c[42].family.clone(),
        emails: c[42].emails.clone(),
        ..Record::default()
    };
    let r = run(&[u], &c);
    let cand = r.outcomes[0].candidate.as_ref().unwrap();
    assert_eq!(
        (r.outcomes[0].decision, cand.target),
        (Decision::Matched, 42)
    );
    assert!(cand.reasons().contains("email=exact"), "{}", cand.reasons());
}

#[test]
fn exact_phone_with_a_nickname_matches() {
    let mut c = customers();
    let mut william = person(400);
    (william.given, william.family) = ("william".into(), "fairbanks".into());
    c.push(william.clone());
    let u = Record {
        row: 0,
        given: "bill".into(),
        family: "fairbanks".into(),
        phones: william.phones.clone(),
        ..Record::default()
    };
    let r = run(&[u], &c);
    let cand = r.outcomes[0].candidate.as_ref().unwrap();
    assert_eq!(
        (r.outcomes[0].decision, cand.target),
        (Decision::Matched, 400)
    );
    let given = cand
        .evidence
        .iter()
        .find(|e| e.field == "given_name")
        .unwrap();
    assert_eq!(given.level, "nickname");
    assert!(given.weight > 0.0);
    assert!(cand.reasons().contains("phone=exact"));
}

#[test]
fn swapped_names_with_birthday_and_address_match() {
    let mut c = customers();
    let mut p = person(401);
    (p.given, p.family) = ("maximilian".into(), "okonkwo".into());
    c.push(p.clone());
    let at = c.len() - 1;
    let mut u = upload_from(&p, 0);
    std::mem::swap(&mut u.given, &mut u.family);
    u.phones.clear();
    u.emails.clear();
    let r = run(&[u], &c);
    let cand = r.outcomes[0].candidate.as_ref().unwrap();
    assert_eq!(
        (r.outcomes[0].decision, cand.target),
        (Decision::Matched, at)
    );
    assert!(cand.swapped_names);
    assert!(cand.reasons().contains("names_swapped"));
}

#[test]
fn typos_and_missing_fields_still_match() {
    let mut c = customers();
    let mut p = person(402);
    (p.given, p.family) = ("katherine".into(), "szymanski".into());
    c.push(p.clone());
    let at = c.len() - 1;
    let mut u = upload_from(&p, 0);
    u.given = "katherien".into();
    u.family = "szymansky".into();
    u.phones.clear();
    u.emails.clear();
    u.locality.clear();
    let r = run(&[u], &c);
    let cand = r.outcomes[0].candidate.as_ref().unwrap();
    assert_eq!(cand.target, at);
    assert_ne!(r.outcomes[0].decision, Decision::Unmatched);
    let levels: Vec<(&str, &str)> = cand.evidence.iter().map(|e| (e.field, e.level)).collect();
    assert!(levels.contains(&("given_name", "typo")), "{levels:?}");
    assert!(levels.contains(&("family_name", "typo")), "{levels:?}");
    assert!(levels.contains(&("phone", "missing")) && levels.contains(&("email", "missing")));
    assert!(
        cand.evidence
            .iter()
            .filter(|e| e.level == "missing")
            .all(|e| e.weight == 0.0)
    );
}

#[test]
fn strangers_are_unmatched() {
    let c = customers();
    let u = Record {
        row: 0,
        given: "zebedee".into(),
        family: "quarrington".into(),
        phones: vec!["+447911123456".into()],
        birthday: Some(PartialDate {
            year: Some(1931),
            month: 2,
            day: 29,
        }),
        postcode: "ZZ99ZZ".into(),
        ..Record::default()
    };
    let r = run(&[u], &c);
    assert_eq!(r.outcomes[0].decision, Decision::Unmatched);
}

#[test]
fn each_customer_is_matched_at_most_once_best_score_wins() {
    let c = customers();
    // Two uploads claim customer 9: an exact copy and a weaker one (email only + different phone).
    let strong = upload_from(&c[9], 0);
    let weak = Record {
        row: 1,
        given: c[9].given.clone(),
        family: c[9].family.clone(),
        emails: c[9].emails.clone(),
        phones: vec!["+447911000001".into()],
        ..Record::default()
    };
    let r = run(&[weak, strong], &c);
    let assigned: Vec<Option<usize>> = r
        .outcomes
        .iter()
        .map(|o| (o.decision != Decision::Unmatched).then(|| o.candidate.as_ref().unwrap().target))
        .collect();
    assert_eq!(assigned[1], Some(9), "the exact copy wins");
    assert_ne!(
        assigned[0],
        Some(9),
        "the weaker row may not take the same customer"
    );
}

#[test]
fn explanation_lists_every_field_with_its_weight() {
    let c = customers();
    let r = run(&[upload_from(&c[3], 0)], &c);
    let cand = r.outcomes[0].candidate.as_ref().unwrap();
    let fields: Vec<&str> = cand.evidence.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "given_name",
            "family_name",
            "phone",
            "email",
            "birthday",
            "street",
            "locality",
            "postcode"
        ]
    );
    assert!(
        cand.evidence
            .iter()
            .all(|e| e.level == "exact" && e.weight.is_finite())
    );
    let total: f64 = cand.evidence.iter().map(|e| e.weight).sum();
    assert!((total - cand.weight).abs() < 1e-9);
    assert!(cand.score > 0.99 && cand.score <= 1.0);
    assert!(
        cand.reasons().starts_with("given_name=exact(+"),
        "{}",
        cand.reasons()
    );
}

#[test]
fn thresholds_decide_matched_review_and_unmatched() {
    let c = customers();
    let u = upload_from(&c[5], 0);
    let strict = MatchOptions {
        accept_above: 1.0 + f64::EPSILON,
        review_above: 0.5,
        ..options()
    };
    assert_eq!(
        match_records(std::slice::from_ref(&u), &c, &strict).outcomes[0].decision,
        Decision::Review
    );
    let reject_all = MatchOptions {
        accept_above: 2.0,
        review_above: 2.0,
        ..options()
    };
    assert_eq!(
        match_records(&[u], &c, &reject_all).outcomes[0].decision,
        Decision::Unmatched
    );
}

#[test]
fn duplicates_within_one_set_are_flagged() {
    let mut set = customers();
    let mut dup = person(17);
    dup.row = 400;
    dup.square_id = Some("SQDUPLICATE".into());
    dup.given = "olivai".into();
    dup.emails.clear();
    set.push(dup);
    let pairs = duplicates_within(&set, &options());
    assert!(!pairs.is_empty());
    assert_eq!((pairs[0].upload, pairs[0].target), (17, 400));
    assert!(pairs.iter().all(|p| p.upload < p.target));
    assert_eq!(
        pairs.len(),
        1,
        "no other pair is a likely duplicate: {:?}",
        pairs
            .iter()
            .map(|p| (p.upload, p.target, p.score))
            .collect::<Vec<_>>()
    );
}
