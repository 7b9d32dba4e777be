//! The bundle for lessons 5, 6, 9 and 10 (`/learn/…`): one of the page's wasm binaries, built by Trunk
//! (`protocol::pages::Bundle`, `frontend/src/bundles.rs`).

fn main() {
    frontend::start::<frontend::bundles::LearnWs>();
}
