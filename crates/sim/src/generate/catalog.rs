//! The salon's catalog: service items with variations, add-on modifier lists, retail
//! products, categories and a tax, with a price rise and a few deletions over time.

use super::ids;
use crate::model::*;
use crate::time::{DAY, Ts};
use rand_chacha::ChaCha8Rng;

/// A bookable service variation and what it cost before and after the price rise.
#[derive(Debug, Clone)]
pub struct Service {
    pub variation_id: String,
    pub item_name: String,
    pub variation_name: String,
    pub price_old: i64,
    pub price_new: i64,
    pub duration_min: i64,
    pub weight: f64,
    /// Colour services take a hair-length modifier.
    pub colour: bool,
    pub deleted_at: Option<Ts>,
}

/// A priced modifier (add-on or hair length).
#[derive(Debug, Clone)]
pub struct Addon {
    pub id: String,
    pub name: String,
    pub price: i64,
    pub deleted_at: Option<Ts>,
}

/// A retail product variation.
#[derive(Debug, Clone)]
pub struct Retail {
    pub variation_id: String,
    pub item_name: String,
    pub price: i64,
}

/// The catalog plus what the visit generator needs to ring up sales.
#[derive(Debug, Clone)]
pub struct CatalogPlan {
    pub objects: Vec<CatalogObject>,
    pub services: Vec<Service>,
    pub addons: Vec<Addon>,
    pub lengths: Vec<Addon>,
    pub retail: Vec<Retail>,
    pub created_at: Ts,
    pub price_change_at: Ts,
}

impl CatalogPlan {
    /// The catalog version a sale at `t` references.
    pub fn version_at(&self, t: Ts) -> i64 {
        if t < self.price_change_at {
            self.created_at.0
        } else {
            self.price_change_at.0
        }
    }

    /// The price of a service at `t`.
    pub fn price_at(&self, s: &Service, t: Ts) -> i64 {
        if t < self.price_change_at {
            s.price_old
        } else {
            s.price_new
        }
    }
}

struct ServiceSpec {
    item: &'static str,
    category: usize,
    variations: &'static [(&'static str, i64, i64, f64)],
    colour: bool,
    deleted: bool,
}

const SERVICES: &[ServiceSpec] = &[
    ServiceSpec {
        item: "Women's Haircut",
        category: 0,
        variations: &[
            ("Junior Stylist", 5500, 60, 14.0),
            ("Senior Stylist", 7500, 60, 16.0),
        ],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Men's Haircut",
        category: 0,
        variations: &[("Regular", 3500, 30, 18.0)],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Kids' Haircut",
        category: 0,
        variations: &[("Under 12", 2500, 30, 5.0)],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Blow Dry",
        category: 0,
        variations: &[("Regular", 4000, 45, 10.0)],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Root Colour",
        category: 1,
        variations: &[("Regular", 8500, 90, 9.0)],
        colour: true,
        deleted: false,
    },
    ServiceSpec {
        item: "Full Colour",
        category: 1,
        variations: &[("Regular", 12000, 120, 6.0)],
        colour: true,
        deleted: false,
    },
    ServiceSpec {
        item: "Highlights",
        category: 1,
        variations: &[
            ("Half Head", 14000, 120, 6.0),
            ("Full Head", 19000, 150, 4.0),
        ],
        colour: true,
        deleted: false,
    },
    ServiceSpec {
        item: "Balayage",
        category: 1,
        variations: &[("Regular", 22000, 180, 5.0)],
        colour: true,
        deleted: false,
    },
    ServiceSpec {
        item: "Toner & Gloss",
        category: 1,
        variations: &[("Regular", 4500, 30, 3.0)],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Keratin Smoothing",
        category: 2,
        variations: &[("Regular", 25000, 150, 1.5)],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Bridal Trial",
        category: 2,
        variations: &[("Regular", 15000, 90, 0.5)],
        colour: false,
        deleted: false,
    },
    ServiceSpec {
        item: "Perm",
        category: 2,
        variations: &[("Regular", 11000, 120, 1.0)],
        colour: false,
        deleted: true,
    },
];

