//! Addresses: street lines folded with common abbreviations expanded, the house number split
//! off, postcodes upper-cased without spaces, whole-address cells split into parts.

use super::name::fold;

const ABBREVIATIONS: &[(&str, &str)] = &[
    ("st", "street"),
    ("str", "street"),
    ("rd", "road"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("dr", "drive"),
    ("ln", "lane"),
    ("ct", "court"),
    ("crt", "court"),
    ("pl", "place"),
    ("cres", "crescent"),
    ("cr", "crescent"),
    ("hwy", "highway"),
    ("blvd", "boulevard"),
    ("pde", "parade"),
    ("cct", "circuit"),
    ("tce", "terrace"),
    ("terr", "terrace"),
    ("sq", "square"),
    ("cl", "close"),
    ("gr", "grove"),
    ("gdns", "gardens"),
    ("pk", "park"),
    ("mt", "mount"),
    ("apt", "unit"),
    ("flat", "unit"),
    ("ste", "unit"),
    ("suite", "unit"),
    ("n", "north"),
    ("s", "south"),
    ("e", "east"),
    ("w", "west"),
];

/// A folded street: the house number (first token with a digit) and the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Street {
    /// House number, e.g. `12a`.
    pub number: String,
    /// Street name with abbreviations expanded.
    pub name: String,
}

/// Folds street lines (joined in order) into number and name.
pub fn street(lines: &[&str]) -> Street {
    let folded = fold(&lines.join(" "));
    let mut number = String::new();
    let mut name: Vec<&str> = Vec::new();
    for tok in folded.split(' ').filter(|t| !t.is_empty()) {
        if number.is_empty() && tok.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            number = tok.to_string();
            continue;
        }
        let expanded = ABBREVIATIONS
            .iter()
            .find(|(a, _)| *a == tok)
            .map_or(tok, |(_, full)| full);
        name.push(expanded);
    }
    Street {
        number,
        name: name.join(" "),
    }
}

/// Upper-case alphanumerics only: "sw1a 1aa" → "SW1A1AA".
pub fn postcode(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Parts of a whole-address cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressParts {
    /// Street line.
    pub street: String,
    /// City or suburb.
    pub locality: String,
    /// State or county.
    pub region: String,
    /// Postcode.
    pub postcode: String,
}

fn is_uk_inward(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

fn is_uk_outward(t: &str) -> bool {
    (2..=4).contains(&t.len())
        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_numeric_postcode(t: &str) -> bool {
    let digits = t.replace('-', "");
    (4..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 10
}

/// Splits "12 High St, Springfield, IL 62704" or "1 Main Rd, Leeds LS1 4AB" into parts.
pub fn split_full(text: &str) -> AddressParts {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut postcode_text = String::new();
    let n = words.len();
    let bare = |w: &str| w.trim_matches(|c: char| c == ',' || c == '.').to_string();
    if n >= 2 && is_uk_inward(&bare(words[n - 1])) && is_uk_outward(&bare(words[n - 2])) {
        postcode_text = format!("{}{}", bare(words[n - 2]), bare(words[n - 1]));
        words.truncate(n - 2);
    } else if n >= 2 && is_numeric_postcode(&bare(words[n - 1])) {
        postcode_text = bare(words[n - 1]);
        words.truncate(n - 1);
    }
    let rest = words.join(" ");
    let mut parts: Vec<String> = rest
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let mut region = String::new();
    // A trailing 2-3 letter upper-case code ("IL", "NSW") is a region.
    if let Some(last) = parts.last_mut() {
        let mut toks: Vec<&str> = last.split_whitespace().collect();
        if (toks.len() >= 2 || parts_len_gt_two(&rest))
            && let Some(t) = toks.last()
            && (2..=3).contains(&t.len())
            && t.chars().all(|c| c.is_ascii_uppercase())
        {
            region = t.to_string();
            toks.pop();
            *last = toks.join(" ");
        }
    }
    parts.retain(|p| !p.is_empty());
    let street = parts.first().cloned().unwrap_or_default();
    let locality = if parts.len() >= 2 {
        parts[1].clone()
    } else {
        String::new()
    };
    if region.is_empty() && parts.len() >= 3 {
        region = parts[2..].join(" ");
    }
    AddressParts {
        street,
        locality,
        region,
        postcode: postcode(&postcode_text),
    }
}

fn parts_len_gt_two(rest: &str) -> bool {
    rest.split(',').count() > 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_abbreviations_and_splits_the_number() {
        assert_eq!(
            street(&["12A High St.", ""]),
            Street {
                number: "12a".into(),
                name: "high street".into()
            }
        );
        assert_eq!(
            street(&["9 Rose Cres"]),
            Street {
                number: "9".into(),
                name: "rose crescent".into()
            }
        );
    }

    #[test]
    fn splits_us_and_uk_whole_addresses() {
        let us = split_full("12 High St, Springfield, IL 62704");
        assert_eq!(
            (
                us.street.as_str(),
                us.locality.as_str(),
                us.region.as_str(),
                us.postcode.as_str()
            ),
            ("12 High St", "Springfield", "IL", "62704")
        );
        let uk = split_full("1 Main Rd, Leeds LS1 4AB");
        assert_eq!(
            (
                uk.street.as_str(),
                uk.locality.as_str(),
                uk.postcode.as_str()
            ),
            ("1 Main Rd", "Leeds", "LS14AB")
        );
    }
}
