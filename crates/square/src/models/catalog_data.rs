//! Typed payloads of the catalog object types Keeper reads: `item_data`,
//! `item_variation_data`, `modifier_list_data`, `modifier_data`, `category_data`,
//! `tax_data`, `discount_data`, `image_data`.

use super::{CatalogObject, Decimal, Money};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// What kind of product an item is.
    pub enum CatalogItemProductType {
        Regular = "REGULAR",
        GiftCard = "GIFT_CARD",
        AppointmentsService = "APPOINTMENTS_SERVICE",
        FoodAndBev = "FOOD_AND_BEV",
        Event = "EVENT",
        Digital = "DIGITAL",
        Donation = "DONATION",
        LegacySquareOnlineService = "LEGACY_SQUARE_ONLINE_SERVICE",
        LegacySquareOnlineMembership = "LEGACY_SQUARE_ONLINE_MEMBERSHIP",
    }
}

open_enum! {
    /// Fixed or variable price.
    pub enum CatalogPricingType {
        FixedPricing = "FIXED_PRICING",
        VariablePricing = "VARIABLE_PRICING",
    }
}

/// An item for sale (its variations are embedded).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogItem {
    pub name: Option<String>,
    /// Deprecated by Square in favour of `description_html` / `description_plaintext`.
    pub description: Option<String>,
    pub description_html: Option<String>,
    pub description_plaintext: Option<String>,
    pub abbreviation: Option<String>,
    pub label_color: Option<String>,
    pub is_taxable: Option<bool>,
    /// Deprecated since 2023-12-13 in favour of `categories`.
    pub category_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CatalogObjectCategory>,
    pub reporting_category: Option<CatalogObjectCategory>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tax_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_list_info: Vec<CatalogItemModifierListInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variations: Vec<CatalogObject>,
    pub product_type: Option<CatalogItemProductType>,
    pub skip_modifier_screen: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_options: Vec<CatalogItemOptionForItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_ids: Vec<String>,
    pub is_archived: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// Deprecated Square Online visibility (`PRIVATE`, `PUBLIC`).
    pub visibility: Option<String>,
    pub available_online: Option<bool>,
    pub available_for_pickup: Option<bool>,
    pub available_electronically: Option<bool>,
}

/// A category an item belongs to, with its position.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogObjectCategory {
    pub id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub ordinal: Option<i64>,
}

/// A modifier list enabled on an item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItemModifierListInfo {
    pub modifier_list_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifier_overrides: Vec<CatalogModifierOverride>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub min_selected_modifiers: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub max_selected_modifiers: Option<i64>,
    pub enabled: Option<bool>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub ordinal: Option<i64>,
}

/// An item-level override of a modifier's default.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogModifierOverride {
    pub modifier_id: String,
    pub on_by_default: Option<bool>,
}

/// An item option (size, colour) used by the item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogItemOptionForItem {
    pub item_option_id: Option<String>,
}

/// A sellable variation of an item (its own price, SKU, service duration).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogItemVariation {
    pub item_id: Option<String>,
    pub name: Option<String>,
    pub sku: Option<String>,
    pub upc: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub ordinal: Option<i64>,
    pub pricing_type: Option<CatalogPricingType>,
    pub price_money: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_overrides: Vec<ItemVariationLocationOverrides>,
    pub track_inventory: Option<bool>,
    /// Milliseconds, for services.
    #[serde(default, with = "crate::de::int64_opt")]
    pub service_duration: Option<i64>,
    pub available_for_booking: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team_member_ids: Vec<String>,
    pub measurement_unit_id: Option<String>,
    pub sellable: Option<bool>,
    pub stockable: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_option_values: Vec<CatalogItemOptionValueForItemVariation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_ids: Vec<String>,
}

/// Per-location price or inventory settings of a variation.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemVariationLocationOverrides {
    pub location_id: Option<String>,
    pub price_money: Option<Money>,
    pub pricing_type: Option<CatalogPricingType>,
    pub track_inventory: Option<bool>,
    pub sold_out: Option<bool>,
}

/// The option value a variation stands for.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogItemOptionValueForItemVariation {
    pub item_option_id: Option<String>,
    pub item_option_value_id: Option<String>,
}

/// A list of modifiers (`Milk`: whole, oat, soy); modifiers are embedded.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogModifierList {
    pub name: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub ordinal: Option<i64>,
    /// Deprecated `SINGLE` / `MULTIPLE`.
    pub selection_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<CatalogObject>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_ids: Vec<String>,
    /// `LIST` or `TEXT`.
    pub modifier_type: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub min_selected_modifiers: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub max_selected_modifiers: Option<i64>,
    pub allow_quantities: Option<bool>,
    pub internal_name: Option<String>,
    pub hidden_from_customer: Option<bool>,
}

/// One modifier choice.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogModifier {
    pub name: Option<String>,
    pub price_money: Option<Money>,
    pub on_by_default: Option<bool>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub ordinal: Option<i64>,
    pub modifier_list_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub location_overrides: Vec<ModifierLocationOverrides>,
    pub image_id: Option<String>,
    pub hidden_online: Option<bool>,
}

/// Per-location price of a modifier.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ModifierLocationOverrides {
    pub location_id: Option<String>,
    pub price_money: Option<Money>,
    pub sold_out: Option<bool>,
}

/// A category of items.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogCategory {
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_ids: Vec<String>,
    /// `REGULAR_CATEGORY`, `MENU_CATEGORY`, `KITCHEN_CATEGORY`.
    pub category_type: Option<String>,
    pub parent_category: Option<CatalogObjectCategory>,
    pub is_top_level: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub availability_period_ids: Vec<String>,
    pub online_visibility: Option<bool>,
    pub root_category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_to_root: Vec<CategoryPathToRootNode>,
}

/// One ancestor of a category.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CategoryPathToRootNode {
    pub category_id: Option<String>,
    pub category_name: Option<String>,
}

/// A tax rate.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogTax {
    pub name: Option<String>,
    pub calculation_phase: Option<String>,
    pub inclusion_type: Option<String>,
    /// Decimal string (`"5.0"` = 5 %).
    pub percentage: Option<Decimal>,
    pub applies_to_custom_amounts: Option<bool>,
    pub enabled: Option<bool>,
    pub applies_to_product_set_id: Option<String>,
}

/// A discount.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogDiscount {
    pub name: Option<String>,
    pub discount_type: Option<String>,
    pub percentage: Option<Decimal>,
    pub amount_money: Option<Money>,
    pub pin_required: Option<bool>,
    pub label_color: Option<String>,
    pub modify_tax_basis: Option<String>,
    pub maximum_amount_money: Option<Money>,
}

/// An image.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogImage {
    pub name: Option<String>,
    pub url: Option<String>,
    pub caption: Option<String>,
    pub photo_studio_order_id: Option<String>,
}
