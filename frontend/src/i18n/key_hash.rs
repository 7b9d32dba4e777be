//! A catalogue key's name as the wasm knows it: its 32-bit FNV-1a hash. One definition for
//! `build.rs` (which writes every key's hash and refuses two keys with one) and `i18n`
//! (which hashes each name read from a locale file to find its key), so the wasm carries
//! four bytes per key instead of its name and a slice entry (measured in `i18n`'s doc).

/// FNV-1a, 32 bits, of `name`'s bytes.
pub(crate) const fn key_hash(name: &str) -> u32 {
    let bytes = name.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::key_hash;

    /// The published FNV-1a test vectors, so the build script and the page agree with
    /// every other implementation too.
    #[test]
    fn fnv1a_32_test_vectors() {
        assert_eq!(key_hash(""), 0x811c_9dc5);
        assert_eq!(key_hash("a"), 0xe40c_292c);
        assert_eq!(key_hash("foobar"), 0xbf9c_f968);
    }
}
