//! `Order` with its line items, modifiers, taxes, discounts, service charges, tenders and
//! refunds; `OrderEntry` (SearchOrders with `return_entries: true`). Returns are in
//! `order_return`.

use super::{Card, Decimal, Money, OrderReturn, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;
use std::collections::BTreeMap;

open_enum! {
    /// Order state.
    pub enum OrderState {
        Open = "OPEN",
        Completed = "COMPLETED",
        Canceled = "CANCELED",
        Draft = "DRAFT",
    }
}

open_enum! {
    /// What a line item sells.
    pub enum OrderLineItemItemType {
        Item = "ITEM",
        CustomAmount = "CUSTOM_AMOUNT",
        GiftCard = "GIFT_CARD",
    }
}

open_enum! {
    /// Whether a tax or discount applies to the whole order or to chosen line items.
    pub enum ApplicationScope {
        OtherTaxScope = "OTHER_TAX_SCOPE",
        OtherDiscountScope = "OTHER_DISCOUNT_SCOPE",
        LineItem = "LINE_ITEM",
        Order = "ORDER",
    }
}

open_enum! {
    /// How a tax is calculated.
    pub enum OrderLineItemTaxType {
        UnknownTax = "UNKNOWN_TAX",
        Additive = "ADDITIVE",
        Inclusive = "INCLUSIVE",
    }
}

open_enum! {
    /// How a discount is calculated.
    pub enum OrderLineItemDiscountType {
        UnknownDiscount = "UNKNOWN_DISCOUNT",
        FixedPercentage = "FIXED_PERCENTAGE",
        FixedAmount = "FIXED_AMOUNT",
        VariablePercentage = "VARIABLE_PERCENTAGE",
        VariableAmount = "VARIABLE_AMOUNT",
    }
}

open_enum! {
    /// How an order was (partly) paid.
    pub enum TenderType {
        Card = "CARD",
        Cash = "CASH",
        ThirdPartyCard = "THIRD_PARTY_CARD",
        SquareGiftCard = "SQUARE_GIFT_CARD",
        NoSale = "NO_SALE",
        BankAccount = "BANK_ACCOUNT",
        Wallet = "WALLET",
        BuyNowPayLater = "BUY_NOW_PAY_LATER",
        SquareAccount = "SQUARE_ACCOUNT",
        Other = "OTHER",
    }
}

open_enum! {
    /// State of the older `Refund` object embedded in orders.
    pub enum OrderRefundStatus {
        Pending = "PENDING",
        Approved = "APPROVED",
        Rejected = "REJECTED",
        Failed = "FAILED",
    }
}

/// Free-form key/value pairs attached by apps.
pub type Metadata = BTreeMap<String, String>;

/// An order: what was sold, for how much, and how it was paid.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    pub id: Option<String>,
    pub location_id: String,
    pub reference_id: Option<String>,
    pub source: Option<OrderSource>,
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_items: Vec<OrderLineItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taxes: Vec<OrderLineItemTax>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub discounts: Vec<OrderLineItemDiscount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_charges: Vec<OrderServiceCharge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fulfillments: Vec<OrderFulfillment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<OrderReturn>,
    pub return_amounts: Option<OrderMoneyAmounts>,
    pub net_amounts: Option<OrderMoneyAmounts>,
    pub rounding_adjustment: Option<OrderRoundingAdjustment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenders: Vec<Tender>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<Refund>,
    pub metadata: Option<Metadata>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub state: Option<OrderState>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub version: Option<i64>,
    pub total_money: Option<Money>,
    pub total_tax_money: Option<Money>,
    pub total_discount_money: Option<Money>,
    pub total_tip_money: Option<Money>,
    pub total_service_charge_money: Option<Money>,
    pub ticket_name: Option<String>,
    pub pricing_options: Option<OrderPricingOptions>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rewards: Vec<OrderReward>,
    pub net_amount_due_money: Option<Money>,
}

/// Where the order came from (`source.name`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderSource {
    pub name: Option<String>,
}

/// One line of an order.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItem {
    pub uid: Option<String>,
    pub name: Option<String>,
    /// Decimal string (`"1"`, `"2.25"`); required by Square.
    pub quantity: Decimal,
    pub quantity_unit: Option<OrderQuantityUnit>,
    pub note: Option<String>,
    /// The ITEM_VARIATION id.
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub variation_name: Option<String>,
    pub item_type: Option<OrderLineItemItemType>,
    pub metadata: Option<Metadata>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<OrderLineItemModifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_taxes: Vec<OrderLineItemAppliedTax>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_discounts: Vec<OrderLineItemAppliedDiscount>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applied_service_charges: Vec<OrderLineItemAppliedServiceCharge>,
    /// Price of one unit.
    pub base_price_money: Option<Money>,
    /// `base_price_money` × quantity, without modifiers.
    pub variation_total_price_money: Option<Money>,
    /// Variation total plus modifiers.
    pub gross_sales_money: Option<Money>,
    pub total_tax_money: Option<Money>,
    pub total_discount_money: Option<Money>,
    pub total_money: Option<Money>,
    pub total_service_charge_money: Option<Money>,
}