const ADDONS: &[(&str, i64, bool)] = &[
    ("Olaplex Treatment", 3500, false),
    ("Deep Conditioning", 2500, false),
    ("Scalp Massage", 1500, false),
    ("Glitter Spray", 500, true),
];

const LENGTHS: &[(&str, i64)] = &[("Short", 0), ("Medium", 1000), ("Long", 2000)];

const RETAIL: &[(&str, i64)] = &[
    ("Olaplex No.3 Hair Perfector", 3000),
    ("Moroccanoil Treatment", 4800),
    ("Colour-Safe Shampoo", 2400),
    ("Colour-Safe Conditioner", 2600),
    ("Texturising Spray", 2200),
];

const CATEGORIES: &[&str] = &["Haircuts", "Colour", "Treatments", "Retail"];

/// Builds the catalog; `created_at` is when the seller set it up, `now` the present.
pub fn build(rng: &mut ChaCha8Rng, created_at: Ts, now: Ts, team_ids: &[String]) -> CatalogPlan {
    let price_change_at = now.minus(150 * DAY);
    let perm_deleted_at = now.minus(200 * DAY);
    let glitter_deleted_at = now.minus(250 * DAY);
    let renamed_at = now.minus(40 * DAY);
    let mut objects = Vec::new();

    let category_ids: Vec<String> = CATEGORIES.iter().map(|_| ids::catalog(rng)).collect();
    for (name, id) in CATEGORIES.iter().zip(&category_ids) {
        let mut o = CatalogObject::bare("CATEGORY", id.clone(), created_at);
        o.category_data = Some(CategoryData {
            name: (*name).to_string(),
            category_type: "REGULAR_CATEGORY",
            is_top_level: true,
        });
        objects.push(o);
    }
    let tax_id = ids::catalog(rng);
    let mut tax = CatalogObject::bare("TAX", tax_id, created_at);
    tax.tax_data = Some(TaxData {
        name: "Sales Tax".into(),
        calculation_phase: "TAX_SUBTOTAL_PHASE",
        inclusion_type: "ADDITIVE",
        percentage: "6.25".into(),
        applies_to_custom_amounts: false,
        enabled: true,
    });
    objects.push(tax);

    let (addon_list_id, addons) = modifier_list(
        rng,
        &mut objects,
        "Add-ons",
        "MULTIPLE",
        created_at,
        ADDONS
            .iter()
            .map(|&(n, p, d)| (n, p, d.then_some(glitter_deleted_at))),
    );
    let (length_list_id, lengths) = modifier_list(
        rng,
        &mut objects,
        "Hair Length",
        "SINGLE",
        created_at,
        LENGTHS.iter().map(|&(n, p)| (n, p, None)),
    );

    let mut services = Vec::new();
    for spec in SERVICES {
        let item_id = ids::catalog(rng);
        let deleted_at = spec.deleted.then_some(perm_deleted_at);
        let mut item_updated = deleted_at.unwrap_or(created_at);
        let mut name = spec.item.to_string();
        if spec.item == "Blow Dry" {
            name = "Blow Dry & Style".into();
            item_updated = renamed_at;
        }
        let mut lists = vec![ModifierListInfo {
            modifier_list_id: addon_list_id.clone(),
            min_selected_modifiers: 0,
            max_selected_modifiers: 3,
            enabled: true,
        }];
        if spec.colour {
            lists.push(ModifierListInfo {
                modifier_list_id: length_list_id.clone(),
                min_selected_modifiers: 1,
                max_selected_modifiers: 1,
                enabled: true,
            });
        }
        let mut item = CatalogObject::bare("ITEM", item_id.clone(), item_updated);
        item.is_deleted = deleted_at.is_some();
        item.item_data = Some(ItemData {
            name: name.clone(),
            description_plaintext: Some(format!("{name} at the salon")),
            is_taxable: false,
            categories: vec![CategoryRef {
                id: category_ids[spec.category].clone(),
                ordinal: 0,
            }],
            reporting_category: Some(CategoryRef {
                id: category_ids[spec.category].clone(),
                ordinal: 0,
            }),
            tax_ids: vec![],
            modifier_list_info: lists,
            variations: vec![],
            product_type: "APPOINTMENTS_SERVICE",
            is_archived: false,
        });
        objects.push(item);
        for (ordinal, &(vname, price, minutes, weight)) in spec.variations.iter().enumerate() {
            let vid = ids::catalog(rng);
            let price_old = (price * 92 / 100 / 500) * 500;
            let updated = deleted_at.unwrap_or(price_change_at);
            let mut v = CatalogObject::bare("ITEM_VARIATION", vid.clone(), updated);
            v.is_deleted = deleted_at.is_some();
            v.item_variation_data = Some(ItemVariationData {
                item_id: item_id.clone(),
                name: vname.into(),
                sku: None,
                ordinal: ordinal as i64 + 1,
                pricing_type: "FIXED_PRICING",
                price_money: Money::usd(if deleted_at.is_some() {
                    price_old
                } else {
                    price
                }),
                track_inventory: false,
                service_duration: Some(minutes * 60_000),
                available_for_booking: Some(true),
                team_member_ids: team_ids.to_vec(),
                sellable: true,
                stockable: false,
            });
            objects.push(v);
            services.push(Service {
                variation_id: vid,
                item_name: spec.item.to_string(),
                variation_name: vname.to_string(),
                price_old,
                price_new: price,
                duration_min: minutes,
                weight,
                colour: spec.colour,
                deleted_at,
            });
        }
    }

    let mut retail = Vec::new();
    for &(name, price) in RETAIL {
        let item_id = ids::catalog(rng);
        let vid = ids::catalog(rng);
        let mut item = CatalogObject::bare("ITEM", item_id.clone(), created_at);
        item.item_data = Some(ItemData {
            name: name.into(),
            description_plaintext: None,
            is_taxable: false,
            categories: vec![CategoryRef {
                id: category_ids[3].clone(),
                ordinal: 0,
            }],
            reporting_category: Some(CategoryRef {
                id: category_ids[3].clone(),
                ordinal: 0,
            }),
            tax_ids: vec![],
            modifier_list_info: vec![],
            variations: vec![],
            product_type: "REGULAR",
            is_archived: false,
        });
        objects.push(item);
        let mut v = CatalogObject::bare("ITEM_VARIATION", vid.clone(), created_at);
        v.item_variation_data = Some(ItemVariationData {
            item_id,
            name: "Regular".into(),
            sku: Some(ids::digits(rng, 12)),
            ordinal: 1,
            pricing_type: "FIXED_PRICING",
            price_money: Money::usd(price),
            track_inventory: true,
            service_duration: None,
            available_for_booking: None,
            team_member_ids: vec![],
            sellable: true,
            stockable: true,
        });
        objects.push(v);
        retail.push(Retail {
            variation_id: vid,
            item_name: name.into(),
            price,
        });
    }

    CatalogPlan {
        objects,
        services,
        addons,
        lengths,
        retail,
        created_at,
        price_change_at,
    }
}

