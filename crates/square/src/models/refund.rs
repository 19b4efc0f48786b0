//! `PaymentRefund`: a refund of a payment (ListPaymentRefunds, GetPaymentRefund).
//! The older `Refund` object embedded in orders lives in `order`.

use super::{Money, ProcessingFee, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::skip_serializing_none;

open_enum! {
    /// Refund state.
    pub enum PaymentRefundStatus {
        Pending = "PENDING",
        Completed = "COMPLETED",
        Rejected = "REJECTED",
        Failed = "FAILED",
    }
}

/// A refund of (part of) a payment.
#[skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRefund {
    pub id: String,
    pub status: Option<PaymentRefundStatus>,
    pub location_id: Option<String>,
    pub unlinked: Option<bool>,
    pub destination_type: Option<String>,
    pub amount_money: Money,
    pub app_fee_money: Option<Money>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processing_fee: Vec<ProcessingFee>,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub reason: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub team_member_id: Option<String>,
    pub terminal_refund_id: Option<String>,
}
