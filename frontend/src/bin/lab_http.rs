//! The bundle for the HTTP lab, `/lab/http`: one of the page's wasm binaries, built by Trunk
//! (`protocol::pages::Bundle`, `frontend/src/bundles.rs`).

fn main() {
    frontend::start::<frontend::bundles::HttpLab>();
}
