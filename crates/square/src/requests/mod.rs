//! Bodies of the POST search and batch endpoints Keeper calls. A paginated search must be
//! resent unchanged with each cursor: `CursorRequest::set_cursor` changes only the cursor.

mod catalog;
mod customers;
mod loyalty;
mod orders;
mod team;

pub use catalog::*;
pub use customers::*;
pub use loyalty::*;
pub use orders::*;
pub use team::*;

/// A search body that pages with a `cursor` field.
pub trait CursorRequest {
    /// Sets the cursor of the next page (`None` for the first page), leaving the query as is.
    fn set_cursor(&mut self, cursor: Option<String>);
}

macro_rules! cursor_request {
    ($($name:ty),+ $(,)?) => {
        $(impl CursorRequest for $name {
            fn set_cursor(&mut self, cursor: Option<String>) {
                self.cursor = cursor;
            }
        })+
    };
}

cursor_request!(
    SearchCustomersRequest,
    SearchOrdersRequest,
    SearchCatalogObjectsRequest,
    SearchTeamMembersRequest,
    SearchLoyaltyAccountsRequest,
    SearchLoyaltyEventsRequest,
);
