//! The course: every lesson in order with its number, title, the claim it takes on
//! (its title) and the reader's progress in it, each a link to the lesson.

use yew::prelude::*;

use super::rich_text::with_lang;
use crate::i18n::Key;
use crate::model::lesson::{LessonId, LessonStatus, Progress, text};

/// The list, for `progress`.
pub(crate) fn lesson_list(lang: crate::i18n::Lang, progress: &Progress) -> Html {
    html! {
        <ol class="lesson-list" data-test="lesson-list">
            { for LessonId::ALL.iter().map(|l| item(lang, *l, progress)) }
        </ol>
    }
}

fn item(lang: crate::i18n::Lang, lesson: LessonId, progress: &Progress) -> Html {
    let status = progress.status(lesson);
    let (key, args) = text::status_line(status);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let class = match status {
        LessonStatus::NotStarted => "lesson-item",
        LessonStatus::Steps { .. } => "lesson-item lesson-started",
        LessonStatus::Done => "lesson-item lesson-done",
    };
    let href = with_lang(
        &format!("{}/{}", protocol::pages::LEARN_PATH, lesson.slug()),
        lang,
    );
    let number = lesson.number().to_string();
    html! {
        <li {class} data-test={format!("lesson-{}", lesson.slug())}>
            <a {href}>
                <span class="lesson-number">{ lang.tf(Key::learn_lesson_n, &[("n", &number)]) }</span>
                <span class="lesson-name">{ lang.t(text::title(lesson)) }</span>
                <span class="lesson-status" data-test="lesson-status">{ lang.tf(key, &args) }</span>
            </a>
        </li>
    }
}
