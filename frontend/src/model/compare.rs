//! The Compare page's settings and results, pure (tested natively): the form as typed,
//! checked with the bounds the server also applies; the settings in the page's URL (so a
//! link reproduces the setup); per-contender and per-strategy results with their derived
//! figures; and the JSON and CSV a run downloads as.

use protocol::ErrorBody;
use protocol::compare::{Contender, Strategy, Tally};
use protocol::emulate::{NetModel, Profile};
use protocol::lab::{LabParam, ParamProblem};
use protocol::report::{
    self, CLIENT_PAGE, COMPARE_DOCUMENT, CompareReport, Counted, FeedReport, NetworkReport,
    RaceReport,
};

use super::fetch::FetchError;
use crate::stats::{self, Summary};

/// The form as typed (text fields stay text until checked).
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub profile: Profile,
    pub rtt: String,
    pub jitter: String,
    pub n: String,
    pub size: String,
    pub k: String,
    pub contenders: Vec<Contender>,
    pub rate: String,
    pub secs: String,
    pub poll: String,
    pub strategies: Vec<Strategy>,
}

impl Default for Form {
    fn default() -> Self {
        Self {
            profile: Profile::None,
            rtt: "50".into(),
            jitter: "5".into(),
            n: "200".into(),
            size: "32".into(),
            k: "1".into(),
            contenders: Contender::ALL.to_vec(),
            rate: "10".into(),
            secs: "10".into(),
            poll: "500".into(),
            strategies: Strategy::ALL.to_vec(),
        }
    }
}

/// The text fields, each with its bounds.
pub const FIELDS: [LabParam; 8] = [
    LabParam::RttMs,
    LabParam::JitterMs,
    LabParam::RoundTrips,
    LabParam::PayloadBytes,
    LabParam::InFlight,
    LabParam::FeedRateHz,
    LabParam::FeedSeconds,
    LabParam::PollMs,
];

/// One change the person makes to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Field(LabParam, String),
    Profile(Profile),
    Contender(Contender, bool),
    Strategy(Strategy, bool),
}

/// A race, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaceSettings {
    pub n: u64,
    pub size: u64,
    pub k: u64,
}

/// A feed, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeedSettings {
    pub rate: u64,
    pub secs: u64,
    pub poll_ms: u64,
}

impl Form {
    /// The text of a field.
    pub fn text(&self, p: LabParam) -> &str {
        match p {
            LabParam::RttMs => &self.rtt,
            LabParam::JitterMs => &self.jitter,
            LabParam::RoundTrips => &self.n,
            LabParam::PayloadBytes => &self.size,
            LabParam::InFlight => &self.k,
            LabParam::FeedRateHz => &self.rate,
            LabParam::FeedSeconds => &self.secs,
            _ => &self.poll,
        }
    }

    /// Sets a field's text.
    pub fn set_text(&mut self, p: LabParam, text: String) {
        match p {
            LabParam::RttMs => self.rtt = text,
            LabParam::JitterMs => self.jitter = text,
            LabParam::RoundTrips => self.n = text,
            LabParam::PayloadBytes => self.size = text,
            LabParam::InFlight => self.k = text,
            LabParam::FeedRateHz => self.rate = text,
            LabParam::FeedSeconds => self.secs = text,
            _ => self.poll = text,
        }
    }

    /// Why a field's text is refused (a custom network's fields only count when custom).
    pub fn problem(&self, p: LabParam) -> Option<ParamProblem> {
        if matches!(p, LabParam::RttMs | LabParam::JitterMs) && self.profile != Profile::Custom {
            return None;
        }
        p.parse(self.text(p)).err()
    }

    fn value(&self, p: LabParam) -> Option<u64> {
        p.parse(self.text(p)).ok()
    }

    /// The network model, unless a custom value is refused.
    pub fn net(&self) -> Option<NetModel> {
        match self.profile.model() {
            Some(m) => Some(m),
            None => Some(NetModel {
                rtt_ms: self.value(LabParam::RttMs)? as u32,
                jitter_ms: self.value(LabParam::JitterMs)? as u32,
            }),
        }
    }

