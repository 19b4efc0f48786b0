//! Parse, then validate: a raw spreadsheet row plus its column mapping becomes a [`Record`]
//! with folded names, E.164 phones, lower-cased emails, partial-date birthdays and a folded
//! address. Only records reach matching.

pub mod address;
pub mod date;
pub mod name;
pub mod phone;

use crate::columns::{DateOrder, Field, Mapping};
use crate::read::RawRow;
pub use date::PartialDate;
use serde::{Deserialize, Serialize};

/// Options for turning rows into records.
#[derive(Debug, Clone)]
pub struct NormalizeOptions {
    /// ISO alpha-2 country assumed for phone numbers written without a country code.
    pub default_country: String,
}

impl NormalizeOptions {
    /// Options for an ISO country code (`"US"`, `"GB"`, ...).
    pub fn for_country(iso: &str) -> Self {
        NormalizeOptions {
            default_country: iso.trim().to_ascii_uppercase(),
        }
    }

    /// Day/month order usual in the default country.
    pub fn default_date_order(&self) -> DateOrder {
        if phone::is_nanp(&self.default_country) {
            DateOrder::Mdy
        } else {
            DateOrder::Dmy
        }
    }
}

/// Something in a row that could not be used as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Column header.
    pub column: String,
    /// Why it was dropped.
    pub problem: String,
}

/// A validated person record: what matching works on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// 0-based data row index in its file.
    pub row: usize,
    /// Square customer id, when the file has one.
    pub square_id: Option<String>,
    /// Another system's id.
    pub external_id: Option<String>,
    /// Folded first given name.
    pub given: String,
    /// Folded further given names.
    pub middle: String,
    /// Folded family name.
    pub family: String,
    /// E.164 phones.
    pub phones: Vec<String>,
    /// Lower-cased emails.
    pub emails: Vec<String>,
    /// Birthday, year optional.
    pub birthday: Option<PartialDate>,
    /// House number.
    pub street_number: String,
    /// Folded street name.
    pub street: String,
    /// Folded city or suburb.
    pub locality: String,
    /// Folded state or county.
    pub region: String,
    /// Postcode without spaces, upper case.
    pub postcode: String,
    /// Notes, as given.
    pub notes: Vec<String>,
    /// Tags, split on commas and semicolons.
    pub tags: Vec<String>,
    /// Last visit, when given.
    pub last_visit: Option<PartialDate>,
    /// Values that were present but unusable.
    pub issues: Vec<Issue>,
}

impl Record {
    /// Whether the record has anything to match on.
    pub fn is_identifiable(&self) -> bool {
        self.square_id.is_some()
            || !self.given.is_empty()
            || !self.family.is_empty()
            || !self.phones.is_empty()
            || !self.emails.is_empty()
    }
}

/// Lower-cased, validated email: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn email(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches("mailto:").to_lowercase();
    let (local, domain) = t.split_once('@')?;
    let ok = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !t
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"'));
    ok.then_some(t)
}

