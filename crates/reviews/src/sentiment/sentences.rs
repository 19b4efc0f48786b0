//! Splits review text into sentences: at `.`, `!` or `?` (runs of them stay with their
//! sentence, so punctuation emphasis still counts) followed by white space, and at line
//! breaks. Decimal points ("4.5 stars") and initials followed by a letter are not breaks.

/// The non-empty sentences of `text`, trimmed.
pub fn split(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        if c == '\n' {
            push(&mut out, &text[start..i]);
            start = i + 1;
        } else if matches!(c, '.' | '!' | '?') {
            let mut j = k;
            while j + 1 < chars.len() && matches!(chars[j + 1].1, '.' | '!' | '?') {
                j += 1;
            }
            let end = chars[j].0 + chars[j].1.len_utf8();
            if j + 1 >= chars.len() || chars[j + 1].1.is_whitespace() {
                push(&mut out, &text[start..end]);
                start = end;
            }
            k = j;
        }
        k += 1;
    }
    push(&mut out, &text[start..]);
    out
}

fn push<'a>(out: &mut Vec<&'a str>, s: &'a str) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_terminal_punctuation_and_keeps_emphasis() {
        assert_eq!(
            split("Loved it!!! Maria is great. Would I go back? Yes"),
            vec!["Loved it!!!", "Maria is great.", "Would I go back?", "Yes"]
        );
    }

    #[test]
    fn decimals_and_line_breaks() {
        assert_eq!(
            split("Paid 4.5 times more.\nNot happy"),
            vec!["Paid 4.5 times more.", "Not happy"]
        );
        assert!(split("  ").is_empty());
    }
}
