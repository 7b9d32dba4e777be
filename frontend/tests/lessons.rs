//! The lessons' checks against recorded evidence (`tests/fixtures/lessons/`, recorded from
//! the real backend by `fixtures/lessons/recorder/record.py`; see its README): every step
//! passes on its recording and does not on a near miss, a copy of the recording with one
//! thing edited. The recordings are fed through the models' own reducers (`LabState`,
//! `EchoState`, `Observed::apply`, `SessionView`'s calls, `ChatRoom`'s), as the hooks
//! feed them.

use std::rc::Rc;

use frontend::i18n::{Key, Lang};
use frontend::model::chat::{ChatRoom, Input, Via};
use frontend::model::clock::ClockEstimate;
use frontend::model::compare::{ContenderResult, Failure, FeedSettings, StrategyResult};
use frontend::model::echo::{self, EchoResult, EchoState};
use frontend::model::feed::FeedModel;
use frontend::model::fetch::FetchState;
use frontend::model::lab::{self, LabResult, LabRun, LabSpec, LabState, Measured, Phases};
use frontend::model::lesson::{
    self, Evidence, LessonId, LessonStatus, PROGRESS_STORAGE_KEY, Progress, Saw, ServerSample,
    StepId, StepState, text,
};
use frontend::model::observed::Observed;
use frontend::model::race::RaceModel;
use frontend::model::ws_session::{Command, Initiator, SessionView};
use protocol::compare::{Contender, Strategy, Tally};
use protocol::emulate::NetModel;
use protocol::lab::LabReply;
use protocol::observe::ObserveMsg;
use protocol::report::CompareReport;
use protocol::{EchoReply, HttpMethod};
use serde_json::{Value, json};
use yew::Reducible;

// ---------------------------------------------------------------- recordings → models

