//! Name cleaning: trim, collapse runs of whitespace, and turn names typed in ALL CAPS or all
//! lower case into title case without breaking the names people actually spell that way.
//!
//! - A name already in mixed case is left as typed ("McDonald", "DeShawn", "de la Cruz",
//!   "MacKenzie" all stay): the owner or the customer chose that spelling.
//! - Title case capitalizes each part after a space, hyphen, apostrophe or period
//!   ("o'neil" → "O'Neil", "mary-jane" → "Mary-Jane", "j.r." → "J.R.").
//! - `Mc` is followed by a capital ("MCDONALD" → "McDonald"). `Mac` is not touched
//!   ("MACK" → "Mack", not "MacK"): too many names start with those letters.
//! - Family-name particles stay lower case when another word follows them
//!   ("DE LA CRUZ" → "de la Cruz", "VAN DER BERG" → "van der Berg"); in a given name they do
//!   so only after the first word ("VAN" stays "Van").
//! - Generational suffixes keep their usual form ("III", "IV", "Jr", "Sr").

/// Which part of a name a string is; particles are treated differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePart {
    Given,
    Family,
}

const PARTICLES: &[&str] = &[
    "de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la", "las", "le",
    "los", "van", "von", "y", "bin", "ibn", "ter", "ten",
];

const ROMAN: &[&str] = &["ii", "iii", "iv", "vi", "vii", "viii"];

/// Trims and collapses whitespace; `None` when nothing is left.
pub fn collapse_spaces(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

/// Cleans one name field (see the module docs). `None` when the field is blank.
pub fn clean_name(text: &str, part: NamePart) -> Option<String> {
    let collapsed = collapse_spaces(text)?;
    let has_upper = collapsed.chars().any(char::is_uppercase);
    let has_lower = collapsed.chars().any(char::is_lowercase);
    if has_upper && has_lower || !(has_upper || has_lower) {
        return Some(collapsed);
    }
    let words: Vec<&str> = collapsed.split(' ').collect();
    let last = words.len() - 1;
    let mut out = String::with_capacity(collapsed.len());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        let particle_position = i < last && (part == NamePart::Family || i > 0);
        if particle_position && PARTICLES.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else if ROMAN.contains(&lower.as_str()) && i > 0 {
            out.push_str(&lower.to_uppercase());
        } else {
            title_word(&lower, &mut out);
        }
    }
    Some(out)
}

/// Title-cases one lower-cased word: a capital after each separator, and after `Mc`.
fn title_word(lower: &str, out: &mut String) {
    let mut capital_next = true;
    let mut part_start = out.len();
    for c in lower.chars() {
        if capital_next && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            capital_next = false;
        } else {
            out.push(c);
        }
        if matches!(c, '-' | '\'' | '\u{2019}' | '.') {
            capital_next = true;
            part_start = out.len();
        } else if &out[part_start..] == "Mc" {
            capital_next = true;
        }
    }
}

/// The full name used by the length rule: the cleaned given and family names joined by a
/// space, `None` when both are absent.
pub fn full_name(given: Option<&str>, family: Option<&str>) -> Option<String> {
    match (given, family) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(s: &str) -> String {
        clean_name(s, NamePart::Given).unwrap()
    }

    fn family(s: &str) -> String {
        clean_name(s, NamePart::Family).unwrap()
    }

    #[test]
    fn names_are_trimmed_and_spaces_collapsed() {
        assert_eq!(given("  Mary   Ann \t"), "Mary Ann");
        assert_eq!(clean_name("   ", NamePart::Given), None);
    }

    #[test]
    fn all_caps_and_all_lower_become_title_case() {
        assert_eq!(given("AMELIA"), "Amelia");
        assert_eq!(family("earhart"), "Earhart");
        assert_eq!(given("mary-jane"), "Mary-Jane");
        assert_eq!(family("ÅSTRÖM"), "Åström");
    }

    #[test]
    fn mixed_case_names_are_kept_as_typed() {
        for name in [
            "McDonald",
            "DeShawn",
            "de la Cruz",
            "MacKenzie",
            "O'Neil",
            "van Gogh",
        ] {
            assert_eq!(family(name), name);
        }
    }

    #[test]
    fn mc_apostrophes_and_particles_survive_title_case() {
        assert_eq!(family("MCDONALD"), "McDonald");
        assert_eq!(family("o'neil"), "O'Neil");
        assert_eq!(family("DE LA CRUZ"), "de la Cruz");
        assert_eq!(family("VAN DER BERG"), "van der Berg");
        assert_eq!(given("MARIA DE LOS"), "Maria de Los");
        assert_eq!(given("VAN"), "Van");
        assert_eq!(family("MACK"), "Mack");
        assert_eq!(given("j.r."), "J.R.");
        assert_eq!(family("SMITH III"), "Smith III");
        assert_eq!(family("smith jr"), "Smith Jr");
    }

    #[test]
    fn uncased_scripts_are_left_alone() {
        assert_eq!(family("王"), "王");
    }
}
