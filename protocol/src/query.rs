//! Query strings are wire format too: one percent-encoder, one `name=value&…` splitter and
//! decoder, and the [`QueryString`] trait every endpoint's typed query implements (the
//! structs live beside their endpoint: `http::EchoRequest`, `lab::LabQuery`,
//! `observe::{ObserveQuery, WsQuery}`, `compare::*Query`). The page encodes with
//! [`QueryString::to_query`]; the server decodes with [`QueryString::from_query`], so the
//! parameter names exist once, here.
//!
//! Decoding rules (the `application/x-www-form-urlencoded` ones, made strict):
//! - pairs are split on `&`, empty pieces skipped; `name` alone means `name=` (empty value);
//! - `+` is a space, `%XX` a byte, and the bytes must be UTF-8 — a `%` without two hex digits
//!   after it, or escapes that are not UTF-8, refuse the query ([`QueryError::BadEscape`]);
//!   so `,` and `%2C` are the same value;
//! - a name given twice is refused ([`QueryError::Repeated`]), as is a name the endpoint does
//!   not know ([`QueryError::Unknown`]), unless the endpoint is documented as lenient.
//!
//! Encoding writes names and values with every byte outside `A–Z a–z 0–9 - . _ ~ ,` escaped
//! (a space is `%20`), so encoding then decoding gives back the same struct.

use std::fmt;

use crate::emulate::{EMU_PARAM, NetModel};
use crate::lab::{LabParam, ParamProblem};

/// Why a query string was refused. `Display` is the English message the server sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A `%` not followed by two hex digits, or escapes that are not UTF-8 (the piece, cut
    /// to 32 characters).
    BadEscape(String),
    /// A name the endpoint does not take (cut to 32 characters), and the ones it does.
    Unknown {
        name: String,
        known: &'static [&'static str],
    },
    /// A name given more than once.
    Repeated(&'static str),
    /// A required name is absent.
    Missing(&'static str),
    /// A value of the wrong form: "`name` must be `expected`".
    Invalid {
        name: &'static str,
        expected: &'static str,
    },
    /// A bounded number out of its bounds (the page shows it beside the field).
    Param {
        param: LabParam,
        problem: ParamProblem,
    },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::BadEscape(piece) => {
                write!(f, "`{piece}` is not percent-encoded UTF-8")
            }
            QueryError::Unknown { name, known } => {
                write!(
                    f,
                    "unknown parameter `{name}` (known: {})",
                    known.join(", ")
                )
            }
            QueryError::Repeated(name) => write!(f, "`{name}` is given more than once"),
            QueryError::Missing(name) => write!(f, "`{name}` is required"),
            QueryError::Invalid { name, expected } => write!(f, "`{name}` must be {expected}"),
            QueryError::Param { param, problem } => f.write_str(&param.message(*problem)),
        }
    }
}

impl std::error::Error for QueryError {}

/// A typed query string: one encoder for the page, one decoder for the server.
pub trait QueryString: Sized {
    /// `name=value&…`, without the `?`; empty when there is nothing to say.
    fn to_query(&self) -> String;
    /// Parses the part after `?` (empty when the URL has none).
    fn from_query(raw: &str) -> Result<Self, QueryError>;
}

/// `path?query`, or `path` alone when the query is empty.
pub fn target(path: &str, query: &impl QueryString) -> String {
    let q = query.to_query();
    if q.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{q}")
    }
}

fn cut(text: &str) -> String {
    text.chars().take(32).collect()
}

/// Escapes every byte outside `A–Z a–z 0–9 - . _ ~ ,`.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b',') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// Undoes [`encode`] (and a browser's encoders): `+` is a space, `%XX` a byte; the result
/// must be UTF-8.
pub fn decode(text: &str) -> Result<String, QueryError> {
    let bad = || QueryError::BadEscape(cut(text));
    let hex = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex).ok_or_else(bad)?;
                let lo = bytes.get(i + 2).copied().and_then(hex).ok_or_else(bad)?;
                out.push(hi << 4 | lo);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// The decoded `(name, value)` pairs of a query, in order (empty pieces skipped; a piece
/// without `=` has an empty value).
pub fn pairs(raw: &str) -> impl Iterator<Item = Result<(String, String), QueryError>> + '_ {
    raw.split('&').filter(|p| !p.is_empty()).map(|piece| {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        Ok((decode(name)?, decode(value)?))
    })
}

/// Whether the raw query `raw` can name `name` at all: a name decodes to `name` only from
/// those very characters or through escapes (`%..`). The connection layer reads a few
/// names from every request's query; one without them skips decoding each pair (the
/// decoding, its allocations included, was ~3 % of the server's CPU per keep-alive
/// request, `baselines` bench under perf). A `false` is exact: decoding would find none.
pub fn may_name(raw: &str, name: &str) -> bool {
    raw.contains(name) || raw.contains('%')
}

