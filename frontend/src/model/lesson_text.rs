//! A lesson's prose (issue 10, "Learn"): one UTF-8 file per lesson per language,
//! `frontend/lessons/<lang>/<slug>.txt`, copied into `dist/` by Trunk and fetched when
//! the lesson opens ([`url`]), so none of it is compiled into the wasm. Titles and step
//! labels stay in the catalogue (`locales/*.txt`); this is the long text around them.
//! Pure: [`LessonText::parse`] turns a file into a tree the page renders as elements, and
//! everything tests natively (`frontend/tests/lesson_texts.rs` checks the shipped files).
//!
//! # The format
//!
//! ```text
//! [claim]
//! HTTP is one-way: the client asks, the server answers.
//!
//! [intro]
//! First paragraph, with `code`, **strong** and a [link](/lab).
//!
//! Second paragraph.
//!
//! [goal]
//! One line: what the reader will see.
//!
//! [hint answered]
//! First hint for step `answered`, shown first.
//!
//! Second hint, opened on request.
//!
//! [hint echoed]
//! …
//!
//! [why-not]
//! Why the measurement may differ from the formula.
//!
//! [takeaway]
//! What the evidence showed.
//! ```
//!
//! - A section starts with a line `[name]`, in this order: `[claim]` (the seed posts'
//!   claim the lesson tests, one paragraph), `[intro]`, `[goal]` (one paragraph), one
//!   `[hint <step>]` per step (the step's slug, as the checks name it; one to
//!   [`MAX_HINTS`] hints), `[why-not]` (optional: where a formula is compared, why the
//!   measurement may not match it), `[takeaway]`. All but `[why-not]` are required; none
//!   may be empty or repeated. Any other line starting with `[` and ending with `]` is an
//!   error, as is text before the first section.
//! - Inside a section, blank lines separate paragraphs (in `[hint …]`, each paragraph is
//!   one hint). A paragraph's lines are joined by one space, except where the line break
//!   sits between two wide (CJK, kana, full-width) characters that are not Hangul, which
//!   join directly, as CSS does with a segment break — so Japanese may wrap anywhere.
//!   Lines are trimmed; a `\r` before the newline and a leading BOM are ignored.
//! - Inline markup is a safe subset ([`inline`]): `` `code` ``, `**strong**` and
//!   `[text](/path)` links to site-relative paths only. Anything else, HTML included, is
//!   literal text; markup that does not close stays literal and is reported in
//!   [`LessonText::leftovers`]. By convention `**strong**` names a control of the page in
//!   that language's catalogue words (**Send request**, **リクエストを送信**), and code
//!   spans hold what no translation changes (`Connection: close`, `101`); the
//!   completeness test holds the texts to both.
//! - Japanese and Korean files keep the sections, steps, hint counts, code spans and link
//!   targets of the English one.
//!
//! A malformed file is a [`TextError`] naming the (1-based) line.

pub mod inline;

use std::fmt;

pub use inline::{Inline, Leftover, code_spans, parse_inline, plain_text, safe_href};

use crate::i18n::Lang;

/// Hints a step may have.
pub const MAX_HINTS: usize = 3;

/// Where the page fetches a lesson's text: `/lessons/<lang>/<slug>.txt`.
pub fn url(lang: Lang, slug: &str) -> String {
    format!("/lessons/{}/{slug}.txt", lang.tag())
}

/// One paragraph and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub line: usize,
    pub inlines: Vec<Inline>,
}

impl Paragraph {
    /// The text a reader sees, markup removed.
    pub fn plain_text(&self) -> String {
        plain_text(&self.inlines)
    }

    /// The code spans, in order.
    pub fn code_spans(&self) -> Vec<&str> {
        code_spans(&self.inlines)
    }
}

/// The hints for one step, in the order they open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepHints {
    pub step: String,
    pub hints: Vec<Paragraph>,
}

/// A lesson's prose in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonText {
    pub claim: Paragraph,
    pub intro: Vec<Paragraph>,
    pub goal: Paragraph,
    /// In file order (the lesson's step order).
    pub hints: Vec<StepHints>,
    /// Empty when the file has no `[why-not]`.
    pub why_not: Vec<Paragraph>,
    pub takeaway: Vec<Paragraph>,
    /// Markup left as literal text, with its paragraph's line.
    pub leftovers: Vec<(usize, Leftover)>,
}

/// A section of the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Claim,
    Intro,
    Goal,
    Hint(String),
    WhyNot,
    Takeaway,
}

impl Section {
    /// Its place in the file's order (hints share one).
    fn rank(&self) -> u8 {
        match self {
            Section::Claim => 0,
            Section::Intro => 1,
            Section::Goal => 2,
            Section::Hint(_) => 3,
            Section::WhyNot => 4,
            Section::Takeaway => 5,
        }
    }

