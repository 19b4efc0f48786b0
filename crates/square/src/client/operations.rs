//! One method per Square operation Keeper reads. Single-object reads return the object;
//! lists and searches return [`Pages`]. Requests Square would refuse for their shape are
//! refused here first (bookings windows over 31 days, order searches without 1–10
//! locations, batch retrieves over 100 ids).

use super::SquareClient;
use super::error::ClientError;
use super::pages::{GetQuery, PageQuery, Pages, PostQuery};
use super::queries::{
    ListBookingsQuery, ListCatalogQuery, ListCustomersQuery, ListPaymentsQuery, ListRefundsQuery,
};
use super::transport::{Method, RequestSpec};
use crate::control::EndpointFamily as F;
use crate::models::{Location, LoyaltyProgram, Merchant, Order};
use crate::requests::{
    BatchRetrieveOrdersRequest, SearchCatalogObjectsRequest, SearchCustomersRequest,
    SearchLoyaltyAccountsRequest, SearchLoyaltyEventsRequest, SearchOrdersRequest,
    SearchTeamMembersRequest,
};
use crate::responses::{
    BatchRetrieveOrdersResponse, ListBookingsResponse, ListCatalogResponse, ListCustomersResponse,
    ListLocationsResponse, ListMerchantsResponse, ListPaymentRefundsResponse, ListPaymentsResponse,
    RetrieveLoyaltyProgramResponse, RetrieveMerchantResponse, RetrieveTokenStatusResponse,
    SearchCatalogObjectsResponse, SearchCustomersResponse, SearchLoyaltyAccountsResponse,
    SearchLoyaltyEventsResponse, SearchOrdersResponse, SearchTeamMembersResponse,
};

/// Most location ids one SearchOrders accepts.
pub const MAX_ORDER_SEARCH_LOCATIONS: usize = 10;
/// Most order ids one BatchRetrieveOrders accepts.
pub const MAX_BATCH_ORDER_IDS: usize = 100;

fn get(
    operation: &'static str,
    family: F,
    path: &str,
    query: Vec<(String, String)>,
) -> RequestSpec {
    RequestSpec {
        operation,
        family,
        method: Method::Get,
        path: path.to_owned(),
        query,
        body: None,
    }
}

fn post_json<B: serde::Serialize>(
    operation: &'static str,
    family: F,
    path: &str,
    body: &B,
) -> Result<RequestSpec, ClientError> {
    let body = serde_json::to_vec(body).map_err(|e| ClientError::InvalidRequest {
        detail: format!("could not encode the {operation} body: {e}"),
    })?;
    Ok(RequestSpec {
        operation,
        family,
        method: Method::Post,
        path: path.to_owned(),
        query: Vec::new(),
        body: Some(body),
    })
}

fn missing(operation: &str, what: &str) -> ClientError {
    ClientError::Square(crate::Error::decode(
        operation,
        <serde_json::Error as serde::de::Error>::custom(format!("answer has no {what}")),
    ))
}

impl SquareClient {
    fn pages<R>(&self, operation: &'static str, query: impl PageQuery + 'static) -> Pages<R>
    where
        R: crate::responses::Page + serde::de::DeserializeOwned,
    {
        Pages::new(self.clone(), operation, Box::new(query))
    }

    fn get_pages<R>(
        &self,
        operation: &'static str,
        family: F,
        path: &str,
        query: Vec<(String, String)>,
    ) -> Pages<R>
    where
        R: crate::responses::Page + serde::de::DeserializeOwned,
    {
        let spec = get(operation, family, path, query);
        self.pages(operation, GetQuery { spec })
    }

    /// RetrieveMerchant `me`: the token's merchant.
    pub async fn retrieve_merchant_me(&self) -> Result<Merchant, ClientError> {
        let spec = get(
            "RetrieveMerchant",
            F::MerchantsLocations,
            "/v2/merchants/me",
            vec![],
        );
        let response: RetrieveMerchantResponse = self.execute(&spec).await?;
        response
            .merchant
            .ok_or_else(|| missing("RetrieveMerchant", "merchant"))
    }

    /// ListMerchants (one merchant per token; the cursor is an integer).
    pub fn list_merchants(&self) -> Pages<ListMerchantsResponse> {
        self.get_pages(
            "ListMerchants",
            F::MerchantsLocations,
            "/v2/merchants",
            vec![],
        )
    }

    /// ListLocations: every location, inactive ones included (not paginated).
    pub async fn list_locations(&self) -> Result<Vec<Location>, ClientError> {
        let spec = get(
            "ListLocations",
            F::MerchantsLocations,
            "/v2/locations",
            vec![],
        );
        let response: ListLocationsResponse = self.execute(&spec).await?;
        Ok(response.locations)
    }

    /// ListCustomers: every profile.
    pub fn list_customers(&self, query: &ListCustomersQuery) -> Pages<ListCustomersResponse> {
        self.get_pages(
            "ListCustomers",
            F::Customers,
            "/v2/customers",
            query.pairs(),
        )
    }

    /// SearchCustomers; the body is resent unchanged with each cursor.
    pub fn search_customers(&self, body: SearchCustomersRequest) -> Pages<SearchCustomersResponse> {
        let query = PostQuery {
            operation: "SearchCustomers",
            family: F::Customers,
            path: "/v2/customers/search",
            body,
        };
        self.pages("SearchCustomers", query)
    }

    /// ListPayments (one location per call: pass `location_id`).
    pub fn list_payments(&self, query: &ListPaymentsQuery) -> Pages<ListPaymentsResponse> {
        self.get_pages("ListPayments", F::Payments, "/v2/payments", query.pairs())
    }

