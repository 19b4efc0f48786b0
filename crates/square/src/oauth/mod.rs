//! OAuth for a native app (RFC 8252 + RFC 7636 PKCE) against Square: Connect Square
//! ([`connect`]), token exchange and refresh through the `oauth2` crate with Square's JSON
//! token bodies ([`http`], [`exchange`]), the [`TokenSet`] Keeper keeps, and the
//! [`RefreshingTokenSource`] the API client uses, which saves each rotated refresh-token
//! pair before using it. Token requests can go through the client's `oauth` endpoint
//! family ([`gate`]).

pub mod error;
pub mod exchange;
pub mod flow;
pub mod gate;
pub mod http;
pub mod loopback;
pub mod pkce;
pub mod refresh;
pub mod token_set;

pub use error::OAuthError;
pub use exchange::{SquareTokenResponse, TokenEndpoint};
pub use flow::{
    AuthorizeRequest, BrowserOpener, ConnectConfig, authorize_request, connect,
    redirect_following_browser,
};
pub use gate::{ClientTokenGate, GatePass, TokenGate};
pub use loopback::{CALLBACK_PATH, LoopbackListener};
pub use refresh::{MemoryTokenSink, RefreshingTokenSource, TokenObserver, TokenSink};
pub use token_set::{REFRESH_AHEAD, TokenSet};

/// The permissions Keeper asks for (read-only).
pub const KEEPER_SCOPES: [&str; 9] = [
    "MERCHANT_PROFILE_READ",
    "CUSTOMERS_READ",
    "PAYMENTS_READ",
    "ORDERS_READ",
    "APPOINTMENTS_READ",
    "APPOINTMENTS_ALL_READ",
    "ITEMS_READ",
    "EMPLOYEES_READ",
    "LOYALTY_READ",
];
