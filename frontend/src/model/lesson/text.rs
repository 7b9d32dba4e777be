//! The catalogue keys the page shows a lesson through: its title, each step's label, each
//! [`Saw`] as a line with its numbers as arguments, and a lesson's status. Long prose
//! (introductions, hints, takeaways) is not here: it lives in per-lesson files.

use super::super::ws_session::Initiator;
use super::{LessonId, LessonStatus, Saw, StepId};
use crate::i18n::Key;

/// The lesson's title.
pub fn title(lesson: LessonId) -> Key {
    match lesson {
        LessonId::OneRequest => Key::lesson_one_request_title,
        LessonId::ConnectionClose => Key::lesson_connection_close_title,
        LessonId::KeepAlive => Key::lesson_keep_alive_title,
        LessonId::SixAtATime => Key::lesson_six_at_a_time_title,
        LessonId::SocketStaysOpen => Key::lesson_socket_stays_open_title,
        LessonId::ServerSpeaksFirst => Key::lesson_server_speaks_first_title,
        LessonId::StreamingOverHttp => Key::lesson_streaming_over_http_title,
        LessonId::RealNetwork => Key::lesson_real_network_title,
        LessonId::ThreadPerClient => Key::lesson_thread_per_client_title,
        LessonId::WhoClosedIt => Key::lesson_who_closed_it_title,
        LessonId::ManyClients => Key::lesson_many_clients_title,
    }
}

/// A step's label; `None` for a step that is not in the lesson.
pub fn step_label(lesson: LessonId, step: StepId) -> Option<Key> {
    use LessonId as L;
    use StepId as S;
    Some(match (lesson, step) {
        (L::OneRequest, S::Answered) => Key::lesson_one_request_answered,
        (L::OneRequest, S::Echoed) => Key::lesson_one_request_echoed,
        (L::ConnectionClose, S::ThreeRequests) => Key::lesson_connection_close_three_requests,
        (L::ConnectionClose, S::ThreeConnections) => Key::lesson_connection_close_three_connections,
        (L::ConnectionClose, S::ServerClosed) => Key::lesson_connection_close_server_closed,
        (L::KeepAlive, S::ThreeRequests) => Key::lesson_keep_alive_three_requests,
        (L::KeepAlive, S::OneConnection) => Key::lesson_keep_alive_one_connection,
        (L::KeepAlive, S::ConnectPhase) => Key::lesson_keep_alive_connect_phase,
        (L::SixAtATime, S::Parallel) => Key::lesson_six_at_a_time_parallel,
        (L::SixAtATime, S::SixConnections) => Key::lesson_six_at_a_time_six_connections,
        (L::SixAtATime, S::Queued) => Key::lesson_six_at_a_time_queued,
        (L::SocketStaysOpen, S::Upgrade) => Key::lesson_socket_stays_open_upgrade,
        (L::SocketStaysOpen, S::Exchange) => Key::lesson_socket_stays_open_exchange,
        (L::SocketStaysOpen, S::OneConnection) => Key::lesson_socket_stays_open_one_connection,
        (L::ServerSpeaksFirst, S::Pushes) => Key::lesson_server_speaks_first_pushes,
        (L::ServerSpeaksFirst, S::ServerClose) => Key::lesson_server_speaks_first_server_close,
        (L::StreamingOverHttp, S::PollVsPush) => Key::lesson_streaming_over_http_poll_vs_push,
        (L::StreamingOverHttp, S::HalfPeriod) => Key::lesson_streaming_over_http_half_period,
        (L::StreamingOverHttp, S::HeaderCost) => Key::lesson_streaming_over_http_header_cost,
        (L::StreamingOverHttp, S::HttpPush) => Key::lesson_streaming_over_http_http_push,
        (L::RealNetwork, S::Emulated) => Key::lesson_real_network_emulated,
        (L::RealNetwork, S::HandshakeCost) => Key::lesson_real_network_handshake_cost,
        (L::RealNetwork, S::WebSocket) => Key::lesson_real_network_websocket,
        (L::ThreadPerClient, S::Hundred) => Key::lesson_thread_per_client_hundred,
        (L::ThreadPerClient, S::Threads) => Key::lesson_thread_per_client_threads,
        (L::ThreadPerClient, S::Closed) => Key::lesson_thread_per_client_closed,
        (L::WhoClosedIt, S::PageClose) => Key::lesson_who_closed_it_page_close,
        (L::WhoClosedIt, S::ServerClose) => Key::lesson_who_closed_it_server_close,
        (L::WhoClosedIt, S::Dropped) => Key::lesson_who_closed_it_dropped,
        (L::ManyClients, S::Clients) => Key::lesson_many_clients_clients,
        (L::ManyClients, S::Pushed) => Key::lesson_many_clients_pushed,
        (L::ManyClients, S::HalfPeriod) => Key::lesson_many_clients_half_period,
        _ => return None,
    })
}

