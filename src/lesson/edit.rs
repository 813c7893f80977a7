//! What-if edits: the learner sets one element of a given to a new number
//! and the whole lesson is evaluated again from it, so every value that
//! depends on it is recomputed by the same engine. Edits apply in order;
//! undoing one evaluates the remaining ones again from the lesson as written.

use std::sync::Arc;

use super::eval::{Cancel, evaluate_until};
use super::model::Lesson;
use super::timeline::Timeline;
use super::value::Value;
use crate::engine::tensor::shape_str;

#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub name: String,
    pub row: usize,
    pub col: usize,
    /// The lesson's own value there, for the record shown to the learner.
    pub was: f64,
    pub value: f64,
}

/// The lesson with `edits` applied to its givens.
pub fn with_edits(lesson: &Lesson, edits: &[Edit]) -> Result<Lesson, String> {
    let mut edited = lesson.clone();
    for e in edits {
        if !e.value.is_finite() {
            return Err(format!("{} is not a finite number", e.value));
        }
        let given = edited
            .givens
            .iter_mut()
            .find(|g| g.name == e.name)
            .ok_or_else(|| format!("`{}` is not a given of this lesson", e.name))?;
        if given.later.is_some() {
            // Made now, and edited like any other.
            let made = super::build::given_values(std::slice::from_ref(given));
            given.value = made
                .into_iter()
                .next()
                .unwrap_or_else(|| given.value.clone());
            given.later = None;
        }
        let (rows, cols) = given.value.data.shape();
        if e.row >= rows || e.col >= cols {
            return Err(format!(
                "`{}` is {}; it has no element ({}, {})",
                e.name,
                shape_str((rows, cols)),
                e.row + 1,
                e.col + 1
            ));
        }
        let mut value: Value = given.value.clone();
        Arc::make_mut(&mut value.data)[(e.row, e.col)] = e.value;
        given.value = value;
        // A search draws this given anew; an edited value is kept as it is.
        given.random = None;
    }
    Ok(edited)
}

/// The timeline of the lesson with `edits`: the lesson's own checks may
/// fail now (the numbers changed on purpose), so only the values count.
pub fn evaluate_edited(
    lesson: &Lesson,
    edits: &[Edit],
    cancel: &Cancel,
) -> Result<Arc<Timeline>, String> {
    let edited = with_edits(lesson, edits)?;
    let (timeline, diagnostics) = evaluate_until(&edited, cancel);
    if cancel.is_cancelled() {
        return Err("stopped".into());
    }
    // An edit that a later step cannot take (a label past the classes, a
    // fraction of a label) is refused with that step's reason, rather than
    // leaving the steps after it blank.
    let broken = diagnostics
        .iter()
        .find(|d| d.severity == super::Severity::Error);
    if let Some(d) = broken {
        return Err(d.message.clone());
    }
    Ok(Arc::new(timeline))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::{SourceFile, load};

    fn lesson() -> Lesson {
        let text = r#"
id = "w"
title = "w"
[given]
s = [3.2, 5.1, -1.7]
[[steps]]
title = "loss"
let = "L = max(0, s[1] - s[0] + 1) + max(0, s[2] - s[0] + 1)"
expect = { L = 2.9 }
"#;
        load(SourceFile::new("w.toml", text)).lesson.unwrap()
    }

    #[test]
    fn an_edit_recomputes_what_depends_on_it_and_no_edits_give_the_lesson_back() {
        let lesson = lesson();
        // The slides' cat column: max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9.
        let own = evaluate_edited(&lesson, &[], &Cancel::default()).unwrap();
        assert!((own.steps[0].values["L"].data[0] - 2.9).abs() < 1e-12);
        // Raise the cat score to 6.5: max(0, 5.1 - 6.5 + 1) = 0, and the
        // frog term stays 0, so the loss is 0.
        let edit = Edit {
            name: "s".into(),
            row: 0,
            col: 0,
            was: 3.2,
            value: 6.5,
        };
        let t = evaluate_edited(&lesson, std::slice::from_ref(&edit), &Cancel::default()).unwrap();
        assert_eq!(t.steps[0].values["L"].data[0], 0.0);
        // 4.0: max(0, 5.1 - 4 + 1) = 2.1 (to rounding).
        let again = Edit { value: 4.0, ..edit };
        let t = evaluate_edited(&lesson, &[again], &Cancel::default()).unwrap();
        assert!((t.steps[0].values["L"].data[0] - 2.1).abs() < 1e-12);
    }

    #[test]
    fn edits_outside_the_given_are_refused_with_its_shape() {
        let bad = Edit {
            name: "s".into(),
            row: 0,
            col: 7,
            was: 0.0,
            value: 1.0,
        };
        let err = with_edits(&lesson(), &[bad]).unwrap_err();
        // A list in the file is a column vector.
        assert_eq!(err, "`s` is 3×1; it has no element (1, 8)");
    }
}
