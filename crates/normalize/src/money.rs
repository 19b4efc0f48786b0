//! Money in plain words: one formatter for every place Keeper shows an amount to a person
//! (task reasons, customer documents, summaries).
//!
//! Amounts are Square's: integer minor units of the currency (cents), except for
//! zero-decimal currencies such as JPY and KRW, whose amounts are already whole units.
//! The text shows whole units rounded half away from zero, thousands grouped with commas,
//! and the currency's sign when it has a common one (`$`, `£`, `€`, `¥`); otherwise the ISO
//! code follows the number. A missing currency reads as USD.

/// Currencies whose Square amounts carry no minor unit.
const ZERO_DECIMAL: [&str; 3] = ["JPY", "KRW", "VND"];

/// Whole currency units of `amount` (Square's smallest unit for `currency`).
pub fn whole_units(amount: i64, currency: Option<&str>) -> i64 {
    if currency.is_some_and(|c| ZERO_DECIMAL.contains(&c)) {
        amount
    } else {
        (amount as f64 / 100.0).round() as i64
    }
}

/// Digits with a comma every three: `1240` → `1,240`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

/// `amount` (Square's smallest unit) as whole units with the currency's sign:
/// `money(124_049, Some("USD"))` is `"$1,240"`.
pub fn money(amount: i64, currency: Option<&str>) -> String {
    let units = whole_units(amount, currency);
    let grouped = group_thousands(units.unsigned_abs());
    let sign = if units < 0 { "-" } else { "" };
    match currency.unwrap_or("USD") {
        "USD" | "CAD" | "AUD" | "NZD" => format!("{sign}${grouped}"),
        "GBP" => format!("{sign}£{grouped}"),
        "EUR" => format!("{sign}€{grouped}"),
        "JPY" => format!("{sign}¥{grouped}"),
        other => format!("{sign}{grouped} {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_rounds_to_whole_units_and_groups_thousands() {
        assert_eq!(money(124_000, Some("USD")), "$1,240");
        assert_eq!(money(124_049, Some("USD")), "$1,240");
        assert_eq!(money(123_456_789, Some("USD")), "$1,234,568");
        assert_eq!(money(0, Some("USD")), "$0");
    }

    #[test]
    fn money_uses_the_currency_sign_or_its_code() {
        assert_eq!(money(8_550, Some("GBP")), "£86");
        assert_eq!(money(99, Some("GBP")), "£1");
        assert_eq!(money(1_000, Some("EUR")), "€10");
        assert_eq!(money(99_900, Some("CHF")), "999 CHF");
        assert_eq!(money(500, None), "$5");
    }

    #[test]
    fn negative_amounts_keep_their_sign_before_the_symbol() {
        assert_eq!(money(-500, None), "-$5");
        assert_eq!(money(-123_456, Some("CHF")), "-1,235 CHF");
    }

    #[test]
    fn zero_decimal_currencies_are_not_divided() {
        assert_eq!(money(1_234_567, Some("JPY")), "¥1,234,567");
        assert_eq!(money(50_000, Some("KRW")), "50,000 KRW");
        assert_eq!(whole_units(50_000, Some("KRW")), 50_000);
        assert_eq!(whole_units(50_050, Some("USD")), 501);
    }

    #[test]
    fn thousands_grouping_handles_every_length() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000), "1,000");
        assert_eq!(group_thousands(12_345_678), "12,345,678");
    }
}
