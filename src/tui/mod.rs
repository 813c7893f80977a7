//! The full-screen tutor. State (`app`), what keys do (`keys`, `update`)
//! and drawing (`view`) are kept apart: `update` is a pure function of the
//! state and `view` only reads it, so both are tested without a terminal.
//! This module is the runtime around them: the terminal, the event loop,
//! loading lessons picked from the menu, and saving progress.

pub mod app;
mod background;
pub mod classroom;
pub mod keys;
pub mod live;
pub mod opening;
pub mod overview;
pub mod pace;
pub mod predict;
pub mod progress;
pub mod scratchpad;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod watch;
pub mod whatif;
pub mod widgets;

use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event};

use self::app::{App, Menu, MenuEntry, Settings};
use self::background::{Background, Recompute, sync_recompute};
use self::progress::Store;
use self::theme::ThemeName;
use crate::lesson::catalog::Catalog;
use crate::lesson::timeline::Values;
use crate::lesson::{Lesson, Loaded, SourceFile, Timeline};
use opening::Opening;

/// How the interface looks, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub theme: Option<ThemeName>,
    pub present: bool,
    pub ascii: bool,
    /// Author mode: the lesson's checks and author notes on screen.
    pub author: bool,
    /// Reload this lesson file when it changes.
    pub watch: Option<std::path::PathBuf>,
    /// Share the lecture: the address to listen on, and the code.
    pub share: Option<(String, String)>,
}

impl Options {
    pub fn settings(&self) -> Settings {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme = match (self.theme, no_color) {
            (Some(t), _) => t,
            (None, true) => ThemeName::Mono,
            (None, false) => ThemeName::Dark,
        };
        Settings {
            theme,
            present: self.present,
            author: self.author,
            ascii: self.ascii,
            predict: false,
        }
    }
}

/// The menu of every lesson the catalog knows (plus `extra`, a lesson opened
/// from a file outside it).
pub fn menu(catalog: &Catalog, extra: Option<(&Lesson, &SourceFile)>) -> Menu {
    let (headers, problems) = catalog.headers();
    let mut entries: Vec<MenuEntry> = headers
        .into_iter()
        .map(|h| MenuEntry {
            id: h.id,
            title: h.title,
            summary: h.summary,
            steps: h.steps,
            source: h.source,
        })
        .collect();
    if let Some((lesson, source)) = extra
        && !entries.iter().any(|e| e.id == lesson.id)
    {
        entries.push(MenuEntry {
            id: lesson.id.clone(),
            title: lesson.title.clone(),
            summary: lesson.summary.clone(),
            steps: lesson.steps.len(),
            source: source.clone(),
        });
    }
    Menu {
        entries,
        selected: 0,
        problems,
    }
}

/// What the tutor starts on, besides the menu.
pub enum Start {
    /// A lesson loaded in full (a watched file: it opens even when broken,
    /// and shows its error until fixed).
    Loaded(Loaded, Option<usize>),
    /// A checked lesson, opened at the step given (1-based) while its
    /// evaluation goes on beside the tutor.
    Opening(Opening, Lesson, Arc<Values>, Option<usize>),
    /// A lecture followed (`nntutor follow`): the lecturer's lesson opens
    /// as it is checked, and moves with the lecturer.
    Follow(crate::classroom::follower::Following, String, SourceFile),
}

/// Runs the tutor until the learner leaves; returns the exit code.
pub fn run(catalog: &Catalog, options: &Options, start: Option<Start>) -> i32 {
    let mut store = Store::default_location();
    let (progress, warning) = store.load();
    let extra = match &start {
        Some(Start::Loaded(l, _)) => l.lesson.as_ref().map(|lesson| (lesson, &l.source)),
        Some(Start::Opening(_, lesson, _, _)) => Some((lesson, &lesson.source)),
        Some(Start::Follow(..)) | None => None,
    };
    let menu = menu(catalog, extra);
    let mut app = App::new(menu, options.settings(), progress);
    // The menu opens on the lesson used last.
    app.select_last_used();
    let mut opening = None;
    let mut job = match classroom::share(&mut app, options.share.as_ref()) {
        Ok(job) => job,
        Err(why) => {
            eprintln!("nntutor: {why}");
            return 1;
        }
    };
    match start {
        Some(Start::Loaded(loaded, step)) => match (loaded.lesson, loaded.timeline) {
            (Some(lesson), Some(timeline)) => {
                app.open_lesson(Arc::new(lesson), Arc::new(timeline), step)
            }
            _ => app.warn(format!(
                "{}; save a fixed version and it opens",
                watch::first_error(&loaded.source, &loaded.diagnostics)
            )),
        },
        Some(Start::Opening(mut o, lesson, initial, step)) => {
            o.open(&mut app, lesson, initial, step);
            opening = Some(o);
        }
        Some(Start::Follow(following, addr, source)) => {
            app.classroom = Some(classroom::Classroom::Follower {
                host: addr.clone(),
                following: true,
                lecturer: None,
                lesson: source.name.clone(),
                ended: None,
            });
            opening = Opening::start(source);
            app.info(format!("Following the lecture at {addr}…"));
            job = Some(classroom::Job::Follower {
                following,
                addr,
                waiting: None,
            });
        }
        None => {}
    }
    if let Some(w) = warning {
        app.warn(w);
    }
    let signals = terminal::Signals::register();
    let guard = match terminal::TerminalGuard::enter() {
        Ok(g) => g,
        Err(e) => {
            terminal::restore();
            eprintln!("nntutor: cannot use this terminal: {e}");
            return 1;
        }
    };
    let mut watcher = options.watch.clone().map(watch::Watcher::new);
    let mut bugs = Vec::new();
    let work = Background::new(watcher.as_mut(), opening, job);
    let result = event_loop(&mut app, &store, &signals, &guard, work, &mut bugs);
    drop(guard);
    // Shown on the screen as they happened; kept on the normal screen too.
    for bug in &bugs {
        let bug = crate::lesson::format::sanitize(bug);
        eprintln!("nntutor: internal error (a bug in nntutor; please report it): {bug}");
    }
    if app.progress_dirty
        && let Err(e) = store.save(&app.progress)
    {
        eprintln!("nntutor: {}", crate::lesson::format::sanitize(&e));
    }
    match result {
        Err(e) => {
            eprintln!("nntutor: terminal error: {e}");
            1
        }
        Ok(()) => signals.received().map_or(0, |sig| 128 + sig),
    }
}

