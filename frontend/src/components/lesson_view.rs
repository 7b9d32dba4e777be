//! One lesson, drawn: where it sits in the course, the claim it tests, the text, the goal,
//! the checklist (each step green by itself from the evidence, with what it saw, and hints
//! opened one at a time), the live widget (the children), and once every step has passed,
//! the takeaway and the next lesson. Props only: the page judges the evidence and the
//! `use_lesson` hook keeps the text, progress and hints.

use std::rc::Rc;

use yew::prelude::*;

use super::formula_gauge::gauges;
use super::rich_text::{paragraph, paragraphs, with_lang};
use super::use_lang;
use crate::i18n::{Key, Lang};
use crate::model::fetch::FetchState;
use crate::model::lesson::{LessonId, Progress, StepId, StepState, formula, text};
use crate::model::lesson_text::LessonText;

#[derive(Properties, PartialEq)]
pub(crate) struct LessonViewProps {
    pub(crate) lesson: LessonId,
    /// This render's step states, in the lesson's step order.
    pub(crate) states: Rc<Vec<StepState>>,
    pub(crate) text: Rc<FetchState<LessonText>>,
    pub(crate) progress: Rc<Progress>,
    pub(crate) hints: Rc<Vec<(StepId, usize)>>,
    pub(crate) more_hint: Callback<StepId>,
    pub(crate) reset: Callback<()>,
    /// The live widget.
    pub(crate) children: Html,
}

#[function_component(LessonView)]
pub(crate) fn lesson_view(props: &LessonViewProps) -> Html {
    let lang = use_lang();
    let lesson = props.lesson;
    let prose = match &*props.text {
        FetchState::Success(t) => Some(t),
        _ => None,
    };
    let done = lesson
        .steps()
        .iter()
        .zip(props.states.iter())
        .all(|(step, state)| state.passed() || props.progress.is_done(lesson, *step));
    let number = lesson.number().to_string();
    let total = LessonId::ALL.len().to_string();
    let on_reset = props.reset.reform(|_: MouseEvent| ());
    html! {
        <main class="lesson" data-test="lesson" data-lesson={lesson.slug()}>
            <nav class="crumbs" aria-label={lang.t(Key::learn_title)}>
                <a href={with_lang(protocol::pages::LEARN_PATH, lang)} data-test="lesson-back">{ lang.t(Key::learn_back) }</a>
                <span class="crumb-sep" aria-hidden="true">{ "/" }</span>
                <span>{ lang.tf(Key::lesson_of, &[("n", &number), ("total", &total)]) }</span>
            </nav>
            <section class="panel panel-neutral lesson-head" aria-labelledby="lesson-title">
                <h2 id="lesson-title">{ lang.t(text::title(lesson)) }</h2>
                { head(lang, &props.text) }
            </section>
            <section class="panel panel-neutral lesson-steps" aria-labelledby="lesson-steps-title">
                <h2 id="lesson-steps-title">{ lang.t(Key::lesson_steps) }</h2>
                <p class="lead">{ lang.t(Key::lesson_steps_hint) }</p>
                <ol class="steps">
                    { for lesson.steps().iter().zip(props.states.iter()).map(|(step, state)| {
                        step_item(lang, lesson, *step, state, props, prose)
                    }) }
                </ol>
                if let Some(t) = prose.filter(|t| !t.why_not.is_empty()) {
                    <details class="why-not">
                        <summary>{ lang.t(Key::lesson_why_not) }</summary>
                        { paragraphs(lang, &t.why_not) }
                    </details>
                }
            </section>
            if done {
                { takeaway(lang, lesson, prose) }
            }
            <section class="lesson-widget" aria-label={lang.t(Key::lesson_widget)}>
                { props.children.clone() }
            </section>
            <p class="lesson-foot">
                <button class="btn" type="button" data-test="lesson-reset" onclick={on_reset}>{ lang.t(Key::lesson_reset) }</button>
            </p>
        </main>
    }
}

