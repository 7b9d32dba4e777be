//! The lesson texts' inline markup: a safe subset parsed into a small tree of
//! [`Inline`]s, which the page renders as elements (text nodes, `<code>`, `<strong>`,
//! `<a>`), never as HTML. Four forms and nothing else:
//!
//! - `` `code` ``: literal up to the next backtick (no markup inside).
//! - `**strong**`: up to the next `**` (outside code spans); the opening pair must be
//!   followed, the closing one preceded, by a non-space. May hold code spans and links,
//!   not another strong.
//! - `[text](/path)`: a link, only to a site-relative path (see [`safe_href`]); its text is
//!   plain.
//! - everything else is text, `<`, `>` and `&` included: `<script>` shows as `<script>`.
//!
//! A form that does not close (a lone backtick, an unbalanced `**`) or a link whose
//! target is refused stays literal text, character for character; the parse also
//! reports it as a [`Leftover`], so a test can insist the shipped texts have none.

/// One piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    /// Never holds another `Strong`.
    Strong(Vec<Inline>),
    /// `href` passed [`safe_href`].
    Link {
        href: String,
        text: String,
    },
}

/// Markup that was left as literal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leftover {
    /// A backtick with no partner in the paragraph (or an empty `` `` ``).
    UnclosedCode,
    /// A `**` with no partner (or an empty `****`, or one beside a space).
    UnbalancedStrong,
    /// `[text](href)` whose target is not a site-relative path.
    RefusedLink(String),
}

/// A paragraph's inlines and what was left literal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub inlines: Vec<Inline>,
    pub leftovers: Vec<Leftover>,
}

/// Whether `href` may be a link target: a path on this site. It must start with one `/`
/// (not `//`, which leaves the site) and hold only ASCII letters, digits and
/// `- . _ ~ / ? # = & % +` — no `\` (browsers read `/\host` as `//host`), no `:`, no
/// spaces or controls.
pub fn safe_href(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && href
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/?#=&%+".contains(c))
}

/// Parses one paragraph's text (lines already joined).
pub fn parse_inline(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let inlines = parse_run(text, true, &mut out.leftovers);
    out.inlines = inlines;
    out
}

/// Parses `text`; `strong_allowed` is false inside a strong.
fn parse_run(text: &str, strong_allowed: bool, leftovers: &mut Vec<Leftover>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            if let Some(end) = rest[1..].find('`').filter(|&end| end > 0) {
                flush(&mut plain, &mut out);
                out.push(Inline::Code(rest[1..1 + end].to_owned()));
                rest = &rest[end + 2..];
                continue;
            }
            leftovers.push(Leftover::UnclosedCode);
        } else if strong_allowed && rest.starts_with("**") {
            let opens = rest[2..].chars().next().is_some_and(|c| !c.is_whitespace());
            if let Some(end) = strong_end(&rest[2..]).filter(|_| opens) {
                flush(&mut plain, &mut out);
                let inner = parse_run(&rest[2..2 + end], false, leftovers);
                out.push(Inline::Strong(inner));
                rest = &rest[end + 4..];
                continue;
            }
            leftovers.push(Leftover::UnbalancedStrong);
            plain.push_str("**");
            rest = &rest[2..];
            continue;
        } else if c == '['
            && let Some((link_text, href, len)) = link_at(rest)
        {
            if safe_href(href) {
                flush(&mut plain, &mut out);
                out.push(Inline::Link {
                    href: href.to_owned(),
                    text: link_text.to_owned(),
                });
            } else {
                leftovers.push(Leftover::RefusedLink(href.to_owned()));
                plain.push_str(&rest[..len]);
            }
            rest = &rest[len..];
            continue;
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    flush(&mut plain, &mut out);
    out
}

/// Where the strong that starts before `after` ends: the next `**` outside a code span
/// that follows a non-space character.
fn strong_end(after: &str) -> Option<usize> {
    let mut i = 0;
    while i < after.len() {
        let rest = &after[i..];
        if rest.starts_with("**")
            && after[..i]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_whitespace())
        {
            return Some(i);
        }
        if let Some(code) = rest.strip_prefix('`')
            && let Some(end) = code.find('`').filter(|&end| end > 0)
        {
            i += end + 2;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// `[text](href)` at the start of `s`: its text, target and length. Neither may be empty;
/// the text holds no `[`, `]` or backtick, the target no `)` or whitespace.
fn link_at(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find(']')?;
    let text = &s[1..close];
    if text.is_empty() || text.contains(['[', '`']) || !s[close..].starts_with("](") {
        return None;
    }
    let target = &s[close + 2..];
    let end = target.find(')')?;
    let href = &target[..end];
    if href.is_empty() || href.chars().any(char::is_whitespace) {
        return None;
    }
    Some((text, href, close + 2 + end + 1))
}

fn flush(plain: &mut String, out: &mut Vec<Inline>) {
    if !plain.is_empty() {
        out.push(Inline::Text(std::mem::take(plain)));
    }
}

/// The text a reader sees, markup removed (for tests and plain-text uses).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => s.push_str(t),
            Inline::Link { text, .. } => s.push_str(text),
            Inline::Strong(inner) => s.push_str(&plain_text(inner)),
        }
    }
    s
}

/// The code spans, in order, strong ones included.
pub fn code_spans(inlines: &[Inline]) -> Vec<&str> {
    let mut spans = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Code(c) => spans.push(c.as_str()),
            Inline::Strong(inner) => spans.extend(code_spans(inner)),
            Inline::Text(_) | Inline::Link { .. } => {}
        }
    }
    spans
}