fn modifier_list<'a>(
    rng: &mut ChaCha8Rng,
    objects: &mut Vec<CatalogObject>,
    name: &str,
    selection: &'static str,
    created_at: Ts,
    entries: impl Iterator<Item = (&'a str, i64, Option<Ts>)>,
) -> (String, Vec<Addon>) {
    let list_id = ids::catalog(rng);
    let mut list = CatalogObject::bare("MODIFIER_LIST", list_id.clone(), created_at);
    list.modifier_list_data = Some(ModifierListData {
        name: name.into(),
        ordinal: 1,
        selection_type: selection,
        modifiers: vec![],
        modifier_type: "LIST",
    });
    objects.push(list);
    let mut out = Vec::new();
    for (ordinal, (mname, price, deleted_at)) in entries.enumerate() {
        let id = ids::catalog(rng);
        let mut m = CatalogObject::bare("MODIFIER", id.clone(), deleted_at.unwrap_or(created_at));
        m.is_deleted = deleted_at.is_some();
        m.modifier_data = Some(ModifierData {
            name: mname.into(),
            price_money: Money::usd(price),
            on_by_default: false,
            ordinal: ordinal as i64 + 1,
            modifier_list_id: list_id.clone(),
        });
        objects.push(m);
        out.push(Addon {
            id,
            name: mname.into(),
            price,
            deleted_at,
        });
    }
    (list_id, out)
}