    /// The race, unless a field is refused or no contender is chosen.
    pub fn race(&self) -> Option<RaceSettings> {
        if self.contenders.is_empty() {
            return None;
        }
        Some(RaceSettings {
            n: self.value(LabParam::RoundTrips)?,
            size: self.value(LabParam::PayloadBytes)?,
            k: self.value(LabParam::InFlight)?,
        })
    }

    /// The feed, unless a field is refused or no strategy is chosen.
    pub fn feed(&self) -> Option<FeedSettings> {
        if self.strategies.is_empty() {
            return None;
        }
        Some(FeedSettings {
            rate: self.value(LabParam::FeedRateHz)?,
            secs: self.value(LabParam::FeedSeconds)?,
            poll_ms: self.value(LabParam::PollMs)?,
        })
    }

    /// Applies an edit; the chosen contenders and strategies keep their canonical order.
    pub fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Field(p, text) => self.set_text(p, text),
            Edit::Profile(p) => self.profile = p,
            Edit::Contender(c, on) => {
                let mut chosen: Vec<_> = self
                    .contenders
                    .iter()
                    .copied()
                    .filter(|x| *x != c)
                    .collect();
                if on {
                    chosen.push(c);
                }
                self.contenders = Contender::ALL
                    .into_iter()
                    .filter(|x| chosen.contains(x))
                    .collect();
            }
            Edit::Strategy(s, on) => {
                let mut chosen: Vec<_> = self
                    .strategies
                    .iter()
                    .copied()
                    .filter(|x| *x != s)
                    .collect();
                if on {
                    chosen.push(s);
                }
                self.strategies = Strategy::ALL
                    .into_iter()
                    .filter(|x| chosen.contains(x))
                    .collect();
            }
        }
    }

    /// The form as URL query pairs (the language is the app's, not ours).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let list = |slugs: Vec<&str>| slugs.join(",");
        let mut q = vec![("net", self.profile.slug().to_owned())];
        if self.profile == Profile::Custom {
            q.push(("rtt", self.rtt.clone()));
            q.push(("jitter", self.jitter.clone()));
        }
        q.extend([
            ("n", self.n.clone()),
            ("size", self.size.clone()),
            ("k", self.k.clone()),
            (
                "c",
                list(self.contenders.iter().map(|c| c.slug()).collect()),
            ),
            ("rate", self.rate.clone()),
            ("secs", self.secs.clone()),
            ("poll", self.poll.clone()),
            (
                "s",
                list(self.strategies.iter().map(|s| s.slug()).collect()),
            ),
        ]);
        q
    }

    /// The form from URL query pairs; unknown names are ignored, missing ones default, and
    /// refused values are kept as typed (so the page shows why).
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Form {
        let mut f = Form::default();
        for (name, value) in pairs {
            let value = value.chars().take(32).collect::<String>();
            match name {
                "net" => f.profile = Profile::from_slug(&value).unwrap_or(Profile::None),
                "rtt" => f.rtt = value,
                "jitter" => f.jitter = value,
                "n" => f.n = value,
                "size" => f.size = value,
                "k" => f.k = value,
                "rate" => f.rate = value,
                "secs" => f.secs = value,
                "poll" => f.poll = value,
                "c" => {
                    f.contenders = Contender::ALL
                        .into_iter()
                        .filter(|c| value.split(',').any(|s| s == c.slug()))
                        .collect();
                }
                "s" => {
                    f.strategies = Strategy::ALL
                        .into_iter()
                        .filter(|s| value.split(',').any(|v| v == s.slug()))
                        .collect();
                }
                _ => {}
            }
        }
        f
    }
}

/// Why a contender or strategy stopped early. Not a `FetchError`: a contender or strategy
/// is many requests or one WebSocket, and a socket ends with a close code and reason
/// ([`Failure::Closed`]) that no fetch has; a fetch's error converts into it.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The server refused: its code (translated by the page), its English `message`, and
    /// the parameter at fault if it names one (shown beside that field, [`refused_field`]).
    Refused(ErrorBody),
    /// No answer, or one the page does not understand.
    Network,
    /// A WebSocket closed before the end, with its code and reason.
    Closed { code: u16, reason: String },
}

