//! Column detection: header synonyms plus content sniffing, each mapping with a confidence the
//! caller can override.

use crate::error::{EnrichError, Result};
use crate::normalize::{date, phone};
use crate::read::RawRow;
use serde::{Deserialize, Serialize};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Square's customer id.
    SquareCustomerId,
    /// Another system's id for the row.
    ExternalId,
    /// Whole name in one cell (split into parts).
    FullName,
    /// First name.
    GivenName,
    /// Last name.
    FamilyName,
    /// A phone number (several columns allowed).
    Phone,
    /// An email address (several columns allowed).
    Email,
    /// Date of birth, year optional.
    Birthday,
    /// Whole address in one cell (split into parts).
    Address,
    /// One street line (several columns are joined in order).
    AddressLine,
    /// City, town or suburb.
    Locality,
    /// State, county or province.
    Region,
    /// Postcode or ZIP.
    Postcode,
    /// Country.
    Country,
    /// Company name.
    Company,
    /// Free-text notes.
    Notes,
    /// Tags or groups.
    Tags,
    /// Date of the last visit.
    LastVisit,
    /// Not used.
    Ignore,
}

impl Field {
    /// Fields that may be mapped from several columns.
    pub fn allows_many(self) -> bool {
        matches!(
            self,
            Field::Phone
                | Field::Email
                | Field::AddressLine
                | Field::Notes
                | Field::Tags
                | Field::Ignore
        )
    }

    /// Fields that identify a person well enough to match on.
    pub fn identifies(self) -> bool {
        matches!(
            self,
            Field::SquareCustomerId
                | Field::FullName
                | Field::GivenName
                | Field::FamilyName
                | Field::Phone
                | Field::Email
        )
    }
}

/// Order of day and month in numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// 31/12/1980.
    Dmy,
    /// 12/31/1980.
    Mdy,
}

/// Where a mapping came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// The header named it and the content agreed (or could not be checked).
    Header,
    /// The content alone decided it.
    Content,
    /// The caller set it.
    Override,
}

/// One column's mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// 0-based column index.
    pub index: usize,
    /// Header text.
    pub header: String,
    /// Field assigned.
    pub field: Field,
    /// 0..1.
    pub confidence: f32,
    /// How it was decided.
    pub source: MappingSource,
    /// Day/month order for date columns.
    pub date_order: Option<DateOrder>,
    /// Whether `date_order` was decided from the data (otherwise the default was used).
    pub date_order_from_data: bool,
}

/// The mapping of every column of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// One entry per column, in column order.
    pub columns: Vec<ColumnMapping>,
}

impl Mapping {
    /// Columns mapped to `field`, in column order.
    pub fn columns_for(&self, field: Field) -> impl Iterator<Item = &ColumnMapping> {
        self.columns.iter().filter(move |c| c.field == field)
    }

