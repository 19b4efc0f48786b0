//! `table_row!`: declares a typed row for one normalized table together with its idempotent
//! upsert (`INSERT … ON CONFLICT (key) DO UPDATE`) and a lookup by key, so the column list is
//! written once and the SQL can never drift from the struct.

macro_rules! placeholder {
    ($_t:tt) => {
        "?,"
    };
}

macro_rules! table_row {
    (
        $(#[$meta:meta])*
        $name:ident => $table:literal, key ($($key:ident),+) {
            $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            pub provenance: $crate::Provenance,
        }

        impl $name {
            pub const TABLE: &'static str = $table;

            const UPSERT_SQL: &'static str = concat!(
                "INSERT INTO ", $table, " (", $(stringify!($field), ",",)* "provenance) VALUES (",
                $($crate::row_macro::placeholder!($field),)* "?) ON CONFLICT (",
                $crate::row_macro::join_keys!($($key),+),
                ") DO UPDATE SET ", $(stringify!($field), " = excluded.", stringify!($field), ",",)*
                "provenance = excluded.provenance"
            );

            const SELECT_SQL: &'static str = concat!(
                "SELECT ", $(stringify!($field), ",",)* "provenance FROM ", $table, " WHERE ",
                $crate::row_macro::key_filter!($($key),+)
            );

            /// Inserts the row, or updates the row with the same key. Writing the same row twice
            /// leaves the table as after the first write.
            pub fn upsert(&self, conn: &rusqlite::Connection) -> $crate::Result<()> {
                conn.prepare_cached(Self::UPSERT_SQL)?
                    .execute(rusqlite::params![$(self.$field,)* self.provenance])?;
                Ok(())
            }

            /// The row with this key, if any.
            #[allow(clippy::too_many_arguments)]
            pub fn get(
                conn: &rusqlite::Connection,
                $($key: &dyn rusqlite::ToSql),+
            ) -> $crate::Result<Option<Self>> {
                use rusqlite::OptionalExtension;
                Ok(conn
                    .prepare_cached(Self::SELECT_SQL)?
                    .query_row(rusqlite::params![$($key),+], |r| {
                        let mut i = 0usize;
                        let mut next = || { i += 1; i - 1 };
                        Ok(Self {
                            $($field: r.get(next())?,)*
                            provenance: r.get(next())?,
                        })
                    })
                    .optional()?)
            }
        }
    };
}

macro_rules! join_keys {
    ($first:ident $(, $rest:ident)*) => {
        concat!(stringify!($first) $(, ",", stringify!($rest))*)
    };
}

macro_rules! key_filter {
    ($first:ident $(, $rest:ident)*) => {
        concat!(stringify!($first), " = ?" $(, " AND ", stringify!($rest), " = ?")*)
    };
}

pub(crate) use join_keys;
pub(crate) use key_filter;
pub(crate) use placeholder;
pub(crate) use table_row;