    /// The header line's text between the brackets.
    fn from_header(inner: &str) -> Result<Section, ErrorKind> {
        Ok(match inner {
            "claim" => Section::Claim,
            "intro" => Section::Intro,
            "goal" => Section::Goal,
            "why-not" => Section::WhyNot,
            "takeaway" => Section::Takeaway,
            _ => match inner.strip_prefix("hint") {
                Some(step) if step.is_empty() || step.starts_with(' ') => {
                    let step = step.trim();
                    let slug = !step.is_empty()
                        && step
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if !slug {
                        return Err(ErrorKind::BadStep(step.to_owned()));
                    }
                    Section::Hint(step.to_owned())
                }
                _ => return Err(ErrorKind::UnknownSection(inner.to_owned())),
            },
        })
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Section::Claim => f.write_str("[claim]"),
            Section::Intro => f.write_str("[intro]"),
            Section::Goal => f.write_str("[goal]"),
            Section::Hint(step) => write!(f, "[hint {step}]"),
            Section::WhyNot => f.write_str("[why-not]"),
            Section::Takeaway => f.write_str("[takeaway]"),
        }
    }
}

/// Why a file did not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// 1-based; for a missing section, the line after the last.
    pub line: usize,
    pub kind: ErrorKind,
}

/// What was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Text before the first section header.
    OutsideSection,
    /// `[something]` that names no section.
    UnknownSection(String),
    /// `[hint]` without a step, or a step that is not a slug (`a-z`, `0-9`, `-`).
    BadStep(String),
    /// The same section (or the same step's hints) twice.
    Repeated(Section),
    /// A section after one that should follow it.
    OutOfOrder(Section),
    /// A section with no text.
    Empty(Section),
    /// `[claim]` or `[goal]` with more than one paragraph.
    OneParagraphOnly(Section),
    /// A step with more than [`MAX_HINTS`] hints.
    TooManyHints(String),
    /// A required section is absent.
    Missing(Section),
    /// No `[hint …]` section at all.
    NoHints,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            ErrorKind::OutsideSection => f.write_str("text before the first [section]"),
            ErrorKind::UnknownSection(name) => write!(f, "unknown section [{name}]"),
            ErrorKind::BadStep(step) => write!(f, "[hint {step}]: not a step slug"),
            ErrorKind::Repeated(s) => write!(f, "{s} appears twice"),
            ErrorKind::OutOfOrder(s) => write!(f, "{s} is out of order"),
            ErrorKind::Empty(s) => write!(f, "{s} is empty"),
            ErrorKind::OneParagraphOnly(s) => write!(f, "{s} holds one paragraph only"),
            ErrorKind::TooManyHints(step) => {
                write!(f, "step {step} has more than {MAX_HINTS} hints")
            }
            ErrorKind::Missing(s) => write!(f, "{s} is missing"),
            ErrorKind::NoHints => f.write_str("no [hint <step>] section"),
        }
    }
}

impl std::error::Error for TextError {}

/// A section as read, before it is checked.
struct RawSection {
    section: Section,
    line: usize,
    paragraphs: Vec<Paragraph>,
}

impl LessonText {
    /// Parses one lesson file (see the module doc for the format).
    pub fn parse(text: &str) -> Result<LessonText, TextError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut sections: Vec<RawSection> = Vec::new();
        let mut leftovers = Vec::new();
        // The paragraph being read: its first line and its lines.
        let mut open: Option<(usize, Vec<&str>)> = None;
        let mut last_line = 0;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            last_line = line_no;
            let line = raw.trim();
            if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                close_paragraph(&mut open, &mut sections, &mut leftovers);
                let error = |kind| TextError {
                    line: line_no,
                    kind,
                };
                let section = Section::from_header(inner).map_err(error)?;
                if sections.iter().any(|s| s.section == section) {
                    return Err(error(ErrorKind::Repeated(section)));
                }
                if sections
                    .last()
                    .is_some_and(|s| s.section.rank() > section.rank())
                {
                    return Err(error(ErrorKind::OutOfOrder(section)));
                }
                check_done(sections.last())?;
                sections.push(RawSection {
                    section,
                    line: line_no,
                    paragraphs: Vec::new(),
                });
            } else if line.is_empty() {
                close_paragraph(&mut open, &mut sections, &mut leftovers);
            } else if sections.is_empty() {
                return Err(TextError {
                    line: line_no,
                    kind: ErrorKind::OutsideSection,
                });
            } else {
                open.get_or_insert_with(|| (line_no, Vec::new()))
                    .1
                    .push(line);
            }
        }
        close_paragraph(&mut open, &mut sections, &mut leftovers);
        check_done(sections.last())?;
        assemble(sections, leftovers, last_line + 1)
    }

    /// The hints of `step` (empty if the file has none for it).
    pub fn hints_for(&self, step: &str) -> &[Paragraph] {
        self.hints
            .iter()
            .find(|h| h.step == step)
            .map_or(&[], |h| &h.hints)
    }

    /// Every section present, in file order, with its paragraphs.
    pub fn sections(&self) -> Vec<(Section, &[Paragraph])> {
        let mut out: Vec<(Section, &[Paragraph])> = vec![
            (Section::Claim, std::slice::from_ref(&self.claim)),
            (Section::Intro, &self.intro),
            (Section::Goal, std::slice::from_ref(&self.goal)),
        ];
        for h in &self.hints {
            out.push((Section::Hint(h.step.clone()), &h.hints));
        }
        if !self.why_not.is_empty() {
            out.push((Section::WhyNot, &self.why_not));
        }
        out.push((Section::Takeaway, &self.takeaway));
        out
    }
}

