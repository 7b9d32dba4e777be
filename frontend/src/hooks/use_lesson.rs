//! `use_lesson`: a lesson page's own state — its prose in the page's language (fetched,
//! `services::lessons`), the reader's progress (localStorage through `dom`, recorded as
//! steps pass), and how many hints each step has open. The steps' states come from the
//! page, which judges its widgets' evidence (`model::lesson::check`).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::dom;
use crate::i18n::Lang;
use crate::model::fetch::FetchState;
use crate::model::lesson::{LessonId, PROGRESS_STORAGE_KEY, Progress, StepId, StepState};
use crate::model::lesson_text::LessonText;
use crate::services::lessons;

/// Handle returned by [`use_lesson`].
#[derive(Clone, PartialEq)]
pub(crate) struct UseLessonHandle {
    pub(crate) text: Rc<FetchState<LessonText>>,
    pub(crate) progress: Rc<Progress>,
    /// Hints shown, per step (none until asked for).
    pub(crate) hints: Rc<Vec<(StepId, usize)>>,
    /// Shows one more hint of a step.
    pub(crate) more_hint: Callback<StepId>,
    /// Forgets this lesson's progress and hints, then `on_reset` (the page starts its
    /// widgets afresh).
    pub(crate) reset: Callback<()>,
}

/// The reader's progress as stored (garbage or nothing: none).
pub(crate) fn stored_progress() -> Progress {
    Progress::decode(&dom::stored(PROGRESS_STORAGE_KEY).unwrap_or_default())
}

/// `use_lesson(lesson, lang, states, on_reset)`: `states` are this render's step states,
/// in the lesson's step order; every step that passes is kept in the progress.
#[hook]
pub(crate) fn use_lesson(
    lesson: LessonId,
    lang: Lang,
    states: Rc<Vec<StepState>>,
    on_reset: Callback<()>,
) -> UseLessonHandle {
    let text = use_state(|| Rc::new(FetchState::NotFetching));
    {
        let text = text.clone();
        use_effect_with((lesson, lang), move |&(lesson, lang)| {
            text.set(Rc::new(FetchState::Fetching));
            let live = Rc::new(std::cell::Cell::new(true));
            let still = Rc::clone(&live);
            spawn_local(async move {
                let got = lessons::text(lang, lesson.slug()).await;
                if still.get() {
                    text.set(Rc::new(got.into()));
                }
            });
            move || live.set(false)
        });
    }
    let progress = use_state(|| Rc::new(stored_progress()));
    {
        let progress = progress.clone();
        use_effect_with((lesson, states), move |(lesson, states)| {
            // Read again: another tab may have recorded steps meanwhile.
            let mut next = stored_progress();
            let changed = next.record(*lesson, states);
            if changed {
                dom::store(PROGRESS_STORAGE_KEY, &next.encode());
            }
            if changed || next != **progress {
                progress.set(Rc::new(next));
            }
        });
    }
    let hints = use_state(|| Rc::new(Vec::<(StepId, usize)>::new()));
    let more_hint = {
        let hints = hints.clone();
        Callback::from(move |step: StepId| {
            let mut next = (**hints).clone();
            match next.iter_mut().find(|(s, _)| *s == step) {
                Some((_, open)) => *open += 1,
                None => next.push((step, 1)),
            }
            hints.set(Rc::new(next));
        })
    };
    let reset = {
        let (progress, hints) = (progress.clone(), hints.clone());
        Callback::from(move |()| {
            let mut next = stored_progress();
            next.reset(lesson);
            dom::store(PROGRESS_STORAGE_KEY, &next.encode());
            progress.set(Rc::new(next));
            hints.set(Rc::new(Vec::new()));
            on_reset.emit(());
        })
    };
    UseLessonHandle {
        text: Rc::clone(&text),
        progress: Rc::clone(&progress),
        hints: Rc::clone(&hints),
        more_hint,
        reset,
    }
}

/// The reader's progress over every lesson, as stored when the page opened.
#[hook]
pub(crate) fn use_progress() -> Rc<Progress> {
    let progress = use_state(|| Rc::new(stored_progress()));
    Rc::clone(&progress)
}