/// Unit of a measured quantity (kilograms, hours, ...).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderQuantityUnit {
    #[serde(default, with = "crate::de::int64_opt")]
    pub precision: Option<i64>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
}

/// A modifier chosen on a line item (`Oat milk`, `Extra shot`).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItemModifier {
    pub uid: Option<String>,
    /// The MODIFIER id.
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub name: Option<String>,
    /// Decimal string, ≥ 0.
    pub quantity: Option<Decimal>,
    pub base_price_money: Option<Money>,
    /// `base_price_money` × the line item's quantity.
    pub total_price_money: Option<Money>,
    pub metadata: Option<Metadata>,
    /// Nested modifiers (Square-Version 2026 and later).
    pub parent_modifier_uid: Option<String>,
}

/// A tax applied to (part of) an order.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItemTax {
    pub uid: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub tax_type: Option<OrderLineItemTaxType>,
    pub percentage: Option<Decimal>,
    pub metadata: Option<Metadata>,
    pub applied_money: Option<Money>,
    pub scope: Option<ApplicationScope>,
    pub auto_applied: Option<bool>,
}

/// A discount applied to (part of) an order.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineItemDiscount {
    pub uid: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub discount_type: Option<OrderLineItemDiscountType>,
    pub percentage: Option<Decimal>,
    pub amount_money: Option<Money>,
    pub applied_money: Option<Money>,
    pub metadata: Option<Metadata>,
    pub scope: Option<ApplicationScope>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reward_ids: Vec<String>,
    pub pricing_rule_id: Option<String>,
}

/// A service charge (delivery fee, gratuity, ...).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderServiceCharge {
    pub uid: Option<String>,
    pub name: Option<String>,
    pub catalog_object_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub catalog_version: Option<i64>,
    pub percentage: Option<Decimal>,
    pub amount_money: Option<Money>,
    pub applied_money: Option<Money>,
    pub total_money: Option<Money>,
    pub total_tax_money: Option<Money>,
    pub calculation_phase: Option<String>,
    pub taxable: Option<bool>,
    pub metadata: Option<Metadata>,
    #[serde(rename = "type")]
    pub charge_type: Option<String>,
    pub treatment_type: Option<String>,
    pub scope: Option<String>,
}

/// The share of an order-level tax carried by one line item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineItemAppliedTax {
    pub uid: Option<String>,
    pub tax_uid: String,
    pub applied_money: Option<Money>,
}

/// The share of an order-level discount carried by one line item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineItemAppliedDiscount {
    pub uid: Option<String>,
    pub discount_uid: String,
    pub applied_money: Option<Money>,
}

/// The share of a service charge carried by one line item.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineItemAppliedServiceCharge {
    pub uid: Option<String>,
    pub service_charge_uid: String,
    pub applied_money: Option<Money>,
}

/// A fulfillment (pickup, shipment, delivery); Keeper only reads its kind and state.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderFulfillment {
    pub uid: Option<String>,
    #[serde(rename = "type")]
    pub fulfillment_type: Option<String>,
    pub state: Option<String>,
}

/// Totals of an order or of its returns.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderMoneyAmounts {
    pub total_money: Option<Money>,
    pub tax_money: Option<Money>,
    pub discount_money: Option<Money>,
    pub tip_money: Option<Money>,
    pub service_charge_money: Option<Money>,
}

/// Cash rounding applied to the total.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderRoundingAdjustment {
    pub uid: Option<String>,
    pub name: Option<String>,
    pub amount_money: Option<Money>,
}

/// Whether Square applied taxes and discounts automatically.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderPricingOptions {
    pub auto_apply_discounts: Option<bool>,
    pub auto_apply_taxes: Option<bool>,
}

/// A loyalty reward redeemed on the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReward {
    pub id: String,
    pub reward_tier_id: String,
}

/// How (part of) an order was paid. `id` equals the payment id.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tender {
    pub id: Option<String>,
    pub location_id: Option<String>,
    pub transaction_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub note: Option<String>,
    /// Includes the tip.
    pub amount_money: Option<Money>,
    pub tip_money: Option<Money>,
    pub processing_fee_money: Option<Money>,
    pub customer_id: Option<String>,
    #[serde(rename = "type")]
    pub tender_type: TenderType,
    pub card_details: Option<TenderCardDetails>,
    pub cash_details: Option<TenderCashDetails>,
    pub payment_id: Option<String>,
}

/// Card part of a tender.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TenderCardDetails {
    pub status: Option<String>,
    pub card: Option<Card>,
    pub entry_method: Option<String>,
}

/// Cash part of a tender.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TenderCashDetails {
    pub buyer_tendered_money: Option<Money>,
    pub change_back_money: Option<Money>,
}

/// The older refund object embedded in `Order.refunds[]`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    pub id: String,
    pub location_id: String,
    pub transaction_id: Option<String>,
    pub tender_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub reason: String,
    pub amount_money: Money,
    pub status: OrderRefundStatus,
    pub processing_fee_money: Option<Money>,
}

/// Lightweight order reference returned by SearchOrders with `return_entries: true`.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderEntry {
    pub order_id: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub version: Option<i64>,
    pub location_id: Option<String>,
}
