//! One-pass decoding of the internally tagged enums the page reads.
//!
//! serde's derive for `#[serde(tag = "…")]` first buffers the whole object into its private
//! `Content` tree, then deserializes each variant from that buffer: two deserializers per
//! enum, monomorphised for every field type. In the page's wasm that cost more than the
//! enums' own code (measured on 2026-11-23, issue 14: `ConnEvent` alone ~24 KB of code,
//! `ServerMsg` ~3 KB plus the shared `Content` machinery; see ARCHITECTURE.md, "Sizes").
//!
//! So an enum the page *reads* keeps its derived `Serialize` (the wire shape stays exactly
//! the same) and is deserialized `try_from` a flat struct instead: the tag as a plain unit
//! enum plus every variant's fields, each an `Option`, read in one pass by an ordinary
//! derived struct visitor. The `TryFrom` picks the variant by the tag and asks for the
//! fields it needs ([`need`]); a missing one is an error, as before. Fields of other
//! variants and unknown fields are ignored, as serde ignores unknown fields of an
//! internally tagged enum without `deny_unknown_fields` (don't use this for an enum that
//! has it). A field whose own type is `Option<T>` stays `Option<T>` in the flat struct
//! (missing or `null` is `None`, as before).
//!
//! To apply it to a new enum `E` (tag `type`): add `try_from = "EFields"` to its
//! `#[serde(...)]`, write `#[derive(Deserialize)] struct EFields { #[serde(rename = "type")]
//! tag: ETag, field: Option<T>, … }` and `enum ETag { … }` (`rename_all = "snake_case"`,
//! one unit variant per variant of `E`), and `impl TryFrom<EFields> for E`. Pin the JSON
//! of every variant in a test (see `observe.rs` and `ws.rs`).

use std::fmt;

/// A field the tag's variant needs was absent (or `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing(pub &'static str);

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("missing field `")?;
        f.write_str(self.0)?;
        f.write_str("`")
    }
}

/// The field `name`, which the variant being decoded needs.
pub fn need<T>(value: Option<T>, name: &'static str) -> Result<T, Missing> {
    value.ok_or(Missing(name))
}