/// The decoded value of the first `name` in `raw`, for a reader that looks at one name
/// only before any endpoint decodes the query (the emulated link's network model,
/// `NetModel::in_query`). Pieces that do not decode are passed over; the endpoint's own
/// decoder refuses them. The client key and run are read strictly instead
/// (`observe::client_key`, `compare::run_id`), as the endpoints decode them.
pub fn lookup(raw: &str, name: &str) -> Option<String> {
    pairs(raw)
        .filter_map(Result::ok)
        .find_map(|(n, v)| (n == name).then_some(v))
}

/// Builds a query string (see [`QueryString::to_query`]).
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// Adds `name=value`.
    pub fn put(&mut self, name: &str, value: impl fmt::Display) -> &mut Self {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        self.out.push_str(&encode(name));
        self.out.push('=');
        self.out.push_str(&encode(&value.to_string()));
        self
    }

    /// Adds `name=value` when there is a value.
    pub fn put_some(&mut self, name: &str, value: Option<impl fmt::Display>) -> &mut Self {
        if let Some(v) = value {
            self.put(name, v);
        }
        self
    }

    /// Adds `emu=<rtt>,<jitter>` unless the model adds nothing.
    pub fn put_emu(&mut self, net: NetModel) -> &mut Self {
        if !net.is_none() {
            self.put(EMU_PARAM, net.to_param());
        }
        self
    }

    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

/// A decoded query, taken apart name by name by an endpoint's [`QueryString::from_query`].
#[derive(Debug)]
pub struct Fields {
    pairs: Vec<(String, String)>,
}

