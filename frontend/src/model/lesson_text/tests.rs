//! The lesson-text parser, natively: sections and paragraphs, line joining (Latin and
//! CJK), every error with its line number, and the inline markup — HTML stays literal,
//! unbalanced markup stays literal, links only to site-relative paths.

use super::*;

const GOOD: &str = "\
[claim]
HTTP is one-way.

[intro]
First **paragraph**
wraps here.

Second with `Connection: close`.

[goal]
See it.

[hint answered]
Press **Send request**.

Look at the status.

[hint echoed]
Compare the payload.

[why-not]
Jitter.

[takeaway]
Done.
";

fn text(s: &str) -> Inline {
    Inline::Text(s.to_owned())
}

fn err(src: &str) -> TextError {
    LessonText::parse(src).expect_err("should not parse")
}

#[test]
fn parses_sections_in_order() {
    let t = LessonText::parse(GOOD).unwrap();
    assert_eq!(t.claim.plain_text(), "HTTP is one-way.");
    assert_eq!(t.claim.line, 2);
    assert_eq!(t.intro.len(), 2);
    assert_eq!(t.intro[0].plain_text(), "First paragraph wraps here.");
    assert_eq!(t.intro[1].code_spans(), ["Connection: close"]);
    assert_eq!(t.intro[1].line, 8);
    assert_eq!(t.hints.len(), 2);
    assert_eq!(t.hints_for("answered").len(), 2);
    assert_eq!(
        t.hints_for("echoed")[0].plain_text(),
        "Compare the payload."
    );
    assert!(t.hints_for("nope").is_empty());
    assert_eq!(t.why_not.len(), 1);
    assert!(t.leftovers.is_empty());
    let names: Vec<String> = t.sections().iter().map(|(s, _)| s.to_string()).collect();
    assert_eq!(
        names,
        [
            "[claim]",
            "[intro]",
            "[goal]",
            "[hint answered]",
            "[hint echoed]",
            "[why-not]",
            "[takeaway]"
        ]
    );
}

#[test]
fn why_not_is_optional_and_crlf_bom_are_ignored() {
    let src = GOOD.replace("[why-not]\nJitter.\n\n", "");
    let t = LessonText::parse(&src).unwrap();
    assert!(t.why_not.is_empty());
    assert!(!t.sections().iter().any(|(s, _)| *s == Section::WhyNot));
    let crlf = format!("\u{feff}{}", GOOD.replace('\n', "\r\n"));
    assert_eq!(
        LessonText::parse(&crlf).unwrap(),
        LessonText::parse(GOOD).unwrap()
    );
}

#[test]
fn cjk_lines_join_without_a_space_hangul_and_latin_with_one() {
    assert_eq!(join_lines(&["接続は", "閉じる。"]), "接続は閉じる。");
    assert_eq!(join_lines(&["「HTTP", "は」"]), "「HTTP は」");
    assert_eq!(join_lines(&["연결이", "닫힌다"]), "연결이 닫힌다");
    assert_eq!(join_lines(&["one", "two"]), "one two");
    assert_eq!(join_lines(&["WebSocket", "は"]), "WebSocket は");
}

#[test]
fn errors_name_their_line() {
    let cases: Vec<(String, usize, ErrorKind)> = vec![
        ("stray\n[claim]\nx\n".into(), 1, ErrorKind::OutsideSection),
        (
            GOOD.replace("[goal]", "[goals]"),
            10,
            ErrorKind::UnknownSection("goals".into()),
        ),
        (
            GOOD.replace("[hint echoed]", "[hint]"),
            18,
            ErrorKind::BadStep(String::new()),
        ),
        (
            GOOD.replace("[hint echoed]", "[hint Echoed]"),
            18,
            ErrorKind::BadStep("Echoed".into()),
        ),
        (
            GOOD.replace("[hint echoed]", "[hint answered]"),
            18,
            ErrorKind::Repeated(Section::Hint("answered".into())),
        ),
        (
            GOOD.replace("[why-not]", "[intro]"),
            21,
            ErrorKind::Repeated(Section::Intro),
        ),
        (
            GOOD.replace(
                "[why-not]\nJitter.\n\n[takeaway]\nDone.\n",
                "[takeaway]\nDone.\n\n[why-not]\nJitter.\n",
            ),
            24,
            ErrorKind::OutOfOrder(Section::WhyNot),
        ),
        (
            GOOD.replace("See it.\n", ""),
            10,
            ErrorKind::Empty(Section::Goal),
        ),
        (
            GOOD.replace("Done.\n", "\n\n"),
            24,
            ErrorKind::Empty(Section::Takeaway),
        ),
        (
            GOOD.replace("HTTP is one-way.\n", "HTTP is one-way.\n\nAnd more.\n"),
            4,
            ErrorKind::OneParagraphOnly(Section::Claim),
        ),
        (
            GOOD.replace("Compare the payload.\n", "a\n\nb\n\nc\n\nd\n"),
            25,
            ErrorKind::TooManyHints("echoed".into()),
        ),
        (
            GOOD.replace("[takeaway]\nDone.\n", ""),
            24,
            ErrorKind::Missing(Section::Takeaway),
        ),
        (
            "[claim]\nc\n\n[intro]\ni\n\n[goal]\ng\n\n[takeaway]\nt\n".into(),
            12,
            ErrorKind::NoHints,
        ),
    ];
    for (src, line, kind) in cases {
        let e = err(&src);
        assert_eq!((e.line, &e.kind), (line, &kind), "{src}");
        assert!(e.to_string().starts_with(&format!("line {line}: ")), "{e}");
    }
}

