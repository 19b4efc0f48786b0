//! Catalog objects: one wrapper with a `*_data` payload per type.

use super::Money;
use crate::time::Ts;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct CatalogObject {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub updated_at: Ts,
    pub version: i64,
    pub is_deleted: bool,
    pub present_at_all_locations: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_data: Option<ItemData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_variation_data: Option<ItemVariationData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifier_list_data: Option<ModifierListData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modifier_data: Option<ModifierData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_data: Option<CategoryData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_data: Option<TaxData>,
}

impl CatalogObject {
    /// An object of `kind` with no payload yet.
    pub fn bare(kind: &'static str, id: String, updated_at: Ts) -> CatalogObject {
        CatalogObject {
            kind,
            id,
            updated_at,
            version: updated_at.0,
            is_deleted: false,
            present_at_all_locations: true,
            item_data: None,
            item_variation_data: None,
            modifier_list_data: None,
            modifier_data: None,
            category_data: None,
            tax_data: None,
        }
    }
}

/// Square's ITEM, ITEM_VARIATION, ... type names that ListCatalog returns without `types`.
pub const TOP_LEVEL_TYPES: &[&str] = &[
    "ITEM",
    "CATEGORY",
    "TAX",
    "DISCOUNT",
    "MODIFIER_LIST",
    "PRICING_RULE",
    "PRODUCT_SET",
    "TIME_PERIOD",
    "MEASUREMENT_UNIT",
    "SUBSCRIPTION_PLAN",
    "ITEM_OPTION",
    "CUSTOM_ATTRIBUTE_DEFINITION",
    "QUICK_AMOUNT_SETTINGS",
];

/// Every type name the simulator accepts in `types` / `object_types`.
pub const KNOWN_TYPES: &[&str] = &[
    "ITEM",
    "ITEM_VARIATION",
    "MODIFIER",
    "MODIFIER_LIST",
    "CATEGORY",
    "TAX",
    "DISCOUNT",
    "IMAGE",
    "PRICING_RULE",
    "PRODUCT_SET",
    "TIME_PERIOD",
    "MEASUREMENT_UNIT",
    "SUBSCRIPTION_PLAN",
    "SUBSCRIPTION_PLAN_VARIATION",
    "ITEM_OPTION",
    "ITEM_OPTION_VAL",
    "CUSTOM_ATTRIBUTE_DEFINITION",
    "QUICK_AMOUNT_SETTINGS",
    "QUICK_AMOUNTS_SETTINGS",
    "COMPONENT",
    "AVAILABILITY_PERIOD",
];

#[derive(Clone, Debug, Serialize)]
pub struct CategoryRef {
    pub id: String,
    pub ordinal: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModifierListInfo {
    pub modifier_list_id: String,
    pub min_selected_modifiers: i64,
    pub max_selected_modifiers: i64,
    pub enabled: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemData {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_plaintext: Option<String>,
    pub is_taxable: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CategoryRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_category: Option<CategoryRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tax_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modifier_list_info: Vec<ModifierListInfo>,
    pub variations: Vec<CatalogObject>,
    pub product_type: &'static str,
    pub is_archived: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ItemVariationData {
    pub item_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    pub ordinal: i64,
    pub pricing_type: &'static str,
    pub price_money: Money,
    pub track_inventory: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_duration: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_for_booking: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub team_member_ids: Vec<String>,
    pub sellable: bool,
    pub stockable: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModifierListData {
    pub name: String,
    pub ordinal: i64,
    pub selection_type: &'static str,
    pub modifiers: Vec<CatalogObject>,
    pub modifier_type: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct ModifierData {
    pub name: String,
    pub price_money: Money,
    pub on_by_default: bool,
    pub ordinal: i64,
    pub modifier_list_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CategoryData {
    pub name: String,
    pub category_type: &'static str,
    pub is_top_level: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct TaxData {
    pub name: String,
    pub calculation_phase: &'static str,
    pub inclusion_type: &'static str,
    pub percentage: String,
    pub applies_to_custom_amounts: bool,
    pub enabled: bool,
}
