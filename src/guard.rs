//! One file, one failure: a panic inside one file's work is caught and becomes
//! that file's error, never the end of the process (or of the batch).
//!
//! [`catch`] runs a closure and turns a panic into a [`Panic`] carrying the
//! message and where it happened. While a thread is inside [`catch`], the panic
//! hook records the panic for it instead of printing it, so the caller reports it
//! once, naming the file; panics anywhere else are printed as usual.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

/// A panic caught by [`catch`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", location.as_deref().map(|l| format!(" (at {l})")).unwrap_or_default())]
pub struct Panic {
    /// What the panic said.
    pub message: String,
    /// `file:line:column` of the panic, when the hook saw it.
    pub location: Option<String>,
}

thread_local! {
    /// How many [`catch`] calls this thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// The last panic the hook saw on this thread while inside [`catch`].
    static CAUGHT: RefCell<Option<Panic>> = const { RefCell::new(None) };
}

/// Runs `work`; a panic inside it (on this thread) is returned as a [`Panic`]
/// instead of unwinding further. Data that `work` was changing may be left half
/// changed, so callers drop what belonged to the failed file.
pub fn catch<T>(work: impl FnOnce() -> T) -> Result<T, Panic> {
    install_hook();
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|payload| {
        let recorded = CAUGHT.with(|c| c.borrow_mut().take());
        recorded.unwrap_or_else(|| Panic {
            message: payload_message(payload.as_ref()),
            location: None,
        })
    })
}

/// Chains a hook in front of the current one, once per process.
fn install_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) > 0 {
                CAUGHT.with(|c| *c.borrow_mut() = Some(describe(info)));
            } else {
                previous(info);
            }
        }));
    });
}

fn describe(info: &PanicHookInfo<'_>) -> Panic {
    Panic {
        message: payload_message(info.payload()),
        location: info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())),
    }
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message_and_place() {
        let caught = catch(|| -> u32 { panic!("the {} broke", "sorter") }).expect_err("caught");
        assert_eq!(caught.message, "the sorter broke");
        let location = caught.location.clone().expect("location recorded by the hook");
        assert!(location.starts_with("src/guard.rs:"), "{location}");
        assert!(caught.to_string().starts_with("the sorter broke (at src/guard.rs:"));
    }

    #[test]
    fn work_that_returns_is_passed_through_and_catches_nest() {
        assert_eq!(catch(|| 7), Ok(7));
        let inner = catch(|| catch(|| -> () { panic!("inner") }).expect_err("inner caught"));
        assert_eq!(inner.expect("outer sees no panic").message, "inner");
        // The depth is back to zero: a later panic outside is not swallowed by a stale flag.
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