fn recording(name: &str) -> Value {
    let text = match name {
        "browser" => include_str!("fixtures/lessons/browser.json"),
        "race_4g" => include_str!("fixtures/lessons/race_4g.json"),
        "race_loopback" => include_str!("fixtures/lessons/race_loopback.json"),
        "feed" => include_str!("fixtures/lessons/feed.json"),
        "server_samples" => include_str!("fixtures/lessons/server_samples.json"),
        "browser_polls" => include_str!("fixtures/lessons/browser_polls.json"),
        _ => panic!("no recording {name}"),
    };
    serde_json::from_str(text).expect("a recording is JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn u(v: &Value) -> u64 {
    v.as_u64().expect("a whole number")
}

/// The basics panel after the recorded echo requests.
fn echo_state(echoes: &Value) -> Rc<EchoState> {
    let mut s = Rc::new(EchoState::default());
    for e in echoes.as_array().unwrap() {
        let status = u(&e["status"]) as u16;
        let fetch = if (200..300).contains(&status) {
            FetchState::Success(serde_json::from_value::<EchoReply>(e["reply"].clone()).unwrap())
        } else {
            FetchState::Failed(frontend::model::fetch::FetchError::Unexpected)
        };
        s = s.reduce(echo::Action::Started);
        s = s.reduce(echo::Action::Finished(EchoResult {
            method: HttpMethod::Post,
            status: Some(status),
            round_trip_ms: f(&e["round_trip_ms"]),
            fetch,
        }));
    }
    s
}

/// The lab after the recorded rows, run by run, through its reducer.
fn lab_state(rows: &[&Value]) -> Rc<LabState> {
    let mut s = Rc::new(LabState::default());
    let mut runs: Vec<u64> = rows.iter().map(|r| u(&r["run"])).collect();
    runs.dedup();
    for run in runs {
        let of_run: Vec<&&Value> = rows.iter().filter(|r| u(&r["run"]) == run).collect();
        let first = of_run[0];
        let spec = LabSpec {
            method: HttpMethod::Get,
            request_bytes: 0,
            response_bytes: u(&first["spec"]["resp"]),
            delay_ms: u(&first["spec"]["delay"]),
            close: first["spec"]["close"].as_bool().unwrap(),
        };
        let cfg = LabRun {
            spec,
            count: of_run.len() as u32,
            parallel: first["parallel"].as_bool().unwrap(),
        };
        let run = run as u32;
        s = s.reduce(lab::Action::Start(run, cfg));
        for (i, r) in of_run.iter().enumerate() {
            let p = &r["phases"];
            let phases = (!p.is_null()).then(|| Phases {
                queueing_ms: f(&p["queueing_ms"]),
                connect_ms: f(&p["connect_ms"]),
                first_byte_ms: f(&p["first_byte_ms"]),
                download_ms: f(&p["download_ms"]),
                protocol: p["protocol"].as_str().unwrap().to_owned(),
                reused: p["reused"].as_bool().unwrap(),
            });
            let reply: LabReply = serde_json::from_value(r["reply"].clone()).unwrap();
            let result = LabResult {
                measured: Measured {
                    status: Some(u(&r["status"]) as u16),
                    total_ms: f(&r["total_ms"]),
                    server_ms: None,
                    phases,
                    response_headers: Vec::new(),
                },
                answer: Ok(Box::new(reply)),
            };
            s = s.reduce(lab::Action::Done {
                run,
                n: i as u32 + 1,
                result,
            });
        }
        s = s.reduce(lab::Action::Finished {
            run,
            stopped: false,
        });
    }
    s
}

/// The observer's picture after the recorded messages.
fn observed(messages: &Value) -> Observed {
    let mut o = Observed::default();
    for m in messages.as_array().unwrap() {
        let msg: ObserveMsg = serde_json::from_value(m["msg"].clone()).unwrap();
        o.apply(msg, f(&m["at_ms"]));
    }
    o
}

/// A `/ws` session: the recorded calls replayed on `SessionView`, as `use_websocket` makes
/// them.
fn session(steps: &Value) -> SessionView {
    let mut v = SessionView::default();
    for s in steps.as_array().unwrap() {
        let at = f(&s["at"]);
        let bytes = || u(&s["bytes"]) as usize;
        match s["call"].as_str().unwrap() {
            "connecting" => v = v.connecting(at),
            "opened" => v.opened(at),
            "text" => v.text(s["text"].as_str().unwrap(), at, f(&s["unix_us"])),
            "sent_echo" => v.sent_echo(u(&s["seq"]), bytes(), at),
            "sent_command" => {
                let what = match s["what"].as_str().unwrap() {
                    "start_ticker" => Command::StartTicker,
                    "ask_server_close" => Command::AskServerClose(u(&s["code"]) as u16),
                    "ask_server_drop" => Command::AskServerDrop,
                    other => panic!("command {other}"),
                };
                v.sent_command(what, bytes(), at);
            }
            "closing" => v.closing(u(&s["code"]) as u16, at),
            "closed" => v.closed(
                u(&s["code"]) as u16,
                s["reason"].as_str().unwrap().to_owned(),
                s["clean"].as_bool().unwrap(),
                at,
            ),
            other => panic!("call {other}"),
        }
    }
    v
}

/// The chat room as `use_chat` leaves it: the recorded clock probes (the first Join's,
/// `services/echo.rs`'s `clock_estimate`), then each Join (`ChatRoom::add`) and each
/// client's inputs (`ChatRoom::apply`), in the order they happened.
fn chat_room(rec: &Value) -> ChatRoom {
    let mut room = ChatRoom::default();
    let mut clock = ClockEstimate::default();
    for p in rec["clock"].as_array().unwrap() {
        let server = f(&p["server"]);
        clock.add(f(&p["t0"]), server, server, f(&p["t3"]));
    }
    room.clock = Some(clock);
    let name = rec["room"].as_str().unwrap();
    for c in rec["calls"].as_array().unwrap() {
        let slot = u(&c["slot"]) as u32;
        let at = || f(&c["at"]);
        let text = || c["text"].as_str().unwrap().to_owned();
        let input = match c["call"].as_str().unwrap() {
            "add" => {
                let via = match c["via"].as_str().unwrap() {
                    "ws" => Via::WebSocket,
                    "poll" => Via::Poll {
                        every_ms: u(&c["every_ms"]) as u32,
                    },
                    other => panic!("via {other}"),
                };
                let who = c["name"].as_str().unwrap().to_owned();
                let added = room.add(who, name.to_owned(), via, at());
                assert_eq!(added, Some(slot), "slots as the recorder numbered them");
                continue;
            }
            "opened" => Input::Opened { at: at() },
            "frame" => Input::Frame {
                text: text(),
                at: at(),
                unix_us: f(&c["unix_us"]),
            },
            "http" => Input::Http {
                up: u(&c["up"]),
                down: u(&c["down"]),
            },
            "welcome" => Input::Welcome {
                welcome: serde_json::from_value(c["welcome"].clone()).unwrap(),
                at: at(),
            },
            "batch" => Input::Batch {
                batch: serde_json::from_value(c["batch"].clone()).unwrap(),
                at: at(),
                unix_us: f(&c["unix_us"]),
            },
            "said" => Input::Said {
                text: text(),
                client_seq: u(&c["client_seq"]),
                bytes: u(&c["bytes"]),
                at: at(),
                unix_us: f(&c["unix_us"]),
            },
            other => panic!("call {other}"),
        };
        room.apply(slot, input);
    }
    room
}

fn tally(counted: &Value) -> Option<Tally> {
    (!counted.is_null()).then(|| Tally {
        requests: u(&counted["requests"]),
        connections_opened: u(&counted["connections_opened"]),
        bytes_in: u(&counted["bytes_in"]),
        bytes_out: u(&counted["bytes_out"]),
        empty_responses: u(&counted["empty_responses"]),
        held_now: 0,
        held_peak: u(&counted["held_peak"]),
        settled: counted["settled"].as_bool().unwrap(),
    })
}

fn report(v: &Value) -> CompareReport {
    serde_json::from_value(v.clone()).expect("a CompareReport")
}

fn net(r: &CompareReport) -> NetModel {
    NetModel {
        rtt_ms: r.network.rtt_ms,
        jitter_ms: r.network.jitter_ms,
    }
}

/// The race as `use_race` leaves it, from a `duplex-load race --json` recording (the
/// page's download format).
fn race(v: &Value) -> RaceModel {
    let r = report(v);
    let results = r
        .race
        .iter()
        .zip(v["race"].as_array().unwrap())
        .map(|(c, raw)| ContenderResult {
            contender: Contender::from_slug(&c.contender).unwrap(),
            samples: c.samples_ms.clone(),
            wall_ms: c.wall_ms,
            tally: tally(&raw["server_counted"]),
            done: true,
            error: None,
        })
        .collect();
    RaceModel {
        results,
        net: net(&r),
        ..RaceModel::default()
    }
}

/// The feed as `use_feed` leaves it, from a `duplex-load feed --json` recording.
fn feed(v: &Value) -> FeedModel {
    let r = report(v);
    let setting = |k: &str| r.settings[k].parse::<u64>().unwrap();
    let results = r
        .feed
        .iter()
        .zip(v["feed"].as_array().unwrap())
        .map(|(s, raw)| StrategyResult {
            strategy: Strategy::from_slug(&s.strategy).unwrap(),
            points: s.points.clone(),
            last_seq: s.delivered as u64,
            disorder: s.out_of_order,
            requests: s.requests,
            empty: s.empty_responses,
            tally: tally(&raw["server_counted"]),
            done: true,
            error: None,
        })
        .collect();
    FeedModel {
        results,
        settings: Some(FeedSettings {
            rate: setting("rate"),
            secs: setting("secs"),
            poll_ms: setting("poll"),
        }),
        net: net(&r),
        ..FeedModel::default()
    }
}

fn samples(v: &Value) -> Vec<ServerSample> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| ServerSample {
            sessions_open: u(&s["sessions_open"]) as u32,
            os_threads: s["os_threads"].as_u64().map(|t| t as u32),
            at_ms: f(&s["at_ms"]),
        })
        .collect()
}

// ---------------------------------------------------------------- the page's evidence

/// What a lesson page would hold after the browser recording (possibly edited).
struct Page {
    echo: Rc<EchoState>,
    echo_sent: String,
    lab: Rc<LabState>,
    observed: Observed,
    session: SessionView,
    /// The three sessions of `who-closed-it`, one log (reconnects keep it).
    closes: SessionView,
}

impl Page {
    /// The recording, with the lab rows of `lab_keys` (`lab_close`, `lab_keep`,
    /// `lab_parallel`) in that order.
    fn of(rec: &Value, lab_keys: &[&str]) -> Page {
        let rows: Vec<&Value> = lab_keys
            .iter()
            .flat_map(|k| rec[*k].as_array().unwrap())
            .collect();
        Page {
            echo: echo_state(&rec["echo"]),
            echo_sent: rec["echo"][0]["sent"].as_str().unwrap().to_owned(),
            lab: lab_state(&rows),
            observed: observed(&rec["observe"]),
            session: session(&rec["ws_push"]),
            closes: session(&rec["ws_closes"]),
        }
    }

    /// The WebSocket lab after the three closes of `who-closed-it`.
    fn closes(&self) -> Evidence<'_> {
        Evidence {
            session: Some(&self.closes),
            observed: Some(&self.observed),
            ..Evidence::default()
        }
    }

    fn evidence(&self) -> Evidence<'_> {
        Evidence {
            echo: Some(&self.echo),
            echo_sent: Some(&self.echo_sent),
            lab: &self.lab.rows,
            observed: Some(&self.observed),
            session: Some(&self.session),
            ..Evidence::default()
        }
    }
}

fn page(lab_keys: &[&str]) -> Page {
    Page::of(&recording("browser"), lab_keys)
}

