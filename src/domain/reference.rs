//! Request reference numbers: `R-7K3F-9Q2X-M`. Eight Crockford base-32 characters (no I, L, O, U, so nothing
//! is mistaken when read over the phone) and Crockford's check symbol (the number mod 37, prime, written with
//! the same alphabet plus `*~$=U`), so any single wrong character and any swap of neighbours is caught before
//! anything is looked up.

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

/// Crockford's check symbol: the base-32 value of the body mod 37.
fn check_character(body: &str) -> u8 {
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
        let expected = check_character(&body);
        if check != expected as char {
            return Err(ReferenceError::CheckCharacter);
        }
        let cleaned = format!("{body}{}", expected as char);
        Ok(ReferenceNumber(cleaned))
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

    proptest! {
        #[test]
        fn a_single_wrong_character_is_caught(seed in any::<u64>(), pos in 0usize..9, replacement in 0usize..32) {
            let _ = seed;
            let r = ReferenceNumber::generate();
            let mut chars: Vec<u8> = r.compact().bytes().collect();
            let new = if pos == 8 { CHECK_ALPHABET[replacement] } else { ALPHABET[replacement] };
            prop_assume!(chars[pos] != new);
            chars[pos] = new;
            let typed = String::from_utf8(chars).unwrap();
            prop_assert!(typed.parse::<ReferenceNumber>().is_err());
        }

        #[test]
        fn swapping_two_neighbours_is_caught(pos in 0usize..7) {
            let r = ReferenceNumber::generate();
            let mut chars: Vec<u8> = r.compact().bytes().collect();
            prop_assume!(chars[pos] != chars[pos + 1]);
            chars.swap(pos, pos + 1);
            let typed = String::from_utf8(chars).unwrap();
            prop_assert!(typed.parse::<ReferenceNumber>().is_err());
        }
    }
}
