//! Request reference numbers: `R-7K3F-9Q2X-H`. Eight Crockford base-32 characters (no I, L, O, U, so nothing
//! is mistaken when read over the phone) and a check character from the same 32 symbols, by the ISO/IEC 7064
//! hybrid method MOD 33,32 (letters and digits only, easy to read aloud and type): any single wrong character is
//! caught by the check, and nearly every swap of neighbours (33 is not prime: about 1 in 500
//! swaps passes). References made before, with Crockford's mod-37 check symbol (which may be `*~$=U`), are still
//! accepted as they were written, so old letters and e-mails keep working.

use std::fmt;
use std::str::FromStr;

use super::{FieldMessage, normalize_width};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CHECK_ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct ReferenceNumber(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("empty reference number")]
    Empty,
    #[error("reference number has the wrong length or characters")]
    Format,
    #[error("reference number check character does not match")]
    CheckCharacter,
}

pub const MESSAGE_KEYS: &[&str] = &["err-reference-empty", "err-reference-format", "err-reference-check"];

impl FieldMessage for ReferenceError {
    fn key(&self) -> &'static str {
        match self {
            ReferenceError::Empty => "err-reference-empty",
            ReferenceError::Format => "err-reference-format",
            ReferenceError::CheckCharacter => "err-reference-check",
        }
    }
}

/// Characters people confuse when reading aloud or copying: O is 0, I and L are 1.
fn crockford(c: char) -> char {
    match c {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    }
}

/// The ISO/IEC 7064 hybrid system (MOD M+1,M) over `alphabet` (M symbols): the running value of `body`; a
/// number with its check character is valid when this is 1.
fn hybrid_checksum(body: &str, alphabet: &[u8]) -> usize {
    let m = alphabet.len();
    body.bytes().fold(m / 2, |p, c| {
        let digit = alphabet.iter().position(|&a| a == c).expect("characters are in the alphabet");
        ((if p == 0 { m } else { p }) * 2 % (m + 1) + digit) % m
    })
}

/// The hybrid system's check character for `body`.
fn hybrid_check(body: &str, alphabet: &[u8]) -> u8 {
    let m = alphabet.len();
    let p = hybrid_checksum(body, alphabet);
    let doubled = (if p == 0 { m } else { p }) * 2 % (m + 1);
    alphabet[(m + 1 - doubled) % m]
}

/// Today's check character: ISO/IEC 7064 MOD 33,32 over the 32 symbols of the body.
fn check_character(body: &str) -> u8 {
    hybrid_check(body, ALPHABET)
}

/// The check symbol references were made with before: the base-32 value of the body mod 37 (Crockford).
fn old_check_character(body: &str) -> u8 {
    let value = body.bytes().fold(0u32, |acc, c| {
        let digit = ALPHABET.iter().position(|&a| a == c).expect("body characters are in the alphabet") as u32;
        (acc * 32 + digit) % 37
    });
    CHECK_ALPHABET[value as usize]
}

impl ReferenceNumber {
    /// A new random reference number.
    pub fn generate() -> ReferenceNumber {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        let body: String = (0..8).map(|_| ALPHABET[rng.gen_range(0..32)] as char).collect();
        let check = check_character(&body) as char;
        ReferenceNumber(format!("{body}{check}"))
    }

    /// The reference numbered `serial` (its base-32 digits, with the check character): for generated datasets
    /// of millions of requests, where random numbers would collide. Never for a real request.
    pub fn from_serial(serial: u64) -> ReferenceNumber {
        let body: String =
            (0..8).rev().map(|i| ALPHABET[((serial >> (5 * i)) & 31) as usize] as char).collect::<String>();
        let check = check_character(&body) as char;
        ReferenceNumber(format!("{body}{check}"))
    }

    /// The nine characters without separators, as stored.
    pub fn compact(&self) -> &str {
        &self.0
    }
}

impl FromStr for ReferenceNumber {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let cleaned = super::strip_separators(&normalize_width(s)).to_ascii_uppercase();
        if cleaned.is_empty() {
            return Err(ReferenceError::Empty);
        }
        let cleaned = cleaned.strip_prefix('R').filter(|r| r.len() == 9).map(str::to_string).unwrap_or(cleaned);
        if cleaned.len() != 9 || !cleaned.is_ascii() {
            return Err(ReferenceError::Format);
        }
        // Crockford reading: O is 0, I and L are 1 (in the body; the check character is compared the same way).
        let (body, check) = cleaned.split_at(8);
        let body: String = body.chars().map(crockford).collect();
        if !body.bytes().all(|b| ALPHABET.contains(&b))
            || !check.bytes().all(|b| CHECK_ALPHABET.contains(&(crockford(b as char) as u8)))
        {
            return Err(ReferenceError::Format);
        }
        let check = crockford(check.chars().next().unwrap_or(' '));
        // Today's scheme, or the one references were made with before (kept, so they are still found).
        let valid = [check_character(&body), old_check_character(&body)].into_iter().find(|&c| c as char == check);
        let Some(expected) = valid else { return Err(ReferenceError::CheckCharacter) };
        Ok(ReferenceNumber(format!("{body}{}", expected as char)))
    }
}

