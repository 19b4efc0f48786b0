//! Customer, customer group and segment envelopes.

use super::{one_response, page_response};
use crate::models::{Customer, CustomerGroup, CustomerSegment};

page_response! {
    /// `GET /v2/customers`; the body is `{}` when nothing matches.
    ListCustomersResponse {
        customers: Customer,
        /// Total number of profiles, when asked for with `count=true`.
        #[serde(default, with = "crate::de::int64_opt")]
        count: Option<i64>,
    }
}

page_response! {
    /// `POST /v2/customers/search`.
    SearchCustomersResponse {
        customers: Customer,
        /// Total number of matches, when asked for with `count: true`.
        #[serde(default, with = "crate::de::int64_opt")]
        count: Option<i64>,
    }
}

one_response! {
    /// `GET /v2/customers/{customer_id}`.
    RetrieveCustomerResponse { customer: Customer }
}

page_response! {
    /// `GET /v2/customers/groups`.
    ListCustomerGroupsResponse { groups: CustomerGroup }
}

page_response! {
    /// `GET /v2/customers/segments`.
    ListCustomerSegmentsResponse { segments: CustomerSegment }
}