    /// ListPaymentRefunds (all locations by default).
    pub fn list_refunds(&self, query: &ListRefundsQuery) -> Pages<ListPaymentRefundsResponse> {
        self.get_pages(
            "ListPaymentRefunds",
            F::Refunds,
            "/v2/refunds",
            query.pairs(),
        )
    }

    /// SearchOrders over 1 to 10 locations; the body is resent unchanged with each cursor.
    pub fn search_orders(
        &self,
        body: SearchOrdersRequest,
    ) -> Result<Pages<SearchOrdersResponse>, ClientError> {
        let n = body.location_ids.len();
        if n == 0 || n > MAX_ORDER_SEARCH_LOCATIONS {
            return Err(ClientError::InvalidRequest {
                detail: format!("SearchOrders takes 1 to 10 location ids, not {n}"),
            });
        }
        let query = PostQuery {
            operation: "SearchOrders",
            family: F::Orders,
            path: "/v2/orders/search",
            body,
        };
        Ok(self.pages("SearchOrders", query))
    }

    /// BatchRetrieveOrders (≤ 100 ids; unknown ids are silently left out).
    pub async fn batch_retrieve_orders(
        &self,
        body: &BatchRetrieveOrdersRequest,
    ) -> Result<Vec<Order>, ClientError> {
        if body.order_ids.len() > MAX_BATCH_ORDER_IDS {
            return Err(ClientError::InvalidRequest {
                detail: format!(
                    "BatchRetrieveOrders takes at most 100 ids, not {}",
                    body.order_ids.len()
                ),
            });
        }
        let spec = post_json(
            "BatchRetrieveOrders",
            F::Orders,
            "/v2/orders/batch-retrieve",
            body,
        )?;
        let response: BatchRetrieveOrdersResponse = self.execute(&spec).await?;
        Ok(response.orders)
    }

    /// ListBookings over one window of at most 31 days (see [`super::BookingsWindow`]).
    pub fn list_bookings(&self, query: &ListBookingsQuery) -> Pages<ListBookingsResponse> {
        self.get_pages("ListBookings", F::Bookings, "/v2/bookings", query.pairs())
    }

    /// ListCatalog of the given types (never returns deleted objects).
    pub fn list_catalog(&self, query: &ListCatalogQuery) -> Pages<ListCatalogResponse> {
        self.get_pages("ListCatalog", F::Catalog, "/v2/catalog/list", query.pairs())
    }

    /// SearchCatalogObjects (`begin_time` exclusive, `include_deleted_objects`); the body is
    /// resent unchanged with each cursor.
    pub fn search_catalog(
        &self,
        body: SearchCatalogObjectsRequest,
    ) -> Result<Pages<SearchCatalogObjectsResponse>, ClientError> {
        if body.include_deleted_objects == Some(true)
            && body.include_category_path_to_root == Some(true)
        {
            return Err(ClientError::InvalidRequest {
                detail: "include_deleted_objects and include_category_path_to_root cannot both \
                         be true"
                    .to_owned(),
            });
        }
        let query = PostQuery {
            operation: "SearchCatalogObjects",
            family: F::Catalog,
            path: "/v2/catalog/search",
            body,
        };
        Ok(self.pages("SearchCatalogObjects", query))
    }

    /// SearchTeamMembers (no filter: everyone, active or not).
    pub fn search_team_members(
        &self,
        body: SearchTeamMembersRequest,
    ) -> Pages<SearchTeamMembersResponse> {
        let query = PostQuery {
            operation: "SearchTeamMembers",
            family: F::Team,
            path: "/v2/team-members/search",
            body,
        };
        self.pages("SearchTeamMembers", query)
    }

    /// RetrieveLoyaltyProgram `main`; `None` when the seller has no program (404).
    pub async fn retrieve_loyalty_program_main(
        &self,
    ) -> Result<Option<LoyaltyProgram>, ClientError> {
        let spec = get(
            "RetrieveLoyaltyProgram",
            F::Loyalty,
            "/v2/loyalty/programs/main",
            vec![],
        );
        match self.execute::<RetrieveLoyaltyProgramResponse>(&spec).await {
            Ok(response) => Ok(response.program),
            Err(ClientError::Square(e)) if e.status() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// SearchLoyaltyAccounts (no query: every account, oldest first).
    pub fn search_loyalty_accounts(
        &self,
        body: SearchLoyaltyAccountsRequest,
    ) -> Pages<SearchLoyaltyAccountsResponse> {
        let query = PostQuery {
            operation: "SearchLoyaltyAccounts",
            family: F::Loyalty,
            path: "/v2/loyalty/accounts/search",
            body,
        };
        self.pages("SearchLoyaltyAccounts", query)
    }

    /// SearchLoyaltyEvents (newest first).
    pub fn search_loyalty_events(
        &self,
        body: SearchLoyaltyEventsRequest,
    ) -> Pages<SearchLoyaltyEventsResponse> {
        let query = PostQuery {
            operation: "SearchLoyaltyEvents",
            family: F::Loyalty,
            path: "/v2/loyalty/events/search",
            body,
        };
        self.pages("SearchLoyaltyEvents", query)
    }

    /// RetrieveTokenStatus: scopes and expiry of the current access token.
    pub async fn retrieve_token_status(&self) -> Result<RetrieveTokenStatusResponse, ClientError> {
        let spec = post_json(
            "RetrieveTokenStatus",
            F::Oauth,
            "/oauth2/token/status",
            &serde_json::json!({}),
        )?;
        self.execute(&spec).await
    }
}
