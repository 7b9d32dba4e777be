//! The bundle for lessons 7 and 8 (`/learn/…`): one of the page's wasm binaries, built by Trunk
//! (`protocol::pages::Bundle`, `frontend/src/bundles.rs`).

fn main() {
    frontend::start::<frontend::bundles::LearnCompare>();
}
