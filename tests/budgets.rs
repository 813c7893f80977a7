//! Small files that would cost gigabytes or minutes are refused at load,
//! at the line that asks for too much, with the budget they pass: work is
//! counted as it is really done (products as m·k·n, loops by their first
//! round times their rounds) and memory as every step keeps it. Each case
//! here hung or ate gigabytes before the budgets; the expected step is
//! worked out by hand from the sizes.

#![allow(clippy::unwrap_used)]

use nntutor::lesson::{Limits, Loaded, Options, Severity, SourceFile, load, load_with};

fn lesson(given: &str, steps: &str) -> String {
    format!("id = \"b\"\ntitle = \"b\"\n[given]\n{given}\n{steps}")
}

/// The 1-based line of the first occurrence of `marker`.
fn line_of(text: &str, marker: &str) -> usize {
    let at = text.find(marker).unwrap();
    text[..at].matches('\n').count() + 1
}

/// The first error, with its line; the lesson did not load.
fn refused(loaded: &Loaded) -> (usize, String) {
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(!errors.is_empty(), "{:#?}", loaded.diagnostics);
    assert!(loaded.timeline.is_none() && loaded.internal.is_none());
    let (line, _) = errors[0].line_col(&loaded.source).unwrap();
    (line, errors[0].message.clone())
}

#[test]
fn update_steps_that_would_keep_gigabytes_stop_at_the_limit() {
    // W is 1000×1000: 8,000,000 bytes. Each `W = W - 0.1 * W` keeps the
    // product 0.1·W and the new W (16,000,000 bytes), the constant (8),
    // four graph nodes (4 × 1,024) and a new path of the snapshot (100):
    // 16,004,204 bytes a step, besides W and the parsed text (40 bytes a
    // character, under 0.8 MB). By step 31 that is at most 8e6 + 0.8e6 +
    // 31 × 16,004,204 = 504.9 MB; step 32's product would need 8 MB more,
    // over the 512 MB limit.
    let steps: String = (1..=300)
        .map(|k| format!("[[steps]]\ntitle = \"s{k}\"\nupdate = [\"W = W - 0.1 * W\"]\n"))
        .collect();
    let text = lesson("W = { random = \"uniform\", shape = [1000, 1000] }", &steps);
    assert!(text.len() < 20_000);
    let loaded = load(SourceFile::new("b.toml", text.as_str()));
    let (line, message) = refused(&loaded);
    assert_eq!(line, line_of(&text, "title = \"s32\"") + 1, "{message}");
    assert!(message.contains("more memory"), "{message}");
    assert!(loaded.spent.memory <= Limits::default().memory);
}

#[test]
fn lets_of_ten_million_elements_stop_at_the_limit() {
    // W is 10,000×1,000 = 80 MB; each `A_k = W + k` keeps 80 MB more (the
    // sum, shared by the value and its graph). 80 MB given + 5 sums = 480
    // MB; a sixth would be 560 MB, over 512 MB.
    let steps: String = (1..=60)
        .map(|k| format!("[[steps]]\ntitle = \"s{k}\"\nlet = \"A{k} = W + {k}\"\n"))
        .collect();
    let text = lesson(
        "W = { random = \"uniform\", shape = [10000, 1000] }",
        &steps,
    );
    let loaded = load(SourceFile::new("b.toml", text.as_str()));
    let (line, message) = refused(&loaded);
    assert_eq!(line, line_of(&text, "A6 = "), "{message}");
    assert!(
        message.contains("step 6") && message.contains("more memory"),
        "{message}"
    );
}

#[test]
fn generating_data_sets_counts_as_work() {
    // Each set of 500 digits is 500 × 60,000 = 3e7 units of work: within
    // a budget of 2e8, six are made and the seventh is refused.
    let given: String = (1..=40)
        .map(|k| format!("D{k} = {{ dataset = \"digits\", count = 500, seed = {k} }}\n"))
        .collect();
    let text = lesson(&given, "[[steps]]\ntitle = \"s\"\nshow = [\"D1\"]\n");
    let options = Options {
        limits: Limits {
            work: 200_000_000,
            ..Limits::default()
        },
        ..Options::default()
    };
    let loaded = load_with(
        SourceFile::new("b.toml", text.as_str()),
        &options,
        &Default::default(),
    );
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(!errors.is_empty());
    let (line, _) = errors[0].line_col(&loaded.source).unwrap();
    assert_eq!(line, line_of(&text, "D7 = "), "{}", errors[0].message);
    assert!(errors[0].message.contains("generating this"));
    // More digits than the largest value holds (784 × 12,755 ≤ 10 million).
    let text = lesson(
        "D = { dataset = \"digits\", count = 20000 }",
        "[[steps]]\ntitle = \"s\"\nshow = [\"D\"]\n",
    );
    let (_, message) = refused(&load(SourceFile::new("b.toml", text)));
    assert!(message.contains("limited to 12755"), "{message}");
}

