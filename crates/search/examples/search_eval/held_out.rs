//! The held-out queries: written after the tuning set, in other words and for other needs
//! (synonyms such as "blowout" or "bangs", staff names, spend, cadence, retail), before any of
//! them was run, and never used to choose a parameter. Their expected customers come from
//! predicates over the store's facts, as the tuning set's do.

use super::{COLOUR, Pred, has_addon, has_service, main_staff, note, status};
use keeper_search::facts::Status;

pub fn queries() -> Vec<(&'static str, Pred)> {
    vec![
        (
            "ladies who come in for a trim",
            Box::new(|f, _| has_service(f, "Women's Haircut")),
        ),
        (
            "gentlemen's cuts",
            Box::new(|f, _| has_service(f, "Men's Haircut")),
        ),
        (
            "children's haircuts",
            Box::new(|f, _| has_service(f, "Kids' Haircut")),
        ),
        (
            "blowout appointments",
            Box::new(|f, _| has_service(f, "Blow Dry")),
        ),
        (
            "hair dye clients",
            Box::new(|f, _| COLOUR.iter().any(|s| has_service(f, s))),
        ),
        (
            "grey coverage at the roots",
            Box::new(|f, _| has_service(f, "Root Colour")),
        ),
        (
            "all-over colour",
            Box::new(|f, _| has_service(f, "Full Colour")),
        ),
        (
            "foils and highlights",
            Box::new(|f, _| has_service(f, "Highlights")),
        ),
        (
            "hand-painted balayage regulars",
            Box::new(|f, now| status(f, now, Status::Regular) && has_service(f, "Balayage")),
        ),
        (
            "glossing treatment",
            Box::new(|f, _| has_service(f, "Toner & Gloss")),
        ),
        (
            "anti-frizz keratin treatment",
            Box::new(|f, _| has_service(f, "Keratin Smoothing")),
        ),
        (
            "trial run for the big day",
            Box::new(|f, _| has_service(f, "Bridal Trial")),
        ),
        (
            "clients who had a perm before we stopped offering it",
            Box::new(|f, _| has_service(f, "Perm")),
        ),
        (
            "Olaplex bond repair add-on",
            Box::new(|f, _| has_addon(f, "Olaplex Treatment")),
        ),
        (
            "glitter add-on",
            Box::new(|f, _| has_addon(f, "Glitter Spray")),
        ),
        (
            "extra conditioning mask",
            Box::new(|f, _| has_addon(f, "Deep Conditioning")),
        ),
        (
            "head massage during the wash",
            Box::new(|f, _| has_addon(f, "Scalp Massage")),
        ),
        (
            "bought Moroccanoil to take home",
            Box::new(|f, _| has_service(f, "Moroccanoil Treatment")),
        ),
        (
            "buys colour-safe shampoo or conditioner",
            Box::new(|f, _| {
                has_service(f, "Colour-Safe Shampoo") || has_service(f, "Colour-Safe Conditioner")
            }),
        ),
        (
            "takes home retail products",
            Box::new(|f, _| f.categories().iter().any(|c| c.name == "Retail")),
        ),
        ("PPD allergy", Box::new(|f, _| note(f, "patch test"))),
        (
            "doesn't like to chat during the appointment",
            Box::new(|f, _| note(f, "quiet")),
        ),
        (
            "flat limp hair that needs body",
            Box::new(|f, _| note(f, "fine hair")),
        ),
        (
            "don't use thinning scissors on her curls",
            Box::new(|f, _| note(f, "natural curls")),
        ),
        (
            "recommended to us by a friend",
            Box::new(|f, _| note(f, "referred")),
        ),
        (
            "settles the bill with cash",
            Box::new(|f, _| note(f, "cash")),
        ),
        (
            "bride with a June wedding",
            Box::new(|f, _| note(f, "wedding")),
        ),
        (
            "wants her bangs trimmed or grown out",
            Box::new(|f, _| note(f, "fringe")),
        ),
        (
            "tends to show up after the booked time",
            Box::new(|f, _| note(f, "late")),
        ),
        (
            "wants the same style as last time",
            Box::new(|f, _| note(f, "same as last time")),
        ),
        (
            "no hot water, irritated scalp",
            Box::new(|f, _| note(f, "sensitive scalp")),
        ),
        (
            "unscented products only",
            Box::new(|f, _| note(f, "fragrance-free")),
        ),
        (
            "comes with her little girl",
            Box::new(|f, _| note(f, "daughter")),
        ),
        (
            "only free on Saturdays",
            Box::new(|f, _| note(f, "saturday")),
        ),
        (
            "looking for a change of style",
            Box::new(|f, _| note(f, "something new")),
        ),
        (
            "haven't been in for ages",
            Box::new(|f, now| status(f, now, Status::Lapsed)),
        ),
        (
            "tried us once and didn't return",
            Box::new(|f, now| status(f, now, Status::OneTime)),
        ),
        (
            "first-time visitors",
            Box::new(|f, now| status(f, now, Status::New)),
        ),
        (
            "their hairdresser quit",
            Box::new(|f, _| main_staff(f).is_some_and(|s| f.departed_staff.contains(&s))),
        ),
        (
            "loyal regulars who come every two weeks",
            Box::new(|f, now| {
                status(f, now, Status::Regular) && f.cadence_days().is_some_and(|c| c <= 17.0)
            }),
        ),
        ("top spenders", Box::new(|f, _| f.lifetime_value >= 260_000)),
        (
            "men's haircut regulars",
            Box::new(|f, now| status(f, now, Status::Regular) && has_service(f, "Men's Haircut")),
        ),
        (
            "kids haircut families who stopped coming",
            Box::new(|f, now| status(f, now, Status::Lapsed) && has_service(f, "Kids' Haircut")),
        ),
        (
            "Robert Kennedy's regulars",
            Box::new(|f, now| {
                status(f, now, Status::Regular)
                    && main_staff(f).is_some_and(|s| s == "Robert Kennedy")
            }),
        ),
        (
            "clients Katherine Wang looks after",
            Box::new(|f, _| main_staff(f).is_some_and(|s| s == "Katherine Wang")),
        ),
        (
            "Peyton's old clients",
            Box::new(|f, _| main_staff(f).is_some_and(|s| s == "Peyton Rodriguez")),
        ),
        (
            "colour clients who only came once",
            Box::new(|f, now| {
                status(f, now, Status::OneTime) && COLOUR.iter().any(|s| has_service(f, s))
            }),
        ),
    ]
}
