//! Compare: what each model costs, measured. The round-trip race (HTTP with a new
//! connection each time, HTTP keep-alive, one WebSocket), the live feed read four ways
//! (short poll, long poll, SSE, WebSocket push), both optionally over an emulated network,
//! with plots, server-counted bytes and connections, a shareable URL and downloads.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::feed_controls::{
    FeedControlsProps, feed_controls, strategy_color, strategy_key,
};
use crate::components::feed_table::feed_table;
use crate::components::histogram_plot::{HistogramPlot, PlotSeries};
use crate::components::net_controls::{NetControlsProps, describe, net_controls};
use crate::components::race_controls::{
    RaceControlsProps, contender_color, contender_key, race_controls,
};
use crate::components::race_table::{failure_text, race_table};
use crate::components::time_plot::{TimePlot, TimeSeries};
use crate::components::use_lang;
use crate::dom;
use crate::hooks::use_client_key::use_client_key;
use crate::hooks::use_compare_form::{CompareForm, use_compare_form};
use crate::hooks::use_feed::{Feed, use_feed};
use crate::hooks::use_race::{Race, use_race};
use crate::i18n::{Key, Lang, error_key};
use crate::model::compare::{self as model, Run};
use crate::ui::use_viewport_width::use_viewport_width;

#[function_component(Compare)]
pub(crate) fn compare() -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let form = use_compare_form(&[]);
    let race = use_race(key.clone());
    let feed = use_feed(key);
    let narrow = use_viewport_width().is_some_and(|w| w < 600.0);
    let isolated = use_memo((), |_| dom::cross_origin_isolated());
    view(lang, &form, &race, &feed, narrow, *isolated, Show::All)
}

/// Which of Compare's parts to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Show {
    /// The page: network, race, feed, downloads.
    All,
    /// An embed of the race (`/embed/race`): network, race, downloads.
    Race,
    /// An embed of the feed (`/embed/feed`): network, feed, downloads.
    Feed,
}

#[derive(Debug, PartialEq, Properties)]
pub(crate) struct CompareEmbedProps {
    pub(crate) show: Show,
}

/// `/embed/race` and `/embed/feed`: one of Compare's two experiments, for a blog post,
/// with the same settings in the address as the full page.
#[function_component(CompareEmbed)]
pub(crate) fn compare_embed(props: &CompareEmbedProps) -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let form = use_compare_form(&[]);
    let race = use_race(key.clone());
    let feed = use_feed(key);
    let narrow = use_viewport_width().is_some_and(|w| w < 600.0);
    view(lang, &form, &race, &feed, narrow, false, props.show)
}

