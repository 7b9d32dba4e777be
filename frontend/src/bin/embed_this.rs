//! The bundle for "Embed this", `/embed-this/…`: one of the page's wasm binaries, built by
//! Trunk (`protocol::pages::Bundle`, `frontend/src/bundles.rs`).

fn main() {
    frontend::start::<frontend::bundles::EmbedThis>();
}
