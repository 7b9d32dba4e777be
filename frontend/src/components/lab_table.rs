//! The lab's request table: one row per request with its status, total time, the
//! browser's phases, the server's processing time, bytes on the wire (server count) and
//! the connection that carried it — new or reused in the server's view, and the browser's
//! own verdict beside it. Clicking a row shows its headers.

use std::rc::Rc;

use protocol::HttpMethod;
use yew::prelude::*;

use super::use_lang;
use crate::format;
use crate::i18n::{Key, Lang, error_key};
use crate::model::fetch::FetchError;
use crate::model::lab::LabRow;
use crate::model::observed::Observed;

#[derive(Properties, PartialEq)]
pub(crate) struct LabTableProps {
    pub(crate) rows: Rc<Vec<LabRow>>,
    pub(crate) observed: Rc<Observed>,
    pub(crate) selected: Option<(u32, u32)>,
    pub(crate) on_select: Callback<(u32, u32)>,
}

#[function_component(LabTable)]
pub(crate) fn lab_table(props: &LabTableProps) -> Html {
    let lang = use_lang();
    if props.rows.is_empty() {
        return html! { <p class="empty" data-test="lab-empty">{ lang.t(Key::lab_no_rows) }</p> };
    }
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="lab-table" data-test="lab-table">
                <thead><tr>
                    <th>{ "#" }</th>
                    <th>{ lang.t(Key::http_status) }</th>
                    <th class="right">{ lang.t(Key::lab_total) }</th>
                    <th class="right">{ lang.t(Key::lab_queue) }</th>
                    <th class="right">{ lang.t(Key::lab_connect) }</th>
                    <th class="right">{ lang.t(Key::lab_ttfb) }</th>
                    <th class="right">{ lang.t(Key::lab_download) }</th>
                    <th class="right">{ lang.t(Key::lab_server_time) }</th>
                    <th class="right">{ lang.t(Key::lab_bytes) }</th>
                    <th>{ lang.t(Key::lab_conn) }</th>
                    <th>{ lang.t(Key::lab_browser_view) }</th>
                </tr></thead>
                <tbody>
                    { for props.rows.iter().map(|r| row(lang, r, &props.observed, props.selected, &props.on_select)) }
                </tbody>
            </table>
        </div>
    }
}

fn row(
    lang: Lang,
    r: &LabRow,
    observed: &Observed,
    selected: Option<(u32, u32)>,
    on_select: &Callback<(u32, u32)>,
) -> Html {
    let id = (r.run, r.n);
    let onclick = on_select.reform(move |_: MouseEvent| id);
    let onkeydown = {
        let on_select = on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_select.emit(id);
            }
        })
    };
    let class = classes!("lab-row", (selected == Some(id)).then_some("selected"));
    let method = if r.spec.method == HttpMethod::Get {
        "GET"
    } else {
        "POST"
    };
    let Some((result, answer)) = r.finished() else {
        return html! {
            <tr {class} data-test="lab-row" data-state="pending">
                <td class="num">{ r.n }</td>
                <td colspan="10" class="muted">{ format!("{method} · {}", lang.t(Key::lab_pending)) }</td>
            </tr>
        };
    };
    let ms = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), format::duration_ms);
    let phases = result.phases.as_ref();
    let status = result
        .status
        .map_or_else(|| "—".to_owned(), |s| s.to_string());
    let ok = answer.is_ok();

    let (conn_cell, bytes_cell, conn_id) = match answer {
        Ok(reply) => match reply.conn {
            Some(conn) => {
                let new = reply.request_on_conn == 1;
                let badge = html! {
                    <span class={classes!("badge", if new { "badge-new" } else { "badge-reused" })} data-test="lab-server-verdict" data-new={new.to_string()}>
                        { if new { lang.t(Key::lab_new) } else { lang.t(Key::lab_reused) } }
                    </span>
                };
                let bytes = observed
                    .wire
                    .get(&(conn, reply.request_on_conn))
                    .map_or_else(
                        || "—".to_owned(),
                        |(i, o)| format!("↑{} ↓{}", format::bytes(*i), format::bytes(*o)),
                    );
                (
                    html! {
                        <>
                            <span class="conn-id num" data-test="lab-conn">{ format!("#{conn}") }</span>
                            { " " }{ badge }
                            <span class="sub num">{ lang.tf(Key::lab_req_no, &[("n", &reply.request_on_conn.to_string())]) }</span>
                        </>
                    },
                    bytes,
                    Some(conn),
                )
            }
            None => (html! { "—" }, "—".to_owned(), None),
        },
        Err(FetchError::Refused(body)) => (
            html! { <span class="error" data-test="lab-row-error">{ lang.t(error_key(body.code)) }</span> },
            "—".to_owned(),
            None,
        ),
        Err(FetchError::Unexpected) => (
            html! { <span class="error">{ lang.tf(Key::err_unexpected, &[("status", &status)]) }</span> },
            "—".to_owned(),
            None,
        ),
        Err(FetchError::Network) => (
            html! { <span class="error">{ lang.t(Key::err_network) }</span> },
            "—".to_owned(),
            None,
        ),
    };
    let browser = phases.map_or_else(
        || html! { "—" },
        |p| {
            let protocol = if p.protocol.is_empty() { "—" } else { p.protocol.as_str() };
            html! {
                <>
                    <span class={classes!("badge", if p.reused { "badge-reused" } else { "badge-new" })} data-test="lab-browser-verdict" data-new={(!p.reused).to_string()}>
                        { if p.reused { lang.t(Key::lab_reused) } else { lang.t(Key::lab_new) } }
                    </span>
                    <span class="sub num" title={lang.t(Key::lab_protocol)}>{ protocol }</span>
                </>
            }
        },
    );
    html! {
        <tr {class} data-test="lab-row" data-state="done" data-conn={conn_id.map(|c| c.to_string())}
            tabindex="0" {onclick} {onkeydown} aria-selected={(selected == Some(id)).to_string()}>
            <td class="num">{ r.n }</td>
            <td><span class={classes!("status", if ok { "status-ok" } else { "status-bad" })}>{ status }</span></td>
            <td class="num right" data-test="lab-total">{ format::duration_ms(result.total_ms) }</td>
            <td class="num right">{ ms(phases.map(|p| p.queueing_ms)) }</td>
            <td class="num right" data-test="lab-connect">{ ms(phases.map(|p| p.connect_ms)) }</td>
            <td class="num right" data-test="lab-ttfb">{ ms(phases.map(|p| p.first_byte_ms)) }</td>
            <td class="num right">{ ms(phases.map(|p| p.download_ms)) }</td>
            <td class="num right" data-test="lab-server-ms">{ ms(result.server_ms) }</td>
            <td class="num right" data-test="lab-bytes">{ bytes_cell }</td>
            <td>{ conn_cell }</td>
            <td>{ browser }</td>
        </tr>
    }
}
