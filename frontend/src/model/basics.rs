//! The basics' two panels' settings in the page's address (issue 11: every widget's
//! settings live in its URL): the HTTP panel's method and payload (`?method=post&
//! payload=…`), the WebSocket panel's message (`?message=…`). Text is kept as typed, cut
//! at [`MAX_CHARS`] (an address is no place for the 32 KiB a payload may hold).

use protocol::HttpMethod;

/// The longest text an address carries for a panel.
pub const MAX_CHARS: usize = 500;

/// The HTTP panel's form.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpPanelSettings {
    pub method: HttpMethod,
    pub payload: String,
}

impl Default for HttpPanelSettings {
    fn default() -> Self {
        HttpPanelSettings {
            method: HttpMethod::Get,
            payload: "hello".into(),
        }
    }
}

/// The WebSocket panel's form.
#[derive(Debug, Clone, PartialEq)]
pub struct WsPanelSettings {
    pub message: String,
}

impl Default for WsPanelSettings {
    fn default() -> Self {
        WsPanelSettings {
            message: "hello".into(),
        }
    }
}

/// The HTTP panel's query names.
pub const HTTP_PANEL_NAMES: [&str; 2] = ["method", "payload"];
/// The WebSocket panel's query names.
pub const WS_PANEL_NAMES: [&str; 1] = ["message"];

fn cut(text: &str) -> String {
    text.chars().take(MAX_CHARS).collect()
}

impl HttpPanelSettings {
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut s = Self::default();
        for (name, value) in pairs {
            match name {
                "method" if value == "post" => s.method = HttpMethod::Post,
                "method" if value == "get" => s.method = HttpMethod::Get,
                "payload" => s.payload = cut(value),
                _ => {}
            }
        }
        s
    }

    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let method = match self.method {
            HttpMethod::Get => "get",
            HttpMethod::Post => "post",
        };
        vec![("method", method.into()), ("payload", cut(&self.payload))]
    }
}

impl WsPanelSettings {
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut s = Self::default();
        for (name, value) in pairs {
            if name == "message" {
                s.message = cut(value);
            }
        }
        s
    }

    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        vec![("message", cut(&self.message))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panel_settings_round_trip_and_are_cut() {
        let h = HttpPanelSettings {
            method: HttpMethod::Post,
            payload: "ソケット & 소켓 ?#".into(),
        };
        let q = h.to_query();
        assert_eq!(
            HttpPanelSettings::from_query(q.iter().map(|(n, v)| (*n, v.as_str()))),
            h
        );
        let w = WsPanelSettings {
            message: "hi".into(),
        };
        let q = w.to_query();
        assert_eq!(
            WsPanelSettings::from_query(q.iter().map(|(n, v)| (*n, v.as_str()))),
            w
        );
        let long = "x".repeat(MAX_CHARS * 2);
        assert_eq!(
            WsPanelSettings::from_query([("message", long.as_str())])
                .message
                .len(),
            MAX_CHARS
        );
        assert_eq!(
            HttpPanelSettings::from_query([("method", "DELETE")]),
            HttpPanelSettings::default()
        );
    }
}
