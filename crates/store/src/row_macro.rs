//! `table_row!`: declares a typed row for one normalized table together with its idempotent
//! upsert and a lookup by key, so the column list is written once and the SQL can never
//! drift from the struct.
//!
//! The upsert first tries a plain single-row `INSERT` and only on a key conflict runs
//! `INSERT … ON CONFLICT (key) DO UPDATE`. SQLite treats an upsert as a statement that may
//! write several rows and abort halfway, so inside a transaction it opens a statement
//! journal and copies every page the statement touches before changing it; a plain
//! single-row insert needs none. In a bulk import almost every row is new, so nearly every
//! write takes the cheap path; a changed row costs one failed insert more than before.

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

            const INSERT_SQL: &'static str = concat!(
                "INSERT INTO ", $table, " (", $(stringify!($field), ",",)* "provenance) VALUES (",
                $($crate::row_macro::placeholder!($field),)* "?)"
            );

            const SELECT_SQL: &'static str = concat!(
                "SELECT ", $(stringify!($field), ",",)* "provenance FROM ", $table, " WHERE ",
                $crate::row_macro::key_filter!($($key),+)
            );

            /// Inserts the row, or updates the row with the same key. Writing the same row twice
            /// leaves the table as after the first write.
            pub fn upsert(&self, conn: &rusqlite::Connection) -> $crate::Result<()> {
                self.write(conn).map(|_| ())
            }

            /// [`upsert`](Self::upsert), telling whether the row was new
            /// ([`Written::Inserted`](crate::Written)) or replaced one with the same key.
            pub fn write(&self, conn: &rusqlite::Connection) -> $crate::Result<$crate::Written> {
                let params = rusqlite::params![$(self.$field,)* self.provenance];
                match conn.prepare_cached(Self::INSERT_SQL)?.execute(params) {
                    Ok(_) => Ok($crate::Written::Inserted),
                    Err(e) if $crate::row_macro::is_key_conflict(&e) => {
                        conn.prepare_cached(Self::UPSERT_SQL)?.execute(params)?;
                        Ok($crate::Written::Updated)
                    }
                    Err(e) => Err(e.into()),
                }
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

/// Whether `e` is a primary-key or unique violation (the row's key is already stored).
pub(crate) fn is_key_conflict(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error(),
        Some(f) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
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
