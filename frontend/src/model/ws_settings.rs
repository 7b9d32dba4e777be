//! The WebSocket lab's settings in the page's address (issue 11: every widget's settings
//! live in its URL, so a link or an embed reproduces the setup): the subprotocol offered,
//! text or binary, the message size and repeat, the server ticker's rate, count and push
//! size, the ping period, and the close code and reason. The numbers stay as typed (the
//! form checks them and shows a refusal beside its field, whichever way they came in).

use super::websocket::Offer;

/// The query names [`WsSettings::to_query`] writes.
pub const WS_QUERY_NAMES: [&str; 10] = [
    "offer", "kind", "size", "repeat", "rate", "count", "push", "ping", "code", "reason",
];

/// A value longer than this from an address is cut (no field needs more; the close reason's
/// own limit, 123 bytes, is checked by the form).
const MAX_CHARS: usize = 200;

/// The lab's form.
#[derive(Debug, Clone, PartialEq)]
pub struct WsSettings {
    pub(crate) offer: Offer,
    pub binary: bool,
    pub size: String,
    pub repeat: String,
    pub rate: String,
    pub count: String,
    pub push_bytes: String,
    pub ping: String,
    pub code: String,
    pub reason: String,
}

impl Default for WsSettings {
    fn default() -> Self {
        WsSettings {
            offer: Offer::Duplex,
            binary: false,
            size: "32".into(),
            repeat: "1".into(),
            rate: "10".into(),
            count: "10".into(),
            push_bytes: "16".into(),
            ping: "1000".into(),
            code: "4000".into(),
            reason: "bye".into(),
        }
    }
}

impl WsSettings {
    /// The settings an address names, each over the defaults.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> WsSettings {
        let mut s = WsSettings::default();
        for (name, value) in pairs {
            let v: String = value.chars().take(MAX_CHARS).collect();
            match name {
                "offer" => {
                    s.offer = match value {
                        "none" => Offer::Nothing,
                        "unsupported" => Offer::Unsupported,
                        _ => Offer::Duplex,
                    }
                }
                "kind" => s.binary = value == "binary",
                "size" => s.size = v,
                "repeat" => s.repeat = v,
                "rate" => s.rate = v,
                "count" => s.count = v,
                "push" => s.push_bytes = v,
                "ping" => s.ping = v,
                "code" => s.code = v,
                "reason" => s.reason = v,
                _ => {}
            }
        }
        s
    }

    /// The settings as the page's address carries them.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "offer",
                match self.offer {
                    Offer::Duplex => "duplex",
                    Offer::Unsupported => "unsupported",
                    Offer::Nothing => "none",
                }
                .to_owned(),
            ),
            (
                "kind",
                if self.binary { "binary" } else { "text" }.to_owned(),
            ),
            ("size", self.size.clone()),
            ("repeat", self.repeat.clone()),
            ("rate", self.rate.clone()),
            ("count", self.count.clone()),
            ("push", self.push_bytes.clone()),
            ("ping", self.ping.clone()),
            ("code", self.code.clone()),
            ("reason", self.reason.clone()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_through_the_address() {
        let s = WsSettings {
            offer: Offer::Nothing,
            binary: true,
            size: "4096".into(),
            repeat: "3".into(),
            rate: "20".into(),
            count: "5".into(),
            push_bytes: "64".into(),
            ping: "250".into(),
            code: "4001".into(),
            reason: "さようなら, \"page\"".into(),
        };
        let q = s.to_query();
        assert_eq!(
            WsSettings::from_query(q.iter().map(|(n, v)| (*n, v.as_str()))),
            s
        );
        assert_eq!(q.len(), WS_QUERY_NAMES.len());
        for ((name, _), want) in q.iter().zip(WS_QUERY_NAMES) {
            assert_eq!(*name, want);
        }
        assert_eq!(WsSettings::from_query([]), WsSettings::default());
        // Kept as typed: the form shows the refusal beside the field.
        let odd = WsSettings::from_query([("count", "many"), ("offer", "x")]);
        assert_eq!(odd.count, "many");
        assert_eq!(odd.offer, Offer::Duplex);
        let long = "x".repeat(1000);
        assert_eq!(
            WsSettings::from_query([("reason", long.as_str())])
                .reason
                .len(),
            MAX_CHARS
        );
    }
}
