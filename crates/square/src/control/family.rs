//! Endpoint families: the unit Keeper adapts its rate, breaker and health counters to.
//! Square throttles per endpoint, not per application, so each family learns its own pace.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A group of Square endpoints that share one rate controller and one circuit breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointFamily {
    Customers,
    Payments,
    Refunds,
    Orders,
    Bookings,
    Catalog,
    Team,
    Loyalty,
    /// Merchants and locations (`/v2/merchants`, `/v2/locations`).
    MerchantsLocations,
    /// Token exchange, refresh and revocation (`/oauth2/...`).
    Oauth,
}

impl EndpointFamily {
    /// Every family, in a stable order (health screens list them this way).
    pub const ALL: [EndpointFamily; 10] = [
        EndpointFamily::Customers,
        EndpointFamily::Payments,
        EndpointFamily::Refunds,
        EndpointFamily::Orders,
        EndpointFamily::Bookings,
        EndpointFamily::Catalog,
        EndpointFamily::Team,
        EndpointFamily::Loyalty,
        EndpointFamily::MerchantsLocations,
        EndpointFamily::Oauth,
    ];

    /// The stable snake_case name (also the serde representation).
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointFamily::Customers => "customers",
            EndpointFamily::Payments => "payments",
            EndpointFamily::Refunds => "refunds",
            EndpointFamily::Orders => "orders",
            EndpointFamily::Bookings => "bookings",
            EndpointFamily::Catalog => "catalog",
            EndpointFamily::Team => "team",
            EndpointFamily::Loyalty => "loyalty",
            EndpointFamily::MerchantsLocations => "merchants_locations",
            EndpointFamily::Oauth => "oauth",
        }
    }
}

impl fmt::Display for EndpointFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name given to [`EndpointFamily::from_str`] is not a family.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown endpoint family: {0:?}")]
pub struct UnknownFamily(pub String);

impl FromStr for EndpointFamily {
    type Err = UnknownFamily;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EndpointFamily::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| UnknownFamily(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_str_matches_serde_and_round_trips_through_from_str() {
        for family in EndpointFamily::ALL {
            let json = serde_json::to_string(&family).unwrap();
            assert_eq!(json, format!("\"{}\"", family.as_str()));
            assert_eq!(family.as_str().parse::<EndpointFamily>().unwrap(), family);
        }
    }

    #[test]
    fn unknown_family_name_is_rejected() {
        assert!("webhooks".parse::<EndpointFamily>().is_err());
    }
}
