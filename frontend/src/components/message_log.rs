//! The WebSocket message log: one line per frame or lifecycle event, newest at the top,
//! direction drawn as an arrow.

use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use super::use_lang;
use crate::format;
use crate::hooks::use_websocket::{LogEntry, LogKind};
use crate::i18n::{Key, Lang};

#[derive(Properties, PartialEq)]
pub(crate) struct MessageLogProps {
    pub(crate) log: Rc<VecDeque<LogEntry>>,
}

#[function_component(MessageLog)]
pub(crate) fn message_log(props: &MessageLogProps) -> Html {
    let lang = use_lang();
    if props.log.is_empty() {
        return html! { <p class="empty">{ lang.t(Key::ws_log_empty) }</p> };
    }
    html! {
        <ol class="log" data-test="ws-log" aria-live="polite">
            { for props.log.iter().rev().map(|e| line(lang, e)) }
        </ol>
    }
}

fn line(lang: Lang, entry: &LogEntry) -> Html {
    use LogKind as K;
    let (dir, arrow, text, bytes, rtt) = match &entry.kind {
        K::Sent { seq, bytes } => ("out", "→", echo(lang, *seq), Some(*bytes), None),
        K::Echo { seq, bytes, rtt_ms } => ("in", "←", echo(lang, *seq), Some(*bytes), *rtt_ms),
        K::Welcome { session } => (
            "in",
            "←",
            lang.tf(Key::ws_ev_welcome, &[("session", &session.to_string())]),
            None,
            None,
        ),
        K::ServerError => ("in", "←", lang.t(Key::err_ws_server).to_owned(), None, None),
        K::Binary { bytes } => (
            "in",
            "←",
            lang.t(Key::ws_msg_binary).to_owned(),
            Some(*bytes),
            None,
        ),
        K::Connecting => (
            "ev",
            "•",
            lang.t(Key::ws_ev_connecting).to_owned(),
            None,
            None,
        ),
        K::Opened { handshake_ms } => (
            "ev",
            "•",
            lang.tf(
                Key::ws_ev_open,
                &[("ms", &format::duration_ms(*handshake_ms))],
            ),
            None,
            None,
        ),
        K::Closing { code } => (
            "ev",
            "•",
            lang.tf(Key::ws_ev_closing, &[("code", &code.to_string())]),
            None,
            None,
        ),
        K::Closed {
            code,
            reason,
            clean,
        } => (
            "ev",
            "•",
            lang.tf(
                Key::ws_ev_closed,
                &[
                    ("code", &code.to_string()),
                    ("reason", reason),
                    (
                        "clean",
                        lang.t(if *clean {
                            Key::ws_clean_yes
                        } else {
                            Key::ws_clean_no
                        }),
                    ),
                ],
            ),
            None,
            None,
        ),
        K::OpenFailed { detail } => (
            "ev",
            "!",
            lang.tf(Key::err_ws_open, &[("detail", detail)]),
            None,
            None,
        ),
    };
    let dir_label = match dir {
        "out" => lang.t(Key::ws_dir_sent),
        "in" => lang.t(Key::ws_dir_received),
        _ => lang.t(Key::ws_dir_event),
    };
    html! {
        <li class={classes!("log-line", format!("dir-{dir}"))} data-dir={dir}>
            <span class="log-time num">{ format!("+{}", format::duration_ms(entry.at_ms)) }</span>
            <span class="log-arrow" title={dir_label} aria-label={dir_label}>{ arrow }</span>
            <span class="log-text">{ text }</span>
            <span class="log-bytes num">{ bytes.map(|b| format::bytes(b as u64)).unwrap_or_default() }</span>
            <span class="log-rtt num" data-test={rtt.map(|_| "ws-rtt")}>
                { rtt.map(|r| format!("{} {}", lang.t(Key::ws_rtt), format::duration_ms(r))).unwrap_or_default() }
            </span>
        </li>
    }
}

fn echo(lang: Lang, seq: u64) -> String {
    lang.tf(Key::ws_msg_echo, &[("seq", &seq.to_string())])
}