/// Ends the paragraph being read, if any, adding it to the last section.
fn close_paragraph(
    open: &mut Option<(usize, Vec<&str>)>,
    sections: &mut [RawSection],
    leftovers: &mut Vec<(usize, Leftover)>,
) {
    let (Some((line, lines)), Some(section)) = (open.take(), sections.last_mut()) else {
        return;
    };
    let parsed = parse_inline(&join_lines(&lines));
    leftovers.extend(parsed.leftovers.into_iter().map(|l| (line, l)));
    section.paragraphs.push(Paragraph {
        line,
        inlines: parsed.inlines,
    });
}

/// The checks a section gets once it is complete.
fn check_done(section: Option<&RawSection>) -> Result<(), TextError> {
    let Some(s) = section else { return Ok(()) };
    let error = |line, kind| Err(TextError { line, kind });
    match (&s.section, s.paragraphs.len()) {
        (section, 0) => error(s.line, ErrorKind::Empty(section.clone())),
        (section @ (Section::Claim | Section::Goal), n) if n > 1 => error(
            s.paragraphs[1].line,
            ErrorKind::OneParagraphOnly(section.clone()),
        ),
        (Section::Hint(step), n) if n > MAX_HINTS => error(
            s.paragraphs[MAX_HINTS].line,
            ErrorKind::TooManyHints(step.clone()),
        ),
        _ => Ok(()),
    }
}

fn assemble(
    sections: Vec<RawSection>,
    leftovers: Vec<(usize, Leftover)>,
    end_line: usize,
) -> Result<LessonText, TextError> {
    let mut claim = None;
    let mut intro = None;
    let mut goal = None;
    let mut hints = Vec::new();
    let mut why_not = Vec::new();
    let mut takeaway = None;
    for s in sections {
        match s.section {
            Section::Claim => claim = s.paragraphs.into_iter().next(),
            Section::Intro => intro = Some(s.paragraphs),
            Section::Goal => goal = s.paragraphs.into_iter().next(),
            Section::Hint(step) => hints.push(StepHints {
                step,
                hints: s.paragraphs,
            }),
            Section::WhyNot => why_not = s.paragraphs,
            Section::Takeaway => takeaway = Some(s.paragraphs),
        }
    }
    let missing = |section| TextError {
        line: end_line,
        kind: ErrorKind::Missing(section),
    };
    let claim = claim.ok_or_else(|| missing(Section::Claim))?;
    let intro = intro.ok_or_else(|| missing(Section::Intro))?;
    let goal = goal.ok_or_else(|| missing(Section::Goal))?;
    if hints.is_empty() {
        return Err(TextError {
            line: end_line,
            kind: ErrorKind::NoHints,
        });
    }
    let takeaway = takeaway.ok_or_else(|| missing(Section::Takeaway))?;
    Ok(LessonText {
        claim,
        intro,
        goal,
        hints,
        why_not,
        takeaway,
        leftovers,
    })
}

/// A paragraph's lines as one string: joined by a space, or directly between two wide
/// non-Hangul characters (CSS Text 3's segment-break rule, simplified).
fn join_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        if let (Some(before), Some(after)) = (out.chars().last(), line.chars().next())
            && !(wide_not_hangul(before) && wide_not_hangul(after))
        {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// CJK ideographs, kana, CJK punctuation and full-width forms.
fn wide_not_hangul(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{303F}'   // CJK radicals, symbols and punctuation
        | '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{31F0}'..='\u{31FF}' // katakana extensions
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF01}'..='\u{FF60}' // full-width forms
        | '\u{FFE0}'..='\u{FFE6}')
}

#[cfg(test)]
mod tests;
