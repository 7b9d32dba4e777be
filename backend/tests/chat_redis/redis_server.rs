//! A real `redis-server` for one test: on a unix socket in a temporary folder (no TCP
//! port to pick or collide on), without persistence, killed when dropped. Where it is comes
//! from `DUPLEX_REDIS_SERVER` (`cargo xtask test` sets it after installing it) or Debian's
//! `/usr/bin/redis-server`; a missing one fails the test, with how to install it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct RedisServer {
    child: Option<Child>,
    socket: PathBuf,
    dir: tempfile::TempDir,
}

fn program() -> PathBuf {
    let path = std::env::var_os("DUPLEX_REDIS_SERVER")
        .map_or_else(|| PathBuf::from("/usr/bin/redis-server"), PathBuf::from);
    assert!(
        path.is_file(),
        "no redis-server at {}: `cargo xtask chat-redis` installs it (apt-get install \
         redis-server) and runs these tests",
        path.display()
    );
    path
}

impl RedisServer {
    pub(crate) fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("redis.sock");
        let mut server = Self {
            child: None,
            socket,
            dir,
        };
        server.restart();
        server
    }

    /// `redis+unix://…`, what `--chat-redis` takes.
    pub(crate) fn url(&self) -> String {
        format!("redis+unix://{}", self.socket.display())
    }

    /// Starts it (again, after [`RedisServer::kill`]) and waits until it answers.
    pub(crate) fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        let _ = std::fs::remove_file(&self.socket);
        let child = Command::new(program())
            .args(["--port", "0", "--unixsocket"])
            .arg(&self.socket)
            .args([
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--dir"])
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        wait_until_it_answers(&self.socket);
    }

    /// Writes its data to disk now (`SAVE`): the next [`RedisServer::restart`] loads it,
    /// as a Redis with persistence would come back.
    pub(crate) fn save(&self) {
        assert_eq!(command(&self.socket, b"SAVE\r\n", 5), b"+OK\r\n");
    }

    /// Kills it at once (SIGKILL: no goodbye to its clients) and waits for it.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One inline command on the socket and the first `len` bytes of its answer (empty if it
/// could not be sent or read).
fn command(socket: &Path, line: &[u8], len: usize) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut buf = vec![0u8; len];
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(socket) else {
        return Vec::new();
    };
    if s.write_all(line).is_ok() && s.read_exact(&mut buf).is_ok() {
        buf
    } else {
        Vec::new()
    }
}

/// Polls the socket with a `PING` until `+PONG` (at most 10 s).
fn wait_until_it_answers(socket: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while command(socket, b"PING\r\n", 7) != b"+PONG\r\n" {
        assert!(Instant::now() < deadline, "redis-server answered in time");
        std::thread::sleep(Duration::from_millis(10));
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
