//! Typed rows of the normalized tables, one module per Square object family. Each row carries
//! its provenance; `upsert` is idempotent and keyed by the Square id.

pub mod booking;
pub mod catalog;
pub mod customer;
pub mod location;
pub mod loyalty;
pub mod order;
pub mod payment;
pub mod quarantine;
pub mod team;

/// The normalized tables, in pipeline order, for counts and checks.
pub const NORMALIZED_TABLES: &[&str] = &[
    "locations",
    "customers",
    "team_members",
    "catalog_categories",
    "catalog_items",
    "catalog_variations",
    "catalog_modifier_lists",
    "catalog_modifiers",
    "payments",
    "refunds",
    "orders",
    "order_line_items",
    "order_line_item_modifiers",
    "bookings",
    "booking_segments",
    "loyalty_programs",
    "loyalty_accounts",
    "loyalty_events",
];
