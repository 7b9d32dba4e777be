//! "Embed this" (issue 11): what a blog author copies to put a widget in a post — the
//! iframe and the host's resize script, the page's address for a link card, and the form
//! data that creates a CodePen pen or a StackBlitz project holding only that iframe (for
//! Zenn, Qiita and Velog, which embed those sites but no other iframe). Pure: tested
//! natively; `components/embed_dialog.rs` draws it.

use protocol::oembed::{natural_size, parent_script};
use protocol::pages::{Bundle, Place, Widget};

/// CodePen's prefill endpoint: a form POSTs `data` (JSON) and a new, unsaved pen opens
/// (<https://blog.codepen.io/docs/api/post-to-prefill-pen/>).
pub const CODEPEN_ACTION: &str = "https://codepen.io/pen/define";
/// StackBlitz's POST API: a form POSTs `project[…]` fields and a new project opens
/// (<https://developer.stackblitz.com/platform/api/post-api>).
pub const STACKBLITZ_ACTION: &str = "https://stackblitz.com/run";

/// What "Embed this" copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTarget {
    /// The iframe and its script.
    Snippet,
    /// The page's address (for a link card).
    Address,
}

/// One embed as an author would paste it.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedSpec {
    /// This site, `https://host[:port]`.
    pub origin: String,
    /// The embed (`Place::Embed`, `Place::EmbedLesson`).
    pub embed: Place,
    /// The page's query without `?` (its settings and `lang`), carried into the embed.
    pub query: String,
    /// The iframe's `title` (screen readers): the widget's name.
    pub title: String,
}

/// The widgets a full page offers to embed: its own (Home and Compare have two).
pub fn widgets_of(page: Place) -> Vec<Place> {
    match page {
        Place::Page(Bundle::Home) => vec![Place::Embed(Widget::Http), Place::Embed(Widget::Ws)],
        Place::Page(Bundle::Compare) => {
            vec![Place::Embed(Widget::Race), Place::Embed(Widget::Feed)]
        }
        other => other.embed().into_iter().collect(),
    }
}

/// `text` safe in a double-quoted attribute.
fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `path` with `query` (without its `?`), the `?` only when there is a query.
pub fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

impl EmbedSpec {
    /// The embed's absolute URL.
    pub fn url(&self) -> String {
        format!(
            "{}{}",
            self.origin,
            with_query(&self.embed.path(), &self.query)
        )
    }

    /// The iframe: full width, the widget's usual height (kept without the script),
    /// lazy, allowed to be cross-origin isolated when the host page is.
    pub fn iframe(&self) -> String {
        let (_, height) = natural_size(self.embed);
        format!(
            r#"<iframe src="{}" title="{}" style="width:100%;height:{height}px;border:0" loading="lazy" allow="cross-origin-isolated"></iframe>"#,
            attr(&self.url()),
            attr(&self.title)
        )
    }

    /// The iframe and the host's resize script: what goes into a post that allows both.
    pub fn snippet(&self) -> String {
        format!("{}\n{}", self.iframe(), parent_script(&self.origin))
    }

