//! The WebSocket message log: one line per frame or lifecycle event, newest at the top.
//! Direction is drawn: → page to server, ← a reply, ⇠ a push nobody asked for (its own
//! mark and colour), • an event. It can be filtered by direction.

use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use super::use_lang;
use crate::format;
use crate::i18n::{Key, Lang, clean_key, closed_by_key};
use crate::model::ws_session::{Command, Dir, LogEntry, LogKind};

/// Lines drawn at most (the session keeps more; drawing fewer keeps the page quick).
const SHOWN: usize = 150;

#[derive(Properties, PartialEq)]
pub(crate) struct MessageLogProps {
    pub(crate) log: Rc<VecDeque<LogEntry>>,
    /// Only lines going this way (all when `None`).
    #[prop_or_default]
    pub(crate) only: Option<Dir>,
}

#[function_component(MessageLog)]
pub(crate) fn message_log(props: &MessageLogProps) -> Html {
    let lang = use_lang();
    let lines: Vec<&LogEntry> = props
        .log
        .iter()
        .rev()
        .filter(|e| props.only.is_none_or(|d| d == e.dir))
        .take(SHOWN)
        .collect();
    if lines.is_empty() {
        return html! { <p class="empty" data-test="ws-log-empty">{ lang.t(Key::ws_log_empty) }</p> };
    }
    html! {
        <ol class="log" data-test="ws-log" aria-live="polite" tabindex="0">
            { for lines.into_iter().map(|e| line(lang, e)) }
        </ol>
    }
}

fn ms(v: f64) -> String {
    format::duration_ms(v)
}

fn text(lang: Lang, kind: &LogKind) -> String {
    use LogKind as K;
    match kind {
        K::Connecting => lang.t(Key::ws_ev_connecting).to_owned(),
        K::Opened { handshake_ms } => lang.tf(Key::ws_ev_open, &[("ms", &ms(*handshake_ms))]),
        K::Welcome {
            session,
            subprotocol,
        } => {
            let mut t = lang.tf(Key::ws_ev_welcome, &[("session", &session.to_string())]);
            if let Some(p) = subprotocol {
                t.push_str(" · ");
                t.push_str(&lang.tf(Key::ws_ev_subprotocol, &[("name", p)]));
            }
            t
        }
        K::SentText { seq, .. } | K::Echo { seq, .. } => {
            let mut t = lang.tf(Key::ws_msg_echo, &[("seq", &seq.to_string())]);
            if let K::Echo { server_read, .. } = kind {
                t.push_str(" · ");
                t.push_str(&lang.tf(
                    Key::ws_server_read,
                    &[("bytes", &format::bytes(*server_read))],
                ));
            }
            t
        }
        K::SentBinary { .. } => lang.t(Key::ws_msg_binary).to_owned(),
        K::BinaryEcho { server_read, .. } => {
            let mut t = lang.t(Key::ws_msg_binary_echo).to_owned();
            if let Some(read) = server_read {
                t.push_str(" · ");
                t.push_str(&lang.tf(Key::ws_server_read, &[("bytes", &format::bytes(*read))]));
            }
            t
        }
        K::Push {
            n,
            count,
            one_way_ms,
        } => {
            let mut t = lang.tf(
                Key::ws_msg_push,
                &[("n", &n.to_string()), ("count", &count.to_string())],
            );
            if let Some(d) = one_way_ms {
                t.push_str(" · ");
                t.push_str(&lang.tf(Key::ws_one_way, &[("ms", &ms(d.max(0.0)))]));
            }
            t
        }
        K::TickerDone { sent, stopped } => lang.tf(
            if *stopped {
                Key::ws_ticker_stopped
            } else {
                Key::ws_ticker_done
            },
            &[("sent", &sent.to_string())],
        ),
        K::PingRtt { ms: rtt } => lang.tf(Key::ws_ev_ping, &[("ms", &ms(*rtt))]),
        K::ClockOffset {
            offset_ms,
            uncertainty_ms,
        } => lang.tf(
            Key::ws_ev_clock,
            &[
                ("offset", &format!("{offset_ms:+.3} ms")),
                ("plusminus", &ms(*uncertainty_ms)),
            ],
        ),
        K::ServerError { message } => {
            format!("{} ({message})", lang.t(Key::err_ws_server))
        }
        K::Command { what } => match what {
            Command::StartTicker => lang.t(Key::ws_cmd_ticker).to_owned(),
            Command::StopTicker => lang.t(Key::ws_cmd_stop_ticker).to_owned(),
            Command::SetPing(0) => lang.t(Key::ws_cmd_ping_off).to_owned(),
            Command::SetPing(i) => lang.tf(Key::ws_cmd_ping, &[("ms", &i.to_string())]),
            Command::AskServerClose(code) => {
                lang.tf(Key::ws_cmd_server_close, &[("code", &code.to_string())])
            }
            Command::AskServerDrop => lang.t(Key::ws_cmd_drop).to_owned(),
        },
        K::Closing { code } => lang.tf(Key::ws_ev_closing, &[("code", &code.to_string())]),
        K::Closed {
            code,
            reason,
            clean,
            by,
        } => {
            let clean = lang.t(clean_key(*clean));
            let by = lang.t(closed_by_key(*by));
            format!(
                "{} · {by}",
                lang.tf(
                    Key::ws_ev_closed,
                    &[
                        ("code", &code.to_string()),
                        ("reason", reason),
                        ("clean", clean)
                    ],
                )
            )
        }
        K::OpenFailed { detail } => lang.tf(Key::err_ws_open, &[("detail", detail)]),
        K::Reconnecting { in_ms } => lang.tf(
            Key::ws_ev_reconnecting,
            &[("s", &format!("{:.1}", f64::from(*in_ms) / 1000.0))],
        ),
    }
}

fn line(lang: Lang, entry: &LogEntry) -> Html {
    let (dir, arrow, label) = match entry.dir {
        Dir::Sent => ("out", "→", Key::ws_dir_sent),
        Dir::Reply => ("in", "←", Key::ws_dir_received),
        Dir::Push => ("push", "⇠", Key::ws_dir_push),
        Dir::Event => ("ev", "•", Key::ws_dir_event),
    };
    let rtt = match entry.kind {
        LogKind::Echo { rtt_ms, .. } | LogKind::BinaryEcho { rtt_ms, .. } => rtt_ms,
        _ => None,
    };
    let size = match (entry.payload_bytes, entry.frame_bytes) {
        (Some(p), Some(f)) => lang.tf(
            Key::ws_sizes,
            &[("payload", &format::bytes(p)), ("frame", &format::bytes(f))],
        ),
        _ => String::new(),
    };
    let dir_label = lang.t(label);
    html! {
        <li class={classes!("log-line", format!("dir-{dir}"))} data-dir={dir}>
            <span class="log-time num">{ format!("+{}", ms(entry.at_ms)) }</span>
            <span class="log-arrow" title={dir_label} aria-label={dir_label}>{ arrow }</span>
            <span class="log-text">{ text(lang, &entry.kind) }</span>
            <span class="log-bytes num">{ size }</span>
            <span class="log-rtt num" data-test={rtt.map(|_| "ws-rtt")}>
                { rtt.map(|r| format!("{} {}", lang.t(Key::ws_rtt), ms(r))).unwrap_or_default() }
            </span>
        </li>
    }
}
