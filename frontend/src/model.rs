//! View state: the page's pure types and reducers (`struct` + `Action` + `Reducible`),
//! shared by `hooks` (which fill them from the network) and `components` (which draw
//! them). Nothing here touches the browser or the network, so every module tests
//! natively.
//!
//! Pure helpers that hold no state (`crate::stats`, `crate::format`) sit beside this
//! module rather than in it: they are arithmetic and text, used by models and components
//! alike.

pub mod basics;
pub mod chat;
pub mod clock;
pub mod compare;
pub mod echo;
pub mod embed;
pub mod feed;
pub mod fetch;
pub mod lab;
pub mod lab_log;
pub mod lesson;
pub mod lesson_text;
pub mod observed;
pub(crate) mod observer;
pub mod race;
pub mod sessions;
pub(crate) mod websocket;
pub mod ws_log;
pub mod ws_session;
pub mod ws_settings;
