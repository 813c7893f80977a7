//! `o`: the overview of a lesson's steps, to jump to one (the lecturer
//! looking for the slide a question is about). Plain state in `App`
//! (`overview`: the row chosen), changed here by keys, drawn by
//! `view::overview`.

use super::app::{App, Screen, Typing};
use super::keys::Action;

/// The overview's keys; returns whether the action was used. `o` opens it
/// on a lesson; while it is open every key is its own.
pub fn keys(app: &mut App, action: Action) -> bool {
    let Some(open) = app.open.as_mut().filter(|_| app.screen == Screen::Lesson) else {
        return false;
    };
    let n = open.step_count();
    let Some(row) = app.overview.as_mut() else {
        if action == Action::Overview && app.typing == Typing::None {
            app.overview = Some(open.step);
            return true;
        }
        return false;
    };
    match action {
        Action::Up | Action::Prev | Action::ScrollUp => *row = row.saturating_sub(1),
        Action::Down | Action::Next | Action::ScrollDown => *row = (*row + 1).min(n - 1),
        Action::First => *row = 0,
        Action::Last => *row = n - 1,
        Action::Enter | Action::Space => {
            let chosen = *row;
            app.overview = None;
            if chosen != open.step {
                open.step = chosen;
                open.sub = 0;
                open.scroll = 0;
                open.offered_next = false;
                app.notice = None;
                app.record_position();
            }
        }
        // Anything else closes it where it was.
        _ => app.overview = None,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::catalog::Catalog;
    use crate::lesson::load;
    use crate::tui::app_for;
    use crate::tui::update::update;

    fn softmax() -> App {
        let loaded = load(Catalog::default().find("softmax").expect("built in"));
        let (lesson, timeline) = (
            loaded.lesson.expect("loads"),
            loaded.timeline.expect("runs"),
        );
        app_for(lesson, timeline, Default::default())
    }

    #[test]
    fn o_opens_on_the_current_step_and_enter_jumps() {
        let mut app = softmax();
        update(&mut app, Action::Overview);
        assert_eq!(app.overview, Some(0));
        for _ in 0..3 {
            update(&mut app, Action::Down);
        }
        update(&mut app, Action::Enter);
        assert_eq!(app.overview, None);
        assert_eq!(app.open.as_ref().map(|o| o.step), Some(3));
        // Esc closes it and stays.
        update(&mut app, Action::Overview);
        assert_eq!(app.overview, Some(3));
        update(&mut app, Action::Down);
        update(&mut app, Action::Escape);
        assert_eq!(
            (app.overview, app.open.as_ref().map(|o| o.step)),
            (None, Some(3))
        );
    }
}