impl Failure {
    /// English, for downloads.
    pub fn describe(&self) -> String {
        match self {
            Failure::Refused(body) => body.message.clone(),
            Failure::Network => "no answer from the server".to_owned(),
            Failure::Closed { code, reason } => format!("closed {code} {reason}"),
        }
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Refused(body) => Failure::Refused(body),
            // The Compare page does not tell "no answer" from "not understood".
            FetchError::Unexpected | FetchError::Network => Failure::Network,
        }
    }
}

/// The first of `failures` that is a server refusal naming one of the form's [`FIELDS`],
/// with that field: the page shows it beside the field.
pub fn refused_field<'a>(
    failures: impl IntoIterator<Item = &'a Failure>,
) -> Option<(LabParam, &'a ErrorBody)> {
    failures.into_iter().find_map(|f| match f {
        Failure::Refused(body) => body.param.filter(|p| FIELDS.contains(p)).map(|p| (p, body)),
        _ => None,
    })
}

/// One contender's race so far.
#[derive(Debug, Clone, PartialEq)]
pub struct ContenderResult {
    pub contender: Contender,
    /// Round-trip times in ms, in the order they completed.
    pub samples: Vec<f64>,
    /// First send → last answer, in ms (0 until finished).
    pub wall_ms: f64,
    /// What the server counted on the wire.
    pub tally: Option<Tally>,
    pub done: bool,
    /// Why it stopped early, if it did.
    pub error: Option<Failure>,
}

impl ContenderResult {
    pub fn new(contender: Contender) -> Self {
        Self {
            contender,
            samples: Vec::new(),
            wall_ms: 0.0,
            tally: None,
            done: false,
            error: None,
        }
    }

    pub fn summary(&self) -> Option<Summary> {
        stats::summarize(&self.samples)
    }

    /// Round trips per second over the wall time.
    pub fn per_second(&self) -> Option<f64> {
        (self.wall_ms > 0.0).then(|| self.samples.len() as f64 * 1000.0 / self.wall_ms)
    }

    /// Bytes on the wire per round trip beyond the payload itself (both ways together).
    pub fn overhead_per_round_trip(&self, size: u64) -> Option<f64> {
        report::overhead_per_round_trip(self.tally, self.samples.len(), size)
    }
}

/// One strategy's feed so far.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategyResult {
    pub strategy: Strategy,
    /// (seconds since the feed started, staleness in ms) per event delivered.
    pub points: Vec<(f64, f64)>,
    /// The last sequence number delivered (to check order and gaps).
    pub last_seq: u64,
    /// Events delivered out of order or twice (should stay 0).
    pub disorder: u64,
    /// Requests the page made (polls, the stream, the socket).
    pub requests: u64,
    /// Answers that carried no event.
    pub empty: u64,
    pub tally: Option<Tally>,
    pub done: bool,
    pub error: Option<Failure>,
}

impl StrategyResult {
    pub fn new(strategy: Strategy) -> Self {
        Self {
            strategy,
            points: Vec::new(),
            last_seq: 0,
            disorder: 0,
            requests: 0,
            empty: 0,
            tally: None,
            done: false,
            error: None,
        }
    }

    /// Records event `seq` shown `staleness_ms` after it was emitted, at `t_s`.
    pub fn deliver(&mut self, seq: u64, t_s: f64, staleness_ms: f64) {
        if seq <= self.last_seq {
            self.disorder += 1;
            return;
        }
        self.last_seq = seq;
        self.points.push((t_s, staleness_ms));
    }

    pub fn staleness(&self) -> Option<Summary> {
        let s: Vec<f64> = self.points.iter().map(|p| p.1).collect();
        stats::summarize(&s)
    }
}

/// Everything a download holds.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    pub form: &'a Form,
    pub net: NetModel,
    pub isolated: bool,
    pub race: &'a [ContenderResult],
    pub feed: &'a [StrategyResult],
}

