//! The workspace's `backend` binary as a child process for the tasks that need a real
//! server (`conformance.rs`, `soak.rs`, `onefile.rs`): started on 127.0.0.1 port 0 with a
//! given `dist/` (or none: the page compiled into the binary),
//! its address read from the line it prints, stopped with SIGTERM (as Ctrl-C) and killed
//! only if it does not exit in time — also when dropped, however a run ends.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The longest the server may take to print its address.
const START_WAIT: Duration = Duration::from_secs(60);
/// The longest the server may take to stop after SIGTERM.
const STOP_WAIT: Duration = Duration::from_secs(15);

/// The backend on 127.0.0.1 port 0, stopped when dropped.
pub(crate) struct Server {
    child: Option<Child>,
    /// `127.0.0.1:PORT`.
    pub(crate) addr: String,
    /// Its process id.
    pub(crate) pid: u32,
}

impl Server {
    pub(crate) fn start(binary: &Path, dist: &Path) -> Result<Self> {
        Self::start_in(binary, Some(dist), None)
    }

    /// [`Server::start`] serving `dist` (or, without one, the page compiled into the
    /// binary), run in `cwd` when given.
    pub(crate) fn start_in(binary: &Path, dist: Option<&Path>, cwd: Option<&Path>) -> Result<Self> {
        let mut cmd = Command::new(binary);
        cmd.args(["--host", "127.0.0.1", "--port", "0"]);
        if let Some(dist) = dist {
            cmd.arg("--dist").arg(dist);
        }
        if let Some(cwd) = cwd {
            cmd.current_dir(cwd);
        }
        let mut child = cmd
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let pid = child.id();
        let mut server = Self {
            child: Some(child),
            addr: String::new(),
            pid,
        };
        // Its address is on the line it prints once listening; the rest of its output is
        // read (and dropped) so it never blocks on a full pipe.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = listening_address(&line) {
                    let _ = tx.send(addr);
                }
            }
        });
        server.addr = rx
            .recv_timeout(START_WAIT)
            .context("the server did not print its address")?;
        eprintln!("   server at {} (pid {pid})", server.addr);
        Ok(server)
    }

    /// SIGTERM (a graceful stop, as Ctrl-C) and its exit status; killed, and an error, if
    /// it does not end within [`STOP_WAIT`].
    pub(crate) fn stop(mut self) -> Result<ExitStatus> {
        self.stop_now()
    }

    fn stop_now(&mut self) -> Result<ExitStatus> {
        let Some(mut child) = self.child.take() else {
            bail!("the server was already stopped");
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + STOP_WAIT;
        while Instant::now() < deadline {
            if let Some(status) = child.try_wait()? {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        bail!(
            "the server did not stop within {} s of SIGTERM; killed",
            STOP_WAIT.as_secs()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.is_some() {
            let _ = self.stop_now();
        }
    }
}

/// `127.0.0.1:PORT` from `Duplex is running at http://127.0.0.1:PORT/  (Ctrl-C stops it)`.
fn listening_address(line: &str) -> Option<String> {
    let rest = line.split_once("Duplex is running at http://")?.1;
    let addr = rest.split('/').next()?;
    (!addr.is_empty()).then(|| addr.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_address_the_server_prints() {
        assert_eq!(
            listening_address("Duplex is running at http://127.0.0.1:41234/  (Ctrl-C stops it)")
                .as_deref(),
            Some("127.0.0.1:41234")
        );
        assert_eq!(listening_address("Duplex stopped."), None);
    }
}
