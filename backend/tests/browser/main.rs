//! Headless-Chromium tests of the built page against the real server on 127.0.0.1:0, one
//! module per page plus the checks that span pages (glyphs, accessibility, screenshots).
//! Run by `cargo xtask test`, which builds `dist/` and installs Chromium, chromedriver, a
//! CJK font and axe-core first (feature `browser-tests`).
//!
//! Add a test: put it in the page's module, start from `harness::Browser` (`start`,
//! `open_*`, `click`, `set_input`, `wait_text`, `wait_attr`), and wait on conditions with
//! `harness::wait_for` — never a fixed sleep.

#[path = "../common/mod.rs"]
mod common;
mod harness;
mod stage;

mod a11y;
mod cards;
mod chat;
mod compare;
mod embed;
mod fonts;
mod home;
mod http_lab;
mod learn;
mod navigation;
mod screenshots;
mod shell;
mod ws_lab;
