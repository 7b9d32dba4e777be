//! One chat client as a card: its name and transport (colour and shape of the labs: a
//! round swatch for the WebSocket, a square for polling), where it is, what went wrong,
//! who is here, what its transport cost, a line to say something, and its log.

use std::rc::Rc;

use protocol::chat::ChatTransport;
use yew::prelude::*;

use super::chat_log::{ChatLog, failure_text};
use super::metric::metric;
use super::use_lang;
use crate::format;
use crate::i18n::{Key, Lang};
use crate::model::chat::{ChatClient, Status, Via};

#[derive(Properties, PartialEq)]
pub(crate) struct ChatClientProps {
    pub(crate) client: ChatClient,
    /// Median extra delay against the page's WebSocket clients, and over how many messages.
    pub(crate) later: Option<(f64, usize)>,
    pub(crate) on_say: Callback<(u32, String)>,
    pub(crate) on_leave: Callback<u32>,
    pub(crate) on_remove: Callback<u32>,
}

/// The transport in words.
pub(crate) fn via_text(lang: Lang, via: Via) -> String {
    match via {
        Via::WebSocket => lang.t(Key::chat_badge_ws).to_owned(),
        Via::Poll { every_ms } => lang.tf(Key::chat_badge_poll, &[("ms", &every_ms.to_string())]),
        Via::LongPoll => lang.t(Key::chat_badge_long).to_owned(),
    }
}

#[function_component(ChatClientCard)]
pub(crate) fn chat_client_card(props: &ChatClientProps) -> Html {
    let lang = use_lang();
    // Read at submit, not kept in state: what is in the box is what is sent.
    let input = use_node_ref();
    let c = &props.client;
    let slot = c.slot;
    let (panel, test_via) = match c.via {
        Via::WebSocket => ("panel-ws", "ws"),
        Via::Poll { .. } => ("panel-poll", "poll"),
        Via::LongPoll => ("panel-poll", "long"),
    };
    let (status_key, status_class, shape, status) = match c.status {
        Status::Joining => (Key::chat_status_joining, "st-connecting", "◔", "joining"),
        Status::Joined => (Key::chat_status_joined, "st-open", "●", "joined"),
        Status::Ended => (Key::chat_status_ended, "st-closed", "■", "ended"),
    };
    let on_submit = {
        let (input, on_say) = (input.clone(), props.on_say.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<web_sys::HtmlInputElement>() {
                on_say.emit((slot, el.value()));
                el.set_value("");
            }
        })
    };
    let joined = c.status == Status::Joined;
    let members = c.members.iter().map(|m| {
        let (swatch, via) = match m.via {
            ChatTransport::WebSocket => ("tl-swatch tl-swatch-ws", Key::chat_member_ws),
            ChatTransport::Http => ("tl-swatch tl-swatch-poll", Key::chat_member_http),
        };
        let you = c.you.as_ref().is_some_and(|y| y.id == m.id);
        html! {
            <span class="tl-key" role="listitem">
                <span class={swatch} aria-hidden="true" />
                <strong>{ &m.name }</strong>
                { you.then(|| lang.t(Key::chat_you)) }
                <span class="small">{ lang.t(via) }</span>
            </span>
        }
    });
    let t = &c.traffic;
    let bytes = format!(
        "{} / {}",
        format::bytes(t.bytes_up),
        format::bytes(t.bytes_down)
    );
    let later = props.later.map_or_else(
        || "—".to_owned(),
        |(ms, _)| format!("+{}", format::duration_ms(ms.max(0.0))),
    );
    let figures = if c.via.is_http() {
        html! { <>
            { metric(lang.t(Key::chat_requests), t.requests.to_string(), "chat-requests", false) }
            { metric(lang.t(Key::chat_polls), format!("{} ({})", t.polls, t.empty), "chat-polls", false) }
            { metric(lang.t(Key::chat_later), later, "chat-later", true) }
        </> }
    } else {
        html! {
            { metric(lang.t(Key::chat_frames), format!("{} / {}", t.frames_up, t.frames_down), "chat-frames", false) }
        }
    };
    let swatch = if c.via.is_http() {
        "swatch"
    } else {
        "swatch swatch-ws"
    };
    html! {
        <section class={classes!("panel", panel)} data-test="chat-client" data-slot={slot.to_string()}
            data-via={test_via} data-status={status} aria-label={c.name.clone()}>
            <div class="panel-head">
                <h2><span class={swatch} aria-hidden="true" />{ &c.name }</h2>
                <span class={classes!("state", status_class)} role="status">
                    <span aria-hidden="true">{ shape }</span>{ lang.t(status_key) }
                </span>
            </div>
            <p class="lead">{ via_text(lang, c.via) }{ " · " }<code>{ &c.room }</code></p>
            { for c.failure.as_ref().map(|f| html! {
                <p class="error" role="alert" data-test="chat-error">{ failure_text(lang, f) }</p>
            }) }
            <div class="tl-legend" role="list" aria-label={lang.t(Key::chat_here)} data-test="chat-members">
                { for members }
            </div>
            <div class="metrics">
                { figures }
                { metric(lang.t(Key::chat_bytes), bytes, "chat-bytes", false) }
                { metric(lang.t(Key::chat_received), c.delays.len().to_string(), "chat-received", false) }
                if c.missed > 0 {
                    { metric(lang.t(Key::chat_missed), c.missed.to_string(), "chat-missed", false) }
                }
            </div>
            if c.status == Status::Ended {
                <div class="controls">
                    <button class="btn" type="button" data-test="chat-remove"
                        onclick={props.on_remove.reform(move |_| slot)}>{ lang.t(Key::chat_remove) }</button>
                </div>
            } else {
                <form class="controls" onsubmit={on_submit}>
                    <label class="field">
                        <span>{ lang.t(Key::chat_message) }</span>
                        <input type="text" data-test="chat-text" ref={input} disabled={!joined} />
                    </label>
                    <button class="btn btn-primary" type="submit" data-test="chat-send"
                        disabled={!joined}>{ lang.t(Key::chat_send) }</button>
                    <button class="btn" type="button" data-test="chat-leave"
                        onclick={props.on_leave.reform(move |_| slot)}>{ lang.t(Key::chat_leave) }</button>
                </form>
            }
            <ChatLog log={Rc::clone(&c.log)} room={c.room.clone()} />
        </section>
    }
}