/// The claim, the introduction and the goal, or why they are not there.
fn head(lang: Lang, text: &FetchState<LessonText>) -> Html {
    match text {
        FetchState::Success(t) => html! {
            <>
                <blockquote class="claim" data-test="lesson-claim">
                    <span class="claim-label">{ lang.t(Key::lesson_claim) }</span>
                    { paragraph(lang, &t.claim, "") }
                </blockquote>
                { paragraphs(lang, &t.intro) }
                <p class="goal" data-test="lesson-goal">
                    <strong class="goal-label">{ lang.t(Key::lesson_goal) }</strong>
                    { " " }{ crate::components::rich_text::inlines(lang, &t.goal.inlines) }
                </p>
            </>
        },
        FetchState::Failed(_) => html! {
            <p class="error" role="alert" data-test="lesson-text-failed">{ lang.t(Key::lesson_text_failed) }</p>
        },
        FetchState::NotFetching | FetchState::Fetching => html! {
            <p class="hint" role="status">{ lang.t(Key::lesson_loading) }</p>
        },
    }
}

/// One step: its mark, label, what it saw (or that it passed earlier), its open hints and
/// the button for the next.
fn step_item(
    lang: Lang,
    lesson: LessonId,
    step: StepId,
    state: &StepState,
    props: &LessonViewProps,
    prose: Option<&LessonText>,
) -> Html {
    let earlier = !state.passed() && props.progress.is_done(lesson, step);
    let passed = state.passed() || earlier;
    let (class, mark, status) = match state {
        _ if passed => ("step step-passed", "✓", Key::lesson_passed),
        StepState::Partial(_) => ("step step-partial", "◐", Key::lesson_pending),
        _ => ("step step-pending", "○", Key::lesson_pending),
    };
    let saw = if earlier {
        Some(lang.t(Key::lesson_done_earlier).to_owned())
    } else {
        state.saw().map(|saw| {
            let (key, args) = text::saw_line(saw);
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            lang.tf(key, &args)
        })
    };
    let formulas = if earlier {
        Vec::new()
    } else {
        state.saw().map(formula::formulas).unwrap_or_default()
    };
    let label = text::step_label(lesson, step).map_or("", |k| lang.t(k));
    let all_hints = prose.map_or(&[][..], |t| t.hints_for(step.slug()));
    let open = props
        .hints
        .iter()
        .find(|(s, _)| *s == step)
        .map_or(0, |(_, n)| *n)
        .min(all_hints.len());
    let more = (!passed && open < all_hints.len()).then(|| {
        let more_hint = props.more_hint.clone();
        let onclick = Callback::from(move |_: MouseEvent| more_hint.emit(step));
        let word = if open == 0 {
            Key::lesson_hint
        } else {
            Key::lesson_more_hint
        };
        html! {
            <button class="btn btn-small" type="button" {onclick}
                data-test={format!("hint-{}", step.slug())}>{ lang.t(word) }</button>
        }
    });
    let state_name = if passed {
        "passed"
    } else if matches!(state, StepState::Partial(_)) {
        "partial"
    } else {
        "pending"
    };
    html! {
        <li {class} data-test={format!("step-{}", step.slug())} data-state={state_name}>
            <span class="step-mark" aria-hidden="true">{ mark }</span>
            <div class="step-body">
                <span class="step-label">{ label }</span>
                <span class="visually-hidden">{ " — " }{ lang.t(status) }</span>
                if let Some(saw) = saw {
                    <span class="step-saw" data-test={format!("saw-{}", step.slug())}>{ saw }</span>
                }
                { gauges(lang, &formulas) }
                if open > 0 {
                    <ul class="hints">
                        { for all_hints[..open].iter().map(|h| html! {
                            <li class="hint-item">{ crate::components::rich_text::inlines(lang, &h.inlines) }</li>
                        }) }
                    </ul>
                }
                { more.unwrap_or_default() }
            </div>
        </li>
    }
}

/// What the evidence showed, and the way on.
fn takeaway(lang: Lang, lesson: LessonId, prose: Option<&LessonText>) -> Html {
    let next = lesson.next().map(|n| {
        let href = with_lang(&format!("{}/{}", protocol::pages::LEARN_PATH, n.slug()), lang);
        let title = lang.t(text::title(n));
        html! {
            <a class="btn btn-primary" {href} data-test="lesson-next">{ lang.tf(Key::lesson_next, &[("title", title)]) }</a>
        }
    });
    html! {
        <section class="panel panel-ws lesson-takeaway" data-test="takeaway" aria-labelledby="takeaway-title">
            <h2 id="takeaway-title">{ lang.t(Key::lesson_takeaway) }</h2>
            { prose.map(|t| paragraphs(lang, &t.takeaway)).unwrap_or_default() }
            <p>
                { next.unwrap_or_else(|| html! { <span>{ lang.t(Key::lesson_last) }</span> }) }
            </p>
        </section>
    }
}
