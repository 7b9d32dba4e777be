//! A labelled number input with its refusal shown beside it (and announced), used by
//! every lab form.
//!
//! A plain function, not a component: every `#[function_component]` costs ~1 KB of wasm of
//! its own (measured 2026-11-23, issue 14; see `metric.rs`), and this one keeps no state.

use protocol::lab::LabParam;
use yew::prelude::*;

use crate::i18n::{Key, Lang, param_problem};
use crate::model::compare::{Edit, Form};

/// A labelled numeric input; `test` is its `data-test` hook (the error line gets
/// `{test}-error`), `error` why the value is refused, if it is.
pub(crate) fn number_field(
    label: &'static str,
    test: &'static str,
    value: impl Into<AttrValue>,
    oninput: Callback<InputEvent>,
    error: Option<impl Into<AttrValue>>,
    disabled: bool,
) -> Html {
    // One instance of the body, whatever the callers pass.
    field(
        label,
        test,
        value.into(),
        oninput,
        error.map(Into::into),
        disabled,
    )
}

fn field(
    label: &'static str,
    test: &'static str,
    value: AttrValue,
    oninput: Callback<InputEvent>,
    error: Option<AttrValue>,
    disabled: bool,
) -> Html {
    let error_id = format!("{test}-error");
    let bad = error.is_some();
    html! {
        <label class={classes!("field", bad.then_some("field-bad"))}>
            <span>{ label }</span>
            <input inputmode="numeric" data-test={test} {value}
                   {oninput} {disabled}
                   aria-invalid={bad.to_string()} aria-describedby={error_id.clone()} />
            <span class="field-error" id={error_id.clone()} data-test={error_id} role="alert">
                { error.unwrap_or_default() }
            </span>
        </label>
    }
}

/// A server refusal that named a Compare field, and its message (see
/// `model::compare::refused_field`).
pub(crate) type Refused = Option<(LabParam, AttrValue)>;

/// A Compare form field: `param`'s text from `form`, its refusal (with bounds) beside it —
/// or, when the value passes the page's check, the server's refusal if it named this
/// field — and every keystroke sent as an [`Edit::Field`].
pub(crate) fn form_field(
    lang: Lang,
    form: &Form,
    on_edit: &Callback<Edit>,
    field: (LabParam, Key, &'static str),
    disabled: bool,
    refused: &Refused,
) -> Html {
    let (param, label, test) = field;
    let on_edit = on_edit.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        on_edit.emit(Edit::Field(param, input.value()));
    });
    let error = form
        .problem(param)
        .map(|pr| AttrValue::from(param_problem(lang, param, pr)))
        .or_else(|| {
            refused
                .as_ref()
                .filter(|(p, _)| *p == param)
                .map(|(_, message)| message.clone())
        });
    number_field(
        lang.t(label),
        test,
        form.text(param).to_owned(),
        oninput,
        error,
        disabled,
    )
}
