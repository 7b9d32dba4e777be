//! The HTTP lab: run requests with chosen sizes, delay and connection handling, and see
//! which TCP connection carried each — a timeline from the server's view, a table with
//! the browser's own phases beside it.

use yew::prelude::*;

use crate::components::connections_panel::ConnectionsPanel;
use crate::components::lab_controls::LabControls;
use crate::components::lab_detail::lab_detail;
use crate::components::lab_table::LabTable;
use crate::components::use_lang;
use crate::dom;
use crate::hooks::use_client_key::use_client_key;
use crate::hooks::use_http_lab::{UseHttpLabHandle, use_http_lab};
use crate::hooks::use_observer::{UseObserverHandle, use_observer};
use crate::hooks::use_url_settings::use_url_settings;
use crate::i18n::{Key, Lang};
use crate::model::lab::LabRun;
use crate::model::lab_log;

#[function_component(HttpLab)]
pub(crate) fn http_lab() -> Html {
    let lang = use_lang();
    let key = use_client_key();
    let observer = use_observer(key.clone());
    let lab = use_http_lab(key);
    let selected = use_state(|| None::<(u32, u32)>);
    let (settings, on_change) = use_url_settings::<LabRun>();
    view(
        lang,
        &lab,
        &observer,
        &selected,
        Some(settings),
        Some(on_change),
    )
}

/// The lab itself, for the lab's page (its settings from and to the address) and for a
/// lesson that needs it (its settings `preset`).
pub(crate) fn view(
    lang: Lang,
    lab: &UseHttpLabHandle,
    observer: &UseObserverHandle,
    selected: &UseStateHandle<Option<(u32, u32)>>,
    preset: Option<LabRun>,
    on_change: Option<Callback<LabRun>>,
) -> Html {
    let observed = std::rc::Rc::clone(&observer.view.observed);
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |id| selected.set(Some(id)))
    };
    let on_clear = {
        let (lab_clear, obs_clear, selected) =
            (lab.clear.clone(), observer.clear.clone(), selected.clone());
        Callback::from(move |()| {
            lab_clear.emit(());
            obs_clear.emit(());
            selected.set(None);
        })
    };
    let detail = selected.and_then(|(run, n)| {
        lab.state
            .rows
            .iter()
            .find(|r| r.run == run && r.n == n)
            .cloned()
    });

    // The finished requests as a file, like Compare's runs.
    let no_rows = lab.state.rows.iter().all(|r| r.measured.is_none());
    let download = |json: bool| {
        let rows = std::rc::Rc::clone(&lab.state.rows);
        Callback::from(move |_: MouseEvent| {
            if json {
                dom::download(
                    "duplex-http-lab.json",
                    "application/json",
                    &lab_log::to_json(&rows),
                );
            } else {
                dom::download("duplex-http-lab.csv", "text/csv", &lab_log::to_csv(&rows));
            }
        })
    };

    html! {
        <main class="lab">
            <section class="panel panel-http" aria-labelledby="lab-title">
                <h2 id="lab-title"><span class="swatch swatch-http" aria-hidden="true" />{ lang.t(Key::lab_title) }</h2>
                <p class="lead">{ lang.t(Key::lab_lead) }</p>
                <LabControls running={lab.state.running} on_run={lab.run.clone()} {on_clear} {preset} {on_change} />
                if lab.state.stopped_by_server {
                    <p class="error" role="alert" data-test="lab-stopped">{ lang.t(Key::lab_stopped) }</p>
                }
            </section>
            <ConnectionsPanel view={std::rc::Rc::clone(&observer.view)} lead={Key::tl_lead} />
            <section class="panel panel-neutral" aria-labelledby="rows-title">
                <h2 id="rows-title">{ lang.t(Key::lab_rows_title) }</h2>
                <p class="lead">{ lang.t(Key::lab_rows_hint) }</p>
                <LabTable rows={std::rc::Rc::clone(&lab.state.rows)} {observed} selected={**selected} {on_select} />
                <div class="actions">
                    <button class="btn btn-small" type="button" onclick={download(true)} data-test="lab-download-json"
                            disabled={no_rows}>{ lang.t(Key::cmp_download_json) }</button>
                    <button class="btn btn-small" type="button" onclick={download(false)} data-test="lab-download-csv"
                            disabled={no_rows}>{ lang.t(Key::cmp_download_csv) }</button>
                </div>
                if let Some(row) = detail {
                    { lab_detail(lang, &row) }
                }
            </section>
        </main>
    }
}