    /// CodePen's `data` field: a pen whose HTML is the snippet, its result pane open.
    pub fn codepen_data(&self) -> String {
        /// The fields CodePen reads (a struct, not `serde_json::json!`: a `Value` brings
        /// its own map and serializer, kilobytes of wasm; see ARCHITECTURE.md, "Sizes").
        #[derive(serde::Serialize)]
        struct Pen<'a> {
            title: &'a str,
            description: String,
            html: String,
            css: &'a str,
            editors: &'a str,
            layout: &'a str,
        }
        serde_json::to_string(&Pen {
            title: &self.title,
            description: format!("Duplex: {}", self.url()),
            html: self.snippet(),
            css: "body { margin: 0; }",
            editors: "100",
            layout: "top",
        })
        .unwrap_or_default()
    }

    /// StackBlitz's form fields: a static project whose `index.html` holds the snippet.
    pub fn stackblitz_fields(&self) -> Vec<(String, String)> {
        let html = format!(
            "<!doctype html>\n<html>\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title></head>\n<body style=\"margin:0\">\n{}\n</body>\n</html>\n",
            attr(&self.title),
            self.snippet()
        );
        vec![
            ("project[title]".into(), self.title.clone()),
            (
                "project[description]".into(),
                format!("Duplex: {}", self.url()),
            ),
            ("project[template]".into(), "javascript".into()),
            ("project[files][index.html]".into(), html),
            // The template runs `index.js`; the embed needs none.
            (
                "project[files][index.js]".into(),
                "// The page is index.html: one Duplex iframe.\n".into(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_gets_its_question_mark_only_when_there_is_one() {
        assert_eq!(with_query("/compare", ""), "/compare");
        assert_eq!(
            with_query("/compare", "n=5&lang=ja"),
            "/compare?n=5&lang=ja"
        );
    }

    fn spec(query: &str) -> EmbedSpec {
        EmbedSpec {
            origin: "https://duplex.example".into(),
            embed: Place::Embed(Widget::LabHttp),
            query: query.into(),
            title: r#"HTTP lab "keep-alive" & <close>"#.into(),
        }
    }

    #[test]
    fn pages_offer_their_widgets() {
        assert_eq!(widgets_of(Place::Page(Bundle::Home)).len(), 2);
        assert_eq!(
            widgets_of(Place::Page(Bundle::Compare)),
            vec![Place::Embed(Widget::Race), Place::Embed(Widget::Feed)]
        );
        assert_eq!(
            widgets_of(Place::Lesson("keep-alive")),
            vec![Place::EmbedLesson("keep-alive")]
        );
        assert_eq!(widgets_of(Place::Learn), vec![]);
    }

    #[test]
    fn the_snippet_carries_the_settings_and_escapes() {
        let s = spec("n=5&close=1&lang=ja");
        assert_eq!(
            s.url(),
            "https://duplex.example/embed/lab-http?n=5&close=1&lang=ja"
        );
        let iframe = s.iframe();
        assert!(iframe.starts_with(
            r#"<iframe src="https://duplex.example/embed/lab-http?n=5&amp;close=1&amp;lang=ja" title="HTTP lab &quot;keep-alive&quot; &amp; &lt;close&gt;""#
        ), "{iframe}");
        assert!(iframe.contains("height:900px"));
        assert!(iframe.contains(r#"allow="cross-origin-isolated""#));
        let snippet = s.snippet();
        assert!(snippet.contains(r#"e.origin !== "https://duplex.example""#));
        assert_eq!(spec("").url(), "https://duplex.example/embed/lab-http");
    }

    #[test]
    fn codepen_gets_a_pen_of_the_snippet() {
        let s = spec("lang=ko");
        let data: serde_json::Value = serde_json::from_str(&s.codepen_data()).unwrap();
        assert_eq!(data["html"], s.snippet());
        assert_eq!(data["title"], s.title);
        assert_eq!(data["editors"], "100");
        assert!(
            data["description"]
                .as_str()
                .unwrap()
                .ends_with("/embed/lab-http?lang=ko")
        );
    }

    #[test]
    fn stackblitz_gets_a_static_project_of_the_snippet() {
        let s = spec("lang=en");
        let fields = s.stackblitz_fields();
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {k}"))
        };
        assert_eq!(get("project[template]"), "javascript");
        assert_eq!(get("project[title]"), s.title);
        let html = get("project[files][index.html]");
        assert!(html.starts_with("<!doctype html>"));
        assert!(html.contains(&s.snippet()));
        assert!(html.contains("<title>HTTP lab &quot;keep-alive&quot;"));
        assert!(!get("project[files][index.js]").is_empty());
        // Every field the POST API requires.
        for k in [
            "project[title]",
            "project[description]",
            "project[template]",
        ] {
            assert!(!get(k).is_empty(), "{k}");
        }
    }
}
