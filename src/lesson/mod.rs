//! Lesson files: TOML → raw tree → checked [`Lesson`] → evaluated
//! [`Timeline`], with every problem reported as a [`Diagnostic`] that
//! points at file, line and column.

pub mod build;
pub mod builtin;
pub mod catalog;
pub mod diagnostic;
pub mod document;
pub mod edit;
pub mod env;
pub mod eval;
pub mod files;
pub mod format;
pub mod gradcheck;
pub mod hand;
pub mod idx;
pub mod kinds;
pub mod model;
pub mod number;
pub mod raw;
pub mod scratch;
pub mod source;
pub mod suggest;
pub mod timeline;
pub mod value;

pub use diagnostic::{Diagnostic, Severity};
pub use model::{Action, Lesson, Step};
pub use source::SourceFile;
pub use timeline::{Detail, StepState, Timeline};
pub use value::Value;

/// Lesson files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Arrays and tables nested deeper than this are refused before parsing.
pub const MAX_TOML_NESTING: usize = 64;

/// A lesson read and evaluated, with everything that was found on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: SourceFile,
    /// Present when the lesson is valid enough to evaluate.
    pub lesson: Option<Lesson>,
    pub timeline: Option<Timeline>,
    /// Sorted by place in the file.
    pub diagnostics: Vec<Diagnostic>,
    /// The loader itself failed (a panic: a bug in nntutor, not in the
    /// lesson), with the panic's message. The learner is told "internal
    /// error, please report"; tests and the fuzzer fail on it.
    pub internal: Option<String>,
    /// What loading cost, against [`Limits`]: work done and bytes kept.
    pub spent: Spent,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spent {
    pub work: u64,
    pub memory: u64,
}

impl Loaded {
    pub fn worst(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// What loading one lesson may cost: `work` in the engine's units (about
/// a nanosecond of arithmetic each, see [`crate::engine::budget`]) and
/// `memory`, the bytes of values the lesson keeps to show (every step's
/// results and intermediate values) plus those a formula is computing.
/// The defaults keep any lesson that `check` accepts within about ten
/// seconds and a gigabyte on a small machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub work: u64,
    pub memory: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            work: 8_000_000_000,
            memory: 512_000_000,
        }
    }
}

impl Limits {
    /// The fuzzer's: a case may cost a few milliseconds, so that thousands
    /// run a second and the cases it finds slow are slow for another reason.
    pub fn fuzzing() -> Limits {
        Limits {
            work: 1_000_000,
            memory: 16_000_000,
        }
    }

    pub fn budget(&self) -> crate::engine::Budget {
        crate::engine::Budget::new(self.work, self.memory)
    }
}

/// How a lesson is loaded.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: Limits,
    /// Makes the loader panic midway, as a bug would: for the tests that
    /// prove such a panic is seen. Nothing in nntutor sets it.
    #[doc(hidden)]
    pub inject_panic: bool,
}

/// Reads, checks and evaluates one lesson.
pub fn load(source: SourceFile) -> Loaded {
    load_with(source, &Options::default(), &eval::Cancel::default())
}

/// `load`, giving up (with an error) once `cancel` is raised: the tutor
/// stops evaluating a lesson the learner no longer waits for.
pub fn load_until(source: SourceFile, cancel: &eval::Cancel) -> Loaded {
    load_with(source, &Options::default(), cancel)
}

/// `load`, telling `stages` of the checked lesson and of each step as it
/// is evaluated (the tutor opens the lesson before its trainings finish).
pub fn load_staged(source: SourceFile, cancel: &eval::Cancel, stages: &dyn eval::Stages) -> Loaded {
    run_loader(source, &Options::default(), cancel, Some(stages))
}

/// `load` with options.
///
/// Runs on a thread of its own with a roomy stack, so that the nesting
/// limits (not the caller's stack size) decide how deep a hostile lesson
/// may go. A panic on that thread is a bug: it comes back as
/// [`Loaded::internal`] and an error asking to report it.
pub fn load_with(source: SourceFile, options: &Options, cancel: &eval::Cancel) -> Loaded {
    run_loader(source, options, cancel, None)
}