impl fmt::Display for ReferenceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R-{}-{}-{}", &self.0[..4], &self.0[4..8], &self.0[8..])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    use super::*;

    pub fn every_variant() -> Vec<ReferenceError> {
        vec![ReferenceError::Empty, ReferenceError::Format, ReferenceError::CheckCharacter]
    }

    #[test]
    fn generated_numbers_parse_back_in_any_notation() {
        for _ in 0..500 {
            let r = ReferenceNumber::generate();
            let shown = r.to_string();
            assert_eq!(shown.len(), 13);
            assert_eq!(shown.parse::<ReferenceNumber>(), Ok(r.clone()), "{shown}");
            assert_eq!(r.compact().parse::<ReferenceNumber>().unwrap(), r);
            assert_eq!(shown.to_lowercase().parse::<ReferenceNumber>().unwrap(), r);
        }
        assert_eq!("".parse::<ReferenceNumber>(), Err(ReferenceError::Empty));
        assert_eq!("R-1234".parse::<ReferenceNumber>(), Err(ReferenceError::Format));
        assert_eq!("R-UUUU-UUUU-0".parse::<ReferenceNumber>(), Err(ReferenceError::Format));
    }

    /// The hybrid method against published test vectors of ISO/IEC 7064: MOD 11,10 (`0794` → `5`) and
    /// MOD 37,36 (`A12425GABC1234002` → `M`), the same algorithm as MOD 33,32 with another alphabet.
    #[test]
    fn the_hybrid_method_gives_the_published_check_characters() {
        assert_eq!(hybrid_check("0794", b"0123456789"), b'5');
        assert_eq!(hybrid_checksum("07945", b"0123456789"), 1);
        let alnum = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        assert_eq!(hybrid_check("A12425GABC1234002", alnum), b'M');
        assert_eq!(hybrid_checksum("A12425GABC1234002M", alnum), 1);
        // MOD 33,32 over the reference's own symbols.
        assert_eq!(check_character("7K3F9Q2X"), b'H');
        assert_eq!(hybrid_checksum("7K3F9Q2XH", ALPHABET), 1);
    }

    #[test]
    fn check_characters_are_letters_and_digits_and_old_references_still_parse() {
        for serial in 0..5_000u64 {
            let r = ReferenceNumber::from_serial(serial * 7919);
            assert!(r.compact().bytes().all(|b| b.is_ascii_alphanumeric()), "{r}");
        }
        // Made before, with Crockford's mod-37 symbol: found as it was written.
        let body = "7K3F9Q2X";
        let old = format!("{body}{}", old_check_character(body) as char);
        assert_ne!(old_check_character(body), check_character(body));
        assert_eq!(old.parse::<ReferenceNumber>().unwrap().compact(), old);
        let symbol_body = (0..u64::MAX)
            .map(|n| ReferenceNumber::from_serial(n).compact()[..8].to_string())
            .find(|b| !old_check_character(b).is_ascii_alphanumeric())
            .unwrap();
        let with_symbol = format!("{symbol_body}{}", old_check_character(&symbol_body) as char);
        assert_eq!(with_symbol.parse::<ReferenceNumber>().unwrap().compact(), with_symbol);
    }

    #[test]
    fn nearly_every_swap_of_neighbours_is_caught() {
        let (mut swaps, mut missed) = (0, 0);
        for serial in 0..20_000u64 {
            let r = ReferenceNumber::from_serial(serial.wrapping_mul(2_654_435_761) % (1 << 40));
            let mut chars: Vec<u8> = r.compact().bytes().collect();
            let pos = (serial % 8) as usize;
            if chars[pos] == chars[pos + 1] {
                continue;
            }
            chars.swap(pos, pos + 1);
            swaps += 1;
            let typed = String::from_utf8(chars).unwrap();
            let body = &typed[..8];
            missed += usize::from(typed.as_bytes()[8] == check_character(body));
        }
        assert!(missed * 200 < swaps, "{missed} of {swaps} swaps missed");
    }

    proptest! {
        #[test]
        fn a_single_wrong_character_is_caught(seed in any::<u64>(), pos in 0usize..9, replacement in 0usize..32) {
            let _ = seed;
            let r = ReferenceNumber::generate();
            let mut chars: Vec<u8> = r.compact().bytes().collect();
            let new = ALPHABET[replacement];
            prop_assume!(chars[pos] != new);
            chars[pos] = new;
            let typed = String::from_utf8(chars).unwrap();
            // Today's check never passes it (the old scheme, still accepted, may by chance: then no request is
            // found under it).
            prop_assert_ne!(typed.as_bytes()[8], check_character(&typed[..8]));
        }
    }
}