/// A copy of the browser recording, edited by `edit`.
fn edited(edit: impl FnOnce(&mut Value), lab_keys: &[&str]) -> Page {
    let mut rec = recording("browser");
    edit(&mut rec);
    Page::of(&rec, lab_keys)
}

fn state(lesson: LessonId, step: StepId, e: &Evidence<'_>) -> StepState {
    let i = lesson.steps().iter().position(|s| *s == step).unwrap();
    let states = lesson::check(lesson, e);
    assert_eq!(states.len(), lesson.steps().len(), "one state per step");
    states[i].clone()
}

#[track_caller]
fn passes(lesson: LessonId, step: StepId, e: &Evidence<'_>) -> Saw {
    match state(lesson, step, e) {
        StepState::Passed(saw) => saw,
        other => panic!("{}/{} did not pass: {other:?}", lesson.slug(), step.slug()),
    }
}

#[track_caller]
fn fails(lesson: LessonId, step: StepId, e: &Evidence<'_>) -> StepState {
    let s = state(lesson, step, e);
    eprintln!("NEAR MISS {}/{}: {s:?}", lesson.slug(), step.slug());
    assert!(
        !s.passed(),
        "{}/{} passed on a near miss: {s:?}",
        lesson.slug(),
        step.slug()
    );
    s
}

/// The observer's event of `kind` about `conn`.
fn event<'a>(rec: &'a mut Value, kind: &str, conn: u64) -> &'a mut Value {
    rec["observe"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|m| &mut m["msg"]["event"])
        .find(|e| e["kind"] == kind && e["conn"] == conn)
        .unwrap_or_else(|| panic!("no {kind} event for conn {conn}"))
}

// ---------------------------------------------------------------- one-request

#[test]
fn one_request_answered() {
    use LessonId::OneRequest as L;
    let p = page(&[]);
    let Saw::Answered { status, ms } = passes(L, StepId::Answered, &p.evidence()) else {
        panic!()
    };
    assert!(status == 200 && ms > 0.0);
    // Near miss: the server answered 503.
    let miss = edited(|r| r["echo"][0]["status"] = json!(503), &[]);
    let s = fails(L, StepId::Answered, &miss.evidence());
    assert!(matches!(
        s,
        StepState::Partial(Saw::Answered { status: 503, .. })
    ));
    // Nothing sent yet: pending.
    assert_eq!(
        lesson::check(L, &Evidence::default()),
        vec![StepState::Pending; 2]
    );
}

#[test]
fn one_request_echoed() {
    use LessonId::OneRequest as L;
    let p = page(&[]);
    let saw = passes(L, StepId::Echoed, &p.evidence());
    assert_eq!(
        saw,
        Saw::Echoed {
            sent_bytes: 13,
            echoed_bytes: 13,
            same: true
        }
    );
    // Near miss: what came back is not what was sent.
    let miss = edited(
        |r| r["echo"][0]["reply"]["payload"] = json!("hello, serve"),
        &[],
    );
    fails(L, StepId::Echoed, &miss.evidence());
}

// ---------------------------------------------------------------- connection-close

#[test]
fn connection_close_three_requests() {
    use LessonId::ConnectionClose as L;
    let p = page(&["lab_close"]);
    assert_eq!(
        passes(L, StepId::ThreeRequests, &p.evidence()),
        Saw::Requests { requests: 3 }
    );
    // Near miss: two requests.
    let miss = edited(
        |r| drop(r["lab_close"].as_array_mut().unwrap().pop()),
        &["lab_close"],
    );
    fails(L, StepId::ThreeRequests, &miss.evidence());
    // Keep-alive runs do not count.
    let keep = page(&["lab_keep"]);
    assert_eq!(
        lesson::check(L, &keep.evidence()),
        vec![StepState::Pending; 3]
    );
}

#[test]
fn connection_close_three_connections() {
    use LessonId::ConnectionClose as L;
    let p = page(&["lab_close"]);
    assert_eq!(
        passes(L, StepId::ThreeConnections, &p.evidence()),
        Saw::Connections {
            requests: 3,
            connections: 3,
            closed_by_server: 3
        }
    );
    // Near miss: two connections instead of three (the third request rode the second's).
    let miss = edited(
        |r| r["lab_close"][2]["reply"]["conn"] = json!(4),
        &["lab_close"],
    );
    let s = fails(L, StepId::ThreeConnections, &miss.evidence());
    assert!(matches!(
        s,
        StepState::Partial(Saw::Connections { connections: 2, .. })
    ));
}

#[test]
fn connection_close_server_closed() {
    use LessonId::ConnectionClose as L;
    let p = page(&["lab_close"]);
    passes(L, StepId::ServerClosed, &p.evidence());
    // Near miss: the last connection was closed by the client, not the server.
    let miss = edited(
        |r| event(r, "closed", 6)["by"] = json!("client"),
        &["lab_close"],
    );
    let s = fails(L, StepId::ServerClosed, &miss.evidence());
    assert!(matches!(
        s,
        StepState::Partial(Saw::Connections {
            closed_by_server: 2,
            ..
        })
    ));
}

// ---------------------------------------------------------------- keep-alive

#[test]
fn keep_alive_three_requests() {
    use LessonId::KeepAlive as L;
    let p = page(&["lab_close", "lab_keep"]);
    assert_eq!(
        passes(L, StepId::ThreeRequests, &p.evidence()),
        Saw::Requests { requests: 3 }
    );
    // Near miss: only the run with keep-alive off.
    let miss = page(&["lab_close"]);
    fails(L, StepId::ThreeRequests, &miss.evidence());
}

#[test]
fn keep_alive_one_connection() {
    use LessonId::KeepAlive as L;
    let p = page(&["lab_keep"]);
    assert_eq!(
        passes(L, StepId::OneConnection, &p.evidence()),
        Saw::Connections {
            requests: 3,
            connections: 1,
            closed_by_server: 0
        }
    );
    // Near miss: the third request went on a connection of its own.
    let miss = edited(
        |r| {
            r["lab_keep"][2]["reply"]["conn"] = json!(8);
            r["lab_keep"][2]["reply"]["request_on_conn"] = json!(1);
        },
        &["lab_keep"],
    );
    fails(L, StepId::OneConnection, &miss.evidence());
}

#[test]
fn keep_alive_connect_phase() {
    use LessonId::KeepAlive as L;
    let p = page(&["lab_keep"]);
    let Saw::ConnectPhase {
        first_connect_ms,
        reused,
        reused_with_connect,
        ..
    } = passes(L, StepId::ConnectPhase, &p.evidence())
    else {
        panic!()
    };
    assert!(first_connect_ms > 0.0 && reused == 2 && reused_with_connect == 0);
    // Near miss: a request on the reused connection timed a connect phase.
    let miss = edited(
        |r| {
            r["lab_keep"][2]["phases"]["connect_ms"] = json!(0.4);
            r["lab_keep"][2]["phases"]["reused"] = json!(false);
        },
        &["lab_keep"],
    );
    fails(L, StepId::ConnectPhase, &miss.evidence());
}

