//! One chat client's log, newest at the top, in the message log's visual language
//! (`message_log.rs`'s classes): → said, ⇠ pushed by the server over the WebSocket, ← the
//! answer to a poll, ↻ polls that came back empty (one line, counted up), • an event.
//! Also the words for every [`Failure`] the chat page shows.

use std::collections::VecDeque;
use std::rc::Rc;

use protocol::chat::{
    CHAT_MAX_MESSAGE_BYTES, CHAT_MESSAGES_PER_SECOND, ChatErrorCode, TextProblem,
};
use yew::prelude::*;

use super::use_lang;
use crate::format;
use crate::i18n::{Key, Lang, error_key};
use crate::model::chat::Failure;
use crate::model::chat::client::{Change, Line, LineKind};
use crate::model::fetch::FetchError;
use crate::model::ws_session::Dir;

/// Lines drawn at most.
const SHOWN: usize = 120;

/// What `failure` means, in the reader's language.
pub(crate) fn failure_text(lang: Lang, failure: &Failure) -> String {
    match failure {
        Failure::Name(_) => lang.t(Key::err_bad_name).to_owned(),
        Failure::Text(TextProblem::Empty) => lang.t(Key::err_empty_message).to_owned(),
        Failure::Text(TextProblem::TooLong) | Failure::InBand(ChatErrorCode::TooLong) => lang.tf(
            Key::chat_err_too_long,
            &[("max", &CHAT_MAX_MESSAGE_BYTES.to_string())],
        ),
        Failure::InBand(ChatErrorCode::Empty) => lang.t(Key::err_empty_message).to_owned(),
        Failure::InBand(ChatErrorCode::RateLimited) => lang.tf(
            Key::chat_err_in_rate,
            &[("n", &CHAT_MESSAGES_PER_SECOND.to_string())],
        ),
        Failure::InBand(ChatErrorCode::MalformedMessage) => {
            lang.t(Key::chat_err_in_malformed).to_owned()
        }
        Failure::Fetch(FetchError::Refused(body)) => lang.t(error_key(body.code)).to_owned(),
        Failure::Fetch(FetchError::Unexpected) => lang.tf(Key::err_unexpected, &[("status", "—")]),
        Failure::Fetch(FetchError::Network) => lang.t(Key::err_network).to_owned(),
        Failure::WsRefused => lang.t(Key::chat_err_ws_refused).to_owned(),
        Failure::Closed { code, reason } => lang.tf(
            Key::chat_err_closed,
            &[("code", &code.to_string()), ("reason", reason)],
        ),
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct ChatLogProps {
    pub(crate) log: Rc<VecDeque<Line>>,
    pub(crate) room: AttrValue,
}

#[function_component(ChatLog)]
pub(crate) fn chat_log(props: &ChatLogProps) -> Html {
    let lang = use_lang();
    let lines = props.log.iter().rev().take(SHOWN);
    html! {
        <ol class="log" data-test="chat-log" aria-live="polite" tabindex="0">
            { for lines.map(|l| line(lang, l, &props.room)) }
        </ol>
    }
}

fn text(lang: Lang, kind: &LineKind, room: &str) -> Html {
    use LineKind as K;
    let t = |key: Key, args: &[(&str, &str)]| html! { { lang.tf(key, args) } };
    match kind {
        K::Joining => t(Key::chat_ev_joining, &[("room", room)]),
        K::Welcome { members, history } => t(
            Key::chat_ev_welcome,
            &[
                ("room", room),
                ("members", &members.to_string()),
                ("history", &history.to_string()),
            ],
        ),
        K::History { name, text } => t(Key::chat_ev_history, &[("name", name), ("text", text)]),
        K::Said { text } => t(Key::chat_ev_said, &[("text", text)]),
        K::Message {
            name, text, mine, ..
        } => {
            if *mine {
                t(Key::chat_ev_mine, &[("text", text)])
            } else {
                html! { <><strong>{ name }</strong>{ " " }{ text }</> }
            }
        }
        K::Presence { name, change, .. } => {
            let key = match change {
                Change::Joined => Key::chat_ev_joined,
                Change::Left => Key::chat_ev_left,
                Change::Dropped => Key::chat_ev_dropped,
            };
            t(key, &[("name", name)])
        }
        K::Missed { count } => t(Key::chat_ev_missed, &[("count", &count.to_string())]),
        K::EmptyPolls { count } => html! { { lang.plural(Key::chat_ev_empty, *count, &[]) } },
        K::Failed(f) => html! { <span class="error">{ failure_text(lang, f) }</span> },
        K::Closed { code, reason, .. } => t(
            Key::chat_ev_closed,
            &[("code", &code.to_string()), ("reason", reason)],
        ),
        K::Left => t(Key::chat_ev_left_room, &[]),
    }
}

fn line(lang: Lang, l: &Line, room: &str) -> Html {
    let empty = matches!(l.kind, LineKind::EmptyPolls { .. });
    let (dir, arrow, label) = match l.dir {
        _ if empty => ("ev", "↻", Key::ws_dir_event),
        Dir::Sent => ("out", "→", Key::ws_dir_sent),
        Dir::Reply => ("in", "←", Key::ws_dir_received),
        Dir::Push => ("push", "⇠", Key::ws_dir_push),
        Dir::Event => ("ev", "•", Key::ws_dir_event),
    };
    let kind = match l.kind {
        LineKind::Message { .. } => "message",
        LineKind::Presence { .. } => "presence",
        LineKind::EmptyPolls { .. } => "empty",
        LineKind::Failed(_) => "error",
        _ => "other",
    };
    let delay = l
        .delay_ms
        .map(|d| lang.tf(Key::chat_after, &[("ms", &format::duration_ms(d.max(0.0)))]));
    let dir_label = lang.t(label);
    html! {
        <li class={classes!("log-line", format!("dir-{dir}"))} data-dir={dir} data-kind={kind}>
            <span class="log-time num">{ format!("+{}", format::duration_ms(l.at_ms)) }</span>
            <span class="log-arrow" title={dir_label} aria-label={dir_label}>{ arrow }</span>
            <span class="log-text">{ text(lang, &l.kind, room) }</span>
            <span class="log-rtt num" data-test={delay.as_ref().map(|_| "chat-delay")}>{ delay.unwrap_or_default() }</span>
        </li>
    }
}
