//! `use_lang`: the page's language and the callback that switches it, once the new
//! language's text has arrived (`services::locale`), so the page never shows a mix.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Lang;
use crate::services::locale;

/// The language (starting at `initial`) and a callback to switch to another.
#[hook]
pub(crate) fn use_lang(initial: impl FnOnce() -> Lang) -> (Lang, Callback<Lang>) {
    let lang = use_state(initial);
    // The latest choice: a slower, earlier fetch does not override it.
    let wanted = use_memo((), |_| Cell::new(None::<Lang>));
    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |l: Lang| {
            wanted.set(Some(l));
            let (lang, wanted) = (lang.clone(), Rc::clone(&wanted));
            locale::load_then(l, move || {
                if wanted.get() == Some(l) {
                    lang.set(l);
                }
            });
        })
    };
    (*lang, on_lang)
}