#[test]
fn a_product_too_large_is_refused_before_it_runs() {
    // 3000×3000 @ 3000×3000 is 2.7e10 multiply-adds, streamed from memory
    // (13 s measured): 1.35e10 units, over the 8e9 a lesson may spend.
    let text = lesson(
        "W = { random = \"uniform\", shape = [3000, 3000] }",
        "[[steps]]\ntitle = \"square\"\nlet = \"A = W @ W\"\n[[steps]]\ntitle = \"again\"\nlet = \"B = W @ W\"\n",
    );
    let loaded = load(SourceFile::new("b.toml", text.as_str()));
    let (line, message) = refused(&loaded);
    assert_eq!(line, line_of(&text, "A = W @ W"));
    assert!(message.contains("1.35e10"), "{message}");
    // Refused before multiplying: the work spent is the draw of W only.
    assert!(loaded.spent.work < 1_000_000_000, "{}", loaded.spent.work);
}

#[test]
fn a_training_is_refused_after_measuring_its_first_iteration() {
    // One iteration of sum(W @ W) with W 400×400 and its gradient costs
    // about 3 × 6.4e7 × 0.2 = 4e7 units; 100,000 of them are 4e12.
    let text = lesson(
        "W = { random = \"uniform\", shape = [400, 400] }",
        "[[steps]]\ntitle = \"L\"\nlet = \"L = sum(W @ W)\"\n\
         [[steps]]\ntitle = \"train\"\ntrain = { steps = 100000, update = [\"W = W - 0.001 * grad(L, W)\"] }\n",
    );
    let loaded = load(SourceFile::new("b.toml", text.as_str()));
    let (line, message) = refused(&loaded);
    assert_eq!(line, line_of(&text, "train = {"));
    assert!(
        message.contains("100000 iterations of this training"),
        "{message}"
    );
    assert!(loaded.spent.work < 1_000_000_000, "{}", loaded.spent.work);
}

#[test]
fn numgrad_is_refused_before_it_repeats_the_loss() {
    // The loss reads a 100×3000 product (3e7 multiply-adds); numgrad
    // evaluates it again for each of W's 10,000 elements.
    let text = lesson(
        "W = { random = \"uniform\", shape = [100, 100] }\nX = { random = \"uniform\", shape = [100, 3000] }",
        "[[steps]]\ntitle = \"L\"\nlet = \"L = sum(W @ X)\"\n\
         [[steps]]\ntitle = \"n\"\nlet = \"G = numgrad(L, W)\"\n",
    );
    let loaded = load(SourceFile::new("b.toml", text.as_str()));
    let (line, message) = refused(&loaded);
    assert_eq!(line, line_of(&text, "G = numgrad"));
    assert!(
        message.contains("each of the 10000 elements of `W`"),
        "{message}"
    );
}

#[test]
fn plots_and_curves_keep_a_bounded_number_of_points() {
    let text = lesson(
        "x = { random = \"uniform\", shape = [200000, 1] }",
        "[[steps]]\ntitle = \"p\"\nlet = \"y = 2 * x\"\nplot = { x = \"x\", y = [\"y\"] }\n",
    );
    let (line, message) = refused(&load(SourceFile::new("b.toml", text.as_str())));
    assert_eq!(line, line_of(&text, "plot = "));
    assert!(message.contains("up to 100000 points"), "{message}");
    // 1,000,000 iterations tracked every one: 1,000,001 points a curve.
    let text = lesson(
        "w = 1",
        "[[steps]]\ntitle = \"L\"\nlet = \"L = w * w\"\n\
         [[steps]]\ntitle = \"t\"\ntrain = { steps = 1000000, update = [\"w = w - 0.1 * grad(L, w)\"], track = [\"L\"] }\n",
    );
    let (_, message) = refused(&load(SourceFile::new("b.toml", text)));
    assert!(message.contains("set `every` to 10 or more"), "{message}");
}

