//! With feature `embed-dist`, the built page (`../dist`) is compiled into the binary
//! (`src/site/embedded.rs`): rebuild when any file in it changes, appears or goes (a
//! proc macro cannot tell cargo to watch a folder; a build script can).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_EMBED_DIST").is_some() {
        println!("cargo:rerun-if-changed=../dist");
    }
}