/// Builds the record of one row.
pub fn record(row: &RawRow, mapping: &Mapping, options: &NormalizeOptions) -> Record {
    let mut r = Record {
        row: row.index,
        ..Record::default()
    };
    let mut street_lines: Vec<&str> = Vec::new();
    let mut whole_name = None;
    let mut whole_address = None;
    let mut issue = |col: &str, problem: &str| {
        r.issues.push(Issue {
            column: col.to_string(),
            problem: problem.to_string(),
        });
    };
    let mut given = None;
    let mut family = None;
    let mut phones = Vec::new();
    let mut emails = Vec::new();
    let mut birthday = None;
    let mut last_visit = None;
    let (mut square_id, mut external_id) = (None, None);
    let (mut locality, mut region, mut postcode) = (String::new(), String::new(), String::new());
    let (mut notes, mut tags) = (Vec::new(), Vec::new());
    for col in &mapping.columns {
        let Some(value) = row
            .cells
            .get(col.index)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        match col.field {
            Field::SquareCustomerId => square_id = Some(value.to_string()),
            Field::ExternalId => external_id = Some(value.to_string()),
            Field::FullName => whole_name = Some(value),
            Field::GivenName => given = Some(value),
            Field::FamilyName => family = Some(value),
            Field::Phone => {
                // A cell may hold several numbers separated by "/" or ";".
                let found: Vec<String> = value
                    .split(['/', ';', ','])
                    .filter_map(|p| phone::to_e164(p, &options.default_country))
                    .collect();
                if found.is_empty() {
                    issue(&col.header, "not a phone number");
                }
                phones.extend(found);
            }
            Field::Email => {
                let found: Vec<String> = value.split([';', ',', ' ']).filter_map(email).collect();
                if found.is_empty() {
                    issue(&col.header, "not an email address");
                }
                emails.extend(found);
            }
            Field::Birthday | Field::LastVisit => {
                let order = col.date_order.unwrap_or(options.default_date_order());
                match date::parse(value, order) {
                    Some(d) if col.field == Field::Birthday => birthday = Some(d),
                    Some(d) => last_visit = Some(d),
                    None => issue(&col.header, "not a date"),
                }
            }
            Field::Address => whole_address = Some(value),
            Field::AddressLine => street_lines.push(value),
            Field::Locality => locality = name::fold(value),
            Field::Region => region = name::fold(value),
            Field::Postcode => postcode = address::postcode(value),
            Field::Notes => notes.push(value.to_string()),
            Field::Tags => tags.extend(
                value
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(String::from),
            ),
            Field::Country | Field::Company | Field::Ignore => {}
        }
    }
    if let Some(g) = given {
        (r.given, r.middle) = name::given(g);
    }
    if let Some(f) = family {
        r.family = name::family(f);
    }
    if let Some(w) = whole_name
        && (r.given.is_empty() || r.family.is_empty())
    {
        let p = name::split_full(w);
        if r.given.is_empty() && r.family.is_empty() {
            (r.given, r.middle, r.family) = (p.given, p.middle, p.family);
        } else if r.family.is_empty() {
            r.family = p.family;
        } else {
            r.given = p.given;
        }
    }
    if let Some(a) = whole_address {
        let p = address::split_full(a);
        if street_lines.is_empty() {
            let s = address::street(&[p.street.as_str()]);
            (r.street_number, r.street) = (s.number, s.name);
        }
        if locality.is_empty() {
            locality = name::fold(&p.locality);
        }
        if region.is_empty() {
            region = name::fold(&p.region);
        }
        if postcode.is_empty() {
            postcode = p.postcode;
        }
    }
    if !street_lines.is_empty() {
        let s = address::street(&street_lines);
        (r.street_number, r.street) = (s.number, s.name);
    }
    phones.dedup();
    emails.dedup();
    (r.phones, r.emails, r.birthday, r.last_visit) = (phones, emails, birthday, last_visit);
    (r.square_id, r.external_id) = (square_id, external_id);
    (r.locality, r.region, r.postcode, r.notes, r.tags) = (locality, region, postcode, notes, tags);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns;

    fn one(headers: &[&str], cells: &[&str], country: &str) -> Record {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        let row = RawRow {
            index: 0,
            line: 2,
            cells: cells.iter().map(|s| s.to_string()).collect(),
        };
        let opts = NormalizeOptions::for_country(country);
        let m = columns::detect(
            &headers,
            std::slice::from_ref(&row),
            opts.default_date_order(),
        );
        record(&row, &m, &opts)
    }

    #[test]
    fn a_square_export_row_becomes_a_record() {
        let r = one(
            &[
                "Square Customer ID",
                "First Name",
                "Last Name",
                "Phone Number",
                "Email Address",
                "Street Address 1",
                "City",
                "Postal Code",
                "Birthday",
            ],
            &[
                "EX2QSVGTZN4K1E5QE1CBFNVQ8M",
                "José",
                "Núñez",
                "(415) 555-0132",
                "Jose@Example.COM",
                "12 Main St",
                "San Francisco",
                "94103",
                "0000-07-04",
            ],
            "US",
        );
        assert_eq!(r.square_id.as_deref(), Some("EX2QSVGTZN4K1E5QE1CBFNVQ8M"));
        assert_eq!((r.given.as_str(), r.family.as_str()), ("jose", "nunez"));
        assert_eq!(r.phones, vec!["+14155550132"]);
        assert_eq!(r.emails, vec!["jose@example.com"]);
        assert_eq!(
            (
                r.street_number.as_str(),
                r.street.as_str(),
                r.locality.as_str(),
                r.postcode.as_str()
            ),
            ("12", "main street", "san francisco", "94103")
        );
        assert_eq!(
            r.birthday,
            Some(PartialDate {
                year: None,
                month: 7,
                day: 4
            })
        );
    }

    #[test]
    fn combined_name_and_address_columns_are_split() {
        let r = one(
            &["Client", "Address"],
            &["Lee, Ann", "3 Rose Cres, Leeds LS1 4AB"],
            "GB",
        );
        assert_eq!((r.given.as_str(), r.family.as_str()), ("ann", "lee"));
        assert_eq!(
            (
                r.street_number.as_str(),
                r.street.as_str(),
                r.locality.as_str(),
                r.postcode.as_str()
            ),
            ("3", "rose crescent", "leeds", "LS14AB")
        );
    }

    #[test]
    fn unusable_values_are_reported_not_kept() {
        let r = one(
            &["Name", "Mobile", "E-mail", "DOB"],
            &["Ann Lee", "n/a", "ann@example", "31/02/1980"],
            "GB",
        );
        assert!(r.phones.is_empty() && r.emails.is_empty() && r.birthday.is_none());
        assert_eq!(r.issues.len(), 3, "{:?}", r.issues);
    }
}