// ---------------------------------------------------------------- six-at-a-time

#[test]
fn six_at_a_time_parallel() {
    use LessonId::SixAtATime as L;
    let p = page(&["lab_keep", "lab_parallel"]);
    assert_eq!(
        passes(L, StepId::Parallel, &p.evidence()),
        Saw::Requests { requests: 10 }
    );
    // Near miss: six at once are not more than the browser's six connections.
    let miss = edited(
        |r| r["lab_parallel"].as_array_mut().unwrap().truncate(6),
        &["lab_parallel"],
    );
    fails(L, StepId::Parallel, &miss.evidence());
}

#[test]
fn six_at_a_time_six_connections() {
    use LessonId::SixAtATime as L;
    let p = page(&["lab_parallel"]);
    assert_eq!(
        passes(L, StepId::SixConnections, &p.evidence()),
        Saw::Parallel {
            requests: 10,
            connections: 6,
            peak_open: 6
        }
    );
    // Near miss: all ten on one connection (one at a time, not in parallel).
    let miss = edited(
        |r| {
            for (i, row) in r["lab_parallel"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .enumerate()
            {
                row["reply"]["conn"] = json!(7);
                row["reply"]["request_on_conn"] = json!(4 + i);
            }
        },
        &["lab_parallel"],
    );
    fails(L, StepId::SixConnections, &miss.evidence());
}

#[test]
fn six_at_a_time_queued() {
    use LessonId::SixAtATime as L;
    let p = page(&["lab_parallel"]);
    let Saw::Queued {
        waited,
        longest_wait_ms,
        ..
    } = passes(L, StepId::Queued, &p.evidence())
    else {
        panic!()
    };
    assert!(waited == 4 && longest_wait_ms > 300.0);
    // Near miss: the four beyond six timed no wait.
    let miss = edited(
        |r| {
            for row in &mut r["lab_parallel"].as_array_mut().unwrap()[6..] {
                row["phases"]["queueing_ms"] = json!(0.3);
            }
        },
        &["lab_parallel"],
    );
    fails(L, StepId::Queued, &miss.evidence());
    // Near miss: no server delay, so the queued four waited only as long as the burst's
    // own bookkeeping (the six not queued showed up to 9.4 ms).
    let loopback = edited(
        |r| {
            for row in r["lab_parallel"].as_array_mut().unwrap() {
                row["spec"]["delay"] = json!(0);
            }
            for row in &mut r["lab_parallel"].as_array_mut().unwrap()[6..] {
                row["phases"]["queueing_ms"] = json!(8.0);
            }
        },
        &["lab_parallel"],
    );
    fails(L, StepId::Queued, &loopback.evidence());
}

// ---------------------------------------------------------------- socket-stays-open

/// The recorded `/ws` session's calls.
fn calls(rec: &mut Value) -> &mut Vec<Value> {
    rec["ws_push"].as_array_mut().unwrap()
}

#[test]
fn socket_stays_open_upgrade() {
    use LessonId::SocketStaysOpen as L;
    let p = page(&[]);
    let Saw::Upgrade {
        status,
        request_headers,
        response_headers,
    } = passes(L, StepId::Upgrade, &p.evidence())
    else {
        panic!()
    };
    assert!(status == 101 && request_headers > 3 && response_headers >= 3);
    // Near miss: the request the server saw asked for no upgrade (a proxy stripped it).
    let miss = edited(
        |r| {
            let text = calls(r)[2]["text"].as_str().unwrap().to_owned();
            let mut welcome: Value = serde_json::from_str(&text).unwrap();
            welcome["request_headers"]
                .as_array_mut()
                .unwrap()
                .retain(|h| h["name"] != "upgrade");
            calls(r)[2]["text"] = json!(welcome.to_string());
        },
        &[],
    );
    fails(L, StepId::Upgrade, &miss.evidence());
}

#[test]
fn socket_stays_open_exchange() {
    use LessonId::SocketStaysOpen as L;
    let p = page(&[]);
    let Saw::Exchange { sent, received } = passes(L, StepId::Exchange, &p.evidence()) else {
        panic!()
    };
    assert!(sent >= 3 && received >= 3, "{sent} {received}");
    // Near miss: the session ends after two echoes.
    let miss = edited(|r| calls(r).truncate(7), &[]);
    assert!(matches!(
        fails(L, StepId::Exchange, &miss.evidence()),
        StepState::Partial(Saw::Exchange {
            sent: 2,
            received: 3
        })
    ));
}

#[test]
fn socket_stays_open_one_connection() {
    use LessonId::SocketStaysOpen as L;
    let p = page(&[]);
    let Saw::SessionConnection { requests, .. } = passes(L, StepId::OneConnection, &p.evidence())
    else {
        panic!()
    };
    assert_eq!(requests, 1);
    // Near miss: the server never saw the session's connection upgraded.
    let miss = edited(
        |r| {
            r["observe"]
                .as_array_mut()
                .unwrap()
                .retain(|m| m["msg"]["event"]["kind"] != "upgraded");
        },
        &[],
    );
    fails(L, StepId::OneConnection, &miss.evidence());
}

// ---------------------------------------------------------------- server-speaks-first

#[test]
fn server_speaks_first_pushes() {
    use LessonId::ServerSpeaksFirst as L;
    let p = page(&[]);
    assert_eq!(
        passes(L, StepId::Pushes, &p.evidence()),
        Saw::Pushes {
            pushes: 5,
            replies: 3
        }
    );
    // Near miss: five messages from the server, all asked for (echo replies, no ticker).
    let miss = edited(
        |r| {
            let c = calls(r);
            let (send, reply) = (c[3].clone(), c[4].clone());
            // Up to the third echo's reply, then two more echoes, then the server's close.
            let close = c[c.len() - 2..].to_vec();
            c.truncate(9);
            for seq in 4..=5u64 {
                let mut s = send.clone();
                s["seq"] = json!(seq);
                let mut t = reply.clone();
                let text = t["text"]
                    .as_str()
                    .unwrap()
                    .replace("\"seq\":1", &format!("\"seq\":{seq}"));
                t["text"] = json!(text);
                c.extend([s, t]);
            }
            c.extend(close);
        },
        &[],
    );
    assert_eq!(
        fails(L, StepId::Pushes, &miss.evidence()),
        StepState::Partial(Saw::Pushes {
            pushes: 0,
            replies: 5
        })
    );
}

#[test]
fn server_speaks_first_server_close() {
    use LessonId::ServerSpeaksFirst as L;
    let p = page(&[]);
    assert_eq!(
        passes(L, StepId::ServerClose, &p.evidence()),
        Saw::Close {
            code: 4000,
            reason: "lesson done".into(),
            by_server: true
        }
    );
    // Near miss: the page closed it (`close(1000)`), not the server.
    let miss = edited(
        |r| {
            let c = calls(r);
            let at = c[c.len() - 2]["at"].clone();
            let n = c.len();
            c[n - 2] = json!({"call": "closing", "code": 1000, "at": at});
            c[n - 1]["code"] = json!(1000);
            c[n - 1]["reason"] = json!("");
        },
        &[],
    );
    fails(L, StepId::ServerClose, &miss.evidence());
    // Near miss: the server closed it, cleanly, but its close frame named no code (the
    // page sees 1005 and no reason).
    let silent = edited(
        |r| {
            let c = calls(r);
            let n = c.len();
            c[n - 1]["code"] = json!(1005);
            c[n - 1]["reason"] = json!("");
        },
        &[],
    );
    fails(L, StepId::ServerClose, &silent.evidence());
}

// ---------------------------------------------------------------- streaming-over-http

fn feed_evidence(f: &FeedModel) -> Evidence<'_> {
    Evidence {
        feed: Some(f),
        ..Evidence::default()
    }
}

