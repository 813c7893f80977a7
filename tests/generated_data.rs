//! Generated digits are drawn when the lesson is evaluated, not when it is
//! checked: the tutor has the lesson (and draws its first frame) first,
//! then every given, then the steps. The numbers are those of the engine's
//! generator, however they arrive.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::tutor::{evaluated, rows};
use nntutor::engine::datasets;
use nntutor::lesson::catalog::Catalog;
use nntutor::lesson::edit::{Edit, with_edits};
use nntutor::lesson::eval::{Cancel, Kept, Stages};
use nntutor::lesson::timeline::{StepState, Values};
use nntutor::lesson::{Lesson, Timeline, load_staged};
use nntutor::tui::app::{App, Menu, Settings};

/// What arrived, in order.
#[derive(Default)]
struct Record(Mutex<Vec<String>>);

impl Record {
    fn push(&self, what: String) {
        self.0.lock().unwrap().push(what);
    }
}

fn has(values: &Values, name: &str) -> String {
    match values.get(name) {
        Some(v) => format!("{name} {}×{}", v.data.nrows(), v.data.ncols()),
        None => format!("no {name}"),
    }
}

impl Stages for Record {
    fn checked(&self, lesson: &Lesson, initial: &Arc<Values>) {
        let later = lesson.givens.iter().filter(|g| g.later.is_some()).count();
        self.push(format!(
            "checked: {} later, {}, {}",
            later,
            has(initial, "X"),
            has(initial, "W")
        ));
    }

    fn givens(&self, initial: &Arc<Values>) {
        self.push(format!(
            "givens: {}, {}, {}",
            has(initial, "X"),
            has(initial, "X_labels"),
            has(initial, "T")
        ));
    }

    fn step(&self, k: usize, _: &StepState, _: Kept) {
        self.push(format!("step {}", k + 1));
    }

    fn iterations(&self, _: usize, _: usize, _: usize) {}
}

#[test]
fn the_lesson_arrives_before_its_digits_and_its_digits_before_its_steps() {
    let record = Record::default();
    let source = Catalog::default().find("digits").unwrap();
    let loaded = load_staged(source, &Cancel::default(), &record);
    let arrived = record.0.into_inner().unwrap();
    // X, X_labels, T and T_labels are made later; W (random) at once.
    assert_eq!(arrived[0], "checked: 4 later, no X, W 784×10");
    assert_eq!(arrived[1], "givens: X 784×1000, X_labels 1×1000, T 784×500");
    assert_eq!(arrived[2], "step 1");
    // The images are the generator's, bit for bit.
    let timeline = loaded.timeline.unwrap();
    let (x, y) = datasets::digits(1000, 1);
    let (t, _) = datasets::digits(500, 2);
    assert_eq!(*timeline.initial["X"].data, x);
    assert_eq!(*timeline.initial["X_labels"].data, y);
    assert!(timeline.initial["X_labels"].labels);
    assert_eq!(*timeline.initial["T"].data, t);
}

#[test]
fn a_generated_image_can_be_edited_like_any_given() {
    let (lesson, timeline) = evaluated("digits");
    let edit = Edit {
        name: "X".into(),
        row: 300,
        col: 2,
        was: timeline.initial["X"].data[(300, 2)],
        value: 0.5,
    };
    let edited = with_edits(&lesson, &[edit]).unwrap();
    let x = edited.givens.iter().find(|g| g.name == "X").unwrap();
    assert!(x.later.is_none(), "made, then edited");
    let (mut expected, _) = datasets::digits(1000, 1);
    expected[(300, 2)] = 0.5;
    assert_eq!(*x.value.data, expected);
}

#[test]
fn while_the_digits_are_drawn_the_first_step_says_so() {
    let (lesson, full) = evaluated("digits");
    let mut app = App::new(Menu::default(), Settings::default(), Default::default());
    app.open_lesson(lesson, Arc::new(Timeline::default()), Some(1));
    app.open.as_mut().unwrap().evaluating = Some(Default::default());
    let screen = rows(&app, 100, 30).join("\n");
    // 1,000 training images and 500 kept for testing.
    assert!(
        screen.contains("Generating its data: 1500 digit images"),
        "{screen}"
    );
    assert!(screen.contains("Ten classes of 28 × 28 images"), "{screen}");
    // Once drawn, the step itself is what is being computed.
    let open = app.open.as_mut().unwrap();
    open.set_initial(full.initial.clone());
    let screen = rows(&app, 100, 30).join("\n");
    assert!(!screen.contains("Generating"), "{screen}");
    assert!(screen.contains("This step is being computed"), "{screen}");
}