    /// Overrides one column (by header text, case-insensitive, or by 0-based index as text).
    /// A single-valued field moves: the column that had it before becomes `Ignore`.
    pub fn set(&mut self, column: &str, field: Field) -> Result<()> {
        let idx = self
            .columns
            .iter()
            .position(|c| c.header.eq_ignore_ascii_case(column.trim()))
            .or_else(|| {
                column
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < self.columns.len())
            })
            .ok_or_else(|| EnrichError::UnknownColumn {
                column: column.to_string(),
            })?;
        if !field.allows_many() {
            for c in self.columns.iter_mut().filter(|c| c.field == field) {
                c.field = Field::Ignore;
            }
        }
        let c = &mut self.columns[idx];
        c.field = field;
        c.confidence = 1.0;
        c.source = MappingSource::Override;
        Ok(())
    }

    /// Fails when no column can identify a person.
    pub fn ensure_usable(&self) -> Result<()> {
        if self.columns.iter().any(|c| c.field.identifies()) {
            Ok(())
        } else {
            Err(EnrichError::NoUsableColumn {
                headers: self
                    .columns
                    .iter()
                    .map(|c| c.header.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }
}

impl std::fmt::Display for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in &self.columns {
            write!(
                f,
                "  {:>2} {:<28} -> {:<20} {:.2} ({:?})",
                c.index,
                c.header,
                format!("{:?}", c.field),
                c.confidence,
                c.source
            )?;
            if let Some(order) = c.date_order {
                write!(
                    f,
                    " {:?}{}",
                    order,
                    if c.date_order_from_data {
                        ""
                    } else {
                        " (default)"
                    }
                )?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::SquareCustomerId,
        &[
            "square customer id",
            "square id",
            "square customer",
            "square customer identifier",
        ],
    ),
    (
        Field::ExternalId,
        &[
            "id",
            "customer id",
            "client id",
            "reference id",
            "reference",
            "customer number",
            "client number",
            "account number",
            "member id",
            "patient id",
            "record id",
            "rec id",
        ],
    ),
    (
        Field::FullName,
        &[
            "name",
            "full name",
            "fullname",
            "client",
            "client name",
            "customer",
            "customer name",
            "contact",
            "contact name",
            "display name",
            "patient",
            "patient name",
            "member",
            "member name",
            "guest",
            "guest name",
            "clients",
        ],
    ),
    (
        Field::GivenName,
        &[
            "first",
            "first name",
            "firstname",
            "given name",
            "given",
            "given names",
            "forename",
            "forenames",
            "fname",
            "christian name",
            "first names",
        ],
    ),
    (
        Field::FamilyName,
        &[
            "last",
            "last name",
            "lastname",
            "surname",
            "family name",
            "lname",
            "second name",
        ],
    ),
    (
        Field::Phone,
        &[
            "phone",
            "phone number",
            "phone no",
            "mobile",
            "mobile number",
            "mobile phone",
            "mobile no",
            "cell",
            "cell phone",
            "cellphone",
            "cell number",
            "telephone",
            "tel",
            "telephone number",
            "contact number",
            "home phone",
            "work phone",
            "sms",
            "whatsapp",
            "mob",
            "phone 1",
            "phone 2",
        ],
    ),
    (
        Field::Email,
        &[
            "email",
            "e mail",
            "email address",
            "e mail address",
            "mail",
            "emails",
            "email 1",
            "email 2",
        ],
    ),
    (
        Field::Birthday,
        &[
            "birthday",
            "dob",
            "d o b",
            "date of birth",
            "birth date",
            "birthdate",
            "bday",
            "birth day",
            "born",
        ],
    ),
    (
        Field::Address,
        &[
            "address",
            "full address",
            "postal address",
            "home address",
            "mailing address",
        ],
    ),
    (
        Field::AddressLine,
        &[
            "address 1",
            "address line 1",
            "address1",
            "address 2",
            "address line 2",
            "address2",
            "street",
            "street address",
            "street address 1",
            "street address 2",
            "street 1",
            "street 2",
            "street number",
            "house number",
            "street no",
            "unit",
            "flat",
            "address 3",
        ],
    ),
    (
        Field::Locality,
        &[
            "city",
            "town",
            "suburb",
            "locality",
            "town city",
            "city town",
        ],
    ),
    (
        Field::Region,
        &["state", "county", "province", "region", "state province"],
    ),
    (
        Field::Postcode,
        &[
            "postcode",
            "post code",
            "postal code",
            "zip",
            "zip code",
            "zipcode",
            "postcode zip",
            "zip postal code",
        ],
    ),
    (Field::Country, &["country", "country code"]),
    (
        Field::Company,
        &[
            "company",
            "company name",
            "business",
            "organisation",
            "organization",
        ],
    ),
    (
        Field::Notes,
        &["notes", "note", "memo", "comments", "comment", "remarks"],
    ),
    (
        Field::Tags,
        &[
            "tags",
            "tag",
            "labels",
            "label",
            "groups",
            "group",
            "categories",
            "category",
            "segments",
        ],
    ),
    (
        Field::LastVisit,
        &[
            "last visit",
            "last appointment",
            "last seen",
            "last booking",
            "last visit date",
            "last appointment date",
            "last service",
        ],
    ),
];

/// Lower-cased header with punctuation turned into single spaces.
fn header_key(h: &str) -> String {
    let spaced: String = h
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The field a header names, with a confidence: 1.0 for a known synonym, lower for a header
/// that merely contains a telling word.
pub fn header_field(header: &str) -> Option<(Field, f32)> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    for (field, names) in SYNONYMS {
        if names.contains(&key.as_str()) {
            return Some((*field, 1.0));
        }
    }
    let words: Vec<&str> = key.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    let guess = if has("square") && has("id") {
        Field::SquareCustomerId
    } else if has("email") || has("mail") {
        Field::Email
    } else if has("phone") || has("mobile") || has("cell") || has("tel") {
        Field::Phone
    } else if has("birth") || has("dob") || has("birthday") {
        Field::Birthday
    } else if has("zip") || has("postcode") || (has("postal") && has("code")) {
        Field::Postcode
    } else if has("first") && has("name") {
        Field::GivenName
    } else if (has("last") && has("name")) || has("surname") {
        Field::FamilyName
    } else if has("street") || (has("address") && has("line")) {
        Field::AddressLine
    } else if has("address") {
        Field::Address
    } else if has("city") || has("suburb") || has("town") {
        Field::Locality
    } else if has("note") || has("notes") {
        Field::Notes
    } else if has("last") && (has("visit") || has("appointment")) {
        Field::LastVisit
    } else if has("name") {
        Field::FullName
    } else {
        return None;
    };
    Some((guess, 0.7))
}

/// A cell that looks like data rather than a header: an email, a phone, a date or a number.
pub fn looks_like_data(cell: &str) -> bool {
    let c = cell.trim();
    is_email(c)
        || phone::looks_like_phone(c)
        || date::looks_like_date(c)
        || c.parse::<f64>().is_ok()
}

fn is_email(s: &str) -> bool {
    crate::normalize::email(s).is_some()
}

fn is_square_id(s: &str) -> bool {
    (20..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_uppercase())
}

fn is_name_like(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 5
        && s.chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.' | ','))
}

fn is_address_like(s: &str) -> bool {
    let mut words = s.split_whitespace();
    let first_digit = words
        .next()
        .is_some_and(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    first_digit && s.split_whitespace().count() >= 2 && s.chars().any(|c| c.is_alphabetic())
}

/// Share of `values` satisfying `pred`.
fn share(values: &[&str], pred: impl Fn(&str) -> bool) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    values.iter().filter(|v| pred(v)).count() as f32 / values.len() as f32
}

/// What the content of a column suggests, with the share of values that fit.
fn sniff(values: &[&str]) -> Option<(Field, f32)> {
    if values.is_empty() {
        return None;
    }
    let candidates = [
        (Field::Email, share(values, is_email)),
        (Field::SquareCustomerId, share(values, is_square_id)),
        (Field::Phone, share(values, phone::looks_like_phone)),
        (Field::Birthday, share(values, date::looks_like_date)),
        (
            Field::Address,
            share(values, |v| is_address_like(v) && v.contains(',')),
        ),
        (Field::AddressLine, share(values, is_address_like)),
        (
            Field::FullName,
            share(values, |v| {
                is_name_like(v) && (v.split_whitespace().count() >= 2 || v.contains(','))
            }),
        ),
    ];
    candidates
        .into_iter()
        .filter(|(_, s)| *s >= 0.6)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Share of values fitting the content test for `field`, when there is one.
fn content_share(field: Field, values: &[&str]) -> Option<f32> {
    match field {
        Field::Email => Some(share(values, is_email)),
        Field::Phone => Some(share(values, phone::looks_like_phone)),
        Field::Birthday | Field::LastVisit => Some(share(values, date::looks_like_date)),
        Field::SquareCustomerId => Some(share(values, is_square_id)),
        Field::GivenName | Field::FamilyName | Field::FullName => Some(share(values, is_name_like)),
        _ => None,
    }
}

/// Decides day/month order for a date column: a first number above 12 means DMY, a second above
/// 12 means MDY; with no such value (or conflicting ones) `None`.
pub fn date_order_from(values: &[&str]) -> Option<DateOrder> {
    let (mut dmy, mut mdy) = (false, false);
    for v in values {
        if let Some((a, b)) = date::numeric_day_month(v) {
            dmy |= a > 12 && b <= 12;
            mdy |= b > 12 && a <= 12;
        }
    }
    match (dmy, mdy) {
        (true, false) => Some(DateOrder::Dmy),
        (false, true) => Some(DateOrder::Mdy),
        _ => None,
    }
}

/// Detects the mapping of `headers` from their names and the `sample` rows.
pub fn detect(headers: &[String], sample: &[RawRow], default_order: DateOrder) -> Mapping {
    let mut columns: Vec<ColumnMapping> = headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let values: Vec<&str> = sample
                .iter()
                .filter_map(|r| r.cells.get(index).map(String::as_str))
                .filter(|v| !v.is_empty())
                .take(500)
                .collect();
            let (field, confidence, source) = decide(header, &values);
            let (date_order, from_data) = if matches!(field, Field::Birthday | Field::LastVisit) {
                match date_order_from(&values) {
                    Some(o) => (Some(o), true),
                    None => (Some(default_order), false),
                }
            } else {
                (None, false)
            };
            ColumnMapping {
                index,
                header: header.clone(),
                field,
                confidence,
                source,
                date_order,
                date_order_from_data: from_data,
            }
        })
        .collect();
    // Single-valued fields keep their most confident column.
    for i in 0..columns.len() {
        let f = columns[i].field;
        if f.allows_many() {
            continue;
        }
        let better = columns.iter().enumerate().any(|(j, c)| {
            j != i
                && c.field == f
                && (c.confidence > columns[i].confidence
                    || (c.confidence == columns[i].confidence && j < i))
        });
        if better {
            columns[i].field = Field::Ignore;
        }
    }
    Mapping { columns }
}

fn decide(header: &str, values: &[&str]) -> (Field, f32, MappingSource) {
    let named = header_field(header);
    let sniffed = sniff(values);
    match (named, sniffed) {
        (Some((field, h)), sniffed) => {
            match content_share(field, values) {
                // The content contradicts the header: trust the content when it is clear.
                Some(s) if s < 0.3 && !values.is_empty() => match sniffed {
                    Some((f, c)) => (f, 0.8 * c, MappingSource::Content),
                    None => (field, h * 0.4, MappingSource::Header),
                },
                Some(s) if !values.is_empty() => (field, 0.5 * h + 0.5 * s, MappingSource::Header),
                _ => (field, h * 0.9, MappingSource::Header),
            }
        }
        (None, Some((f, c))) => (f, 0.8 * c, MappingSource::Content),
        (None, None) => (Field::Ignore, 0.0, MappingSource::Content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[&[&str]]) -> Vec<RawRow> {
        data.iter()
            .enumerate()
            .map(|(i, r)| RawRow {
                index: i,
                line: i + 2,
                cells: r.iter().map(|c| c.to_string()).collect(),
            })
            .collect()
    }

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn header_synonyms_map_to_fields() {
        for (h, f) in [
            ("Full Name", Field::FullName),
            ("Client", Field::FullName),
            ("First", Field::GivenName),
            ("Last", Field::FamilyName),
            ("Mobile", Field::Phone),
            ("Cell", Field::Phone),
            ("E-mail", Field::Email),
            ("DOB", Field::Birthday),
            ("Date of Birth", Field::Birthday),
            ("Address", Field::Address),
            ("Postcode", Field::Postcode),
            ("ZIP", Field::Postcode),
            ("Notes", Field::Notes),
            ("Tags", Field::Tags),
            ("Last visit", Field::LastVisit),
            ("Square Customer ID", Field::SquareCustomerId),
            ("Phone Number", Field::Phone),
            ("Email Address", Field::Email),
            ("Birthday", Field::Birthday),
            ("Street Address 1", Field::AddressLine),
            ("Postal Code", Field::Postcode),
        ] {
            assert_eq!(header_field(h).map(|x| x.0), Some(f), "header {h:?}");
        }
    }

    #[test]
    fn unnamed_columns_are_sniffed_from_content() {
        let m = detect(
            &headers(&["A", "B", "C"]),
            &rows(&[
                &["ann@example.com", "+44 7700 900123", "Ann Lee"],
                &["bob@example.org", "07700 900456", "Bob Ray"],
            ]),
            DateOrder::Dmy,
        );
        let fields: Vec<Field> = m.columns.iter().map(|c| c.field).collect();
        assert_eq!(fields, vec![Field::Email, Field::Phone, Field::FullName]);
        assert!(m.columns.iter().all(|c| c.source == MappingSource::Content));
    }

    #[test]
    fn day_first_dates_are_detected_from_the_data() {
        let m = detect(
            &headers(&["DOB"]),
            &rows(&[&["03/04/1980"], &["25/12/1975"]]),
            DateOrder::Mdy,
        );
        assert_eq!(m.columns[0].date_order, Some(DateOrder::Dmy));
        assert!(m.columns[0].date_order_from_data);
    }

    #[test]
    fn month_first_dates_are_detected_from_the_data() {
        let m = detect(
            &headers(&["DOB"]),
            &rows(&[&["03/04/1980"], &["12/25/1975"]]),
            DateOrder::Dmy,
        );
        assert_eq!(m.columns[0].date_order, Some(DateOrder::Mdy));
    }

    #[test]
    fn undecidable_dates_use_the_default_order() {
        let m = detect(
            &headers(&["DOB"]),
            &rows(&[&["03/04/1980"]]),
            DateOrder::Mdy,
        );
        assert_eq!(m.columns[0].date_order, Some(DateOrder::Mdy));
        assert!(!m.columns[0].date_order_from_data);
    }

    #[test]
    fn content_overrules_a_misleading_header() {
        let m = detect(
            &headers(&["Phone"]),
            &rows(&[&["ann@example.com"], &["bob@example.com"]]),
            DateOrder::Dmy,
        );
        assert_eq!(m.columns[0].field, Field::Email);
    }

    #[test]
    fn caller_override_moves_a_single_valued_field() {
        let mut m = detect(
            &headers(&["Name", "Other"]),
            &rows(&[&["Ann Lee", "Bob Ray"]]),
            DateOrder::Dmy,
        );
        m.set("Other", Field::FullName).unwrap();
        assert_eq!(m.columns[0].field, Field::Ignore);
        assert_eq!(m.columns[1].field, Field::FullName);
        assert_eq!(m.columns[1].source, MappingSource::Override);
        assert_eq!(
            m.set("Nope", Field::Email).unwrap_err().code(),
            "unknown_column"
        );
    }

    #[test]
    fn a_file_with_no_identifying_column_is_rejected() {
        let m = detect(
            &headers(&["Colour", "Size"]),
            &rows(&[&["red", "large"]]),
            DateOrder::Dmy,
        );
        assert_eq!(m.ensure_usable().unwrap_err().code(), "no_usable_column");
    }
}
