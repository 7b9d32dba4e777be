//! The fan-out of each message, newest first: who said it and how long it took to reach
//! the server (below the message, so the table fits 360 px), then every client of the page that got it, as a bar from the moment the
//! server read it — a push (⇠, WebSocket) is a sliver, a poll (←) waits for its next
//! request. Bars share one scale per message; the numbers are beside them.

use std::rc::Rc;

use yew::prelude::*;

use super::use_lang;
use crate::format;
use crate::i18n::Key;
use crate::model::chat::{ChatRoom, FanOut, Via};

#[derive(Properties, PartialEq)]
pub(crate) struct ChatFanoutProps {
    pub(crate) room: Rc<ChatRoom>,
}

#[function_component(ChatFanout)]
pub(crate) fn chat_fanout(props: &ChatFanoutProps) -> Html {
    let lang = use_lang();
    let room = &props.room;
    if room.fanout.is_empty() {
        return html! { <p class="empty" data-test="chat-fanout-empty">{ lang.t(Key::chat_fanout_empty) }</p> };
    }
    let name = |slot: u32| {
        room.client(slot)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| format!("#{slot}"))
    };
    let ms = |d: Option<f64>| d.map_or_else(|| "—".to_owned(), |d| format::duration_ms(d.max(0.0)));
    let row = |f: &FanOut| {
        let longest = f
            .arrivals
            .iter()
            .filter_map(|a| a.delay_ms)
            .fold(0.0_f64, f64::max);
        let sender = f.sender.map_or_else(
            || "—".to_owned(),
            |(slot, up)| format!("{} → {}", name(slot), ms(up)),
        );
        let arrivals = f.arrivals.iter().map(|a| {
            let (dir, arrow, label) = match a.via {
                Via::WebSocket => ("push", "⇠", Key::ws_dir_push),
                _ => ("in", "←", Key::ws_dir_received),
            };
            let width = match (a.delay_ms, longest > 0.0) {
                (Some(d), true) => (d.max(0.0) / longest * 100.0).max(1.0),
                _ => 1.0,
            };
            html! {
                <div class={classes!("chat-arr", format!("dir-{dir}"))} data-test="chat-arrival" data-via={dir}>
                    <span class="log-arrow" title={lang.t(label)} aria-label={lang.t(label)}>{ arrow }</span>
                    <span>{ name(a.slot) }</span>
                    <span class="chat-bar" style={format!("width:{width:.1}%")} aria-hidden="true" />
                    <span class="num">{ format!("+{}", ms(a.delay_ms)) }</span>
                </div>
            }
        });
        html! {
            <tr data-test="chat-fanout-row" data-seq={f.seq.to_string()}>
                <td>
                    <span class="num">{ format!("#{} ", f.seq) }</span><strong>{ &f.name }</strong>{ " " }{ &f.text }
                    <div class="small num" data-test="chat-sender">{ sender }</div>
                </td>
                <td>{ for arrivals }</td>
            </tr>
        }
    };
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="history" data-test="chat-fanout">
                <thead><tr>
                    <th scope="col">{ lang.t(Key::chat_col_message) }<div class="small">{ lang.t(Key::chat_col_sent) }</div></th>
                    <th scope="col">{ lang.t(Key::chat_col_arrivals) }</th>
                </tr></thead>
                <tbody>{ for room.fanout.iter().rev().map(row) }</tbody>
            </table>
        </div>
    }
}
