//! An embed's frame (`/embed/…`, issue 11): a slim bar — the name, the clock's resolution
//! in this frame, "Open in Duplex ↗" with the same settings — around the widget; and,
//! until the reader presses start, a start screen that says what the widget shows and
//! that nothing connects before the press (a blog page must not open sockets on load).
//!
//! A plain function (see `header.rs`): it keeps no state; `app.rs` holds "started".

use protocol::pages::{Place, Widget};
use yew::prelude::*;

use crate::i18n::{Key, Lang};
use crate::model::lesson::{LessonId, text};

/// What the frame needs.
pub(crate) struct EmbedFrame {
    pub(crate) place: Place,
    /// The full page with the same query (settings, `lang`).
    pub(crate) full_href: String,
    /// Whether this frame is cross-origin isolated (5 µs clock) or not (100 µs).
    pub(crate) isolated: bool,
    /// Whether the reader has pressed start.
    pub(crate) started: bool,
    pub(crate) on_start: Callback<MouseEvent>,
}

/// A widget's title and one-line lead (the start screen, "Embed this").
pub(crate) fn words(place: Place) -> (Key, Key) {
    match place {
        Place::Embed(Widget::Http) => (Key::http_title, Key::http_lead),
        Place::Embed(Widget::Ws) => (Key::ws_title, Key::ws_lead),
        Place::Embed(Widget::LabHttp) => (Key::lab_title, Key::lab_lead),
        Place::Embed(Widget::LabWs) => (Key::ws_lab_title, Key::ws_lab_lead),
        Place::Embed(Widget::Race) => (Key::cmp_race_title, Key::cmp_race_lead),
        Place::Embed(Widget::Feed) => (Key::cmp_feed_title, Key::cmp_feed_lead),
        Place::Embed(Widget::Chat) => (Key::chat_title, Key::chat_lead),
        Place::EmbedLesson(slug) => (
            LessonId::from_slug(slug).map_or(Key::learn_title, text::title),
            Key::learn_lead,
        ),
        _ => (Key::nf_title, Key::app_tagline),
    }
}

/// The frame around `widget` (drawn only once started).
pub(crate) fn embed_frame(lang: Lang, f: &EmbedFrame, widget: Html) -> Html {
    let (title, lead) = words(f.place);
    let clock = if f.isolated {
        Key::cmp_timer_isolated
    } else {
        Key::embed_timer_coarse
    };
    html! {
        <div class="embed" data-test="embed">
            <div class="embed-bar">
                <span class="embed-brand"><span class="logo" aria-hidden="true">{ "⇄" }</span>{ "Duplex" }</span>
                <a class="embed-open" href={f.full_href.clone()} target="_blank" rel="noopener"
                   data-test="embed-open">{ lang.t(Key::embed_open) }</a>
            </div>
            if f.started {
                { widget }
                <p class="hint embed-clock" data-test="timer-note" data-isolated={f.isolated.to_string()}>
                    { lang.t(clock) }
                </p>
            } else {
                <section class="panel panel-neutral embed-start" aria-labelledby="embed-title">
                    <h2 id="embed-title">{ lang.t(title) }</h2>
                    <p class="lead">{ lang.t(lead) }</p>
                    <button class="btn btn-primary" onclick={f.on_start.clone()} data-test="embed-start">
                        { lang.t(Key::embed_start) }
                    </button>
                    <p class="hint">{ lang.t(Key::embed_start_note) }</p>
                </section>
            }
        </div>
    }
}
