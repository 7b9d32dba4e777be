//! The HTTP lab's requests as a file (issue 11: "the labs' logs download as JSON/CSV the way
//! Compare's runs do"): one flat record per finished request — its settings, the status,
//! the page's timings and Resource Timing phases, and the server's view (which TCP
//! connection, the request's number on it). Pure: `pages/http_lab.rs` offers the download.

use serde::Serialize;

use super::fetch::FetchError;
use super::lab::LabRow;

/// One finished request.
#[derive(Debug, Serialize, PartialEq)]
pub struct LabLogRow {
    pub run: u32,
    pub n: u32,
    pub method: &'static str,
    pub request_bytes: u64,
    pub response_bytes: u64,
    pub delay_ms: u64,
    /// The run asked the server for `Connection: close`.
    pub close: bool,
    pub parallel: bool,
    pub status: Option<u16>,
    /// The server's error code, or `network`/`unexpected`, when there was no answer.
    pub error: Option<String>,
    pub total_ms: f64,
    pub server_ms: Option<f64>,
    pub queueing_ms: Option<f64>,
    pub connect_ms: Option<f64>,
    pub first_byte_ms: Option<f64>,
    pub download_ms: Option<f64>,
    /// The browser's verdict: no connect phase, so a reused connection.
    pub browser_reused: Option<bool>,
    /// The TCP connection the server saw, and this request's number on it (1 = new).
    pub conn: Option<u64>,
    pub request_on_conn: Option<u32>,
}

/// The finished rows, oldest first.
pub fn records(rows: &[LabRow]) -> Vec<LabLogRow> {
    rows.iter()
        .filter_map(|row| {
            let (m, answer) = row.finished()?;
            let p = m.phases.as_ref();
            let reply = answer.ok();
            Some(LabLogRow {
                run: row.run,
                n: row.n,
                method: match row.spec.method {
                    protocol::HttpMethod::Get => "GET",
                    protocol::HttpMethod::Post => "POST",
                },
                request_bytes: row.spec.request_bytes,
                response_bytes: row.spec.response_bytes,
                delay_ms: row.spec.delay_ms,
                close: row.spec.close,
                parallel: row.parallel,
                status: m.status,
                error: answer.err().map(|e| match e {
                    // The code as the wire names it (`rate_limited`).
                    FetchError::Refused(body) => serde_json::to_string(&body.code)
                        .unwrap_or_default()
                        .trim_matches('"')
                        .to_owned(),
                    FetchError::Unexpected => "unexpected".to_owned(),
                    FetchError::Network => "network".to_owned(),
                }),
                total_ms: m.total_ms,
                server_ms: m.server_ms,
                queueing_ms: p.map(|p| p.queueing_ms),
                connect_ms: p.map(|p| p.connect_ms),
                first_byte_ms: p.map(|p| p.first_byte_ms),
                download_ms: p.map(|p| p.download_ms),
                browser_reused: p.map(|p| p.reused),
                conn: reply.and_then(|r| r.conn),
                request_on_conn: reply.map(|r| r.request_on_conn),
            })
        })
        .collect()
}

/// The records as JSON (an array, compact: the pretty printer costs the lab bundles ~1 KB of wasm).
pub fn to_json(rows: &[LabRow]) -> String {
    serde_json::to_string(&records(rows)).unwrap_or_default()
}

/// The records as CSV: one header line, one line per request; empty cells for unknowns.
pub fn to_csv(rows: &[LabRow]) -> String {
    let opt = |v: Option<String>| v.unwrap_or_default();
    let mut out = String::from(
        "run,n,method,request_bytes,response_bytes,delay_ms,close,parallel,status,error,total_ms,server_ms,queueing_ms,connect_ms,first_byte_ms,download_ms,browser_reused,conn,request_on_conn\n",
    );
    for r in records(rows) {
        let ms = |v: Option<f64>| opt(v.map(|v| format!("{v:.3}")));
        let line = [
            r.run.to_string(),
            r.n.to_string(),
            r.method.to_owned(),
            r.request_bytes.to_string(),
            r.response_bytes.to_string(),
            r.delay_ms.to_string(),
            r.close.to_string(),
            r.parallel.to_string(),
            opt(r.status.map(|s| s.to_string())),
            opt(r.error),
            format!("{:.3}", r.total_ms),
            ms(r.server_ms),
            ms(r.queueing_ms),
            ms(r.connect_ms),
            ms(r.first_byte_ms),
            ms(r.download_ms),
            opt(r.browser_reused.map(|b| b.to_string())),
            opt(r.conn.map(|c| c.to_string())),
            opt(r.request_on_conn.map(|c| c.to_string())),
        ];
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fetch::FetchState;
    use crate::model::lab::{LabRun, Measured, Phases};
    use protocol::lab::LabReply;

    fn row(n: u32, conn: u64, on_conn: u32, done: bool) -> LabRow {
        LabRow {
            run: 1,
            n,
            spec: LabRun::DEFAULT.spec,
            parallel: false,
            fetch: if done {
                FetchState::Success(Box::new(LabReply {
                    conn: Some(conn),
                    request_on_conn: on_conn,
                    close: false,
                    request_body_bytes: 0,
                    delay_ms: 0,
                    request_headers: vec![],
                    padding: String::new(),
                }))
            } else {
                FetchState::Fetching
            },
            measured: done.then(|| Measured {
                status: Some(200),
                total_ms: 1.25,
                server_ms: Some(0.5),
                phases: Some(Phases {
                    queueing_ms: 0.1,
                    connect_ms: if on_conn == 1 { 0.3 } else { 0.0 },
                    first_byte_ms: 0.7,
                    download_ms: 0.05,
                    protocol: "http/1.1".into(),
                    reused: on_conn > 1,
                }),
                response_headers: vec![],
            }),
        }
    }

    #[test]
    fn finished_requests_become_records_both_ways() {
        let rows = vec![row(1, 7, 1, true), row(2, 7, 2, true), row(3, 7, 3, false)];
        let recs = records(&rows);
        assert_eq!(recs.len(), 2, "the one in flight is left out");
        assert_eq!((recs[1].conn, recs[1].request_on_conn), (Some(7), Some(2)));
        assert_eq!(recs[1].browser_reused, Some(true));
        let json: serde_json::Value = serde_json::from_str(&to_json(&rows)).unwrap();
        assert_eq!(json[0]["method"], "GET");
        assert_eq!(json[0]["connect_ms"], 0.3);
        let csv = to_csv(&rows);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        let cols = lines[0].split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == cols), "{csv}");
        assert_eq!(
            lines[2],
            "1,2,GET,0,1024,0,false,false,200,,1.250,0.500,0.100,0.000,0.700,0.050,true,7,2"
        );
    }
}
