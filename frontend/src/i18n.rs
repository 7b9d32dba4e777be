//! The UI text catalogue: every visible string, in English, Japanese and Korean.
//!
//! Translations live in `frontend/locales/{en,ja,ko}.txt` as `key = value` lines so a
//! translator edits one plain file per language. Code names strings by [`Key`]; the test
//! at the bottom fails if any language lacks a key, has an extra one, leaves one empty
//! or drops a `{placeholder}`. At run time a missing entry falls back to English.
//!
//! Hand-written rather than fluent/i18n crates: the catalogue is a few dozen strings and
//! a parser here costs a few hundred bytes of wasm, where those crates cost tens of KB.

use std::sync::OnceLock;

/// A language the page speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ja,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ja, Lang::Ko];

    /// BCP 47 tag, as used in `?lang=` and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Ko => "ko",
        }
    }

    /// The language's own name, for the picker (the same in every UI language).
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
            Lang::Ko => "한국어",
        }
    }

    /// Parses a tag such as `ja`, `ja-JP` or `KO-kr`; `None` for other languages.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first supported language among the browser's preferences, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.txt"),
            Lang::Ja => include_str!("../locales/ja.txt"),
            Lang::Ko => include_str!("../locales/ko.txt"),
        }
    }

    fn table(self) -> &'static [Option<&'static str>] {
        static TABLES: [OnceLock<Vec<Option<&'static str>>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        TABLES[self as usize].get_or_init(|| {
            let mut table = vec![None; Key::ALL.len()];
            for (name, value) in parse(self.source()) {
                if let Some(key) = Key::from_name(name) {
                    table[key as usize] = Some(value);
                }
            }
            table
        })
    }

    /// The text for `key` in this language (English if missing, the key name as a last resort).
    pub fn t(self, key: Key) -> &'static str {
        self.table()[key as usize]
            .or_else(|| Lang::En.table()[key as usize])
            .unwrap_or(key.name())
    }

    /// [`Lang::t`] with `{name}` placeholders replaced.
    pub fn tf(self, key: Key, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// Who closed a WebSocket session, in words.
pub fn closed_by_key(by: crate::model::ws_session::Initiator) -> Key {
    use crate::model::ws_session::Initiator as I;
    match by {
        I::Page => Key::ws_by_page,
        I::Server => Key::ws_by_server,
        I::Neither => Key::ws_by_neither,
    }
}

/// Whether a close was clean, in words.
pub fn clean_key(clean: bool) -> Key {
    if clean {
        Key::ws_clean_yes
    } else {
        Key::ws_clean_no
    }
}

/// The message the page shows for a server error code.
pub fn error_key(code: protocol::ErrorCode) -> Key {
    use protocol::ErrorCode as C;
    match code {
        C::MalformedJson => Key::err_malformed_json,
        C::UnsupportedMediaType => Key::err_unsupported_media_type,
        C::PayloadTooLarge => Key::err_payload_too_large,
        C::MethodNotAllowed => Key::err_method_not_allowed,
        C::NotFound => Key::err_not_found,
        C::BadQuery => Key::err_bad_query,
        C::BadParam => Key::err_bad_param,
        C::RateLimited => Key::err_rate_limited,
        C::MissingClientKey => Key::err_missing_client_key,
        C::TooManyAtOnce => Key::err_too_many_at_once,
        C::UpgradeRequired => Key::err_upgrade_required,
        C::FrontendMissing => Key::err_frontend_missing,
        C::Internal => Key::err_internal,
    }
}

/// The message shown beside a lab field whose value is refused, with its bounds filled in.
pub fn param_problem(
    lang: Lang,
    param: protocol::lab::LabParam,
    problem: protocol::lab::ParamProblem,
) -> String {
    let (min, max) = param.bounds();
    bounds_problem(lang, min, max, problem)
}

/// The message shown beside a number field whose value is outside `min..=max`.
pub fn bounds_problem(
    lang: Lang,
    min: u64,
    max: u64,
    problem: protocol::lab::ParamProblem,
) -> String {
    use protocol::lab::ParamProblem as P;
    let (min, max) = (min.to_string(), max.to_string());
    let key = match problem {
        P::NotANumber => Key::err_param_nan,
        P::TooSmall => Key::err_param_small,
        P::TooLarge => Key::err_param_large,
    };
    lang.tf(key, &[("min", &min), ("max", &max)])
}

/// `key = value` lines; `#` starts a comment line; blank lines are ignored.
fn parse(source: &str) -> impl Iterator<Item = (&str, &str)> {
    source.lines().filter_map(|line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), v.trim()))
    })
}

