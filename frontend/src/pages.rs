//! Pages: call hooks, hand their state to components.

pub(crate) mod home;
