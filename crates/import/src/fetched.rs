//! `Fetched`: what the import needs to know of each Square object it stores — its raw-store
//! type, its id and its version (Square's `version`, else `updated_at`).

use keeper_square::models::{
    Booking, CatalogObject, Customer, Location, LoyaltyAccount, LoyaltyEvent, LoyaltyProgram,
    Merchant, Order, Payment, PaymentRefund, TeamMember, Timestamp,
};

/// A Square object the import writes to the raw store.
pub trait Fetched: serde::Serialize {
    /// The raw store's object type (`CUSTOMER`, `PAYMENT`, a catalog type such as `ITEM`).
    fn object_type(&self) -> &str;
    fn id(&self) -> Option<&str>;
    /// Square's `version` when the object has one, else its `updated_at`.
    fn version(&self) -> Option<String>;
}

fn version_or_updated(version: Option<i64>, updated_at: Option<&Timestamp>) -> Option<String> {
    version
        .map(|v| v.to_string())
        .or_else(|| updated_at.map(|t| t.to_string()))
}

macro_rules! fetched {
    ($ty:ty, $name:literal, |$o:ident| id: $id:expr, version: $version:expr) => {
        impl Fetched for $ty {
            fn object_type(&self) -> &str {
                $name
            }
            fn id(&self) -> Option<&str> {
                let $o = self;
                $id
            }
            #[allow(unused_variables)]
            fn version(&self) -> Option<String> {
                let $o = self;
                $version
            }
        }
    };
}

fetched!(Merchant, "MERCHANT", |o| id: o.id.as_deref(), version: None);
fetched!(Location, "LOCATION", |o| id: o.id.as_deref(), version: None);
fetched!(TeamMember, "TEAM_MEMBER", |o| id: o.id.as_deref(),
    version: version_or_updated(None, o.updated_at.as_ref()));
fetched!(Customer, "CUSTOMER", |o| id: o.id.as_deref(),
    version: version_or_updated(o.version, o.updated_at.as_ref()));
fetched!(Payment, "PAYMENT", |o| id: o.id.as_deref(),
    version: version_or_updated(None, o.updated_at.as_ref()));
fetched!(PaymentRefund, "REFUND", |o| id: Some(o.id.as_str()),
    version: version_or_updated(None, o.updated_at.as_ref()));
fetched!(Order, "ORDER", |o| id: o.id.as_deref(),
    version: version_or_updated(o.version, o.updated_at.as_ref()));
fetched!(Booking, "BOOKING", |o| id: o.id.as_deref(),
    version: version_or_updated(o.version, o.updated_at.as_ref()));
fetched!(LoyaltyProgram, "LOYALTY_PROGRAM", |o| id: o.id.as_deref(),
    version: version_or_updated(None, o.updated_at.as_ref()));
fetched!(LoyaltyAccount, "LOYALTY_ACCOUNT", |o| id: o.id.as_deref(),
    version: version_or_updated(None, o.updated_at.as_ref()));
fetched!(LoyaltyEvent, "LOYALTY_EVENT", |o| id: Some(o.id.as_str()), version: None);

impl Fetched for CatalogObject {
    fn object_type(&self) -> &str {
        self.object_type.as_str()
    }
    fn id(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
    fn version(&self) -> Option<String> {
        version_or_updated(self.version, self.updated_at.as_ref())
    }
}