/// Compare itself, for its page and for a lesson that needs it.
pub(crate) fn view(
    lang: Lang,
    form: &CompareForm,
    race: &Race,
    feed: &Feed,
    narrow: bool,
    isolated: bool,
    show: Show,
) -> Html {
    let f = &form.form;
    let net = f.net();
    let rm = race.model.read(Clone::clone);
    let fm = feed.model.read(Clone::clone);

    let on_run = {
        let (run, f) = (race.run.clone(), f.clone());
        Callback::from(move |()| {
            if let (Some(s), Some(n)) = (f.race(), f.net()) {
                run.emit((s, f.contenders.clone(), n));
            }
        })
    };
    let on_start = {
        let (start, f) = (feed.start.clone(), f.clone());
        Callback::from(move |()| {
            if let (Some(s), Some(n)) = (f.feed(), f.net()) {
                start.emit((s, f.strategies.clone(), n));
            }
        })
    };
    let download = |json: bool| {
        let (f, rm, fm) = (f.clone(), rm.clone(), fm.clone());
        Callback::from(move |_: MouseEvent| {
            let run = Run {
                form: &f,
                net: rm.net,
                isolated,
                race: &rm.results,
                feed: &fm.results,
            };
            if json {
                dom::download(
                    "duplex-compare.json",
                    "application/json",
                    &model::to_json(&run),
                );
            } else {
                dom::download("duplex-compare.csv", "text/csv", &model::to_csv(&run));
            }
        })
    };

    // A server refusal that names a field is shown beside it too.
    let failures = rm.results.iter().filter_map(|r| r.error.as_ref());
    let failures = failures
        .chain(&fm.error)
        .chain(fm.results.iter().filter_map(|r| r.error.as_ref()));
    let refused = model::refused_field(failures)
        .map(|(p, body)| (p, AttrValue::from(lang.t(error_key(body.code)))));

    let race_emulated = !rm.net.is_none();
    let series: Vec<PlotSeries> = rm
        .results
        .iter()
        .map(|r| PlotSeries {
            label: lang.t(contender_key(r.contender)).to_owned(),
            color: contender_color(r.contender),
            samples: Rc::new(r.samples.clone()),
        })
        .collect();
    let feed_emulated = !fm.net.is_none();
    let points: Vec<TimeSeries> = fm
        .results
        .iter()
        .map(|r| TimeSeries {
            label: lang.t(strategy_key(r.strategy)).to_owned(),
            color: strategy_color(r.strategy),
            points: Rc::new(r.points.clone()),
        })
        .collect();
    let emulated_label = |net: protocol::emulate::NetModel| {
        AttrValue::from(lang.tf(
            if net.jitter_ms == 0 {
                Key::cmp_emulated_steady
            } else {
                Key::cmp_emulated
            },
            &[
                ("rtt", &net.rtt_ms.to_string()),
                ("jitter", &net.jitter_ms.to_string()),
            ],
        ))
    };
    let offset = fm.offset_us.map_or_else(
        || lang.t(Key::cmp_offset_unknown).to_owned(),
        |o| format!("{:+.3} ms", o / 1000.0),
    );

    html! {
        <main class="compare">
            <section class="panel panel-neutral" aria-labelledby="cmp-title">
                if show == Show::All {
                    <h2 id="cmp-title">{ lang.t(Key::cmp_title) }</h2>
                    <p class="lead">{ lang.t(Key::cmp_lead) }</p>
                    <h3>{ lang.t(Key::cmp_net_title) }</h3>
                } else {
                    <h2 id="cmp-title">{ lang.t(Key::cmp_net_title) }</h2>
                }
                { net_controls(lang, &NetControlsProps {
                    form: f, on_edit: form.edit.clone(), disabled: rm.running || fm.running,
                    refused: refused.clone(),
                }) }
                <p class="hint">{ lang.t(Key::cmp_net_not) }</p>
                // An embed's frame says what its clock resolves to.
                if show == Show::All {
                    <p class="hint" data-test="timer-note" data-isolated={isolated.to_string()}>
                        { lang.t(if isolated { Key::cmp_timer_isolated } else { Key::cmp_timer_coarse }) }
                    </p>
                }
            </section>

            if show != Show::Feed {
            <section class="panel panel-http" aria-labelledby="race-title">
                <h2 id="race-title">{ lang.t(Key::cmp_race_title) }</h2>
                <p class="lead">{ lang.t(Key::cmp_race_lead) }</p>
                { race_controls(lang, &RaceControlsProps {
                    form: f, on_edit: form.edit.clone(), running: rm.running, refused: refused.clone(),
                    ready: f.race().is_some() && net.is_some() && !fm.running,
                    on_run, on_cancel: race.cancel.clone(),
                    completed: rm.completed, total: rm.total, percent: rm.percent(),
                }) }
                if rm.cancelled {
                    <p class="hint" role="status" data-test="race-cancelled">{ lang.t(Key::cmp_cancelled) }</p>
                }
                if race_emulated {
                    <p class="emulated-note" data-test="race-emulated">{ describe(lang, Some(rm.net)) }</p>
                }
                { race_table(lang, &rm.results, rm.settings.map_or(0, |s| s.size)) }
                <p class="hint">{ lang.t(Key::cmp_server_counted) }</p>
                <HistogramPlot series={Rc::new(series)} title={lang.t(Key::cmp_race_plot_title)}
                               x_label={lang.t(Key::cmp_axis_rt)} y_label={lang.t(Key::cmp_axis_share)}
                               emulated={race_emulated} emulated_label={emulated_label(rm.net)}
                               empty_label={lang.t(Key::cmp_no_data)} {narrow} />
            </section>
            }

            if show != Show::Race {
            <section class="panel panel-ws" aria-labelledby="feed-title">
                <h2 id="feed-title">{ lang.t(Key::cmp_feed_title) }</h2>
                <p class="lead">{ lang.t(Key::cmp_feed_lead) }</p>
                { feed_controls(lang, &FeedControlsProps {
                    form: f, on_edit: form.edit.clone(), running: fm.running, refused,
                    ready: f.feed().is_some() && net.is_some() && !rm.running,
                    on_start, on_stop: feed.stop.clone(),
                }) }
                if let Some(err) = &fm.error {
                    <p class="error" role="alert" data-test="feed-failed">{ failure_text(lang, err) }</p>
                }
                if feed_emulated {
                    <p class="emulated-note">{ describe(lang, Some(fm.net)) }</p>
                }
                { feed_table(lang, &fm.results, fm.total) }
                <p class="hint" data-test="feed-offset">{ lang.tf(Key::cmp_offset, &[("offset", &offset)]) }</p>
                <TimePlot series={Rc::new(points)} title={lang.t(Key::cmp_feed_plot_title)}
                          x_label={lang.t(Key::cmp_axis_time)} y_label={lang.t(Key::cmp_axis_stale)}
                          emulated={feed_emulated} emulated_label={emulated_label(fm.net)}
                          empty_label={lang.t(Key::cmp_no_data)} {narrow} />
            </section>
            }

            <section class="panel panel-neutral" aria-labelledby="keep-title">
                <h2 id="keep-title">{ lang.t(Key::cmp_keep_title) }</h2>
                <p class="lead">{ lang.t(Key::cmp_keep_lead) }</p>
                <div class="actions">
                    <button class="btn" onclick={download(true)} data-test="download-json"
                            disabled={rm.results.is_empty() && fm.results.is_empty()}>{ lang.t(Key::cmp_download_json) }</button>
                    <button class="btn" onclick={download(false)} data-test="download-csv"
                            disabled={rm.results.is_empty() && fm.results.is_empty()}>{ lang.t(Key::cmp_download_csv) }</button>
                </div>
            </section>
        </main>
    }
}
