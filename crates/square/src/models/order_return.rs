//! `OrderReturn`: items, taxes, discounts and tips given back in an exchange or refund,
//! embedded in `Order.returns[]`.

use super::{
    ApplicationScope, Decimal, Metadata, Money, OrderLineItemAppliedDiscount,
    OrderLineItemAppliedTax, OrderLineItemItemType, OrderMoneyAmounts, OrderQuantityUnit,
    OrderRoundingAdjustment,
};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

/// Everything returned against one source order.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturn {
    pub uid: Option<String>,
    pub source_order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_line_items: Vec<OrderReturnLineItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_service_charges: Vec<OrderReturnServiceCharge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_taxes: Vec<OrderReturnTax>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_discounts: Vec<OrderReturnDiscount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_tips: Vec<OrderReturnTip>,
    pub rounding_adjustment: Option<OrderRoundingAdjustment>,
    pub return_amounts: Option<OrderMoneyAmounts>,
}

/// A returned line item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturnLineItem {
    pub uid: Option<String>,
    pub source_line_item_uid: Option<String>,
    pub name: Option<String>,
    /// Decimal string; required by Square.
    pub quantity: Decimal,
    pub quantity_unit: Option<OrderQuantityUnit>,
    pub note: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub variation_name: Option<String>,
    pub item_type: Option<OrderLineItemItemType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub return_modifiers: Vec<OrderReturnLineItemModifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_taxes: Vec<OrderLineItemAppliedTax>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_discounts: Vec<OrderLineItemAppliedDiscount>,
    pub base_price_money: Option<Money>,
    pub variation_total_price_money: Option<Money>,
    pub gross_return_money: Option<Money>,
    pub total_tax_money: Option<Money>,
    pub total_discount_money: Option<Money>,
    pub total_money: Option<Money>,
}

/// A returned modifier.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturnLineItemModifier {
    pub uid: Option<String>,
    pub source_modifier_uid: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub name: Option<String>,
    pub base_price_money: Option<Money>,
    pub total_price_money: Option<Money>,
    pub quantity: Option<Decimal>,
}

/// A returned service charge.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturnServiceCharge {
    pub uid: Option<String>,
    pub source_service_charge_uid: Option<String>,
    pub name: Option<String>,
    pub catalog_object_id: Option<String>,
    pub percentage: Option<Decimal>,
    pub amount_money: Option<Money>,
    pub applied_money: Option<Money>,
    pub total_money: Option<Money>,
    pub total_tax_money: Option<Money>,
}

/// A returned tax.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturnTax {
    pub uid: Option<String>,
    pub source_tax_uid: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub tax_type: Option<String>,
    pub percentage: Option<Decimal>,
    pub applied_money: Option<Money>,
    pub scope: Option<ApplicationScope>,
}

/// A returned discount.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderReturnDiscount {
    pub uid: Option<String>,
    pub source_discount_uid: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub discount_type: Option<String>,
    pub percentage: Option<Decimal>,
    pub amount_money: Option<Money>,
    pub applied_money: Option<Money>,
    pub scope: Option<ApplicationScope>,
    pub metadata: Option<Metadata>,
}

/// A returned tip.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderReturnTip {
    pub uid: Option<String>,
    pub applied_money: Option<Money>,
    pub source_tender_uid: Option<String>,
    pub source_tender_id: Option<String>,
}
