//! Payments, refunds, orders and bookings.

use super::Money;
use crate::time::Ts;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ProcessingFee {
    pub effective_at: Ts,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub amount_money: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct Card {
    pub card_brand: &'static str,
    pub last_4: String,
    pub exp_month: i64,
    pub exp_year: i64,
    pub fingerprint: String,
    pub card_type: &'static str,
    pub prepaid_type: &'static str,
    pub bin: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct CardPaymentTimeline {
    pub authorized_at: Ts,
    pub captured_at: Ts,
}

#[derive(Clone, Debug, Serialize)]
pub struct CardPaymentDetails {
    pub status: &'static str,
    pub card: Card,
    pub entry_method: &'static str,
    pub cvv_status: &'static str,
    pub avs_status: &'static str,
    pub statement_description: String,
    pub card_payment_timeline: CardPaymentTimeline,
}

#[derive(Clone, Debug, Serialize)]
pub struct CashPaymentDetails {
    pub buyer_supplied_money: Money,
    pub change_back_money: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApplicationDetails {
    pub square_product: &'static str,
    pub application_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct OfflinePaymentDetails {
    pub client_created_at: Ts,
}

#[derive(Clone, Debug, Serialize)]
pub struct Payment {
    pub id: String,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub amount_money: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip_money: Option<Money>,
    pub total_money: Money,
    pub approved_money: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunded_money: Option<Money>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub processing_fee: Vec<ProcessingFee>,
    pub status: &'static str,
    pub source_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_details: Option<CardPaymentDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_details: Option<CashPaymentDetails>,
    pub location_id: String,
    pub order_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    pub employee_id: String,
    pub team_member_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refund_ids: Vec<String>,
    pub receipt_number: String,
    pub receipt_url: String,
    pub application_details: ApplicationDetails,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_offline_payment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline_payment_details: Option<OfflinePaymentDetails>,
    pub version_token: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PaymentRefund {
    pub id: String,
    pub status: &'static str,
    pub amount_money: Money,
    pub payment_id: String,
    pub order_id: String,
    pub location_id: String,
    pub reason: String,
    pub created_at: Ts,
    pub updated_at: Ts,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub processing_fee: Vec<ProcessingFee>,
    pub destination_type: &'static str,
    pub team_member_id: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrderSource {
    pub name: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrderLineItemModifier {
    pub uid: String,
    pub catalog_object_id: String,
    pub catalog_version: i64,
    pub name: String,
    pub quantity: String,
    pub base_price_money: Money,
    pub total_price_money: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct OrderLineItem {
    pub uid: String,
    pub name: String,
    pub quantity: String,
    pub catalog_object_id: String,
    pub catalog_version: i64,
    pub variation_name: String,
    pub item_type: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<OrderLineItemModifier>,
    pub base_price_money: Money,
    pub variation_total_price_money: Money,
    pub gross_sales_money: Money,
    pub total_tax_money: Money,
    pub total_discount_money: Money,
    pub total_money: Money,
    pub total_service_charge_money: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct TenderCard {
    pub card_brand: &'static str,
    pub last_4: String,
    pub fingerprint: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TenderCardDetails {
    pub status: &'static str,
    pub card: TenderCard,
    pub entry_method: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct TenderCashDetails {
    pub buyer_tendered_money: Money,
    pub change_back_money: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tender {
    pub id: String,
    pub location_id: String,
    pub transaction_id: String,
    pub created_at: Ts,
    pub amount_money: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip_money: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_fee_money: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_details: Option<TenderCardDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_details: Option<TenderCashDetails>,
    pub payment_id: String,
}

/// The legacy `Refund` object embedded in `Order.refunds[]`.
#[derive(Clone, Debug, Serialize)]
pub struct OrderRefund {
    pub id: String,
    pub location_id: String,
    pub transaction_id: String,
    pub tender_id: String,
    pub created_at: Ts,
    pub reason: String,
    pub amount_money: Money,
    pub status: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct MoneyAmounts {
    pub total_money: Money,
    pub tax_money: Money,
    pub discount_money: Money,
    pub tip_money: Money,
    pub service_charge_money: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct Order {
    pub id: String,
    pub location_id: String,
    pub source: OrderSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    pub line_items: Vec<OrderLineItem>,
    pub net_amounts: MoneyAmounts,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub closed_at: Ts,
    pub state: &'static str,
    pub version: i64,
    pub total_money: Money,
    pub total_tax_money: Money,
    pub total_discount_money: Money,
    pub total_tip_money: Money,
    pub total_service_charge_money: Money,
    pub net_amount_due_money: Money,
    pub tenders: Vec<Tender>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<OrderRefund>,
}

/// `{order_id, location_id, version}` returned by SearchOrders with `return_entries`.
#[derive(Clone, Debug, Serialize)]
pub struct OrderEntry {
    pub order_id: String,
    pub location_id: String,
    pub version: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct AppointmentSegment {
    pub duration_minutes: i64,
    pub service_variation_id: String,
    pub team_member_id: String,
    pub service_variation_version: i64,
    pub any_team_member: bool,
    pub intermission_minutes: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct BookingCreatorDetails {
    pub creator_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_member_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Booking {
    pub id: String,
    pub version: i64,
    pub status: &'static str,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub start_at: Ts,
    pub location_id: String,
    pub customer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seller_note: Option<String>,
    pub appointment_segments: Vec<AppointmentSegment>,
    pub transition_time_minutes: i64,
    pub all_day: bool,
    pub location_type: &'static str,
    pub creator_details: BookingCreatorDetails,
    pub source: &'static str,
}
