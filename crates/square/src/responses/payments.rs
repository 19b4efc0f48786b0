//! Payment and refund envelopes.

use super::{one_response, page_response};
use crate::models::{Payment, PaymentRefund};

page_response! {
    /// `GET /v2/payments` (main location only unless `location_id` is given).
    ListPaymentsResponse { payments: Payment }
}

one_response! {
    /// `GET /v2/payments/{payment_id}`.
    GetPaymentResponse { payment: Payment }
}

page_response! {
    /// `GET /v2/refunds` (all locations by default).
    ListPaymentRefundsResponse { refunds: PaymentRefund }
}

one_response! {
    /// `GET /v2/refunds/{refund_id}`.
    GetPaymentRefundResponse { refund: PaymentRefund }
}
