//! Square-looking identifiers drawn from the generator's random stream.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

const UPPER_NUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MIXED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_NUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

fn draw(rng: &mut ChaCha8Rng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// Customer ids: 26 upper-case letters and digits (`JDKYHBWT1D4F8MFH63DBMEN8Y4`).
pub fn customer(rng: &mut ChaCha8Rng) -> String {
    draw(rng, UPPER_NUM, 26)
}

/// Payment ids: 29 mixed-case characters (`bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY`).
pub fn payment(rng: &mut ChaCha8Rng) -> String {
    draw(rng, MIXED, 29)
}

/// Order ids: 27 mixed-case characters (`CAISENgvlJ6jLWAzERDzjyHVybY`).
pub fn order(rng: &mut ChaCha8Rng) -> String {
    draw(rng, MIXED, 27)
}

/// Refund ids: the payment id, an underscore and 45 mixed-case characters.
pub fn refund(rng: &mut ChaCha8Rng, payment_id: &str) -> String {
    format!("{payment_id}_{}", draw(rng, MIXED, 45))
}

/// Location and merchant ids: 13 upper-case characters (`L88917AVBK2S5`).
pub fn location(rng: &mut ChaCha8Rng) -> String {
    draw(rng, UPPER_NUM, 13)
}

/// Team member ids: 20 mixed-case characters.
pub fn team_member(rng: &mut ChaCha8Rng) -> String {
    draw(rng, MIXED, 20)
}

/// Booking ids: 14 lower-case characters.
pub fn booking(rng: &mut ChaCha8Rng) -> String {
    draw(rng, LOWER_NUM, 14)
}

/// Catalog ids: 24 upper-case characters.
pub fn catalog(rng: &mut ChaCha8Rng) -> String {
    draw(rng, UPPER_NUM, 24)
}

/// UUID-shaped ids (loyalty objects, line item uids use a short form).
pub fn uuid(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        draw(rng, HEX, 8),
        draw(rng, HEX, 4),
        draw(rng, HEX, 4),
        draw(rng, HEX, 4),
        draw(rng, HEX, 12)
    )
}

/// Short uids for line items and modifiers (`8uSwfzvUImn3IRrvciqlXC`).
pub fn uid(rng: &mut ChaCha8Rng) -> String {
    draw(rng, MIXED, 22)
}

/// Opaque tokens (`version_token`, fingerprints).
pub fn token(rng: &mut ChaCha8Rng, len: usize) -> String {
    draw(rng, MIXED, len)
}

/// `len` decimal digits.
pub fn digits(rng: &mut ChaCha8Rng, len: usize) -> String {
    draw(rng, b"0123456789", len)
}
