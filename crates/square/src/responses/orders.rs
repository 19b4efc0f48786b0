//! Order envelopes.

use super::{all_response, one_response, page_response};
use crate::models::{Order, OrderEntry};

page_response! {
    /// `POST /v2/orders/search`. Pages hold `orders`, or `order_entries` when the request
    /// set `return_entries: true`.
    SearchOrdersResponse {
        orders: Order,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        order_entries: Vec<OrderEntry>,
    }
}

all_response! {
    /// `POST /v2/orders/batch-retrieve` (unknown ids are silently left out).
    BatchRetrieveOrdersResponse { orders: Order }
}

one_response! {
    /// `GET /v2/orders/{order_id}`.
    RetrieveOrderResponse { order: Order }
}
