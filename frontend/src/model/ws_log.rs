//! The WebSocket lab's log as a file (issue 11): one flat record per line of the log —
//! when (ms since Connect), which way, what, its bytes on the wire, the time it measured
//! (a round trip, a one-way push, the handshake, a ping) and a close's code and reason.
//! Pure: `pages/ws_lab.rs` offers the download, as Compare does its runs.

use serde::Serialize;

use super::ws_session::{Command, Dir, LogEntry, LogKind};

/// One line of the log.
#[derive(Debug, Serialize, PartialEq)]
pub struct WsLogRow {
    pub at_ms: f64,
    /// `sent`, `reply`, `push`, `event`.
    pub dir: &'static str,
    /// What happened: `sent_text`, `echo`, `push`, `closed`, …
    pub kind: &'static str,
    pub payload_bytes: Option<u64>,
    pub frame_bytes: Option<u64>,
    /// The time the line measured, in ms: a round trip, a push's one-way time, the
    /// handshake, a ping, the clock offset.
    pub value_ms: Option<f64>,
    /// A close's code.
    pub code: Option<u16>,
    /// A close's reason, the server's error, the command sent.
    pub detail: Option<String>,
}

fn row(e: &LogEntry) -> WsLogRow {
    let (kind, value_ms, code, detail): (&str, Option<f64>, Option<u16>, Option<String>) = match &e
        .kind
    {
        LogKind::Connecting => ("connecting", None, None, None),
        LogKind::Opened { handshake_ms } => ("opened", Some(*handshake_ms), None, None),
        LogKind::Welcome { subprotocol, .. } => ("welcome", None, None, subprotocol.clone()),
        LogKind::SentText { .. } => ("sent_text", None, None, None),
        LogKind::SentBinary { .. } => ("sent_binary", None, None, None),
        LogKind::Echo { rtt_ms, .. } => ("echo", *rtt_ms, None, None),
        LogKind::BinaryEcho { rtt_ms, .. } => ("binary_echo", *rtt_ms, None, None),
        LogKind::Push { one_way_ms, .. } => ("push", *one_way_ms, None, None),
        LogKind::TickerDone { .. } => ("ticker_done", None, None, None),
        LogKind::PingRtt { ms } => ("ping", Some(*ms), None, None),
        LogKind::ClockOffset { offset_ms, .. } => ("clock_offset", Some(*offset_ms), None, None),
        LogKind::ServerError { message } => ("server_error", None, None, Some(message.clone())),
        LogKind::Command { what } => (
            "command",
            None,
            None,
            Some(match what {
                Command::StartTicker => "start_ticker".to_owned(),
                Command::StopTicker => "stop_ticker".to_owned(),
                Command::SetPing(ms) => format!("set_ping {ms}"),
                Command::AskServerClose(code) => format!("close_me {code}"),
                Command::AskServerDrop => "drop".to_owned(),
            }),
        ),
        LogKind::Closing { code } => ("closing", None, Some(*code), None),
        LogKind::Closed { code, reason, .. } => ("closed", None, Some(*code), Some(reason.clone())),
        LogKind::OpenFailed { detail } => ("open_failed", None, None, Some(detail.clone())),
        LogKind::Reconnecting { in_ms } => ("reconnecting", Some(f64::from(*in_ms)), None, None),
    };
    WsLogRow {
        at_ms: e.at_ms,
        dir: match e.dir {
            Dir::Sent => "sent",
            Dir::Reply => "reply",
            Dir::Push => "push",
            Dir::Event => "event",
        },
        kind,
        payload_bytes: e.payload_bytes,
        frame_bytes: e.frame_bytes,
        value_ms,
        code,
        detail,
    }
}

