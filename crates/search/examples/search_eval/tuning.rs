//! The tuning queries: the first set, written with the two examples; the fusion's
//! semantic weight was chosen on it (see `SEMANTIC_WEIGHT`). Expected customers come from
//! predicates over the store's facts.

use super::{COLOUR, Pred, has_addon, has_service, note, status};
use keeper_search::facts::Status;

pub fn queries() -> Vec<(&'static str, Pred)> {
    vec![
        (
            "regulars who always add Olaplex",
            Box::new(|f, now| {
                status(f, now, Status::Regular)
                    && f.visits.len() >= 3
                    && f.modifiers().iter().any(|m| {
                        m.name == "Olaplex Treatment"
                            && m.count as f64 >= 0.8 * f.visits.len() as f64
                    })
            }),
        ),
        (
            "clients who stopped coming after their stylist left",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed)
                    && f.staff()
                        .first()
                        .is_some_and(|s| f.departed_staff.contains(&s.name))
            }),
        ),
        (
            "balayage clients",
            Box::new(|f, _| has_service(f, "Balayage")),
        ),
        (
            "lapsed balayage clients",
            Box::new(|f, now| status(f, now, Status::Lapsed) && has_service(f, "Balayage")),
        ),
        (
            "keratin smoothing customers",
            Box::new(|f, _| has_service(f, "Keratin Smoothing")),
        ),
        (
            "brides who had a bridal trial",
            Box::new(|f, _| has_service(f, "Bridal Trial")),
        ),
        (
            "parents booking kids haircuts",
            Box::new(|f, _| has_service(f, "Kids' Haircut")),
        ),
        (
            "one-time clients who never came back",
            Box::new(|f, now| status(f, now, Status::OneTime)),
        ),
        (
            "brand new clients",
            Box::new(|f, now| status(f, now, Status::New)),
        ),
        (
            "clients who get deep conditioning",
            Box::new(|f, _| has_addon(f, "Deep Conditioning")),
        ),
        (
            "people who like a scalp massage",
            Box::new(|f, _| has_addon(f, "Scalp Massage")),
        ),
        (
            "highlights regulars",
            Box::new(|f, now| status(f, now, Status::Regular) && has_service(f, "Highlights")),
        ),
        (
            "root colour touch-ups",
            Box::new(|f, _| has_service(f, "Root Colour")),
        ),
        (
            "toner and gloss",
            Box::new(|f, _| has_service(f, "Toner & Gloss")),
        ),
        (
            "customers with a sensitive scalp",
            Box::new(|f, _| note(f, "sensitive scalp")),
        ),
        (
            "needs an allergy patch test before dye",
            Box::new(|f, _| note(f, "patch test")),
        ),
        ("getting married soon", Box::new(|f, _| note(f, "wedding"))),
        (
            "naturally curly hair",
            Box::new(|f, _| note(f, "natural curls")),
        ),
        (
            "likes weekend morning appointments",
            Box::new(|f, _| note(f, "saturday")),
        ),
        (
            "brings her daughter along",
            Box::new(|f, _| note(f, "daughter")),
        ),
        ("always running late", Box::new(|f, _| note(f, "late"))),
        (
            "thin fine hair needing volume",
            Box::new(|f, _| note(f, "fine hair")),
        ),
        (
            "prefers a quiet appointment without chatting",
            Box::new(|f, _| note(f, "quiet")),
        ),
        (
            "came through a referral",
            Box::new(|f, _| note(f, "referred")),
        ),
        ("pays in cash", Box::new(|f, _| note(f, "cash"))),
        ("growing out a fringe", Box::new(|f, _| note(f, "grow out"))),
        (
            "lapsed regulars",
            Box::new(|f, now| status(f, now, Status::Lapsed)),
        ),
        (
            "lapsed clients who had deep conditioning",
            Box::new(|f, now| status(f, now, Status::Lapsed) && has_addon(f, "Deep Conditioning")),
        ),
        (
            "full colour clients",
            Box::new(|f, _| has_service(f, "Full Colour")),
        ),
        (
            "blow dry regulars",
            Box::new(|f, now| status(f, now, Status::Regular) && has_service(f, "Blow Dry")),
        ),
        (
            "colour clients who stopped coming",
            Box::new(|f, now| {
                status(f, now, Status::Lapsed) && COLOUR.iter().any(|s| has_service(f, s))
            }),
        ),
        (
            "fragrance-free products please",
            Box::new(|f, _| note(f, "fragrance-free")),
        ),
        (
            "wants to try something new",
            Box::new(|f, _| note(f, "something new")),
        ),
    ]
}
