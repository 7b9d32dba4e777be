//! The chat page: one room, up to four clients side by side — WebSocket members the
//! server pushes to, HTTP members that poll — and the fan-out of every message, so a
//! reader watches a message leave one client, arrive at once where it is pushed, and wait
//! for the next request where it is polled. Nothing connects before Join.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::chat_client::ChatClientCard;
use crate::components::chat_fanout::ChatFanout;
use crate::components::chat_join::ChatJoin;
use crate::components::use_lang;
use crate::format;
use crate::hooks::use_chat::{DEFAULT_ROOM, UseChatHandle, use_chat};
use crate::hooks::use_client_key::use_client_key;
use crate::i18n::{Key, Lang};
use crate::model::chat::{MAX_CLIENTS, Via};

#[function_component(Chat)]
pub(crate) fn chat() -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let chat = use_chat(key, DEFAULT_ROOM);
    view(lang, &chat, None)
}

/// The room itself, for the chat page and for a lesson (`via`: the transport its Join
/// form opens on).
pub(crate) fn view(lang: Lang, chat: &UseChatHandle, via: Option<Via>) -> Html {
    let s = &chat.state;
    let live = s.live();
    let clock = s.clock.map_or_else(
        || lang.t(Key::chat_clock_none).to_owned(),
        |c| {
            lang.tf(
                Key::chat_clock,
                &[
                    ("offset", &format!("{:+.3} ms", c.offset_us / 1000.0)),
                    ("plusminus", &format::duration_ms(c.uncertainty_us / 1000.0)),
                ],
            )
        },
    );
    let cards = s.clients.iter().map(|c| {
        html! {
            <ChatClientCard key={c.slot} client={c.clone()} later={s.later_than_ws(c.slot)}
                on_say={chat.say.clone()} on_leave={chat.leave.clone()} on_remove={chat.remove.clone()} />
        }
    });
    html! {
        <main class="lab">
            <section class="panel panel-ws" aria-labelledby="chat-title">
                <h2 id="chat-title"><span class="swatch swatch-ws" aria-hidden="true" />{ lang.t(Key::chat_title) }</h2>
                <p class="lead">{ lang.t(Key::chat_lead) }</p>
                <ChatJoin room={chat.room.clone()} on_room={chat.set_room.clone()} room_locked={live > 0}
                    can_join={live < MAX_CLIENTS} next={s.clients.len() + 1} on_join={chat.join.clone()} {via} />
                <p class="hint" data-test="chat-clock">{ clock }</p>
                <p class="hint">{ lang.t(Key::chat_room_note) }</p>
            </section>
            if !s.clients.is_empty() {
                <div class="chat-clients" data-test="chat-clients">{ for cards }</div>
            }
            <section class="panel panel-neutral" aria-labelledby="chat-fanout">
                <h2 id="chat-fanout">{ lang.t(Key::chat_fanout) }</h2>
                <p class="lead">{ lang.t(Key::chat_fanout_lead) }</p>
                <ChatFanout room={Rc::clone(s)} />
                <p class="hint">{ lang.t(Key::chat_bytes_note) }</p>
            </section>
        </main>
    }
}
