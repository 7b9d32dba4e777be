//! Pages: call hooks, hand their state to components.

pub(crate) mod chat;
pub(crate) mod compare;
pub(crate) mod embed_this;
pub(crate) mod home;
pub(crate) mod http_lab;
pub(crate) mod learn;
pub(crate) mod lesson;
pub(crate) mod not_found;
pub(crate) mod ws_lab;