impl Fields {
    /// Decodes `raw`, refusing names outside `known` and names given twice.
    pub fn strict(raw: &str, known: &'static [&'static str]) -> Result<Self, QueryError> {
        Self::parse(raw, known, true)
    }

    /// Decodes `raw`, passing over names outside `known` (for endpoints whose URLs others
    /// may append to); a known name given twice is still refused.
    pub fn lenient(raw: &str, known: &'static [&'static str]) -> Result<Self, QueryError> {
        Self::parse(raw, known, false)
    }

    fn parse(raw: &str, known: &'static [&'static str], strict: bool) -> Result<Self, QueryError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for pair in pairs(raw) {
            let (name, value) = pair?;
            let Some(&known_name) = known.iter().find(|k| **k == name) else {
                if strict {
                    return Err(QueryError::Unknown {
                        name: cut(&name),
                        known,
                    });
                }
                continue;
            };
            if out.iter().any(|(n, _)| *n == name) {
                return Err(QueryError::Repeated(known_name));
            }
            out.push((name, value));
        }
        Ok(Self { pairs: out })
    }

    /// The value of `name`, if given.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A bounded number, by the parameter's own query name.
    pub fn num(&self, param: LabParam) -> Result<Option<u64>, QueryError> {
        self.text(param.query_name())
            .map(|v| {
                param
                    .parse(v)
                    .map_err(|problem| QueryError::Param { param, problem })
            })
            .transpose()
    }

    /// A bounded number that must be there.
    pub fn need_num(&self, param: LabParam) -> Result<u64, QueryError> {
        self.num(param)?
            .ok_or(QueryError::Missing(param.query_name()))
    }

    /// An id (`run`, `feed`, `after`, `i`): any whole number.
    pub fn id(&self, name: &'static str) -> Result<Option<u64>, QueryError> {
        self.text(name)
            .map(|v| {
                v.parse::<u64>().map_err(|_| QueryError::Invalid {
                    name,
                    expected: "a whole number",
                })
            })
            .transpose()
    }

    /// An id that must be there.
    pub fn need_id(&self, name: &'static str) -> Result<u64, QueryError> {
        self.id(name)?.ok_or(QueryError::Missing(name))
    }

    /// The emulated network asked for ([`NetModel::NONE`] when absent).
    pub fn emu(&self) -> Result<NetModel, QueryError> {
        self.text(EMU_PARAM)
            .map_or(Ok(NetModel::NONE), NetModel::parse_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip_and_refuse_bad_ones() {
        for text in [
            "",
            "plain",
            "a b+c&d=e%f",
            "50,8",
            "日本語 한국어",
            "~-._",
            "\u{0}\u{7f}",
        ] {
            assert_eq!(decode(&encode(text)).unwrap(), text, "{text:?}");
        }
        assert_eq!(encode("a b,c"), "a%20b,c");
        assert_eq!(decode("50%2C8").unwrap(), "50,8");
        assert_eq!(decode("50%2c8").unwrap(), "50,8");
        assert_eq!(decode("a+b").unwrap(), "a b");
        assert_eq!(decode("a%2Bb").unwrap(), "a+b");
        for bad in ["%", "%4", "%zz", "a%g0", "%FF", "%C3", "%C3%28"] {
            assert!(
                matches!(decode(bad), Err(QueryError::BadEscape(_))),
                "{bad}"
            );
        }
        assert_eq!(decode("%C3%A9").unwrap(), "é");
    }

    /// A property over generated text (a xorshift generator: protocol takes no test crate):
    /// every string survives encode → decode, alone and as name and value in a query.
    #[test]
    fn any_text_survives_encoding() {
        const ALPHABET: &[char] = &[
            'a', 'Z', '0', '9', ' ', '+', '%', '&', '=', ',', '?', '#', '/', '~', '.', '-', '_',
            '\u{0}', '\u{7f}', 'é', '日', '한', '😀',
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..2_000 {
            let len = (next() % 12) as usize;
            let text: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let encoded = encode(&text);
            assert!(
                !encoded.contains(['&', '=', '+', ' ', '#', '?']),
                "{encoded}"
            );
            assert_eq!(decode(&encoded).as_deref(), Ok(text.as_str()));
            let q = Writer::default().put("k", &text).put(&text, 1).finish();
            let back: Vec<_> = pairs(&q).map(Result::unwrap).collect();
            assert_eq!(back[0], ("k".to_owned(), text.clone()), "{q}");
            if text != "k" {
                assert_eq!(lookup(&q, &text).as_deref(), Some("1"), "{q}");
            }
        }
    }

    /// Moved from the backend's former `routes/compare/query.rs` (its `Query` helper is
    /// now [`Fields`]).
    #[test]
    fn known_names_bounds_and_emu() {
        const KNOWN: &[&str] = &["run", "n", "emu"];
        let q = Fields::strict("run=3&n=50&emu=50,8", KNOWN).unwrap();
        assert_eq!(q.need_id("run").unwrap(), 3);
        assert_eq!(q.num(LabParam::RoundTrips).unwrap(), Some(50));
        assert_eq!(q.emu().unwrap().rtt_ms, 50);
        assert!(matches!(
            Fields::strict("bogus=1", &["run"]),
            Err(QueryError::Unknown { .. })
        ));
        let q = Fields::strict("n=10001&emu=5000", &["n", "emu"]).unwrap();
        assert!(matches!(
            q.num(LabParam::RoundTrips),
            Err(QueryError::Param {
                param: LabParam::RoundTrips,
                problem: ParamProblem::TooLarge
            })
        ));
        assert!(matches!(
            q.emu(),
            Err(QueryError::Param {
                param: LabParam::RttMs,
                ..
            })
        ));
        assert!(matches!(q.need_id("run"), Err(QueryError::Missing("run"))));
    }

    #[test]
    fn splitter_and_fields() {
        let all: Vec<_> = pairs("a=1&&b&c=x%20y&=z").map(Result::unwrap).collect();
        assert_eq!(
            all,
            [
                ("a".into(), "1".into()),
                ("b".into(), String::new()),
                ("c".into(), "x y".into()),
                (String::new(), "z".into()),
            ]
        );
        assert_eq!(lookup("x=%zz&run=5&run=6", "run").as_deref(), Some("5"));
        assert_eq!(lookup("x=1", "run"), None);
        const KNOWN: &[&str] = &["run", "emu"];
        assert_eq!(
            Fields::strict("run=1&bogus=2", KNOWN).unwrap_err(),
            QueryError::Unknown {
                name: "bogus".into(),
                known: KNOWN
            }
        );
        assert_eq!(
            Fields::strict("run=1&run=1", KNOWN).unwrap_err(),
            QueryError::Repeated("run")
        );
        assert_eq!(
            Fields::lenient("run=1&run=1", KNOWN).unwrap_err(),
            QueryError::Repeated("run")
        );
        let f = Fields::lenient("bogus=2&bogus=3&run=7", KNOWN).unwrap();
        assert_eq!(f.need_id("run"), Ok(7));
        assert_eq!(f.emu(), Ok(NetModel::NONE));
        assert_eq!(
            Fields::strict("run=x", KNOWN).unwrap().id("run"),
            Err(QueryError::Invalid {
                name: "run",
                expected: "a whole number"
            })
        );
        assert!(matches!(
            Fields::strict("run=%FF", KNOWN),
            Err(QueryError::BadEscape(_))
        ));
        let f = Fields::strict("emu=50%2C8", KNOWN).unwrap();
        assert_eq!(
            f.emu(),
            Ok(NetModel {
                rtt_ms: 50,
                jitter_ms: 8
            })
        );
        assert_eq!(
            QueryError::Unknown {
                name: "x".into(),
                known: KNOWN
            }
            .to_string(),
            "unknown parameter `x` (known: run, emu)"
        );
    }
}
