//! A value with one watcher: the state a controller shares with the one view that shows it.
//!
//! The history and contact-form controllers keep their state here rather than in Leptos
//! signals: each of those panes is drawn by a single render function, so a plain callback does
//! what a signal and an effect would, without the reactive machinery's per-type code in the
//! wasm every visitor downloads. Browser-free; nothing here knows the DOM or the network.

use std::cell::RefCell;
use std::rc::Rc;

/// Called with the new value after every change.
pub type Watcher<T> = Rc<dyn Fn(&T)>;

/// A value and the function told of its changes.
pub struct Watched<T> {
    value: RefCell<T>,
    watcher: RefCell<Option<Watcher<T>>>,
}

impl<T> Watched<T> {
    /// `value`, watched by no one yet.
    pub fn new(value: T) -> Self {
        Watched {
            value: RefCell::new(value),
            watcher: RefCell::new(None),
        }
    }

    /// Reads the value.
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.value.borrow())
    }

    /// Changes the value, then tells the watcher. The watcher only reads: it must not change
    /// the value while it is told (a change it wants, it schedules).
    pub fn update(&self, f: impl FnOnce(&mut T)) {
        f(&mut self.value.borrow_mut());
        self.notify();
    }

    /// Sets the watcher (`None`: no one watches any more) and tells it the value at once.
    pub fn watch(&self, watcher: Option<Watcher<T>>) {
        *self.watcher.borrow_mut() = watcher;
        self.notify();
    }

    fn notify(&self) {
        let watcher = self.watcher.borrow().clone();
        if let Some(watcher) = watcher {
            watcher(&self.value.borrow());
        }
    }
}
