//! The page's client key: 32 random hex digits from `crypto.getRandomValues`, made once per
//! page load. The server tags every connection that carries it, and shows this page its
//! own connections and no one else's.

/// A fresh key (falls back to `Math.random` only if the Web Crypto API is missing).
pub(crate) fn generate() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
