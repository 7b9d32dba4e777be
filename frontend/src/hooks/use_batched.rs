//! `use_batched`: a model mutated as events arrive, redrawn at most once per animation
//! frame. Events are applied (and time-stamped) the moment they arrive, while the page is
//! not busy redrawing for the previous one: a render per message would sit between a
//! message's arrival and its timestamp and inflate every measured round trip.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_render::{AnimationFrame, request_animation_frame};
use yew::prelude::*;

/// Handle returned by [`use_batched`]; cheap to clone into callbacks.
pub(crate) struct Batched<M> {
    model: Rc<RefCell<M>>,
    frame: Rc<RefCell<Option<AnimationFrame>>>,
    redraw: Callback<()>,
}

impl<M> Clone for Batched<M> {
    fn clone(&self) -> Self {
        Self {
            model: Rc::clone(&self.model),
            frame: Rc::clone(&self.frame),
            redraw: self.redraw.clone(),
        }
    }
}

impl<M: 'static> Batched<M> {
    /// Changes the model now; the component redraws on the next animation frame.
    pub(crate) fn update(&self, change: impl FnOnce(&mut M)) {
        change(&mut self.model.borrow_mut());
        if self.frame.borrow().is_some() {
            return;
        }
        let (frame, redraw) = (Rc::clone(&self.frame), self.redraw.clone());
        let handle = request_animation_frame(move |_| {
            frame.borrow_mut().take();
            redraw.emit(());
        });
        *self.frame.borrow_mut() = Some(handle);
    }

    /// Reads the model (for drawing).
    pub(crate) fn read<T>(&self, f: impl FnOnce(&M) -> T) -> T {
        f(&self.model.borrow())
    }
}

/// `let b = use_batched(Model::default); b.update(|m| m.apply(event));`
#[hook]
pub(crate) fn use_batched<M: 'static>(init: impl FnOnce() -> M) -> Batched<M> {
    let model = use_mut_ref(init);
    let frame = use_mut_ref(|| None);
    let force = use_force_update();
    Batched {
        model,
        frame,
        redraw: Callback::from(move |()| force.force_update()),
    }
}