fn run_loader(
    source: SourceFile,
    options: &Options,
    cancel: &eval::Cancel,
    stages: Option<&dyn eval::Stages>,
) -> Loaded {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name(LOAD_THREAD.into())
            .stack_size(256 * 1024 * 1024);
        let here = || load_here(source.clone(), options, cancel, stages);
        match worker.spawn_scoped(scope, here) {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|payload| internal_error(source.clone(), panic_message(&*payload))),
            Err(_) => load_here(source.clone(), options, cancel, stages),
        }
    })
}

/// The name of the thread a lesson is loaded on.
pub const LOAD_THREAD: &str = "nntutor-load";

/// What a panic said, from its payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

fn internal_error(source: SourceFile, message: String) -> Loaded {
    let d = Diagnostic {
        severity: Severity::Error,
        message: format!(
            "internal error while loading this lesson ({message}); this is a bug in nntutor, not in the lesson: please report it with the file"
        ),
        span: None,
        label: None,
        help: None,
    };
    Loaded {
        source,
        lesson: None,
        timeline: None,
        diagnostics: vec![d],
        internal: Some(message),
        spent: Spent::default(),
    }
}

fn load_here(
    source: SourceFile,
    options: &Options,
    cancel: &eval::Cancel,
    stages: Option<&dyn eval::Stages>,
) -> Loaded {
    let mut loaded = Loaded {
        source,
        lesson: None,
        timeline: None,
        diagnostics: Vec::new(),
        internal: None,
        spent: Spent::default(),
    };
    if options.inject_panic {
        panic!("a panic injected by the tests (Options::inject_panic)");
    }
    if let Some(d) = too_big(&loaded.source.text) {
        loaded.diagnostics.push(d);
        return loaded;
    }
    let (raw, mut diags) = raw::read(&loaded.source);
    let had_raw_errors = diags.iter().any(|d| d.severity == Severity::Error);
    let budget = std::sync::Arc::new(options.limits.budget());
    // The lesson's formulas stay parsed (in the lesson, its formulas and
    // their graphs' records): about 40 bytes for each character of text.
    let parsed = 40 * loaded.source.text.len() as u64;
    if let Err(e) = budget.keep(parsed) {
        diags.push(Diagnostic::error(format!("this file: {e}"), 0..0));
    }
    let (lesson, build_diags) = build::build(raw, &loaded.source, &budget);
    diags.extend(build_diags);
    if let (Some(lesson), false) = (lesson, had_raw_errors) {
        // A lesson with errors already is not opened early: it will not open.
        let clean = !diags.iter().any(|d| d.severity == Severity::Error);
        let stages = stages.filter(|_| clean);
        let (timeline, eval_diags) = eval::evaluate_staged(&lesson, cancel, budget.clone(), stages);
        diags.extend(eval_diags);
        loaded.timeline = Some(timeline);
        loaded.lesson = Some(lesson);
    }
    loaded.spent = Spent {
        work: budget.spent(),
        memory: budget.kept(),
    };
    diags.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    diags.dedup();
    if diags.iter().any(|d| d.severity == Severity::Error) {
        loaded.timeline = None;
    }
    loaded.diagnostics = diags;
    loaded
}

/// Refuses inputs that would exhaust the machine before the parser sees them.
fn too_big(text: &str) -> Option<Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Some(Diagnostic::error(
            format!(
                "the file is {} bytes; lesson files are limited to {} MiB",
                text.len(),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            0..0,
        ));
    }
    // Brackets and braces outside strings and comments: a cheap scan that
    // keeps a hostile file from recursing the TOML parser off the stack.
    let (mut depth, mut deepest_at) = (0usize, None);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_TOML_NESTING && deepest_at.is_none() {
                        deepest_at = Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    deepest_at.map(|at| {
        Diagnostic::error(
            format!("arrays or tables are nested more than {MAX_TOML_NESTING} levels deep"),
            at..at + 1,
        )
    })
}