macro_rules! keys {
    ($($key:ident),* $(,)?) => {
        /// A string in the catalogue. Variant names are the keys in the locale files.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            pub fn name(self) -> &'static str {
                match self { $(Key::$key => stringify!($key)),* }
            }

            fn from_name(name: &str) -> Option<Key> {
                match name { $(stringify!($key) => Some(Key::$key),)* _ => None }
            }
        }
    };
}

keys! {
    app_tagline,
    language,
    footer_timing,
    flow_client,
    flow_server,
    // HTTP panel
    http_title,
    http_lead,
    http_method,
    http_payload,
    http_send,
    http_sending,
    http_empty,
    http_status,
    http_round_trip,
    http_server_bytes,
    http_echoed,
    http_history,
    http_history_empty,
    http_arrow_request,
    http_arrow_response,
    // WebSocket panel
    ws_title,
    ws_lead,
    ws_state,
    ws_state_connecting,
    ws_state_open,
    ws_state_closing,
    ws_state_closed,
    ws_state_idle,
    ws_connect,
    ws_send,
    ws_close,
    ws_payload,
    ws_handshake,
    ws_last_rtt,
    ws_messages,
    ws_log_empty,
    ws_dir_sent,
    ws_dir_received,
    ws_dir_event,
    ws_ev_connecting,
    ws_ev_open,
    ws_ev_closing,
    ws_ev_closed,
    ws_ev_welcome,
    ws_arrow_both,
    ws_rtt,
    ws_msg_echo,
    ws_msg_binary,
    ws_clean_yes,
    ws_clean_no,
    // Errors
    err_network,
    err_unexpected,
    err_ws_open,
    err_ws_server,
    err_malformed_json,
    err_unsupported_media_type,
    err_payload_too_large,
    err_method_not_allowed,
    err_not_found,
    err_bad_query,
    err_upgrade_required,
    err_frontend_missing,
    err_internal,
    nav_label,
    nav_home,
    nav_http_lab,
    nf_title,
    nf_back,
    lab_title,
    lab_lead,
    lab_request_bytes,
    lab_response_bytes,
    lab_delay,
    lab_count,
    lab_connection,
    lab_keepalive,
    lab_close,
    lab_connection_hint,
    lab_order,
    lab_sequential,
    lab_parallel,
    lab_parallel_hint,
    lab_run,
    lab_running,
    lab_clear,
    lab_stopped,
    lab_rows_title,
    lab_rows_hint,
    lab_no_rows,
    lab_total,
    lab_queue,
    lab_connect,
    lab_ttfb,
    lab_download,
    lab_server_time,
    lab_bytes,
    lab_conn,
    lab_browser_view,
    lab_protocol,
    lab_new,
    lab_reused,
    lab_req_no,
    lab_pending,
    lab_detail_title,
    lab_request_headers,
    lab_request_headers_hint,
    lab_response_headers,
    lab_response_headers_hint,
    tl_title,
    tl_lead,
    tl_empty,
    tl_observer,
    tl_observer_short,
    tl_aria,
    tl_legend_keep,
    tl_legend_new,
    tl_legend_request,
    tl_legend_idle,
    tl_idle_title,
    tl_by_server,
    tl_by_client,
    tl_by_error,
    tl_open,
    tl_hidden,
    obs_connecting,
    obs_live,
    obs_lost,
    obs_explain,
    obs_missed,
    err_param_nan,
    err_param_small,
    err_param_large,
    err_bad_param,
    err_rate_limited,
    err_missing_client_key,
    err_too_many_at_once,
    nav_compare,
    cmp_title,
    cmp_lead,
    cmp_net_title,
    cmp_profile,
    cmp_p_none,
    cmp_p_lan,
    cmp_p_4g,
    cmp_p_inter,
    cmp_p_sat,
    cmp_p_custom,
    cmp_rtt,
    cmp_jitter,
    cmp_net_model,
    cmp_net_off,
    cmp_net_not,
    cmp_emulated,
    cmp_emulated_steady,
    cmp_net_model_steady,
    cmp_timer_isolated,
    cmp_timer_coarse,
    cmp_race_title,
    cmp_race_lead,
    cmp_n,
    cmp_size,
    cmp_k,
    cmp_contenders,
    cmp_c_new,
    cmp_c_keep,
    cmp_c_ws,
    cmp_run,
    cmp_cancel,
    cmp_progress,
    cmp_cancelled,
    cmp_pick_one,
    cmp_k_note,
    cmp_col_contender,
    cmp_col_min,
    cmp_col_max,
    cmp_col_mean,
    cmp_col_wall,
    cmp_col_rps,
    cmp_col_conns,
    cmp_col_in,
    cmp_col_out,
    cmp_col_overhead,
    cmp_server_counted,
    cmp_race_plot_title,
    cmp_axis_rt,
    cmp_axis_share,
    cmp_no_data,
    cmp_feed_title,
    cmp_feed_lead,
    cmp_rate,
    cmp_secs,
    cmp_poll,
    cmp_strategies,
    cmp_s_short,
    cmp_s_long,
    cmp_s_sse,
    cmp_s_ws,
    cmp_start,
    cmp_stop,
    cmp_col_strategy,
    cmp_col_delivered,
    cmp_col_stale50,
    cmp_col_stale95,
    cmp_col_requests,
    cmp_col_empty,
    cmp_col_held,
    cmp_offset,
    cmp_offset_unknown,
    cmp_feed_plot_title,
    cmp_axis_time,
    cmp_axis_stale,
    cmp_keep_title,
    cmp_keep_lead,
    cmp_download_json,
    cmp_download_csv,
    cmp_err_network,
    cmp_err_closed,
    nav_ws_lab,
    ws_lab_title,
    ws_lab_lead,
    ws_limits,
    ws_group_connect,
    ws_offer,
    ws_offer_unsupported,
    ws_offer_none,
    ws_auto_reconnect,
    ws_group_send,
    ws_kind,
    ws_kind_text,
    ws_kind_binary,
    ws_size,
    ws_repeat,
    ws_group_ticker,
    ws_ticker_rate,
    ws_ticker_count,
    ws_ticker_bytes,
    ws_ticker_start,
    ws_ticker_stop,
    ws_group_ping,
    ws_ping_interval,
    ws_ping_set,
    ws_ping_off,
    ws_ping_hint,
    ws_group_close,
    ws_close_code,
    ws_close_reason,
    ws_close_page,
    ws_close_server,
    ws_drop,
    ws_err_close_code,
    ws_err_reason_long,
    ws_ping_rtt,
    ws_pushes,
    ws_one_way_est,
    ws_clock_offset,
    ws_transitions,
    ws_estimate_note,
    ws_close_summary,
    ws_by_page,
    ws_by_server,
    ws_by_neither,
    ws_hs_title,
    ws_handshake_empty,
    ws_hs_request,
    ws_hs_response,
    ws_hs_after,
    ws_subprotocol_chosen,
    ws_subprotocol_none,
    ws_tl_lead,
    ws_filter,
    ws_filter_all,
    ws_dir_push,
    ws_msg_push,
    ws_msg_binary_echo,
    ws_one_way,
    ws_server_read,
    ws_sizes,
    ws_ev_subprotocol,
    ws_ev_ping,
    ws_ev_clock,
    ws_ev_reconnecting,
    ws_ticker_done,
    ws_ticker_stopped,
    ws_cmd_ticker,
    ws_cmd_stop_ticker,
    ws_cmd_ping,
    ws_cmd_ping_off,
    ws_cmd_server_close,
    ws_cmd_drop,
    tl_legend_ws,
    tl_upgraded,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_language_has_exactly_every_key() {
        let expected: BTreeSet<&str> = Key::ALL.iter().map(|k| k.name()).collect();
        let mut problems = Vec::new();
        for lang in Lang::ALL {
            let mut seen = BTreeSet::new();
            for (name, value) in parse(lang.source()) {
                if !seen.insert(name) {
                    problems.push(format!("{}: duplicate key {name}", lang.tag()));
                }
                if !expected.contains(name) {
                    problems.push(format!("{}: unknown key {name}", lang.tag()));
                }
                if value.is_empty() {
                    problems.push(format!("{}: empty value for {name}", lang.tag()));
                }
            }
            for missing in expected.difference(&seen) {
                problems.push(format!("{}: missing key {missing}", lang.tag()));
            }
        }
        assert!(
            problems.is_empty(),
            "catalogue problems:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn placeholders_match_english() {
        for &key in Key::ALL {
            let en = placeholders(Lang::En.t(key));
            for lang in [Lang::Ja, Lang::Ko] {
                assert_eq!(
                    placeholders(lang.t(key)),
                    en,
                    "{} in {} has different placeholders",
                    key.name(),
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn japanese_and_korean_are_translated() {
        // A value identical to English is almost always a forgotten translation.
        for &key in Key::ALL {
            for lang in [Lang::Ja, Lang::Ko] {
                assert_ne!(
                    lang.t(key),
                    Lang::En.t(key),
                    "{} is not translated into {}",
                    key.name(),
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn negotiation_and_tags() {
        assert_eq!(Lang::from_tag("ja-JP"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("KO_kr"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::negotiate(["fr-FR", "ko", "ja"]), Lang::Ko);
        assert_eq!(Lang::negotiate(["de"]), Lang::En);
        assert_eq!(Lang::negotiate([]), Lang::En);
    }

    #[test]
    fn tf_fills_placeholders() {
        let text = Lang::En.tf(Key::ws_ev_closed, &[("code", "4000"), ("reason", "bye")]);
        assert!(text.contains("4000") && text.contains("bye"), "{text}");
    }
}