/// A lesson's status line, with its arguments.
pub fn status_line(status: LessonStatus) -> (Key, Vec<(&'static str, String)>) {
    match status {
        LessonStatus::NotStarted => (Key::lesson_status_not_started, Vec::new()),
        LessonStatus::Steps { done, total } => (
            Key::lesson_status_steps,
            vec![("done", done.to_string()), ("total", total.to_string())],
        ),
        LessonStatus::Done => (Key::lesson_status_done, Vec::new()),
    }
}

/// A time in ms as the lines show it: one decimal.
fn ms(v: f64) -> String {
    format!("{v:.1}")
}

/// What a step saw, as a catalogue line and the values of its `{placeholders}`
/// (`lang.tf(key, &args)` after borrowing the strings).
pub fn saw_line(saw: &Saw) -> (Key, Vec<(&'static str, String)>) {
    let n = |v: u64| v.to_string();
    match saw {
        Saw::Answered { status, ms: t } => (
            Key::lesson_saw_answered,
            vec![("status", status.to_string()), ("ms", ms(*t))],
        ),
        Saw::Echoed {
            sent_bytes,
            echoed_bytes,
            same,
        } => (
            if *same {
                Key::lesson_saw_echoed_same
            } else {
                Key::lesson_saw_echoed_differs
            },
            vec![("sent", n(*sent_bytes)), ("echoed", n(*echoed_bytes))],
        ),
        Saw::Requests { requests } => (
            Key::lesson_saw_requests,
            vec![("requests", requests.to_string())],
        ),
        Saw::Connections {
            requests,
            connections,
            closed_by_server,
        } => (
            Key::lesson_saw_connections,
            vec![
                ("requests", requests.to_string()),
                ("connections", connections.to_string()),
                ("closed", closed_by_server.to_string()),
            ],
        ),
        Saw::ConnectPhase {
            first_connect_ms,
            first_ms,
            reused,
            reused_with_connect,
            reused_median_ms,
        } => (
            Key::lesson_saw_connect_phase,
            vec![
                ("connect", ms(*first_connect_ms)),
                ("first", ms(*first_ms)),
                ("reused", reused.to_string()),
                ("with_connect", reused_with_connect.to_string()),
                ("median", ms(*reused_median_ms)),
            ],
        ),
        Saw::Parallel {
            requests,
            connections,
            peak_open,
        } => (
            Key::lesson_saw_parallel,
            vec![
                ("requests", requests.to_string()),
                ("connections", connections.to_string()),
                ("peak", peak_open.to_string()),
            ],
        ),
        Saw::Queued {
            requests,
            connections,
            waited,
            longest_wait_ms,
        } => (
            Key::lesson_saw_queued,
            vec![
                ("requests", requests.to_string()),
                ("connections", connections.to_string()),
                ("waited", waited.to_string()),
                ("longest", ms(*longest_wait_ms)),
            ],
        ),
        Saw::Upgrade {
            status,
            request_headers,
            response_headers,
        } => (
            Key::lesson_saw_upgrade,
            vec![
                ("status", status.to_string()),
                ("request_headers", request_headers.to_string()),
                ("response_headers", response_headers.to_string()),
            ],
        ),
        Saw::Exchange { sent, received } => (
            Key::lesson_saw_exchange,
            vec![
                ("sent", sent.to_string()),
                ("received", received.to_string()),
            ],
        ),
        Saw::SessionConnection {
            conn,
            requests,
            messages,
        } => (
            Key::lesson_saw_session_connection,
            vec![
                ("conn", conn.to_string()),
                ("requests", requests.to_string()),
                ("messages", messages.to_string()),
            ],
        ),
        Saw::Pushes { pushes, replies } => (
            Key::lesson_saw_pushes,
            vec![
                ("pushes", pushes.to_string()),
                ("replies", replies.to_string()),
            ],
        ),
        Saw::Close {
            code,
            reason,
            by_server,
        } => (
            if *by_server {
                Key::lesson_saw_close_server
            } else {
                Key::lesson_saw_close_other
            },
            vec![("code", code.to_string()), ("reason", reason.clone())],
        ),
        Saw::PollVsPush {
            poll_requests,
            poll_empty,
            poll_stale_ms,
            ws_requests,
            ws_stale_ms,
        } => (
            Key::lesson_saw_poll_vs_push,
            vec![
                ("poll_requests", n(*poll_requests)),
                ("poll_empty", n(*poll_empty)),
                ("poll_stale", ms(*poll_stale_ms)),
                ("ws_requests", n(*ws_requests)),
                ("ws_stale", ms(*ws_stale_ms)),
            ],
        ),
        Saw::HalfPeriod {
            period_ms,
            expected_ms,
            median_ms,
            ..
        } => (
            Key::lesson_saw_half_period,
            vec![
                ("period", n(*period_ms)),
                ("expected", ms(*expected_ms)),
                ("median", ms(*median_ms)),
            ],
        ),
        Saw::HeaderCost {
            poll_request_bytes,
            poll_response_bytes,
            ws_frame_header_bytes,
        } => (
            Key::lesson_saw_header_cost,
            vec![
                ("request", n(*poll_request_bytes)),
                ("response", n(*poll_response_bytes)),
                ("frame", n(*ws_frame_header_bytes)),
            ],
        ),
        Saw::HttpPush {
            sse_requests,
            sse_delivered,
            long_requests,
            long_empty,
            long_delivered,
        } => (
            Key::lesson_saw_http_push,
            vec![
                ("sse_requests", n(*sse_requests)),
                ("sse_delivered", n(*sse_delivered)),
                ("long_requests", n(*long_requests)),
                ("long_empty", n(*long_empty)),
                ("long_delivered", n(*long_delivered)),
            ],
        ),
        Saw::Network { rtt_ms, jitter_ms } if *rtt_ms == 0 && *jitter_ms == 0 => {
            (Key::lesson_saw_network_loopback, Vec::new())
        }
        Saw::Network { rtt_ms, jitter_ms } => (
            Key::lesson_saw_network,
            vec![
                ("rtt", rtt_ms.to_string()),
                ("jitter", jitter_ms.to_string()),
            ],
        ),
        Saw::HandshakeCost {
            rtt_ms,
            new_median_ms,
            keep_median_ms,
            ..
        } => (
            Key::lesson_saw_handshake_cost,
            vec![
                ("rtt", rtt_ms.to_string()),
                ("new", ms(*new_median_ms)),
                ("keep", ms(*keep_median_ms)),
            ],
        ),
        Saw::RoundTrip {
            rtt_ms, median_ms, ..
        } => (
            Key::lesson_saw_round_trip,
            vec![("rtt", rtt_ms.to_string()), ("median", ms(*median_ms))],
        ),
        Saw::Sessions { peak } => (Key::lesson_saw_sessions, vec![("peak", peak.to_string())]),
        Saw::Threads {
            sessions,
            threads_before,
            threads,
        } => (
            Key::lesson_saw_threads,
            vec![
                ("sessions", sessions.to_string()),
                ("threads", threads.to_string()),
                ("before", threads_before.to_string()),
            ],
        ),
        Saw::SessionsClosed { peak, now } => (
            Key::lesson_saw_sessions_closed,
            vec![("peak", peak.to_string()), ("now", now.to_string())],
        ),
        // Who started it decides the line; each line says whether it was clean.
        Saw::Ended {
            code,
            reason,
            by,
            clean,
        } => {
            let args = vec![("code", code.to_string()), ("reason", reason.clone())];
            match (by, clean) {
                (Initiator::Page, true) => (Key::lesson_saw_ended_page, args),
                (Initiator::Server, true) => (Key::lesson_saw_ended_server, args),
                // No close frame: a 1006 has no reason to show.
                _ => (
                    Key::lesson_saw_ended_dropped,
                    vec![("code", code.to_string())],
                ),
            }
        }
        Saw::Clients {
            websocket,
            polling,
            long_polling,
        } => (
            Key::lesson_saw_clients,
            vec![
                ("ws", websocket.to_string()),
                ("poll", polling.to_string()),
                ("long", long_polling.to_string()),
            ],
        ),
        Saw::Pushed {
            seq,
            clients,
            delay_ms,
        } => (
            Key::lesson_saw_pushed,
            vec![
                ("seq", n(*seq)),
                ("clients", clients.to_string()),
                ("delay", ms(*delay_ms)),
            ],
        ),
        Saw::PollDelay {
            period_ms,
            expected_ms,
            tolerance_ms,
            median_ms,
            messages,
            polls,
            empty,
        } => (
            Key::lesson_saw_poll_delay,
            vec![
                ("period", period_ms.to_string()),
                ("expected", ms(*expected_ms)),
                ("tolerance", ms(*tolerance_ms)),
                ("median", ms(*median_ms)),
                ("messages", messages.to_string()),
                ("polls", n(*polls)),
                ("empty", n(*empty)),
            ],
        ),
    }
}