#[test]
fn html_stays_literal_text() {
    let p = parse_inline("<script>alert(1)</script> & <b>bold</b>");
    assert_eq!(p.inlines, [text("<script>alert(1)</script> & <b>bold</b>")]);
    assert!(p.leftovers.is_empty());
    // Also inside markup.
    let p = parse_inline("**<img src=x onerror=alert(1)>** `<script>`");
    assert_eq!(
        p.inlines,
        [
            Inline::Strong(vec![text("<img src=x onerror=alert(1)>")]),
            text(" "),
            Inline::Code("<script>".into()),
        ]
    );
}

#[test]
fn code_strong_and_links() {
    let p = parse_inline("Send **`GET /api/echo`** and [the lab](/lab?x=1#t), `a**b`.");
    assert_eq!(
        p.inlines,
        [
            text("Send "),
            Inline::Strong(vec![Inline::Code("GET /api/echo".into())]),
            text(" and "),
            Inline::Link {
                href: "/lab?x=1#t".into(),
                text: "the lab".into()
            },
            text(", "),
            Inline::Code("a**b".into()),
            text("."),
        ]
    );
    assert!(p.leftovers.is_empty());
    // A strong's end is looked for outside its code spans.
    let p = parse_inline("**a `**` b**");
    assert_eq!(
        p.inlines,
        [Inline::Strong(vec![
            text("a "),
            Inline::Code("**".into()),
            text(" b")
        ])]
    );
}

#[test]
fn unbalanced_markup_stays_literal() {
    let p = parse_inline("2 ** 3 is not **strong");
    assert_eq!(p.inlines, [text("2 ** 3 is not **strong")]);
    assert_eq!(
        p.leftovers,
        [Leftover::UnbalancedStrong, Leftover::UnbalancedStrong]
    );
    let p = parse_inline("a ` lone backtick");
    assert_eq!(p.inlines, [text("a ` lone backtick")]);
    assert_eq!(p.leftovers, [Leftover::UnclosedCode]);
    let p = parse_inline("empty ``");
    assert_eq!(p.inlines, [text("empty ``")]);
    assert_eq!(p.leftovers.len(), 2);
    let p = parse_inline("****");
    assert_eq!(p.inlines, [text("****")]);
    let p = parse_inline("[not a link] and [x](y z)");
    assert_eq!(p.inlines, [text("[not a link] and [x](y z)")]);
    assert!(p.leftovers.is_empty());
}

#[test]
fn links_only_to_site_relative_paths() {
    for bad in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:void",
        "/x\"onmouseover=x",
        "/a<b",
        "lab",
        "#top",
        "/x:y",
    ] {
        assert!(!safe_href(bad), "{bad}");
        let src = format!("see [here]({bad}) now");
        let p = parse_inline(&src);
        assert_eq!(p.inlines, [text(&src)], "{bad}");
        assert_eq!(p.leftovers, [Leftover::RefusedLink(bad.into())]);
    }
    for good in [
        "/",
        "/lab",
        "/learn/keep-alive",
        "/compare?p=4g#race",
        "/a%20b",
    ] {
        assert!(safe_href(good), "{good}");
    }
}

#[test]
fn leftovers_carry_their_paragraph_line() {
    let src = GOOD.replace("Done.", "Done [x](https://a.example).");
    let t = LessonText::parse(&src).unwrap();
    assert_eq!(
        t.leftovers,
        [(25, Leftover::RefusedLink("https://a.example".into()))]
    );
}

#[test]
fn url_is_per_language() {
    assert_eq!(url(Lang::Ja, "keep-alive"), "/lessons/ja/keep-alive.txt");
    assert_eq!(url(Lang::En, "one-request"), "/lessons/en/one-request.txt");
}
