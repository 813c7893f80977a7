//! Entering and leaving the full-screen terminal. The terminal is restored
//! on every way out: a normal quit and errors (the guard's `Drop`), a panic
//! (the hook restores first, then prints the message on the normal screen),
//! and SIGTERM, SIGHUP, SIGINT and SIGQUIT (flags the event loop checks).
//! Ctrl-Z and SIGTSTP hand the terminal back to the shell before the process
//! stops, and SIGCONT takes it again (a `kill -STOP` gives no warning, so
//! the screen is taken back and drawn anew on every continue).
//!
//! A panic on a worker thread (loading, a live run, a what-if evaluation)
//! while the tutor is up is a bug too, but the tutor goes on: the hook keeps
//! its message (printing it would scribble over the screen), the tutor shows
//! it, and it is printed on the normal screen when the tutor ends.

use std::io::{Write, stdout};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};

use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Puts the terminal back the way the shell expects it. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = stdout();
    let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, Show);
    let _ = out.flush();
}

pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<TerminalGuard> {
        install_panic_hook();
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = TerminalGuard { _private: () };
        guard.take()?;
        Ok(guard)
    }

    /// Raw mode, the alternate screen, the mouse, no cursor.
    pub fn take(&self) -> std::io::Result<()> {
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen, EnableMouseCapture, Hide)
    }

    /// Gives the terminal back to the shell and stops the process, as the
    /// default SIGTSTP would; when continued, takes the terminal again.
    /// The caller draws the whole screen anew.
    pub fn suspend(&self) -> std::io::Result<()> {
        restore();
        #[cfg(unix)]
        let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP);
        self.take()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ACTIVE.store(false, Ordering::SeqCst);
        restore();
        for message in take_worker_panics() {
            eprintln!("nntutor: internal error (please report it): {message}");
        }
    }
}

/// Whether the full-screen tutor owns the terminal.
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Panics of worker threads while the tutor was up, not yet shown.
static WORKER_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The worker panics since the last call: the tutor shows them.
pub fn take_worker_panics() -> Vec<String> {
    std::mem::take(&mut *WORKER_PANICS.lock().unwrap_or_else(|e| e.into_inner()))
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let main = std::thread::current().id();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !ACTIVE.load(Ordering::SeqCst) {
                previous(info);
            } else if std::thread::current().id() == main {
                ACTIVE.store(false, Ordering::SeqCst);
                restore();
                previous(info);
            } else {
                let thread = std::thread::current()
                    .name()
                    .unwrap_or("a worker")
                    .to_string();
                WORKER_PANICS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("{thread}: {info}"));
            }
        }));
    });
}

/// The last termination signal received (0: none), and stop and continue
/// requests not yet carried out.
#[derive(Clone)]
pub struct Signals {
    received: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    continued: Arc<AtomicBool>,
}

impl Signals {
    pub fn register() -> Signals {
        let received = Arc::new(AtomicUsize::new(0));
        for sig in [
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGQUIT,
        ] {
            // Without the handler the default action still ends the
            // process; only the terminal would be left raw.
            let _ = signal_hook::flag::register_usize(sig, Arc::clone(&received), sig as usize);
        }
        let (stop, continued) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        #[cfg(unix)]
        {
            // With a handler the process no longer stops by itself: the
            // event loop restores the terminal, then stops it.
            let _ = signal_hook::flag::register(signal_hook::consts::SIGTSTP, Arc::clone(&stop));
            let _ =
                signal_hook::flag::register(signal_hook::consts::SIGCONT, Arc::clone(&continued));
        }
        Signals {
            received,
            stop,
            continued,
        }
    }

    /// A stop was asked for (SIGTSTP) since the last call.
    pub fn take_stop(&self) -> bool {
        self.stop.swap(false, Ordering::SeqCst)
    }

    /// The process was continued (SIGCONT) since the last call.
    pub fn take_continued(&self) -> bool {
        self.continued.swap(false, Ordering::SeqCst)
    }

    pub fn received(&self) -> Option<i32> {
        match self.received.load(Ordering::Relaxed) {
            0 => None,
            sig => Some(sig as i32),
        }
    }
}
