//! Response envelopes, one per operation Keeper calls: the resource key(s), an optional
//! `cursor` and optional `errors`. A missing array decodes as empty; a missing, null or
//! empty cursor means "last page" (`Page::next_cursor`).

mod bookings;
mod catalog;
mod customers;
mod loyalty;
mod merchants;
mod orders;
mod payments;
mod team;

pub use bookings::*;
pub use catalog::*;
pub use customers::*;
pub use loyalty::*;
pub use merchants::*;
pub use orders::*;
pub use payments::*;
pub use team::*;

pub use crate::models::{ObtainTokenResponse, RetrieveTokenStatusResponse, RevokeTokenResponse};

/// One page of a paginated list or search.
pub trait Page {
    type Item;

    /// The JSON key of the page's item array (`customers`, `payments`…), where the raw
    /// objects are read from.
    const ITEMS_KEY: &'static str;

    /// The items of this page.
    fn items(&self) -> &[Self::Item];

    /// Takes the items out.
    fn into_items(self) -> Vec<Self::Item>;

    /// The cursor to request the next page with; `None` (absent, null or `""`) on the last
    /// page.
    fn next_cursor(&self) -> Option<String>;
}

/// `Some(cursor)` unless the cursor is absent or empty.
pub(crate) fn non_empty(cursor: &Option<String>) -> Option<String> {
    cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
}

/// `pub struct $name { $key: Vec<$item>, cursor, <extra fields>, errors }` + `Page`.
macro_rules! page_response {
    (
        $(#[$meta:meta])*
        $name:ident { $key:ident: $item:ty $(, $(#[$fmeta:meta])* $extra:ident: $ety:ty)* $(,)? }
    ) => {
        $(#[$meta])*
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub $key: Vec<$item>,
            /// Cursor of the next page; use `Page::next_cursor`.
            pub cursor: Option<String>,
            $( $(#[$fmeta])* pub $extra: $ety, )*
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub errors: Vec<$crate::error::SquareApiError>,
        }

        impl $crate::responses::Page for $name {
            type Item = $item;
            const ITEMS_KEY: &'static str = stringify!($key);
            fn items(&self) -> &[$item] {
                &self.$key
            }
            fn into_items(self) -> Vec<$item> {
                self.$key
            }
            fn next_cursor(&self) -> Option<String> {
                $crate::responses::non_empty(&self.cursor)
            }
        }
    };
}

/// `pub struct $name { $key: Vec<$item>, <extra fields>, errors }` (not paginated).
macro_rules! all_response {
    (
        $(#[$meta:meta])*
        $name:ident { $key:ident: $item:ty $(, $(#[$fmeta:meta])* $extra:ident: $ety:ty)* $(,)? }
    ) => {
        $(#[$meta])*
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub $key: Vec<$item>,
            $( $(#[$fmeta])* pub $extra: $ety, )*
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub errors: Vec<$crate::error::SquareApiError>,
        }
    };
}

/// `pub struct $name { $key: Option<$item>, <extra fields>, errors }` (one object).
macro_rules! one_response {
    (
        $(#[$meta:meta])*
        $name:ident { $key:ident: $item:ty $(, $(#[$fmeta:meta])* $extra:ident: $ety:ty)* $(,)? }
    ) => {
        $(#[$meta])*
        #[serde_with::skip_serializing_none]
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            pub $key: Option<$item>,
            $( $(#[$fmeta])* pub $extra: $ety, )*
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub errors: Vec<$crate::error::SquareApiError>,
        }
    };
}

pub(crate) use {all_response, one_response, page_response};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_cursor_means_last_page() {
        for body in [
            r#"{"customers":[{"id":"A"}],"cursor":""}"#,
            r#"{"customers":[{"id":"A"}],"cursor":null}"#,
            r#"{"customers":[{"id":"A"}]}"#,
        ] {
            let page: ListCustomersResponse = serde_json::from_str(body).unwrap();
            assert_eq!(page.next_cursor(), None, "{body}");
            assert_eq!(page.items().len(), 1);
        }
        let page: ListCustomersResponse =
            serde_json::from_str(r#"{"customers":[],"cursor":"abc"}"#).unwrap();
        assert_eq!(page.next_cursor().as_deref(), Some("abc"));
    }

    #[test]
    fn empty_body_is_an_empty_page() {
        let page: ListCustomersResponse = serde_json::from_str("{}").unwrap();
        assert!(page.customers.is_empty() && page.errors.is_empty());
        assert_eq!(page.next_cursor(), None);
    }

    #[test]
    fn list_merchants_cursor_is_an_integer() {
        let page: ListMerchantsResponse =
            serde_json::from_str(r#"{"merchant":[{"id":"M","country":"US"}],"cursor":2}"#).unwrap();
        assert_eq!(page.next_cursor().as_deref(), Some("2"));
        assert_eq!(page.into_items()[0].id.as_deref(), Some("M"));
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let page: ListBookingsResponse = serde_json::from_str(
            r#"{"bookings":[{"id":"B","status":"ACCEPTED","hologram":{"x":1},
                "appointment_segments":[{"team_member_id":"T","warp_factor":9}]}],
                "brand_new_top_level":[1,2,3]}"#,
        )
        .unwrap();
        assert_eq!(page.bookings[0].id.as_deref(), Some("B"));
        let back = serde_json::to_string(&page).unwrap();
        assert!(!back.contains("hologram") && !back.contains("warp_factor"));
    }
}