fn strategy_mut(f: &mut FeedModel, s: Strategy) -> &mut StrategyResult {
    f.results.iter_mut().find(|r| r.strategy == s).unwrap()
}

#[test]
fn streaming_over_http_poll_vs_push() {
    use LessonId::StreamingOverHttp as L;
    let f = feed(&recording("feed"));
    let Saw::PollVsPush {
        poll_requests,
        ws_requests,
        ..
    } = passes(L, StepId::PollVsPush, &feed_evidence(&f))
    else {
        panic!()
    };
    assert!(poll_requests > 10 && ws_requests == 1);
    // Near miss: the WebSocket reader failed.
    let mut miss = f.clone();
    let ws = strategy_mut(&mut miss, Strategy::WebSocket);
    ws.error = Some(Failure::Closed {
        code: 1006,
        reason: String::new(),
    });
    fails(L, StepId::PollVsPush, &feed_evidence(&miss));
}

#[test]
fn streaming_over_http_half_period() {
    use LessonId::StreamingOverHttp as L;
    let f = feed(&recording("feed"));
    let Saw::HalfPeriod {
        period_ms,
        expected_ms,
        median_ms,
        ..
    } = passes(L, StepId::HalfPeriod, &feed_evidence(&f))
    else {
        panic!()
    };
    assert_eq!((period_ms, expected_ms), (500, 250.0));
    assert!(median_ms > 150.0 && median_ms < 350.0, "{median_ms}");
    // Near miss: the same staleness, but polls every 2 s (expected ~1 s).
    let mut miss = f.clone();
    miss.settings.as_mut().unwrap().poll_ms = 2_000;
    fails(L, StepId::HalfPeriod, &feed_evidence(&miss));
}

#[test]
fn streaming_over_http_header_cost() {
    use LessonId::StreamingOverHttp as L;
    // The recorded feed (duplex-load), its short polls' tally replaced by the one the
    // server counted for a real browser's short polls (`browser_polls.json`: Chromium
    // sending the page's own poll request): what a learner's page sends.
    let recorded = feed(&recording("feed"));
    let polls = recording("browser_polls");
    let browser: Tally = serde_json::from_value(polls["tally"].clone()).unwrap();
    assert_eq!(browser.requests, u(&polls["polls"]));
    let mut f = recorded.clone();
    strategy_mut(&mut f, Strategy::ShortPoll).tally = Some(browser);
    let Saw::HeaderCost {
        poll_request_bytes,
        ws_frame_header_bytes,
        ..
    } = passes(L, StepId::HeaderCost, &feed_evidence(&f))
    else {
        panic!()
    };
    assert!(
        (300..=1800).contains(&poll_request_bytes) && ws_frame_header_bytes == 2,
        "{poll_request_bytes} B per poll"
    );
    let agrees: Vec<bool> = lesson::formula::formulas(&Saw::HeaderCost {
        poll_request_bytes,
        poll_response_bytes: 0,
        ws_frame_header_bytes,
    })
    .iter()
    .map(lesson::formula::Formula::agrees)
    .collect();
    assert_eq!(agrees, [true, true]);
    // Near miss: a native client's bare head (duplex-load's own polls, as recorded:
    // 136 B) is far from a browser's ~900 B.
    let Saw::HeaderCost {
        poll_request_bytes, ..
    } = fails(L, StepId::HeaderCost, &feed_evidence(&recorded))
        .saw()
        .cloned()
        .unwrap()
    else {
        panic!()
    };
    assert!(poll_request_bytes < 200, "{poll_request_bytes}");
    // Near miss: no WebSocket reader to compare with.
    let mut miss = f.clone();
    miss.results.retain(|r| r.strategy != Strategy::WebSocket);
    fails(L, StepId::HeaderCost, &feed_evidence(&miss));
}

#[test]
fn streaming_over_http_http_push() {
    use LessonId::StreamingOverHttp as L;
    let f = feed(&recording("feed"));
    let Saw::HttpPush {
        sse_requests,
        long_empty,
        ..
    } = passes(L, StepId::HttpPush, &feed_evidence(&f))
    else {
        panic!()
    };
    assert!(sse_requests == 1 && long_empty == 0);
    // Near miss: an event stream that had to reconnect for every event.
    let mut miss = f.clone();
    strategy_mut(&mut miss, Strategy::Sse).requests = 100;
    fails(L, StepId::HttpPush, &feed_evidence(&miss));
}

// ---------------------------------------------------------------- real-network

fn race_evidence(r: &RaceModel) -> Evidence<'_> {
    Evidence {
        race: Some(r),
        ..Evidence::default()
    }
}

#[test]
fn real_network_emulated() {
    use LessonId::RealNetwork as L;
    let r = race(&recording("race_4g"));
    assert_eq!(
        passes(L, StepId::Emulated, &race_evidence(&r)),
        Saw::Network {
            rtt_ms: 50,
            jitter_ms: 8
        }
    );
    // Near miss: the same race on loopback (recorded too).
    let loopback = race(&recording("race_loopback"));
    assert_eq!(
        fails(L, StepId::Emulated, &race_evidence(&loopback)),
        StepState::Partial(Saw::Network {
            rtt_ms: 0,
            jitter_ms: 0
        })
    );
}