/// The log's lines, oldest first (the page keeps them newest first), lines of the same
/// moment in the order they were logged.
///
/// Reversed, the log is in time order already but for the odd line stamped before one
/// logged ahead of it, so an insertion sort does the rest in one pass: `sort_by` here was
/// the lab bundles' only instance of the standard stable sort, ~3 KB of wasm (name-section
/// attribution of `lab_ws`, issue 14).
pub fn records<'a>(log: impl DoubleEndedIterator<Item = &'a LogEntry>) -> Vec<WsLogRow> {
    let mut rows: Vec<WsLogRow> = log.rev().map(row).collect();
    for i in 1..rows.len() {
        let mut j = i;
        while j > 0 && rows[j - 1].at_ms.total_cmp(&rows[j].at_ms).is_gt() {
            rows.swap(j - 1, j);
            j -= 1;
        }
    }
    rows
}

/// The records as JSON (an array, compact: the pretty printer costs the lab bundles ~1 KB of wasm).
pub fn to_json(rows: &[WsLogRow]) -> String {
    serde_json::to_string(rows).unwrap_or_default()
}

/// The records as CSV; a text cell is quoted, its quotes doubled.
pub fn to_csv(rows: &[WsLogRow]) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("at_ms,dir,kind,payload_bytes,frame_bytes,value_ms,code,detail\n");
    for r in rows {
        let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{:.3},{},{},{},{},{},{},{}\n",
            r.at_ms,
            r.dir,
            r.kind,
            n(r.payload_bytes),
            n(r.frame_bytes),
            r.value_ms.map(|v| format!("{v:.3}")).unwrap_or_default(),
            r.code.map(|c| c.to_string()).unwrap_or_default(),
            r.detail.as_deref().map(quote).unwrap_or_default(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ws_session::Initiator;

    fn entry(at_ms: f64, dir: Dir, kind: LogKind) -> LogEntry {
        LogEntry {
            at_ms,
            dir,
            kind,
            payload_bytes: None,
            frame_bytes: None,
        }
    }

    #[test]
    fn a_line_stamped_early_moves_back_and_ties_keep_the_log_s_order() {
        // Newest first, as the page keeps it; `payload_bytes` numbers the lines in the
        // order they were logged.
        let line = |at_ms, n| LogEntry {
            payload_bytes: Some(n),
            ..entry(at_ms, Dir::Event, LogKind::Connecting)
        };
        let log = [
            line(20.0, 5),
            line(5.0, 4),
            line(12.0, 3),
            line(5.0, 2),
            line(1.0, 1),
        ];
        let order: Vec<_> = records(log.iter())
            .iter()
            .map(|r| r.payload_bytes)
            .collect();
        assert_eq!(order, [Some(1), Some(2), Some(4), Some(3), Some(5)]);
        assert!(records([].iter()).is_empty());
    }

    #[test]
    fn the_log_becomes_records_oldest_first() {
        let log = [
            entry(
                30.0,
                Dir::Event,
                LogKind::Closed {
                    code: 1000,
                    reason: "bye, \"page\"".into(),
                    clean: true,
                    by: Initiator::Server,
                },
            ),
            LogEntry {
                payload_bytes: Some(5),
                frame_bytes: Some(7),
                ..entry(
                    12.5,
                    Dir::Push,
                    LogKind::Push {
                        n: 1,
                        count: 3,
                        one_way_ms: Some(0.8),
                    },
                )
            },
            entry(0.0, Dir::Event, LogKind::Connecting),
        ];
        let rows = records(log.iter());
        assert_eq!(
            rows.iter().map(|r| r.kind).collect::<Vec<_>>(),
            ["connecting", "push", "closed"]
        );
        let csv = to_csv(&rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[2], "12.500,push,push,5,7,0.800,,");
        assert_eq!(
            lines[3],
            "30.000,event,closed,,,,1000,\"bye, \"\"page\"\"\""
        );
        let json: serde_json::Value = serde_json::from_str(&to_json(&rows)).unwrap();
        assert_eq!(json[2]["code"], 1000);
        assert_eq!(json[1]["value_ms"], 0.8);
    }
}
