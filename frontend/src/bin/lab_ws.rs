//! The bundle for the WebSocket lab, `/lab/ws`: one of the page's wasm binaries, built by Trunk
//! (`protocol::pages::Bundle`, `frontend/src/bundles.rs`).

fn main() {
    frontend::start::<frontend::bundles::WsLab>();
}
