//! The reader's promises: every faulty unit reported where it is, the
//! rest still read.

use super::*;

fn read_text(text: &str) -> (RawLesson, Vec<Diagnostic>) {
    read(&SourceFile::new("t.toml", text))
}

/// The 1-based line and column of a diagnostic in `text`.
fn place(text: &str, d: &Diagnostic) -> (usize, usize) {
    let at = d.span.clone().unwrap_or(0..0).start;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = at - before.rfind('\n').map_or(0, |p| p + 1) + 1;
    (line, col)
}

const HEAD: &str = "id = \"t\"\ntitle = \"T\"\n";

#[test]
fn every_unknown_key_is_reported_with_a_suggestion_and_the_rest_read() {
    let text =
        format!("{HEAD}[[steps]]\ntitle = \"s\"\nlett = \"y = 1\"\nexpnad = true\nshow = \"x\"\n");
    let (lesson, diags) = read_text(&text);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown key `lett` in a step",
            "unknown key `expnad` in a step"
        ]
    );
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `let`?"));
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `expand`?"));
    assert_eq!(place(&text, &diags[0]), (5, 1));
    // The step is still read without them.
    let Some(step) = &lesson.steps[0] else {
        panic!("the step is not read")
    };
    assert_eq!(step.show[0].v, "x");
}

#[test]
fn a_type_error_names_its_key_and_is_placed_at_the_value() {
    let text = format!(
        "{HEAD}[[steps]]\ntitle = \"s\"\ntrain = {{ steps = \"ten\", update = [\"w = w\"] }}\n"
    );
    let (lesson, diags) = read_text(&text);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0]
            .message
            .starts_with("`train.steps`: invalid type: string \"ten\""),
        "{}",
        diags[0].message
    );
    assert_eq!(place(&text, &diags[0]), (5, 19));
    // The faulty step keeps its place, so later steps keep their numbers.
    assert_eq!(lesson.steps.len(), 1);
    assert!(lesson.steps[0].is_none());
}

#[test]
fn a_missing_key_is_named_with_what_it_is_for() {
    let text = format!(
        "{HEAD}[[steps]]\ntitle = \"s\"\ntrain = {{ steps = 3 }}\n[[steps]]\ntitle = \"u\"\n"
    );
    let (lesson, diags) = read_text(&text);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "`train` has no `update`");
    let help = diags[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("applied each iteration"), "{help}");
    assert_eq!(place(&text, &diags[0]), (5, 9));
    assert!(lesson.steps[0].is_none());
    assert_eq!(
        lesson.steps[1].as_ref().map(|s| s.title.v.as_str()),
        Some("u")
    );
}

#[test]
fn a_given_is_read_as_the_kind_its_key_names() {
    let text = format!(
        "{HEAD}[given]\nW = [[1, 2]]\nX = {{ dataset = \"spiral\", points = 5 }}\nY = {{ shape = [2, 2] }}\nZ = {{ random = \"normal\", shape = [1, 2], sede = 3 }}\n[[steps]]\ntitle = \"s\"\n"
    );
    let (lesson, diags) = read_text(&text);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "given `Y` needs one of `value`, `random`, `dataset` or `file`",
            "unknown key `sede` in given `Z`"
        ]
    );
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `seed`?"));
    let kinds: Vec<&str> = lesson
        .given
        .iter()
        .map(|g| match &g.spec {
            Some(GivenSpec::Bare(_)) => "bare",
            Some(GivenSpec::Dataset(d)) if d.points.as_ref().map(|p| p.v) == Some(5) => {
                "spiral of 5"
            }
            Some(GivenSpec::Random(r)) if r.seed == 0 && r.shape.v == [1, 2] => "random",
            None => "unread",
            _ => "wrong",
        })
        .collect();
    assert_eq!(kinds, ["bare", "spiral of 5", "unread", "random"]);
}

#[test]
fn strings_beyond_their_limit_are_refused_where_they_are() {
    let long = "n".repeat(MAX_NAME + 1);
    let text = format!("{HEAD}[[steps]]\ntitle = \"s\"\nshow = [\"a\", \"{long}\"]\n");
    let (lesson, diags) = read_text(&text);
    assert_eq!(
        diags[0].message,
        format!(
            "each entry of `show` is at most {MAX_NAME} characters; this one is {}",
            MAX_NAME + 1
        )
    );
    assert_eq!(place(&text, &diags[0]), (5, 14));
    assert!(lesson.steps[0].is_none());
}

#[test]
fn the_lesson_lacking_its_keys_says_so_at_the_top() {
    let (lesson, diags) = read_text("[[steps]]\ntitle = \"s\"\n");
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["the lesson has no `id`", "the lesson has no `title`"]
    );
    assert!(lesson.steps[0].is_some());
}

#[test]
fn a_quiz_answer_keeps_its_text_and_lists_take_a_single_name() {
    let text = format!(
        "{HEAD}[[steps]]\ntitle = \"s\"\nbars = \"p\"\nquiz = {{ question = \"?\", answer = 1_000.50 }}\n"
    );
    let (lesson, diags) = read_text(&text);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(step) = &lesson.steps[0] else {
        panic!("the step is not read")
    };
    assert_eq!(step.bars.len(), 1);
    assert_eq!(step.bars[0].v, "p");
    let Some(answer) = step
        .kinds
        .quiz
        .quiz
        .as_ref()
        .and_then(|q| q.answer.as_ref())
    else {
        panic!("the answer is not read")
    };
    assert_eq!(answer.v, Answer::Number);
    assert_eq!(&text[answer.span.clone()], "1_000.50");
}

#[test]
fn every_faulty_key_of_a_unit_is_reported_in_the_format_s_words() {
    let text = format!("{HEAD}[[steps]]\ntitle = \"s\"\nshow = 3\nquiz = \"x\"\nexpand = 1\n");
    let (lesson, diags) = read_text(&text);
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`show`: invalid type: integer `3`, expected a string or a list of strings",
            "`quiz`: invalid type: string \"x\", expected a table such as { question = \"…\", answer = \"…\" }",
            "`expand`: invalid type: integer `1`, expected true or false",
        ]
    );
    let places: Vec<(usize, usize)> = diags.iter().map(|d| place(&text, d)).collect();
    assert_eq!(places, [(5, 8), (6, 8), (7, 10)]);
    assert!(lesson.steps[0].is_none());
}
