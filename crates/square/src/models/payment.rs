//! `Payment` and its source-specific details (card, cash, external, wallet, ...).

use super::{Address, Money, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Payment state.
    pub enum PaymentStatus {
        Approved = "APPROVED",
        Pending = "PENDING",
        Completed = "COMPLETED",
        Canceled = "CANCELED",
        Failed = "FAILED",
    }
}

open_enum! {
    /// What paid: selects which `*_details` field is set.
    pub enum PaymentSourceType {
        Card = "CARD",
        BankAccount = "BANK_ACCOUNT",
        Wallet = "WALLET",
        BuyNowPayLater = "BUY_NOW_PAY_LATER",
        SquareAccount = "SQUARE_ACCOUNT",
        Cash = "CASH",
        External = "EXTERNAL",
    }
}

open_enum! {
    /// Whether a processing fee was charged at payment time or adjusted later.
    pub enum ProcessingFeeType {
        Initial = "INITIAL",
        Adjustment = "ADJUSTMENT",
    }
}

open_enum! {
    /// Card network.
    pub enum CardBrand {
        OtherBrand = "OTHER_BRAND",
        Visa = "VISA",
        Mastercard = "MASTERCARD",
        AmericanExpress = "AMERICAN_EXPRESS",
        Discover = "DISCOVER",
        DiscoverDiners = "DISCOVER_DINERS",
        Jcb = "JCB",
        ChinaUnionpay = "CHINA_UNIONPAY",
        SquareGiftCard = "SQUARE_GIFT_CARD",
        SquareCapitalCard = "SQUARE_CAPITAL_CARD",
        Interac = "INTERAC",
        Eftpos = "EFTPOS",
        Felica = "FELICA",
        Ebt = "EBT",
    }
}

open_enum! {
    /// Credit or debit.
    pub enum CardType {
        UnknownCardType = "UNKNOWN_CARD_TYPE",
        Credit = "CREDIT",
        Debit = "DEBIT",
    }
}

open_enum! {
    /// Whether the card is prepaid.
    pub enum CardPrepaidType {
        UnknownPrepaidType = "UNKNOWN_PREPAID_TYPE",
        NotPrepaid = "NOT_PREPAID",
        Prepaid = "PREPAID",
    }
}

open_enum! {
    /// State of the card part of a payment.
    pub enum CardPaymentStatus {
        Authorized = "AUTHORIZED",
        Captured = "CAPTURED",
        Voided = "VOIDED",
        Failed = "FAILED",
    }
}

/// A payment taken by the seller.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    pub id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// Excludes the tip.
    pub amount_money: Option<Money>,
    pub tip_money: Option<Money>,
    /// `amount_money` + `tip_money`.
    pub total_money: Option<Money>,
    pub app_fee_money: Option<Money>,
    pub approved_money: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processing_fee: Vec<ProcessingFee>,
    pub refunded_money: Option<Money>,
    pub status: Option<PaymentStatus>,
    pub delay_duration: Option<String>,
    pub delay_action: Option<String>,
    pub delayed_until: Option<Timestamp>,
    pub source_type: Option<PaymentSourceType>,
    pub card_details: Option<CardPaymentDetails>,
    pub cash_details: Option<CashPaymentDetails>,
    pub bank_account_details: Option<BankAccountPaymentDetails>,
    pub external_details: Option<ExternalPaymentDetails>,
    pub wallet_details: Option<DigitalWalletDetails>,
    pub buy_now_pay_later_details: Option<BuyNowPayLaterDetails>,
    pub square_account_details: Option<SquareAccountDetails>,
    pub location_id: Option<String>,
    pub order_id: Option<String>,
    pub reference_id: Option<String>,
    pub customer_id: Option<String>,
    /// Deprecated by Square in favour of `team_member_id`.
    pub employee_id: Option<String>,
    pub team_member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refund_ids: Vec<String>,
    pub risk_evaluation: Option<RiskEvaluation>,
    pub buyer_email_address: Option<String>,
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub note: Option<String>,
    pub statement_description_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    pub receipt_number: Option<String>,
    pub receipt_url: Option<String>,
    pub device_details: Option<DeviceDetails>,
    pub application_details: Option<ApplicationDetails>,
    pub is_offline_payment: Option<bool>,
    pub offline_payment_details: Option<OfflinePaymentDetails>,
    pub version_token: Option<String>,
}

