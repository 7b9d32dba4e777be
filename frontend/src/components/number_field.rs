//! A labelled number input with its refusal shown beside it (and announced), used by
//! every lab form.

use protocol::lab::LabParam;
use yew::prelude::*;

use crate::i18n::{Key, Lang, param_problem};
use crate::model::compare::{Edit, Form};

#[derive(Properties, PartialEq)]
pub(crate) struct NumberFieldProps {
    pub(crate) label: AttrValue,
    /// `data-test` hook; the error line gets `{test}-error`.
    pub(crate) test: AttrValue,
    pub(crate) value: AttrValue,
    pub(crate) oninput: Callback<InputEvent>,
    /// Why the value is refused, if it is.
    #[prop_or_default]
    pub(crate) error: Option<AttrValue>,
    #[prop_or_default]
    pub(crate) disabled: bool,
}

#[function_component(NumberField)]
pub(crate) fn number_field(props: &NumberFieldProps) -> Html {
    let error_id = format!("{}-error", props.test);
    let bad = props.error.is_some();
    html! {
        <label class={classes!("field", bad.then_some("field-bad"))}>
            <span>{ &props.label }</span>
            <input inputmode="numeric" data-test={props.test.clone()} value={props.value.clone()}
                   oninput={props.oninput.clone()} disabled={props.disabled}
                   aria-invalid={bad.to_string()} aria-describedby={error_id.clone()} />
            <span class="field-error" id={error_id.clone()} data-test={error_id} role="alert">
                { props.error.clone().unwrap_or_default() }
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
    html! {
        <NumberField label={lang.t(label)} {test} value={form.text(param).to_owned()} {oninput}
                     {error} {disabled} />
    }
}
