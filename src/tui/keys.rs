//! Keys become `Action`s; what an action does depends on where the learner
//! is, and that is decided in `update`, not here.

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Right, `l`, PageDown (a clicker's "next").
    Next,
    /// Space: pauses or resumes a running training, else like `Next`.
    Space,
    /// `s`: one iteration of a training (pausing it).
    SingleStep,
    /// `+`: a running training goes faster.
    Faster,
    /// `-` (when not typing a number): slower.
    Slower,
    /// `r`: run the step's training or search again, from the same seed.
    Restart,
    /// `e`: what if a given were another number?
    Edit,
    /// `u`: undo the last what-if edit.
    Undo,
    /// `R`: back to the lesson's own numbers.
    Reset,
    /// `P`: predict mode on or off.
    TogglePredict,
    /// `A`: author mode on or off (the lesson's checks and author notes).
    ToggleAuthor,
    /// Left, `h`, PageUp (a clicker's "back").
    Prev,
    /// Backspace: deletes what is being typed, else like `Prev`.
    Backspace,
    /// `]`: the next step, skipping the rest of this one's walk.
    NextStep,
    /// `[`: the previous step.
    PrevStep,
    First,
    Last,
    /// A digit, `.` or `-`: a step number or a quiz answer.
    Type(char),
    Enter,
    /// A choice quiz's letter, `a` = 0.
    Choose(usize),
    Up,
    Down,
    ScrollUp,
    ScrollDown,
    Help,
    CycleTheme,
    TogglePresent,
    /// `q`: back to the menu, then out.
    Leave,
    /// Esc: cancel what is being typed, close help, else like `q`.
    Escape,
    /// Ctrl-C: out, from anywhere.
    Quit,
    /// Ctrl-Z: back to the shell until `fg` (the runtime's to carry out).
    Suspend,
    /// `o`: the overview of the lesson's steps.
    Overview,
    /// `:`: the scratchpad's formula line.
    Formula,
    /// A character typed into a line of text (the scratchpad's formula).
    Text(char),
    /// `f`: follow the lecturer again (`nntutor follow`).
    Follow,
}

/// What a key means whatever is being typed: a release nothing, Ctrl-C
/// and Ctrl-D quit, Ctrl-Z suspends (`None`: the key is up to the mode).
fn always(key: &KeyEvent) -> Option<Option<Action>> {
    // Key releases and repeats arrive on terminals with the kitty protocol.
    if key.kind == KeyEventKind::Release {
        return Some(None);
    }
    if !key.modifiers.contains(KeyModifiers::CONTROL) {
        return None;
    }
    match key.code {
        KeyCode::Char('c') | KeyCode::Char('d') => Some(Some(Action::Quit)),
        KeyCode::Char('z') => Some(Some(Action::Suspend)),
        _ => None,
    }
}

pub fn keymap(key: KeyEvent) -> Option<Action> {
    if let Some(action) = always(&key) {
        return action;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        _ if ctrl => return None,
        KeyCode::Right | KeyCode::PageDown | KeyCode::Char('l') => Action::Next,
        KeyCode::Char(' ') => Action::Space,
        KeyCode::Char('s') => Action::SingleStep,
        KeyCode::Char('+') | KeyCode::Char('=') => Action::Faster,
        KeyCode::Char('r') => Action::Restart,
        KeyCode::Char('e') => Action::Edit,
        KeyCode::Char('u') => Action::Undo,
        KeyCode::Char('R') => Action::Reset,
        KeyCode::Char('P') => Action::TogglePredict,
        KeyCode::Char('A') => Action::ToggleAuthor,
        KeyCode::Char('o') => Action::Overview,
        KeyCode::Char('f') => Action::Follow,
        KeyCode::Char(':') => Action::Formula,
        KeyCode::Left | KeyCode::PageUp | KeyCode::Char('h') => Action::Prev,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Char(']') => Action::NextStep,
        KeyCode::Char('[') => Action::PrevStep,
        KeyCode::Home | KeyCode::Char('g') => Action::First,
        KeyCode::End | KeyCode::Char('G') => Action::Last,
        KeyCode::Char(c @ ('0'..='9' | '.' | '-')) => Action::Type(c),
        KeyCode::Enter => Action::Enter,
        KeyCode::Char(c @ 'a'..='d') => Action::Choose(c as usize - 'a' as usize),
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Char('?') | KeyCode::F(1) => Action::Help,
        KeyCode::Char('t') => Action::CycleTheme,
        KeyCode::Char('p') => Action::TogglePresent,
        KeyCode::Char('q') => Action::Leave,
        KeyCode::Esc => Action::Escape,
        _ => return None,
    })
}

/// Keys while a line of text is typed: every character is text; the
/// editing keys move in it, ↑ ↓ go through what was typed before.
pub fn text_keymap(key: KeyEvent) -> Option<Action> {
    if let Some(action) = always(&key) {
        return action;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('a') if ctrl => Action::First,
        KeyCode::Char('e') if ctrl => Action::Last,
        _ if ctrl || key.modifiers.contains(KeyModifiers::ALT) => return None,
        KeyCode::Char(c) => Action::Text(c),
        KeyCode::Left => Action::Prev,
        KeyCode::Right => Action::Next,
        KeyCode::Home => Action::First,
        KeyCode::End => Action::Last,
        KeyCode::Up => Action::Up,
        KeyCode::Down => Action::Down,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Escape,
        _ => return None,
    })
}

pub fn mousemap(mouse: MouseEvent) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::ScrollUp => Some(Action::ScrollUp),
        MouseEventKind::ScrollDown => Some(Action::ScrollDown),
        _ => None,
    }
}

/// The full key list for the help screen: (keys, what they do).
pub const HELP: &[(&str, &str)] = &[
    ("→  l  PgDn", "next: the next element, graph node or step"),
    ("←  h  Backspace  PgUp", "back"),
    ("]  [", "next / previous step, skipping the walk inside"),
    (
        "Space Enter s + - r",
        "training: start/pause, one step, pace, again",
    ),
    (
        "e  u  R",
        "what if: change a given; undo; the lesson's numbers",
    ),
    ("P", "predict mode: type each result before it shows"),
    ("A", "author mode: the lesson's checks and notes"),
    ("g  G", "first / last step"),
    ("o", "overview of the steps: ↑ ↓ and Enter to jump"),
    ("4 Enter", "jump to step 4"),
    (":", "scratchpad: a formula over this step's values"),
    ("↑ ↓  j k  wheel", "scroll; choose in menus and quizzes"),
    ("a-d, digits Enter", "answer a choice quiz, a number quiz"),
    ("t", "cycle themes: dark, light, projector"),
    ("p", "presentation mode: big text, no chrome"),
    ("?", "this help"),
    ("q  Esc", "back to the menu, then quit"),
    ("Ctrl-C", "quit at once"),
];