/// The run as the download's document (`protocol::report`, the shape `duplex-load`
/// writes too): settings, network model, each contender's and strategy's figures and
/// every sample (ms).
pub fn to_report(run: &Run<'_>) -> CompareReport {
    let size = run.form.race().map_or(0, |r| r.size);
    let race = run
        .race
        .iter()
        .map(|c| RaceReport {
            contender: c.contender.slug().to_owned(),
            round_trip_ms: c.summary(),
            wall_ms: c.wall_ms,
            round_trips_per_second: c.per_second(),
            overhead_bytes_per_round_trip: c.overhead_per_round_trip(size),
            server_counted: c.tally.map(Counted::from),
            error: c.error.as_ref().map(Failure::describe),
            samples_ms: c.samples.clone(),
        })
        .collect();
    let feed = run
        .feed
        .iter()
        .map(|s| FeedReport {
            strategy: s.strategy.slug().to_owned(),
            delivered: s.points.len(),
            staleness_ms: s.staleness(),
            requests: s.requests,
            empty_responses: s.empty,
            out_of_order: s.disorder,
            server_counted: s.tally.map(Counted::from),
            error: s.error.as_ref().map(Failure::describe),
            points: s.points.clone(),
        })
        .collect();
    CompareReport {
        duplex: COMPARE_DOCUMENT.to_owned(),
        client: CLIENT_PAGE.to_owned(),
        settings: run
            .form
            .to_query()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
        network: NetworkReport {
            emulated: !run.net.is_none(),
            rtt_ms: run.net.rtt_ms,
            jitter_ms: run.net.jitter_ms,
        },
        cross_origin_isolated: run.isolated,
        race,
        feed,
    }
}

/// The run as JSON ([`to_report`], pretty-printed).
pub fn to_json(run: &Run<'_>) -> String {
    serde_json::to_string_pretty(&to_report(run)).unwrap_or_default()
}

