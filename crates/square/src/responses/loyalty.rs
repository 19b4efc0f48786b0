//! Loyalty envelopes.

use super::{all_response, one_response, page_response};
use crate::models::{LoyaltyAccount, LoyaltyEvent, LoyaltyProgram};

one_response! {
    /// `GET /v2/loyalty/programs/{program_id}` (`main` = the seller's program).
    RetrieveLoyaltyProgramResponse { program: LoyaltyProgram }
}

all_response! {
    /// `GET /v2/loyalty/programs` (deprecated; use `main`).
    ListLoyaltyProgramsResponse { programs: LoyaltyProgram }
}

page_response! {
    /// `POST /v2/loyalty/accounts/search`.
    SearchLoyaltyAccountsResponse { loyalty_accounts: LoyaltyAccount }
}

one_response! {
    /// `GET /v2/loyalty/accounts/{account_id}`.
    RetrieveLoyaltyAccountResponse { loyalty_account: LoyaltyAccount }
}

page_response! {
    /// `POST /v2/loyalty/events/search` (newest first).
    SearchLoyaltyEventsResponse { events: LoyaltyEvent }
}
