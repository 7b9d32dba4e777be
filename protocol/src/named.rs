//! Fieldless enums that travel as one of a fixed set of strings (`"payload_too_large"`,
//! `"GET"`), declared once with [`named_enum!`]: the enum, its wire names in one table,
//! and serde impls that read and write those names.
//!
//! Why not `#[derive(Serialize, Deserialize)]` with `rename_all`: serde's derive matches
//! the name against every variant in code of its own per enum, inlined into each decoder
//! that reads one. In the page's wasm that was 1,991 B for `ErrorCode` (27 names) and
//! 1,118 B for `LabParam` in every bundle that reads an error body; a lookup in a table
//! is one short loop shared by all of them (sizes before and after: ARCHITECTURE.md,
//! "Sizes"). What goes over the wire, and the error for an unknown name ("unknown variant
//! `x`, expected one of …"), are the same as the derive's.

/// Declares a fieldless, `Copy` enum whose variants travel as the given strings:
///
/// ```text
/// named_enum! {
///     #[derive(Debug, Clone, Copy, PartialEq, Eq)]
///     pub enum Method {
///         Get => "GET",
///         Post => "POST",
///     }
/// }
/// ```
///
/// It gets `NAMES` (the wire names in declaration order), `name()`, `from_name()`, and
/// `Serialize`/`Deserialize` as those strings. The enum must derive `Copy`.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        #[allow(dead_code)]
        impl $name {
            /// Every variant, in declaration order (the order of [`Self::NAMES`]).
            $vis const ALL: [Self; [$($wire),+].len()] = [$(Self::$variant),+];
            /// Every variant's name on the wire, in declaration order.
            $vis const NAMES: [&'static str; [$($wire),+].len()] = [$($wire),+];

            /// This variant's name on the wire.
            $vis fn name(self) -> &'static str {
                Self::NAMES[self as usize]
            }

            /// The variant whose wire name is `name`.
            $vis fn from_name(name: &str) -> Option<Self> {
                let at = Self::NAMES.iter().position(|n| *n == name)?;
                Some(Self::ALL[at])
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::named::read(d, &Self::NAMES).map(|at| Self::ALL[at])
            }
        }
    };
}

pub(crate) use named_enum;

/// Reads a string and finds it in `names`: its index, or serde's "unknown variant" error.
/// One function for every named enum, so the page's wasm has one copy.
#[doc(hidden)]
pub fn read<'de, D: serde::Deserializer<'de>>(
    d: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    struct Names(&'static [&'static str]);

    impl serde::de::Visitor<'_> for Names {
        type Value = usize;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a name")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<usize, E> {
            self.0
                .iter()
                .position(|n| *n == v)
                .ok_or_else(|| E::unknown_variant(v, self.0))
        }
    }

    d.deserialize_str(Names(names))
}

#[cfg(test)]
mod tests {
    use crate::chat::{ChatErrorCode, ChatTransport, Departure, NameProblem};
    use crate::compare::{Contender, Strategy};
    use crate::error::ErrorCode;
    use crate::http::HttpMethod;
    use crate::lab::LabParam;
    use crate::observe::ClosedBy;
    use crate::ws::WsErrorCode;

    /// `PayloadTooLarge` → `payload_too_large`: what `rename_all = "snake_case"` wrote.
    fn snake(debug: &str) -> String {
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    fn check<T>(all: &[T], names: &[&str], rule: fn(&str) -> String)
    where
        T: Copy + std::fmt::Debug + PartialEq + serde::Serialize + serde::de::DeserializeOwned,
    {
        assert_eq!(all.len(), names.len());
        for (v, name) in all.iter().zip(names) {
            assert_eq!(*name, rule(&format!("{v:?}")), "{v:?}'s wire name");
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
        }
    }

    #[test]
    fn every_name_is_the_variant_s_in_its_case_and_reads_back() {
        check(&ErrorCode::ALL, &ErrorCode::NAMES, snake);
        check(&LabParam::ALL, &LabParam::NAMES, snake);
        check(&WsErrorCode::ALL, &WsErrorCode::NAMES, snake);
        check(&HttpMethod::ALL, &HttpMethod::NAMES, |d| d.to_uppercase());
        check(&ClosedBy::ALL, &ClosedBy::NAMES, snake);
        check(&Contender::ALL, &Contender::NAMES, snake);
        check(&Strategy::ALL, &Strategy::NAMES, snake);
        check(&NameProblem::ALL, &NameProblem::NAMES, snake);
        check(&Departure::ALL, &Departure::NAMES, snake);
        check(&ChatErrorCode::ALL, &ChatErrorCode::NAMES, snake);
        check(&ChatTransport::ALL, &ChatTransport::NAMES, |d| {
            d.to_lowercase()
        });
        // Declaration order is the table's order.
        assert_eq!(ErrorCode::Internal.name(), "internal");
        assert_eq!(ErrorCode::from_name("bad_param"), Some(ErrorCode::BadParam));
        assert_eq!(ErrorCode::from_name("BadParam"), None);
    }

    #[test]
    fn an_unknown_name_or_another_type_is_refused_as_the_derive_did() {
        let err = serde_json::from_str::<HttpMethod>("\"PUT\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown variant `PUT`, expected `GET` or `POST` at line 1 column 5"
        );
        let err = serde_json::from_str::<LabParam>("3").unwrap_err();
        assert!(
            err.to_string().starts_with("invalid type: integer `3`"),
            "{err}"
        );
        assert!(serde_json::from_str::<ErrorCode>("null").is_err());
    }
}