/// The run as CSV, one row per sample: `part,name,index,t_s,value_ms`.
pub fn to_csv(run: &Run<'_>) -> String {
    let mut out = String::from("part,name,index,t_s,value_ms\n");
    for c in run.race {
        for (i, v) in c.samples.iter().enumerate() {
            out.push_str(&format!("race,{},{},,{v:.4}\n", c.contender.slug(), i + 1));
        }
    }
    for s in run.feed {
        for (i, (t, v)) in s.points.iter().enumerate() {
            out.push_str(&format!(
                "feed,{},{},{t:.4},{v:.4}\n",
                s.strategy.slug(),
                i + 1
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_keeps_the_parameter_the_server_named() {
        let body = |param| ErrorBody {
            code: protocol::ErrorCode::BadParam,
            message: "k must be at most 8".into(),
            param,
        };
        let refused = Failure::from(FetchError::Refused(body(Some(LabParam::InFlight))));
        assert_eq!(refused, Failure::Refused(body(Some(LabParam::InFlight))));
        assert_eq!(refused.describe(), "k must be at most 8");
        // The first refusal that names a form field is the one shown beside it.
        let unnamed = Failure::Refused(body(None));
        let not_a_field = Failure::Refused(body(Some(LabParam::ResponseBytes)));
        let closed = Failure::Closed {
            code: 1008,
            reason: "flood".into(),
        };
        let all = [Failure::Network, unnamed, not_a_field, closed, refused];
        assert_eq!(
            refused_field(&all),
            Some((LabParam::InFlight, &body(Some(LabParam::InFlight))))
        );
        assert_eq!(refused_field(&all[..4]), None);
    }

    #[test]
    fn the_form_round_trips_through_the_url_and_keeps_refused_values() {
        let mut f = Form {
            profile: Profile::Custom,
            rtt: "120".into(),
            contenders: vec![Contender::KeepAlive, Contender::WebSocket],
            strategies: vec![Strategy::Sse],
            ..Form::default()
        };
        let q = f.to_query();
        let back = Form::from_query(q.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(back, f);
        f.n = "0".into();
        assert_eq!(
            f.problem(LabParam::RoundTrips),
            Some(ParamProblem::TooSmall)
        );
        assert_eq!(f.race(), None);
        f.n = "10001".into();
        assert_eq!(
            f.problem(LabParam::RoundTrips),
            Some(ParamProblem::TooLarge)
        );
        let bad = Form::from_query([("k", "99"), ("net", "nope"), ("x", "1")]);
        assert_eq!(bad.k, "99");
        assert_eq!(bad.profile, Profile::None);
        assert_eq!(
            bad.problem(LabParam::InFlight),
            Some(ParamProblem::TooLarge)
        );
        // A custom network's fields only matter when it is chosen.
        let f = Form {
            rtt: "x".into(),
            ..Form::default()
        };
        assert_eq!(f.problem(LabParam::RttMs), None);
        assert_eq!(f.net(), Some(NetModel::NONE));
        let mut f = Form {
            profile: Profile::FourG,
            ..Form::default()
        };
        assert_eq!(f.net().map(|m| m.rtt_ms), Some(50));
        f.apply(Edit::Contender(Contender::NewConnection, false));
        f.apply(Edit::Contender(Contender::NewConnection, true));
        assert_eq!(f.contenders, Contender::ALL.to_vec(), "canonical order");
        f.apply(Edit::Strategy(Strategy::Sse, false));
        assert_eq!(f.strategies.len(), 3);
        f.apply(Edit::Field(LabParam::PollMs, "49".into()));
        assert_eq!(f.problem(LabParam::PollMs), Some(ParamProblem::TooSmall));
        assert_eq!(f.feed(), None);
    }

    #[test]
    fn derived_figures_and_downloads() {
        let mut c = ContenderResult::new(Contender::KeepAlive);
        c.samples = vec![1.0, 2.0, 3.0, 4.0];
        c.wall_ms = 10.0;
        // 4 round trips in 10 ms = 400 per second.
        assert_eq!(c.per_second(), Some(400.0));
        c.tally = Some(Tally {
            bytes_in: 1000,
            bytes_out: 600,
            ..Tally::default()
        });
        // (1000 + 600) / 4 = 400 bytes per round trip, minus 2 × 32 of payload = 336.
        assert_eq!(c.overhead_per_round_trip(32), Some(336.0));
        let mut s = StrategyResult::new(Strategy::LongPoll);
        s.deliver(1, 0.1, 5.0);
        s.deliver(2, 0.2, 7.0);
        s.deliver(2, 0.3, 9.0);
        assert_eq!((s.points.len(), s.disorder), (2, 1));
        let form = Form::default();
        let run = Run {
            form: &form,
            net: NetModel::NONE,
            isolated: true,
            race: &[c],
            feed: &[s],
        };
        let csv = to_csv(&run);
        assert_eq!(
            csv,
            "part,name,index,t_s,value_ms\nrace,keep,1,,1.0000\nrace,keep,2,,2.0000\n\
             race,keep,3,,3.0000\nrace,keep,4,,4.0000\nfeed,long,1,0.1000,5.0000\n\
             feed,long,2,0.2000,7.0000\n"
        );
        let json: serde_json::Value = serde_json::from_str(&to_json(&run)).unwrap();
        assert_eq!(json["race"][0]["round_trip_ms"]["p50"], 2.5);
        assert_eq!(json["race"][0]["overhead_bytes_per_round_trip"], 336.0);
        assert_eq!(json["feed"][0]["delivered"], 2);
        assert_eq!(json["network"]["emulated"], false);
        assert_eq!(json["settings"]["n"], "200");
        assert_eq!(json["client"], "page");
        // The download is `protocol::report`'s document, the one `duplex-load` writes.
        // (serde_json's float parsing is not exact in the last digit: compare the rest.)
        let back: CompareReport = serde_json::from_str(&to_json(&run)).unwrap();
        let made = to_report(&run);
        assert_eq!(back.settings, made.settings);
        assert_eq!(back.race[0].samples_ms, made.race[0].samples_ms);
        assert_eq!(back.race[0].server_counted, made.race[0].server_counted);
        assert_eq!(back.feed[0].points, made.feed[0].points);
    }

    // The download as the `serde_json::json!` version wrote it, to pin `to_json`'s bytes.
    use serde_json::json;

    fn tally_json_ref(t: Option<Tally>) -> serde_json::Value {
        t.map_or(serde_json::Value::Null, |t| {
            json!({
                "requests": t.requests, "connections_opened": t.connections_opened,
                "bytes_in": t.bytes_in, "bytes_out": t.bytes_out,
                "empty_responses": t.empty_responses, "held_peak": t.held_peak,
                "settled": t.settled,
            })
        })
    }

    fn summary_json_ref(s: Option<Summary>) -> serde_json::Value {
        s.map_or(serde_json::Value::Null, |s| {
            json!({"n": s.n, "min": s.min, "p50": s.p50, "p95": s.p95, "p99": s.p99,
                   "max": s.max, "mean": s.mean})
        })
    }

    /// The run as JSON: settings, network model, each contender's and strategy's figures and
    /// every sample (ms).
    fn to_json_ref(run: &Run<'_>) -> String {
        let size = run.form.race().map_or(0, |r| r.size);
        let race: Vec<_> = run
            .race
            .iter()
            .map(|c| {
                json!({
                    "contender": c.contender.slug(),
                    "round_trip_ms": summary_json_ref(c.summary()),
                    "wall_ms": c.wall_ms,
                    "round_trips_per_second": c.per_second(),
                    "overhead_bytes_per_round_trip": c.overhead_per_round_trip(size),
                    "server_counted": tally_json_ref(c.tally),
                    "error": c.error.as_ref().map(Failure::describe),
                    "samples_ms": c.samples,
                })
            })
            .collect();
        let feed: Vec<_> = run
            .feed
            .iter()
            .map(|s| {
                json!({
                    "strategy": s.strategy.slug(),
                    "delivered": s.points.len(),
                    "staleness_ms": summary_json_ref(s.staleness()),
                    "requests": s.requests,
                    "empty_responses": s.empty,
                    "out_of_order": s.disorder,
                    "server_counted": tally_json_ref(s.tally),
                    "error": s.error.as_ref().map(Failure::describe),
                    "points": s.points.iter().map(|(t, v)| json!([t, v])).collect::<Vec<_>>(),
                })
            })
            .collect();
        let settings: serde_json::Map<String, serde_json::Value> = run
            .form
            .to_query()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
            .collect();
        let doc = json!({
            "duplex": "compare",
            "settings": settings,
            "network": {
                "emulated": !run.net.is_none(),
                "rtt_ms": run.net.rtt_ms,
                "jitter_ms": run.net.jitter_ms,
            },
            "cross_origin_isolated": run.isolated,
            "race": race,
            "feed": feed,
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    #[test]
    fn json_is_what_json_macro_wrote_plus_who_ran_it() {
        let mut c = ContenderResult::new(Contender::KeepAlive);
        for v in [1.0, 2.0, 3.0, 4.0, f64::NAN] {
            c.samples.push(v);
        }
        c.wall_ms = 12.5;
        c.tally = Some(Tally {
            requests: 5,
            connections_opened: 1,
            bytes_in: 1000,
            bytes_out: 600,
            empty_responses: 0,
            held_now: 3,
            held_peak: 1,
            settled: true,
        });
        let mut failed = ContenderResult::new(Contender::WebSocket);
        failed.error = Some(Failure::Closed {
            code: 1006,
            reason: "gone \"away\"".into(),
        });
        let mut s = StrategyResult::new(Strategy::LongPoll);
        s.deliver(1, 0.1, 5.0);
        s.deliver(2, 0.2, 7.0);
        let empty = StrategyResult::new(Strategy::Sse);
        let form = Form::default();
        for net in [
            NetModel::NONE,
            NetModel {
                rtt_ms: 150,
                jitter_ms: 20,
            },
        ] {
            for isolated in [true, false] {
                let run = Run {
                    form: &form,
                    net,
                    isolated,
                    race: &[c.clone(), failed.clone()],
                    feed: &[s.clone(), empty.clone()],
                };
                same_as_before(&run);
            }
        }
        let none = Run {
            form: &form,
            net: NetModel::NONE,
            isolated: false,
            race: &[],
            feed: &[],
        };
        same_as_before(&none);
    }

    /// The download holds what the `json!` version wrote (key order aside: it is now
    /// `protocol::report`'s document) and says the page ran it.
    fn same_as_before(run: &Run<'_>) {
        let mut now: serde_json::Value = serde_json::from_str(&to_json(run)).unwrap();
        let client = now.as_object_mut().unwrap().remove("client");
        assert_eq!(client, Some(serde_json::Value::from("page")));
        let before: serde_json::Value = serde_json::from_str(&to_json_ref(run)).unwrap();
        assert_eq!(now, before);
    }
}
