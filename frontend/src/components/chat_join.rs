//! The chat page's Join form: the room (checked with the server's own rule), a display
//! name (empty: "Client n") and how to connect — a WebSocket, polling every P ms, or long
//! polling. Nothing connects until Join is pressed.

use protocol::chat::valid_room;
use yew::prelude::*;

use super::use_lang;
use crate::i18n::Key;
use crate::model::chat::Via;

/// The polling periods offered, ms (the server allows one poll every 50 ms per page).
pub(crate) const POLL_PERIODS: [u32; 4] = [250, 500, 1000, 2000];

#[derive(Properties, PartialEq)]
pub(crate) struct ChatJoinProps {
    pub(crate) room: AttrValue,
    pub(crate) on_room: Callback<String>,
    /// Whether the room may change (no client is in it).
    pub(crate) room_locked: bool,
    /// Whether another client may join (fewer than four on the page).
    pub(crate) can_join: bool,
    /// The number the next default name gets.
    pub(crate) next: usize,
    pub(crate) on_join: Callback<(String, Via)>,
    /// The transport the form opens on (a lesson's preset); a WebSocket without.
    #[prop_or_default]
    pub(crate) via: Option<Via>,
}

/// The `<select>`'s value for `via` (the inverse of [`via_of`]).
fn via_value(via: Via) -> String {
    match via {
        Via::WebSocket => "ws".to_owned(),
        Via::Poll { every_ms } => format!("poll-{every_ms}"),
        Via::LongPoll => "long".to_owned(),
    }
}

fn via_of(value: &str) -> Via {
    match value {
        "long" => Via::LongPoll,
        v => v
            .strip_prefix("poll-")
            .and_then(|ms| ms.parse().ok())
            .map_or(Via::WebSocket, |every_ms| Via::Poll { every_ms }),
    }
}

#[function_component(ChatJoin)]
pub(crate) fn chat_join(props: &ChatJoinProps) -> Html {
    let lang = use_lang();
    let name = use_state(String::new);
    let via = use_state(|| via_value(props.via.unwrap_or(Via::WebSocket)));
    let room_ok = valid_room(&props.room);
    let default_name = lang.tf(Key::chat_default_name, &[("n", &props.next.to_string())]);
    let on_submit = {
        let (name, via, on_join) = (name.clone(), via.clone(), props.on_join.clone());
        let default_name = default_name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let chosen = if name.is_empty() {
                default_name.clone()
            } else {
                (*name).clone()
            };
            on_join.emit((chosen, via_of(&via)));
            name.set(String::new());
        })
    };
    let on_room = props.on_room.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    let on_via = {
        let via = via.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            via.set(select.value());
        })
    };
    let option = |value: String, label: String| {
        let selected = *via == value;
        html! { <option {value} {selected}>{ label }</option> }
    };
    html! {
        <form class="controls" onsubmit={on_submit} novalidate=true>
            <label class={classes!("field", (!room_ok).then_some("field-bad"))}>
                <span>{ lang.t(Key::chat_room) }</span>
                <input type="text" data-test="chat-room" value={props.room.clone()} oninput={on_room}
                    disabled={props.room_locked} aria-invalid={(!room_ok).then_some("true")} />
                if !room_ok {
                    <span class="field-error" data-test="chat-room-error">{ lang.t(Key::chat_room_bad) }</span>
                }
            </label>
            <label class="field">
                <span>{ lang.t(Key::chat_name) }</span>
                <input type="text" data-test="chat-name" value={(*name).clone()}
                    placeholder={default_name} oninput={super::bind_text(&name)} />
            </label>
            <label class="field">
                <span>{ lang.t(Key::chat_via) }</span>
                <select data-test="chat-via" onchange={on_via}>
                    { option("ws".into(), lang.t(Key::chat_via_ws).into()) }
                    { for POLL_PERIODS.iter().map(|ms| option(format!("poll-{ms}"), lang.tf(Key::chat_via_poll, &[("ms", &ms.to_string())]))) }
                    { option("long".into(), lang.t(Key::chat_via_long).into()) }
                </select>
            </label>
            <button class="btn btn-primary" type="submit" data-test="chat-join"
                disabled={!props.can_join || !room_ok}>{ lang.t(Key::chat_join) }</button>
            if !props.can_join {
                <p class="hint" data-test="chat-full">{ lang.t(Key::chat_full) }</p>
            }
        </form>
    }
}