/// A fee Square charged (or adjusted) for processing a payment or refund.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProcessingFee {
    pub effective_at: Option<Timestamp>,
    #[serde(rename = "type")]
    pub fee_type: Option<ProcessingFeeType>,
    /// Negative on refunds.
    pub amount_money: Option<Money>,
}

/// Card part of a payment.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CardPaymentDetails {
    pub status: Option<CardPaymentStatus>,
    pub card: Option<Card>,
    /// `KEYED`, `SWIPED`, `EMV`, `ON_FILE`, `CONTACTLESS`.
    pub entry_method: Option<String>,
    pub cvv_status: Option<String>,
    pub avs_status: Option<String>,
    pub auth_result_code: Option<String>,
    pub application_identifier: Option<String>,
    pub application_name: Option<String>,
    pub application_cryptogram: Option<String>,
    pub verification_method: Option<String>,
    pub verification_results: Option<String>,
    pub statement_description: Option<String>,
    pub card_payment_timeline: Option<CardPaymentTimeline>,
    pub refund_requires_card_presence: Option<bool>,
}

/// A payment card as Square describes it (never the full number).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Card {
    pub id: Option<String>,
    pub card_brand: Option<CardBrand>,
    pub last_4: Option<String>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub exp_month: Option<i64>,
    #[serde(default, with = "crate::de::int64_opt")]
    pub exp_year: Option<i64>,
    pub cardholder_name: Option<String>,
    pub billing_address: Option<Address>,
    /// Stable per card number within one seller: links anonymous payments by the same card.
    pub fingerprint: Option<String>,
    pub customer_id: Option<String>,
    pub merchant_id: Option<String>,
    pub reference_id: Option<String>,
    pub enabled: Option<bool>,
    pub card_type: Option<CardType>,
    pub prepaid_type: Option<CardPrepaidType>,
    pub bin: Option<String>,
    pub card_co_brand: Option<String>,
}

/// When the card payment was authorized, captured or voided.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CardPaymentTimeline {
    pub authorized_at: Option<Timestamp>,
    pub captured_at: Option<Timestamp>,
    pub voided_at: Option<Timestamp>,
}

/// Cash handed over and change given.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CashPaymentDetails {
    pub buyer_supplied_money: Option<Money>,
    pub change_back_money: Option<Money>,
}

/// Bank transfer details.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BankAccountPaymentDetails {
    pub bank_name: Option<String>,
    pub transfer_type: Option<String>,
    pub account_ownership_type: Option<String>,
    pub fingerprint: Option<String>,
    pub country: Option<String>,
    pub statement_description: Option<String>,
}

/// A payment recorded in Square but taken elsewhere (cheque, other terminal, ...).
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExternalPaymentDetails {
    #[serde(rename = "type")]
    pub external_type: Option<String>,
    pub source: Option<String>,
    pub source_id: Option<String>,
    pub source_fee_money: Option<Money>,
}

/// Digital wallet (Cash App, PayPay, ...) details.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DigitalWalletDetails {
    pub status: Option<String>,
    pub brand: Option<String>,
}

/// Buy-now-pay-later (Afterpay, ...) details.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BuyNowPayLaterDetails {
    pub brand: Option<String>,
}

/// Payment from a buyer's Square account.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SquareAccountDetails {
    pub payment_source_token: Option<String>,
}

/// Square's risk assessment.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RiskEvaluation {
    pub created_at: Option<Timestamp>,
    pub risk_level: Option<String>,
}

/// The device that took the payment.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DeviceDetails {
    pub device_id: Option<String>,
    pub device_installation_id: Option<String>,
    pub device_name: Option<String>,
}

/// The Square product or app that took the payment.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApplicationDetails {
    /// `SQUARE_POS`, `APPOINTMENTS`, `VIRTUAL_TERMINAL`, ...
    pub square_product: Option<String>,
    pub application_id: Option<String>,
}

/// When an offline payment was taken on the device.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OfflinePaymentDetails {
    pub client_created_at: Option<Timestamp>,
}
