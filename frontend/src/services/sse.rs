//! Server-Sent Events through the browser's `EventSource`: each message's data with the
//! `performance.now()` it arrived at, the stream's `end` event, and errors. Dropping the
//! stream closes it (an `EventSource` would otherwise reconnect on its own).

use protocol::compare::SSE_END_EVENT;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::Callback;

use crate::clock::now_ms;

/// What the stream reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SseEvent {
    Message {
        data: String,
        at: f64,
    },
    /// The server's last event: the feed is over.
    End,
    /// The connection failed or dropped (the browser would retry; the page closes).
    Error,
}

/// An open event stream.
pub(crate) struct EventStream {
    source: web_sys::EventSource,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_end: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl EventStream {
    /// Opens `path` on the page's origin.
    pub(crate) fn open(path: &str, on_event: Callback<SseEvent>) -> Option<Self> {
        let url = super::origin() + path;
        let source = web_sys::EventSource::new(&url).ok()?;
        let cb = on_event.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let at = now_ms();
                let data = e.data().as_string().unwrap_or_default();
                cb.emit(SseEvent::Message { data, at });
            });
        let cb = on_event.clone();
        let on_end =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| cb.emit(SseEvent::End));
        let on_error =
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_event.emit(SseEvent::Error));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let _ =
            source.add_event_listener_with_callback(SSE_END_EVENT, on_end.as_ref().unchecked_ref());
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Self {
            source,
            _on_message: on_message,
            _on_end: on_end,
            _on_error: on_error,
        })
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.source.set_onmessage(None);
        self.source.set_onerror(None);
        self.source.close();
    }
}
