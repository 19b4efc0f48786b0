//! The catalog: categories, items (services and products), variations, modifier lists and
//! modifiers. Deleted objects stay, marked `is_deleted`, so old orders still resolve.

use crate::row_macro::table_row;

table_row! {
    /// A catalog category.
    CatalogCategory => "catalog_categories", key (id) {
        id: String,
        name: Option<String>,
        is_deleted: bool,
        version: Option<i64>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A catalog item: a service (`APPOINTMENTS_SERVICE`) or a product.
    CatalogItem => "catalog_items", key (id) {
        id: String,
        name: Option<String>,
        category_id: Option<String>,
        product_type: Option<String>,
        is_deleted: bool,
        version: Option<i64>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A variation of an item (what orders and bookings reference).
    CatalogVariation => "catalog_variations", key (id) {
        id: String,
        item_id: Option<String>,
        name: Option<String>,
        price_amount: Option<i64>,
        currency: Option<String>,
        service_duration_ms: Option<i64>,
        is_deleted: bool,
        version: Option<i64>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A modifier list (e.g. "Treatments").
    CatalogModifierList => "catalog_modifier_lists", key (id) {
        id: String,
        name: Option<String>,
        is_deleted: bool,
        version: Option<i64>,
        updated_at: Option<String>,
    }
}

table_row! {
    /// A modifier (e.g. "Olaplex"), with its price.
    CatalogModifier => "catalog_modifiers", key (id) {
        id: String,
        modifier_list_id: Option<String>,
        name: Option<String>,
        price_amount: Option<i64>,
        currency: Option<String>,
        is_deleted: bool,
        version: Option<i64>,
        updated_at: Option<String>,
    }
}
