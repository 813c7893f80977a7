//! The classroom: the lecturer's tutor shares the lesson and where it is
//! in it; students' tutors follow, explore on their own, follow again, and
//! send their quiz answers back. Plain threads and blocking sockets: a
//! lecture has hundreds of followers at most, each costing two sleeping
//! threads, and an async runtime would double the build for nothing the
//! lecture needs (ARCHITECTURE.md). The protocol is in docs/classroom.md.

pub mod data;
pub mod follower;
pub mod lecture;
pub mod protocol;

/// Characters a code is made of: no 0/O or 1/I to misread from a
/// projector.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A short random code for a lecture (`K7QF`): the operating system's
/// randomness, through the standard library's hasher keys.
pub fn random_code() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let mut bits = h.finish();
    (0..4)
        .map(|_| {
            let c = CODE_ALPHABET[(bits % CODE_ALPHABET.len() as u64) as usize];
            bits /= CODE_ALPHABET.len() as u64;
            c as char
        })
        .collect()
}

/// Whether `code` is one a lecturer may choose: 1 to 32 letters, digits
/// or dashes (it is typed by every student).
pub fn valid_code(code: &str) -> bool {
    (1..=32).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_four_unambiguous_characters_and_differ() {
        let a = super::random_code();
        assert_eq!(a.len(), 4);
        assert!(a.bytes().all(|b| super::CODE_ALPHABET.contains(&b)), "{a}");
        let many: std::collections::HashSet<String> =
            (0..50).map(|_| super::random_code()).collect();
        assert!(many.len() > 40, "{many:?}");
        assert!(super::valid_code("lecture-3") && !super::valid_code("a b"));
    }
}
