//! `/learn`: the course — nine lessons, from the blog posts' simple claims to the
//! corrections the evidence forces, each with the reader's progress (kept in this
//! browser only).

use yew::prelude::*;

use crate::components::lesson_list::lesson_list;
use crate::components::use_lang;
use crate::hooks::use_lesson::use_progress;
use crate::i18n::Key;

#[function_component(Learn)]
pub(crate) fn learn() -> Html {
    let lang = use_lang();
    let progress = use_progress();
    html! {
        <main class="learn" data-test="learn">
            <section class="panel panel-neutral" aria-labelledby="learn-title">
                <h2 id="learn-title">{ lang.t(Key::learn_title) }</h2>
                <p class="lead">{ lang.t(Key::learn_lead) }</p>
                { lesson_list(lang, &progress) }
            </section>
        </main>
    }
}
