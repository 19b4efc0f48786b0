//! Square customers as matching records: the `customers` row plus the address from the raw
//! Square object (the normalized table has none). Read-only.

use crate::error::Result;
use crate::normalize::{self, PartialDate, Record, address, name};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;

/// What Keeper has of one Square customer, for matching and for showing side by side.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerRow {
    /// Square customer id.
    pub id: String,
    /// Given name as Square has it.
    pub given_name: Option<String>,
    /// Family name as Square has it.
    pub family_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// E.164 phone.
    pub phone: Option<String>,
    /// `YYYY-MM-DD`, or `--MM-DD` / `0000-MM-DD` without a year.
    pub birthday: Option<String>,
    /// Address lines 1 and 2, city, region, postcode (from the raw Square object).
    pub address: Vec<String>,
}

const SELECT: &str = "SELECT c.id, c.given_name, c.family_name, c.email, c.phone_e164, c.birthday,
        json_extract(r.json, '$.address.address_line_1'),
        json_extract(r.json, '$.address.address_line_2'),
        json_extract(r.json, '$.address.locality'),
        json_extract(r.json, '$.address.administrative_district_level_1'),
        json_extract(r.json, '$.address.postal_code')
    FROM customers c
    LEFT JOIN raw_objects r ON r.object_type = 'CUSTOMER' AND r.square_id = c.id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CustomerRow> {
    let mut address = Vec::new();
    for i in 6..=10 {
        if let Some(v) = r
            .get::<_, Option<String>>(i)?
            .filter(|v| !v.trim().is_empty())
        {
            address.push(v);
        }
    }
    Ok(CustomerRow {
        id: r.get(0)?,
        given_name: r.get(1)?,
        family_name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        birthday: r.get(5)?,
        address,
    })
}

/// Every customer, ordered by id.
pub fn all(conn: &Connection) -> Result<Vec<CustomerRow>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY c.id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One customer, if it exists.
pub fn one(conn: &Connection, id: &str) -> Result<Option<CustomerRow>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], from_row)
        .optional()?)
}

/// A stored birthday (`YYYY-MM-DD`, `0000-MM-DD`, `--MM-DD`).
pub fn birthday(text: &str) -> Option<PartialDate> {
    let t = text.trim();
    let (year, rest) = match t.strip_prefix("--") {
        Some(rest) => (None, rest),
        None => {
            let (y, rest) = t.split_once('-')?;
            let y: u16 = y.parse().ok()?;
            ((y != 0).then_some(y), rest)
        }
    };
    let (m, d) = rest.split_once('-')?;
    let (month, day): (u8, u8) = (m.parse().ok()?, d.get(..2).unwrap_or(d).parse().ok()?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(PartialDate {
        year,
        month,
        day,
    })
}

/// The matching record of a customer (the Square id in `square_id`, `row` = its position).
pub fn record(row: usize, c: &CustomerRow, raw_address: &[Option<String>; 5]) -> Record {
    let mut r = Record {
        row,
        square_id: Some(c.id.clone()),
        ..Record::default()
    };
    if let Some(g) = c.given_name.as_deref() {
        (r.given, r.middle) = name::given(g);
    }
    if let Some(f) = c.family_name.as_deref() {
        r.family = name::family(f);
    }
    if r.family.is_empty()
        && let Some(g) = c.given_name.as_deref().filter(|g| g.contains(' '))
    {
        let p = name::split_full(g);
        (r.given, r.middle, r.family) = (p.given, p.middle, p.family);
    }
    r.phones = c.phone.iter().cloned().collect();
    r.emails = c
        .email
        .as_deref()
        .and_then(normalize::email)
        .into_iter()
        .collect();
    r.birthday = c.birthday.as_deref().and_then(birthday);
    let [l1, l2, locality, region, postcode] = raw_address;
    let lines: Vec<&str> = [l1, l2].into_iter().flatten().map(String::as_str).collect();
    if !lines.is_empty() {
        let s = address::street(&lines);
        (r.street_number, r.street) = (s.number, s.name);
    }
    r.locality = locality.as_deref().map(name::fold).unwrap_or_default();
    r.region = region.as_deref().map(name::fold).unwrap_or_default();
    r.postcode = postcode
        .as_deref()
        .map(address::postcode)
        .unwrap_or_default();
    r
}

/// Every customer and its matching record (same order).
pub fn records(conn: &Connection) -> Result<(Vec<CustomerRow>, Vec<Record>)> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY c.id"))?;
    let mut rows = stmt.query([])?;
    let (mut customers, mut records) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        let c = from_row(r)?;
        let raw: [Option<String>; 5] = [r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?];
        records.push(record(customers.len(), &c, &raw));
        customers.push(c);
    }
    Ok((customers, records))
}

/// The country of the merchant's first location, for reading national phone numbers.
pub fn merchant_country(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT country FROM locations WHERE country IS NOT NULL AND country != '' \
             ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_birthdays_with_and_without_a_year() {
        assert_eq!(
            birthday("1980-07-04"),
            Some(PartialDate {
                year: Some(1980),
                month: 7,
                day: 4
            })
        );
        let no_year = Some(PartialDate {
            year: None,
            month: 7,
            day: 4,
        });
        assert_eq!(birthday("0000-07-04"), no_year);
        assert_eq!(birthday("--07-04"), no_year);
        assert_eq!(birthday("July 4"), None);
    }

    #[test]
    fn a_customer_row_becomes_a_folded_record() {
        let c = CustomerRow {
            id: "C1".into(),
            given_name: Some("José".into()),
            family_name: Some("Núñez".into()),
            email: Some("Jose@Example.com".into()),
            phone: Some("+14155550132".into()),
            birthday: Some("1980-07-04".into()),
            address: vec![],
        };
        let raw = [
            Some("12 Main St".to_string()),
            None,
            Some("San Francisco".to_string()),
            Some("CA".to_string()),
            Some("94103".to_string()),
        ];
        let r = record(3, &c, &raw);
        assert_eq!(r.row, 3);
        assert_eq!(r.square_id.as_deref(), Some("C1"));
        assert_eq!((r.given.as_str(), r.family.as_str()), ("jose", "nunez"));
        assert_eq!(r.emails, vec!["jose@example.com"]);
        assert_eq!(
            (r.street_number.as_str(), r.street.as_str()),
            ("12", "main street")
        );
        assert_eq!(r.postcode, "94103");
    }
}