#[test]
fn real_network_handshake_cost() {
    use LessonId::RealNetwork as L;
    let r = race(&recording("race_4g"));
    let saw = passes(L, StepId::HandshakeCost, &race_evidence(&r));
    // The gauges beside the step: 2 × 50 + 8 ms, 1 × 50 + 8 ms and their difference, the
    // handshake, 50 ms: all met.
    let drawn = lesson::formula::formulas(&saw);
    let expected: Vec<f64> = drawn.iter().map(|f| f.band.expected).collect();
    assert_eq!(expected, [108.0, 58.0, 50.0]);
    assert!(drawn.iter().all(lesson::formula::Formula::agrees));
    // Near miss: new connections as fast as reused ones (as if the handshake were free).
    let mut miss = r.clone();
    let keep = miss.results[1].samples.clone();
    assert_eq!(miss.results[0].contender, Contender::NewConnection);
    miss.results[0].samples = keep;
    let drawn = lesson::formula::formulas(
        fails(L, StepId::HandshakeCost, &race_evidence(&miss))
            .saw()
            .unwrap(),
    );
    let agrees: Vec<bool> = drawn.iter().map(lesson::formula::Formula::agrees).collect();
    assert_eq!(
        agrees,
        [false, true, false],
        "the gauges show which figure is off"
    );
    // And on loopback nothing about round trips can pass.
    let loopback = race(&recording("race_loopback"));
    fails(L, StepId::HandshakeCost, &race_evidence(&loopback));
}

#[test]
fn real_network_websocket() {
    use LessonId::RealNetwork as L;
    let r = race(&recording("race_4g"));
    passes(L, StepId::WebSocket, &race_evidence(&r));
    // Near miss: two round trips per message.
    let mut miss = r.clone();
    let ws = &mut miss.results[2];
    assert_eq!(ws.contender, Contender::WebSocket);
    for s in &mut ws.samples {
        *s *= 2.0;
    }
    fails(L, StepId::WebSocket, &race_evidence(&miss));
}

// ---------------------------------------------------------------- thread-per-client

fn server_evidence(s: &[ServerSample]) -> Evidence<'_> {
    Evidence {
        server: s,
        ..Evidence::default()
    }
}

#[test]
fn thread_per_client_hundred() {
    use LessonId::ThreadPerClient as L;
    let s = samples(&recording("server_samples"));
    assert_eq!(
        passes(L, StepId::Hundred, &server_evidence(&s)),
        Saw::Sessions { peak: 100 }
    );
    // Near miss: 99.
    let miss: Vec<ServerSample> = s
        .iter()
        .map(|x| ServerSample {
            sessions_open: x.sessions_open.min(99),
            ..*x
        })
        .collect();
    fails(L, StepId::Hundred, &server_evidence(&miss));
}

#[test]
fn thread_per_client_threads() {
    use LessonId::ThreadPerClient as L;
    let s = samples(&recording("server_samples"));
    let Saw::Threads {
        sessions,
        threads_before,
        threads,
    } = passes(L, StepId::Threads, &server_evidence(&s))
    else {
        panic!()
    };
    assert!(sessions == 100 && threads <= threads_before + 10);
    // Near miss: a thread per session.
    let miss: Vec<ServerSample> = s
        .iter()
        .map(|x| ServerSample {
            os_threads: x.os_threads.map(|t| t + x.sessions_open),
            ..*x
        })
        .collect();
    fails(L, StepId::Threads, &server_evidence(&miss));
    // A server that cannot count its threads leaves the step pending.
    let unknown: Vec<ServerSample> = s
        .iter()
        .map(|x| ServerSample {
            os_threads: None,
            ..*x
        })
        .collect();
    assert_eq!(
        state(L, StepId::Threads, &server_evidence(&unknown)),
        StepState::Pending
    );
}

#[test]
fn thread_per_client_closed() {
    use LessonId::ThreadPerClient as L;
    let s = samples(&recording("server_samples"));
    assert_eq!(
        passes(L, StepId::Closed, &server_evidence(&s)),
        Saw::SessionsClosed { peak: 100, now: 0 }
    );
    // Near miss: 40 sessions still open at the end.
    let mut miss = s.clone();
    let peak_end = miss.iter().rposition(|x| x.sessions_open == 100).unwrap();
    for x in &mut miss[peak_end + 1..] {
        x.sessions_open = 40;
    }
    fails(L, StepId::Closed, &server_evidence(&miss));
}

// ---------------------------------------------------------------- who-closed-it

/// The recorded calls of `who-closed-it`'s three sessions.
fn close_calls(rec: &mut Value) -> &mut Vec<Value> {
    rec["ws_closes"].as_array_mut().unwrap()
}

/// The index of the first recorded call matching `pred`.
fn call_at(rec: &mut Value, pred: impl Fn(&Value) -> bool) -> usize {
    close_calls(rec)
        .iter()
        .position(pred)
        .expect("the recording has that call")
}

fn ended(code: u16, reason: &str, by: Initiator, clean: bool) -> Saw {
    Saw::Ended {
        code,
        reason: reason.into(),
        by,
        clean,
    }
}

#[test]
fn who_closed_it_page_close() {
    use LessonId::WhoClosedIt as L;
    let p = page(&[]);
    assert_eq!(
        passes(L, StepId::PageClose, &p.closes()),
        ended(1000, "done", Initiator::Page, true)
    );
    // Near miss: the page closed with the lab's default code (4000), not a normal closure.
    let miss = edited(
        |r| {
            let i = call_at(r, |c| c["call"] == "closing");
            close_calls(r)[i]["code"] = json!(4000);
            let j = call_at(r, |c| c["call"] == "closed");
            close_calls(r)[j]["code"] = json!(4000);
        },
        &[],
    );
    assert_eq!(
        fails(L, StepId::PageClose, &miss.closes()),
        StepState::Partial(ended(4000, "done", Initiator::Page, true))
    );
}

#[test]
fn who_closed_it_server_close() {
    use LessonId::WhoClosedIt as L;
    let p = page(&[]);
    assert_eq!(
        passes(L, StepId::ServerClose, &p.closes()),
        ended(4001, "maintenance", Initiator::Server, true)
    );
    // Near miss: the page closed with the same code and reason (a client close, not the
    // server's): nothing the server started to judge.
    let client = edited(
        |r| {
            let i = call_at(r, |c| c["what"] == "ask_server_close");
            let at = close_calls(r)[i]["at"].clone();
            close_calls(r)[i] = json!({"call": "closing", "code": 4001, "at": at});
        },
        &[],
    );
    assert_eq!(
        fails(L, StepId::ServerClose, &client.closes()),
        StepState::Pending
    );
    // Near miss: the server closed by itself (going away, 1001), not with the page's code.
    let own = edited(
        |r| {
            let i = call_at(r, |c| c["what"] == "ask_server_close");
            close_calls(r).remove(i);
            let j = call_at(r, |c| c["call"] == "closed" && c["code"] == 4001);
            close_calls(r)[j]["code"] = json!(1001);
            close_calls(r)[j]["reason"] = json!("server shutting down");
        },
        &[],
    );
    assert_eq!(
        fails(L, StepId::ServerClose, &own.closes()),
        StepState::Partial(ended(1001, "server shutting down", Initiator::Server, true))
    );
    // Near miss: an application's code, but the server's own (it closed unasked), not
    // the one the page chose.
    let unasked = edited(
        |r| {
            let i = call_at(r, |c| c["what"] == "ask_server_close");
            close_calls(r).remove(i);
        },
        &[],
    );
    assert_eq!(
        fails(L, StepId::ServerClose, &unasked.closes()),
        StepState::Partial(ended(4001, "maintenance", Initiator::Server, true))
    );
}