fn event_loop(
    app: &mut App,
    store: &Store,
    signals: &terminal::Signals,
    guard: &terminal::TerminalGuard,
    mut work: Background,
    bugs: &mut Vec<String>,
) -> std::io::Result<()> {
    let mut terminal: Screen = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    // Creating the event source installs crossterm's SIGWINCH handler; do it
    // before the first frame so that a resize during start-up is not lost.
    event::poll(Duration::ZERO)?;
    let mut size = terminal.size()?;
    let mut redraw = true;
    loop {
        redraw |= work.sync_runs(app, bugs);
        if redraw {
            terminal.draw(|frame| view::draw(frame, app))?;
            redraw = false;
        }
        if app.quit || signals.received().is_some() {
            return Ok(());
        }
        // Ctrl-Z arrives as a key (raw mode); SIGTSTP from `kill`; SIGCONT
        // after either, or after a `kill -STOP` that gave no warning.
        let stop = signals.take_stop();
        if stop || signals.take_continued() {
            terminal = resume(guard, signals, stop)?;
            redraw = true;
            continue;
        }
        let (changed, opened) = work.sync_jobs(app, store);
        redraw |= changed;
        if opened {
            continue;
        }
        // A short poll so that signals are noticed promptly; the size is
        // checked too, in case a resize signal arrived while none was expected.
        if !event::poll(work.wait())? {
            let now = terminal.size()?;
            if now != size {
                size = now;
                redraw = true;
            }
            continue;
        }
        let action = match event::read()? {
            Event::Key(key) if app.typing.takes_text() => keys::text_keymap(key),
            Event::Key(key) => {
                crash_test(key);
                keys::keymap(key)
            }
            Event::Mouse(mouse) => keys::mousemap(mouse),
            Event::Resize(..) => {
                size = terminal.size()?;
                redraw = true;
                None
            }
            _ => None,
        };
        match action {
            Some(keys::Action::Suspend) => {
                terminal = resume(guard, signals, true)?;
                redraw = true;
            }
            Some(action) => redraw |= update::update(app, action),
            None => {}
        }
    }
}

/// After a stop (`stopped`: ours, so the terminal is handed back first) or
/// a continue: the terminal taken again, to be drawn whole.
fn resume(
    guard: &terminal::TerminalGuard,
    signals: &terminal::Signals,
    stopped: bool,
) -> std::io::Result<Screen> {
    if stopped {
        guard.suspend()?;
        signals.take_continued();
    } else {
        guard.take()?;
    }
    redrawn_whole()
}

type Screen = Terminal<CrosstermBackend<std::io::Stdout>>;

/// A cleared screen and a terminal that draws every cell on its next frame
/// (ratatui's own `clear` asks the terminal where its cursor is, which not
/// every terminal answers).
fn redrawn_whole() -> std::io::Result<Screen> {
    use ratatui::crossterm::terminal::{Clear, ClearType};
    ratatui::crossterm::execute!(std::io::stdout(), Clear(ClearType::All))?;
    Terminal::new(CrosstermBackend::new(std::io::stdout()))
}

/// Debug builds only: `NNTUTOR_PANIC_ON_KEY=x` panics when `x` is pressed,
/// so that the tests can check the terminal is restored after a panic.
#[cfg(debug_assertions)]
fn crash_test(key: ratatui::crossterm::event::KeyEvent) {
    use ratatui::crossterm::event::KeyCode;
    if let (Ok(want), KeyCode::Char(c)) = (std::env::var("NNTUTOR_PANIC_ON_KEY"), key.code)
        && want.starts_with(c)
    {
        panic!("NNTUTOR_PANIC_ON_KEY: deliberate panic on `{c}`");
    }
}

#[cfg(not(debug_assertions))]
fn crash_test(_: ratatui::crossterm::event::KeyEvent) {}

/// For tests and benchmarks: an app showing `lesson` at step 1.
pub fn app_for(lesson: Lesson, timeline: Timeline, settings: Settings) -> App {
    let mut app = App::new(Menu::default(), settings, Default::default());
    app.open_lesson(Arc::new(lesson), Arc::new(timeline), Some(1));
    app.progress_dirty = false;
    app
}

/// For tests and benchmarks: evaluates pending what-if edits at once, as
/// the runtime does beside the event loop.
pub fn evaluate_edits_now(app: &mut App) {
    let mut recompute = None;
    sync_recompute(app, &mut recompute);
    if let Some(r) = recompute
        && let Ok(result) = r.rx.recv()
    {
        let (tx, rx) = std::sync::mpsc::channel();
        let _ = tx.send(result);
        let mut done = Some(Recompute { rx, ..r });
        sync_recompute(app, &mut done);
    }
}
