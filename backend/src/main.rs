//! `backend` binary: parse flags, bind, serve until Ctrl-C or SIGTERM (then
//! `backend::serve` closes every WebSocket session with 1001 and waits for it, at most
//! `--shutdown-grace-secs`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use backend::AppState;
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// The Duplex server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Trunk's output folder to serve the page from. Default: the page compiled into this
    /// binary when it carries one (`cargo xtask build --binary`), else `dist`.
    #[arg(long)]
    dist: Option<PathBuf>,
    /// A page origin (`https://host[:port]`) allowed to open WebSocket sessions and send
    /// state-changing requests besides this site's own; repeatable.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// This site's origin as readers reach it (`https://host[:port]`), for the absolute
    /// URLs in link cards and oEmbed answers. Default: `http://` and the request's `Host`.
    #[arg(long, value_name = "ORIGIN")]
    public_origin: Option<String>,
    /// After Ctrl-C or SIGTERM, how long to wait for open WebSocket sessions to send their
    /// 1001 close frames and read the page's reply before exiting anyway.
    #[arg(long, value_name = "SECS", default_value_t = backend::DEFAULT_SHUTDOWN_GRACE.as_secs())]
    shutdown_grace_secs: u64,
    /// TCP connections open at once, in all; past it a new one gets a JSON 503.
    #[arg(long, value_name = "N", default_value_t = backend::conn::ConnLimits::default().total)]
    max_connections: usize,
    /// TCP connections open at once from one address.
    #[arg(long, value_name = "N", default_value_t = backend::conn::ConnLimits::default().per_ip)]
    max_connections_per_ip: usize,
    /// WebSocket sessions open at once, in all; past it an upgrade gets a JSON 503.
    #[arg(long, value_name = "N", default_value_t = backend::SessionLimits::default().total)]
    max_sessions: usize,
    /// WebSocket sessions open at once from one address.
    #[arg(long, value_name = "N", default_value_t = backend::SessionLimits::default().per_ip)]
    max_sessions_per_ip: usize,
    /// How many clients' worth of each per-client quota (race round trips, lab requests,
    /// feeds at once, …) one address may use in all, whatever keys it sends.
    #[arg(long, value_name = "N", default_value_t = backend::DEFAULT_CLIENTS_PER_ADDRESS)]
    clients_per_address: u64,
    /// Seconds a client may take to send a whole request head (else 408), and a new
    /// connection to send anything (else it is closed).
    #[arg(long, value_name = "SECS", default_value_t = backend::conn::HttpTimeouts::default().header.as_secs())]
    header_timeout_secs: u64,
    /// Seconds a client may take to send a `Content-Length` body after its head (else 408).
    #[arg(long, value_name = "SECS", default_value_t = backend::conn::HttpTimeouts::default().body.as_secs())]
    body_timeout_secs: u64,
    /// Seconds an idle keep-alive connection stays open between requests.
    #[arg(long, value_name = "SECS", default_value_t = backend::conn::HttpTimeouts::default().keep_alive.as_secs())]
    keep_alive_secs: u64,
    /// Share the chat's rooms with every other instance started with the same Redis
    /// (`redis://host:port/db`, `redis+unix:///path`): members on different instances
    /// behind a load balancer are in one room. Without it, rooms live in this process.
    #[cfg(feature = "chat-redis")]
    #[arg(long, value_name = "URL")]
    chat_redis: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .with_context(|| format!("bad --host/--port: {}:{}", args.host, args.port))?;
    let origins = backend::origin::Origins::new(&args.allow_origin)?;
    let state = match args.dist {
        Some(dist) => AppState::new(dist),
        None => match AppState::new("dist").with_embedded_page() {
            (state, true) => {
                tracing::info!("serving the page compiled into this binary");
                state
            }
            (state, false) => state,
        },
    };
    if let Some(dist) = state.dist_folder()
        && !dist.join("index.html").is_file()
    {
        tracing::warn!(dist = %dist.display(), "no index.html: the page is not built (cargo xtask serve builds it)");
    }
    let state = match &args.public_origin {
        Some(o) => state.with_public_origin(backend::origin::PublicOrigin::new(o)?),
        None => state,
    };
    let state = state
        .with_allowed_origins(origins)
        .with_shutdown_grace(Duration::from_secs(args.shutdown_grace_secs))
        .with_conn_limits(backend::conn::ConnLimits {
            total: args.max_connections,
            per_ip: args.max_connections_per_ip,
        })
        .with_clients_per_address(args.clients_per_address)
        .with_session_limits(backend::SessionLimits {
            total: args.max_sessions,
            per_ip: args.max_sessions_per_ip,
        })
        .with_http_timeouts(backend::conn::HttpTimeouts {
            header: Duration::from_secs(args.header_timeout_secs),
            body: Duration::from_secs(args.body_timeout_secs),
            keep_alive: Duration::from_secs(args.keep_alive_secs),
        });
    #[cfg(feature = "chat-redis")]
    let state = match &args.chat_redis {
        Some(url) => {
            let state = state.with_chat_redis(url).await?;
            tracing::info!("chat rooms shared through Redis");
            state
        }
        None => state,
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot bind {addr}"))?;
    let local = listener.local_addr()?;
    println!("Duplex is running at http://{local}/  (Ctrl-C stops it)");
    // `serve` cancels the sessions' token when this resolves and waits for their closes.
    backend::serve(listener, state, async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
    })
    .await
    .context("server error")?;
    println!("Duplex stopped.");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