#[test]
fn who_closed_it_dropped() {
    use LessonId::WhoClosedIt as L;
    let p = page(&[]);
    assert_eq!(
        passes(L, StepId::Dropped, &p.closes()),
        ended(1006, "", Initiator::Neither, false)
    );
    // Near miss: the same request to drop, but the session ended with a clean close.
    let miss = edited(
        |r| {
            let j = call_at(r, |c| c["call"] == "closed" && c["code"] == 1006);
            close_calls(r)[j]["code"] = json!(1000);
            close_calls(r)[j]["clean"] = json!(true);
        },
        &[],
    );
    assert_eq!(
        fails(L, StepId::Dropped, &miss.closes()),
        StepState::Partial(ended(1000, "", Initiator::Server, true))
    );
    // The other lessons read only the current attempt: after the drop, lesson 6's close
    // step sees the 1006, not the server's earlier 4001.
    assert!(matches!(
        state(
            LessonId::ServerSpeaksFirst,
            StepId::ServerClose,
            &p.closes()
        ),
        StepState::Partial(Saw::Close { code: 1006, .. })
    ));
}

// ---------------------------------------------------------------- many-clients

fn chat_evidence(room: &ChatRoom) -> Evidence<'_> {
    Evidence {
        chat: Some(room),
        ..Evidence::default()
    }
}

/// The recorded room, edited by `edit` (its `calls`).
fn chat_edited(edit: impl FnOnce(&mut Vec<Value>)) -> ChatRoom {
    let mut rec = recording("browser");
    edit(rec["chat"]["calls"].as_array_mut().unwrap());
    chat_room(&rec["chat"])
}

/// The recording's Ana and Bo (WebSocket) and Cy (polling every 500 ms).
const ANA: u64 = 1;
const BO: u64 = 2;
const CY: u64 = 3;

#[test]
fn many_clients_clients() {
    use LessonId::ManyClients as L;
    let room = chat_room(&recording("browser")["chat"]);
    assert_eq!(
        passes(L, StepId::Clients, &chat_evidence(&room)),
        Saw::Clients {
            websocket: 2,
            polling: 1,
            long_polling: 0
        }
    );
    // Near miss: two WebSocket clients and no poller.
    let miss = chat_edited(|calls| calls.retain(|c| c["slot"] != CY));
    assert_eq!(
        fails(L, StepId::Clients, &chat_evidence(&miss)),
        StepState::Partial(Saw::Clients {
            websocket: 2,
            polling: 0,
            long_polling: 0
        })
    );
}

#[test]
fn many_clients_pushed() {
    use LessonId::ManyClients as L;
    let room = chat_room(&recording("browser")["chat"]);
    let Saw::Pushed {
        clients, delay_ms, ..
    } = passes(L, StepId::Pushed, &chat_evidence(&room))
    else {
        panic!()
    };
    // The newest message (the poller's): pushed to both WebSocket clients, within
    // milliseconds on loopback, far below the poller's half period.
    assert_eq!(clients, 2);
    assert!((0.0..50.0).contains(&delay_ms), "{delay_ms}");
    // Near miss: the page's only WebSocket client is the sender (Bo's socket never
    // opened, and the poller's messages not said on this page): its own copy comes back,
    // nobody else on the page is pushed to.
    let miss = chat_edited(|calls| {
        calls.retain(|c| {
            (c["slot"] != BO || c["call"] == "add") && !(c["slot"] == CY && c["call"] == "said")
        });
    });
    assert_eq!(
        fails(L, StepId::Pushed, &chat_evidence(&miss)),
        StepState::Pending
    );
    assert!(
        miss.fanout
            .iter()
            .all(|f| f.sender.is_none_or(|(s, _)| s == ANA as u32))
    );
}

#[test]
fn many_clients_half_period() {
    use LessonId::ManyClients as L;
    let room = chat_room(&recording("browser")["chat"]);
    let Saw::PollDelay {
        period_ms,
        expected_ms,
        tolerance_ms,
        median_ms,
        messages,
        polls,
        empty,
    } = passes(L, StepId::HalfPeriod, &chat_evidence(&room))
    else {
        panic!()
    };
    eprintln!(
        "poller every {period_ms} ms: median {median_ms:.1} ms (expected {expected_ms} ± \
         {tolerance_ms}), {messages} messages, {polls} polls, {empty} empty"
    );
    assert_eq!((period_ms, messages), (500, 12));
    assert!(
        empty >= 1 && polls > u64::from(messages) / 2,
        "{polls} {empty}"
    );
    // Near miss: only three messages reached the poller.
    let few = chat_edited(|calls| {
        let fourth = calls
            .iter()
            .enumerate()
            .filter(|(_, c)| c["call"] == "said")
            .nth(3)
            .unwrap()
            .0;
        calls.truncate(fourth);
    });
    assert!(matches!(
        fails(L, StepId::HalfPeriod, &chat_evidence(&few)),
        StepState::Partial(Saw::PollDelay { messages: 3, .. })
    ));
    // Near miss: the same answers from a poller that claims a 2 s period: its messages
    // came far sooner than half of that.
    let slow = chat_edited(|calls| {
        let add = calls
            .iter_mut()
            .find(|c| c["call"] == "add" && c["slot"] == CY)
            .unwrap();
        add["every_ms"] = json!(2000);
    });
    assert!(matches!(
        fails(L, StepId::HalfPeriod, &chat_evidence(&slow)),
        StepState::Partial(Saw::PollDelay {
            period_ms: 2000,
            ..
        })
    ));
}

// ---------------------------------------------------------------- order, ids, progress, text

#[test]
fn later_steps_need_the_earlier_ones_evidence() {
    // Two requests, each on its own connection, each closed by the server: the
    // connection steps see it, but do not pass before `three-requests` does.
    let miss = edited(
        |r| drop(r["lab_close"].as_array_mut().unwrap().pop()),
        &["lab_close"],
    );
    let states = lesson::check(LessonId::ConnectionClose, &miss.evidence());
    assert!(states.iter().all(|s| !s.passed()), "{states:?}");
    assert_eq!(
        states[2],
        StepState::Partial(Saw::Connections {
            requests: 2,
            connections: 2,
            closed_by_server: 2
        })
    );
}