#[test]
fn regions_over_many_points_load_in_linear_time() {
    // 100,000 labelled points: reading each label by position from the
    // start made this 5e9 steps.
    let text = lesson(
        "X = { dataset = \"spiral\", points = 50000, classes = 2 }\nW = [[1, 0], [0, 1]]",
        "[[steps]]\ntitle = \"S\"\nlet = \"S = W @ X\"\nregions = { scores = \"S\", x = \"X\", labels = \"X_labels\" }\n",
    );
    let loaded = load(SourceFile::new("b.toml", text));
    assert!(loaded.timeline.is_some(), "{:#?}", loaded.diagnostics);
    let plane = loaded.timeline.unwrap().steps[0].plane.clone().unwrap();
    assert_eq!(plane.points.len(), 100_000);
    // The spiral's arms are labelled in order: the last point is class 1.
    assert_eq!(plane.points[99_999].2, Some(1));
}

#[test]
fn regions_of_a_huge_network_are_refused_at_load() {
    // A 2000×2000 hidden layer: 4e6 multiply-adds a point, 9,216 points a
    // picture (1e10 units), far over the 5e7 a picture may take.
    let text = lesson(
        "X = [[0, 1, 2], [1, 0, 2]]\nA = { random = \"normal\", shape = [2000, 2] }\nB = { random = \"normal\", shape = [2000, 2000] }\nC = { random = \"normal\", shape = [3, 2000] }",
        "[[steps]]\ntitle = \"S\"\nlet = \"S = C @ relu(B @ relu(A @ X))\"\nregions = { scores = \"S\", x = \"X\" }\n",
    );
    let (line, message) = refused(&load(SourceFile::new("b.toml", text.as_str())));
    assert_eq!(line, line_of(&text, "regions = "));
    assert!(message.contains("9216 points"), "{message}");
}

#[test]
fn ten_thousand_steps_share_their_snapshots() {
    // Each step's snapshot of every value was a copy: 10,000 steps of one
    // `let` each kept 50 million map entries (gigabytes, minutes). Shared,
    // each step adds a path of the persistent map.
    let steps: String = (1..=10_000)
        .map(|k| format!("[[steps]]\ntitle = \"s{k}\"\nlet = \"a{k} = x + {k}\"\n"))
        .collect();
    let text = lesson("x = 1", &steps);
    let loaded = load(SourceFile::new("b.toml", text.as_str()));
    assert!(loaded.timeline.is_some(), "{:#?}", &loaded.diagnostics[..1]);
    let timeline = loaded.timeline.unwrap();
    let last = &timeline.steps[9_999].values;
    assert_eq!(last.len(), 10_001);
    assert_eq!(last["a10000"].data[0], 10_001.0);
    // The first step's snapshot is untouched by the later ones.
    assert_eq!(timeline.steps[0].values.len(), 2);
}

#[test]
fn words_of_megabytes_are_refused_at_load() {
    // A step's text is wrapped for every frame drawn: a paragraph of 3.5
    // MB without a space took ten seconds to the first frame.
    let word = "w".repeat(3_500_000);
    let text = lesson(
        "x = 1",
        &format!("[[steps]]\ntitle = \"s\"\ntext = \"{word}\"\n"),
    );
    let (line, message) = refused(&load(SourceFile::new("b.toml", text.as_str())));
    assert_eq!(line, line_of(&text, "text = "));
    assert!(
        message.contains("`text` is 3500000 characters long; the limit is 20000"),
        "{message}"
    );
    // A title is a line; a name, a row's label.
    let text = lesson(
        &format!(
            "x = {{ value = [1, 2], rows = [\"a\", \"{}\"] }}",
            "n".repeat(201)
        ),
        &format!("[[steps]]\ntitle = \"{}\"\n", "t".repeat(201)),
    );
    let loaded = load(SourceFile::new("b.toml", text));
    let messages: Vec<&str> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`title` is 201 characters long; the limit is 200")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("each entry of `rows` is at most 200 characters; this one is 201")),
        "{messages:?}"
    );
}
