//! Names: case-folded, accents stripped, titles and suffixes dropped, whole names split into
//! given and family parts ("Lee, Ann" and "Ann van der Berg" included).

use unicode_normalization::UnicodeNormalization;

/// Lower-case ASCII-ish fold: accents stripped, ligatures expanded, apostrophes removed,
/// anything else that is not a letter or digit turned into a space, spaces collapsed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.nfd() {
        if unicode_normalization::char::is_combining_mark(ch)
            || matches!(ch, '\'' | '’' | '`' | '.')
        {
            continue;
        }
        match ch {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'þ' | 'Þ' => out.push_str("th"),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "madam", "master",
];
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"];
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "da", "di", "del", "della", "le", "la", "du", "dos", "das",
    "st", "bin", "al", "el", "ter", "ten",
];

/// A name split into parts, each already folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    /// First given name.
    pub given: String,
    /// Further given names.
    pub middle: String,
    /// Family name (particles included).
    pub family: String,
}

fn clean_tokens(folded: &str) -> Vec<&str> {
    let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let start = tokens.iter().take_while(|t| TITLES.contains(t)).count();
    let mut end = tokens.len();
    while end > start + 1 && SUFFIXES.contains(&tokens[end - 1]) {
        end -= 1;
    }
    tokens[start..end].to_vec()
}

/// Splits a given-name cell: first token is the given name, the rest are middle names.
pub fn given(text: &str) -> (String, String) {
    let folded = fold(text);
    let tokens = clean_tokens(&folded);
    match tokens.split_first() {
        Some((g, rest)) => (g.to_string(), rest.join(" ")),
        None => (String::new(), String::new()),
    }
}

/// Folds a family-name cell (hyphens become spaces).
pub fn family(text: &str) -> String {
    let folded = fold(text);
    clean_tokens(&folded).join(" ")
}

/// Splits a whole name: "Family, Given Middle" or "Given Middle [particles] Family".
pub fn split_full(text: &str) -> NameParts {
    if let Some((fam, giv)) = text.split_once(',') {
        let (given, middle) = given(giv);
        let family = family(fam);
        if !family.is_empty() && !given.is_empty() {
            return NameParts {
                given,
                middle,
                family,
            };
        }
    }
    let folded = fold(text);
    let tokens = clean_tokens(&folded);
    match tokens.len() {
        0 => NameParts::default(),
        1 => NameParts {
            given: tokens[0].to_string(),
            ..NameParts::default()
        },
        n => {
            let mut fam_start = n - 1;
            while fam_start > 1 && PARTICLES.contains(&tokens[fam_start - 1]) {
                fam_start -= 1;
            }
            NameParts {
                given: tokens[0].to_string(),
                middle: tokens[1..fam_start].join(" "),
                family: tokens[fam_start..].join(" "),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(fold("  ZOË  Ñúñez-Øster "), "zoe nunez oster");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("Strauß"), "strauss");
    }

    #[test]
    fn splits_whole_names() {
        let p = split_full("Dr. Ann Marie van der Berg Jr");
        assert_eq!(
            (p.given.as_str(), p.middle.as_str(), p.family.as_str()),
            ("ann", "marie", "van der berg")
        );
        let p = split_full("Lee, Ann");
        assert_eq!((p.given.as_str(), p.family.as_str()), ("ann", "lee"));
        let p = split_full("Madonna");
        assert_eq!((p.given.as_str(), p.family.as_str()), ("madonna", ""));
    }
}