#[test]
fn lessons_are_data() {
    let slugs: Vec<&str> = LessonId::ALL.iter().map(|l| l.slug()).collect();
    assert_eq!(
        slugs,
        [
            "one-request",
            "connection-close",
            "keep-alive",
            "six-at-a-time",
            "socket-stays-open",
            "server-speaks-first",
            "streaming-over-http",
            "real-network",
            "thread-per-client",
            "who-closed-it",
            "many-clients"
        ]
    );
    for (i, l) in LessonId::ALL.iter().enumerate() {
        assert_eq!(LessonId::from_slug(l.slug()), Some(*l));
        assert_eq!(l.number(), i + 1);
        assert_eq!(l.next(), LessonId::ALL.get(i + 1).copied());
        for s in l.steps() {
            assert_eq!(l.step(s.slug()), Some(*s));
        }
        // Every lesson's address is one `/learn/:lesson` reads back, unescaped.
        let path = frontend::route::fill("/learn/:lesson", &[l.slug().to_owned()]).unwrap();
        assert_eq!(path, format!("/learn/{}", l.slug()));
        assert_eq!(
            frontend::route::captures("/learn/:lesson", &path),
            Some(vec![l.slug().to_owned()])
        );
    }
    assert_eq!(LessonId::from_slug("nope"), None);
    assert_eq!(LessonId::OneRequest.step("queued"), None);
}

#[test]
fn progress_keeps_what_passed() {
    let p = page(&["lab_close"]);
    let mut progress = Progress::default();
    let l = LessonId::ConnectionClose;
    assert_eq!(progress.status(l), LessonStatus::NotStarted);
    assert!(progress.record(l, &lesson::check(l, &p.evidence())));
    assert_eq!(progress.status(l), LessonStatus::Done);
    // The evidence cleared: the steps stay passed.
    assert!(!progress.record(l, &lesson::check(l, &Evidence::default())));
    assert_eq!(progress.status(l), LessonStatus::Done);

    let o = LessonId::OneRequest;
    let mut states = lesson::check(o, &p.evidence());
    states[1] = StepState::Pending;
    progress.record(o, &states);
    assert_eq!(
        progress.status(o),
        LessonStatus::Steps { done: 1, total: 2 }
    );
    assert!(progress.is_done(o, StepId::Answered) && !progress.is_done(o, StepId::Echoed));

    let text = progress.encode();
    assert_eq!(
        text,
        "v1;one-request=answered;connection-close=three-requests,three-connections,server-closed"
    );
    assert_eq!(Progress::decode(&text), progress);

    progress.reset(l);
    assert_eq!(progress.status(l), LessonStatus::NotStarted);
    assert_eq!(progress.encode(), "v1;one-request=answered");
    // A step of another lesson is not this lesson's.
    assert!(!progress.mark(o, StepId::Queued));
    assert!(!PROGRESS_STORAGE_KEY.is_empty());
}

#[test]
fn progress_decoding_forgives() {
    assert_eq!(Progress::decode(""), Progress::default());
    assert_eq!(Progress::decode("garbage"), Progress::default());
    assert_eq!(Progress::decode("{\"json\":1}"), Progress::default());
    assert_eq!(
        Progress::decode("v2;one-request=answered"),
        Progress::default()
    );
    let p = Progress::decode(
        " v1;one-request=answered,flying;future-lesson=x;;keep-alive=;six-at-a-time = queued , parallel;==;",
    );
    assert_eq!(
        p.encode(),
        "v1;one-request=answered;six-at-a-time=parallel,queued"
    );
}

#[test]
fn every_lesson_step_and_line_is_in_the_catalogue() {
    let placeholders = |t: &str| -> Vec<String> {
        let mut v: Vec<String> = t
            .split('{')
            .skip(1)
            .filter_map(|r| r.split_once('}').map(|(n, _)| n.to_owned()))
            .collect();
        v.sort();
        v
    };
    let mut keys: Vec<Key> = Vec::new();
    for l in LessonId::ALL {
        keys.push(text::title(l));
        for s in l.steps() {
            keys.push(text::step_label(l, *s).expect("every step has a label"));
        }
    }
    let n = keys.len();
    keys.sort_by_key(|k| k.name());
    keys.dedup();
    assert_eq!(keys.len(), n, "titles and labels are distinct keys");
    assert_eq!(text::step_label(LessonId::OneRequest, StepId::Queued), None);

    // What each step saw on its recording (and on the near misses above) words through
    // a line whose placeholders are exactly the arguments given.
    let browser = page(&["lab_close", "lab_keep", "lab_parallel"]);
    let f = feed(&recording("feed"));
    let r4 = race(&recording("race_4g"));
    let r0 = race(&recording("race_loopback"));
    let s = samples(&recording("server_samples"));
    let room = chat_room(&recording("browser")["chat"]);
    let mut saws: Vec<Saw> = Vec::new();
    for e in [
        chat_evidence(&room),
        browser.evidence(),
        browser.closes(),
        feed_evidence(&f),
        race_evidence(&r4),
        race_evidence(&r0),
        server_evidence(&s),
    ] {
        for l in LessonId::ALL {
            saws.extend(lesson::check(l, &e).iter().filter_map(|s| s.saw().cloned()));
        }
    }
    saws.push(Saw::Echoed {
        sent_bytes: 1,
        echoed_bytes: 2,
        same: false,
    });
    saws.push(Saw::Close {
        code: 1000,
        reason: String::new(),
        by_server: false,
    });
    assert!(saws.len() > 25, "{}", saws.len());
    for saw in &saws {
        let (key, args) = text::saw_line(saw);
        let mut names: Vec<String> = args.iter().map(|(n, _)| (*n).to_owned()).collect();
        names.sort();
        for lang in Lang::ALL {
            assert_eq!(placeholders(lang.t(key)), names, "{} ({saw:?})", key.name());
        }
        let borrowed: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let line = Lang::En.tf(key, &borrowed);
        assert!(!line.contains('{'), "{line}");
    }
    let (key, args) = text::status_line(LessonStatus::Steps { done: 1, total: 3 });
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
    assert_eq!(Lang::En.tf(key, &borrowed), "1 of 3 steps");
    assert_eq!(
        Lang::En.tf(
            Key::lesson_saw_connections,
            &[("requests", "3"), ("connections", "3"), ("closed", "3")]
        ),
        "Requests: 3 · TCP connections: 3 · closed by the server: 3"
    );
}

#[test]
fn a_lesson_is_pending_in_any_host_but_its_own() {
    use frontend::model::lesson::{Evidence, Host, LessonId, StepState, check_in, host_of};
    let empty = Evidence::default();
    for lesson in LessonId::ALL {
        for other in [
            Host::Echo,
            Host::HttpLab,
            Host::WsLab,
            Host::Compare,
            Host::Sessions,
            Host::Chat,
        ] {
            if other != host_of(lesson) {
                assert!(
                    check_in(other, lesson, &empty)
                        .iter()
                        .all(|s| *s == StepState::Pending),
                    "{lesson:?} in {other:?}"
                );
            }
        }
    }
}
