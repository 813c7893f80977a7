//! The step kinds, each in a file of its own: the keys it adds to a step,
//! how they are checked, how it is evaluated, and the block it puts in the
//! step's document (the [`Kind`] trait). This file is their registry: a new
//! kind is a file and one line in [`kinds!`]'s list at the bottom.

use std::fmt::Debug;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::build::Builder;
use super::document::Block;
use super::eval::Evaluator;
use super::eval::cost::Distinct;
use super::model::{Lesson, Step};
use super::raw::RawStep;
use super::timeline::{BackwardState, Computation, Timeline};

/// What each kind's file needs.
mod prelude {
    pub(crate) use super::{At, Kind};
    pub(crate) use crate::engine::expr::{Expr, ExprKind};
    pub(crate) use crate::engine::rng::Rng;
    pub(crate) use crate::engine::tensor::{is_scalar, shape_str};
    pub(crate) use crate::engine::{Graph, NodeId, Tensor};
    pub(crate) use crate::lesson::build::{Builder, is_name};
    pub(crate) use crate::lesson::diagnostic::{Diagnostic, Severity};
    pub(crate) use crate::lesson::document::Block;
    pub(crate) use crate::lesson::env::Derived;
    pub(crate) use crate::lesson::eval::{Evaluator, named_value};
    pub(crate) use crate::lesson::model::*;
    pub(crate) use crate::lesson::number;
    pub(crate) use crate::lesson::raw::{Answer, Formulas, Names, Paragraphs, RawStep, Sp};
    pub(crate) use crate::lesson::timeline::*;
    pub(crate) use crate::lesson::value::Value;
    pub(crate) use schemars::JsonSchema;
    pub(crate) use serde::Deserialize;
    pub(crate) use std::sync::Arc;
}

/// Where a step's block is made: the lesson, its timeline, the step.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub lesson: &'a Lesson,
    pub timeline: &'a Timeline,
    /// 0-based.
    pub k: usize,
}

impl<'a> At<'a> {
    pub fn step(&self) -> &'a Step {
        &self.lesson.steps[self.k]
    }
}

/// A step kind: the checked action (`Self`), read from its own keys of a
/// step (`Keys`), evaluated into `Done`, shown as a block.
pub trait Kind: Sized {
    /// The keys this kind adds to a step, as written: serde reads them and
    /// the schema lists them among the step's keys.
    type Keys: Debug + Clone + Default + DeserializeOwned + JsonSchema;
    /// What evaluating the step gives.
    type Done: Debug + Clone;
    /// The key that makes a step this kind (`let`, `train`, …).
    const NAME: &'static str;
    /// Every key of `Keys` as a step writes it (checked against the schema
    /// by a test).
    const KEYS: &'static [&'static str];
    /// Whether a training or search: run again live, drawn as a run.
    const RUNS: bool = false;
    /// Whether its formulas may run `in_order` (`update`, `train`).
    const ORDERED: bool = false;

    /// `None` when the step is not of this kind (and its other keys alone
    /// are fine); `Some(None)` when it is, but was refused (reported).
    fn build(b: &mut Builder, keys: &Self::Keys, s: &RawStep, label: &str) -> Option<Option<Self>>;

    /// The result, and the names the step defined or changed; `None` when
    /// it failed (reported).
    fn evaluate(
        &self,
        ev: &mut Evaluator<'_>,
        step: &Step,
        notices: &mut Vec<String>,
    ) -> (Option<Self::Done>, Vec<String>);

    /// The block the step shows.
    fn block<'a>(&'a self, done: &'a Self::Done, at: At<'a>) -> Block<'a>;

    /// Whether the step has a formula that `reads` can say in the
    /// lecture's notation.
    fn has_formula(&self) -> bool {
        false
    }

    /// What a run set (shown after it). What it tracked is not: its first
    /// and last values are on the run's own lines.
    fn sets(&self) -> Vec<&str> {
        Vec::new()
    }

    /// The iterations of a training, the trials of a search.
    fn rounds(_: &Self::Done) -> usize {
        0
    }

    /// The names the step's formulas read.
    fn reads(_: &Self::Done) -> Vec<String> {
        Vec::new()
    }

    /// The memory `done` keeps beyond the values: graphs go in `d`, so
    /// that one shared by two states counts once; other bytes returned.
    fn retained(_: &Self::Done, _: &mut Distinct) -> u64 {
        0
    }
}

/// `in_order = true`, which goes with `update` and `train`.
fn in_order(s: &RawStep) -> bool {
    s.in_order.as_ref().is_some_and(|o| o.v)
}

/// Refuses `in_order` on a step whose kind has no formulas to order.
fn check_in_order(b: &mut Builder, s: &RawStep, ordered: bool, label: &str) -> bool {
    match &s.in_order {
        Some(o) if !ordered => {
            b.err(
                format!(
                    "{label}: `in_order` goes with `update` or `train`: it orders their formulas"
                ),
                o.span.clone(),
            );
            false
        }
        _ => true,
    }
}

/// Generates, from the list of kinds, the enums and dispatches that know
/// them all: the checked [`Action`], the evaluated [`Detail`], the keys
/// of every kind ([`RawKinds`], for serde and the schema).
macro_rules! kinds {
    ($($variant:ident: $module:ident::$ty:ident -> $done:ty,)*) => {
        $(pub mod $module;)*
        $(pub use $module::$ty;)*

        /// A step's kind, checked: what the step does.
        #[derive(Debug, Clone)]
        pub enum Action {
            /// Values and text only.
            Show,
            $($variant($ty),)*
        }

        /// What evaluating a step's kind gave (`None`: a step that shows,
        /// or one whose evaluation failed).
        #[derive(Debug, Clone)]
        pub enum Detail {
            None,
            $($variant($done),)*
        }

        /// The keys of every kind, as written in a step. Each kind's keys
        /// are read on their own (`raw::Reader::steps`).
        #[derive(Debug, Clone, Default, JsonSchema)]
        pub struct RawKinds {
            $(#[serde(flatten)] pub $module: <$ty as Kind>::Keys,)*
        }

        /// The keys of a step that each make it a kind of its own.
        pub const ACTIONS: &[&str] = &[$(<$ty as Kind>::NAME,)*];

        /// Each kind's keys, in the order of [`RawKinds`]'s fields.
        pub const KIND_KEYS: &[&[&str]] = &[$(<$ty as Kind>::KEYS,)*];

        impl RawKinds {
            /// Reads each kind's keys from its own table (`tables` in the
            /// order of [`KIND_KEYS`]); `None` if any is faulty (reported).
            pub fn read(
                tables: Vec<toml::de::DeTable<'_>>,
                span: &super::raw::Span,
                diags: &mut Vec<super::diagnostic::Diagnostic>,
            ) -> Option<RawKinds> {
                let mut tables = tables.into_iter();
                let mut ok = true;
                let kinds = RawKinds {$(
                    $module: match tables.next().filter(|t| !t.is_empty()) {
                        None => Default::default(),
                        Some(t) => super::raw::unit_table(t, span, diags).unwrap_or_else(|| {
                            ok = false;
                            Default::default()
                        }),
                    },
                )*};
                ok.then_some(kinds)
            }
        }

        impl Action {
            /// The key that names the kind (`show` for none).
            pub fn kind(&self) -> &'static str {
                match self {
                    Action::Show => "show",
                    $(Action::$variant(_) => <$ty as Kind>::NAME,)*
                }
            }

            /// A training or a search: run again live, drawn as a run.
            pub fn runs(&self) -> bool {
                match self {
                    Action::Show => false,
                    $(Action::$variant(_) => <$ty as Kind>::RUNS,)*
                }
            }

            /// Whether `reads` has a formula to say.
            pub fn has_formula(&self) -> bool {
                match self {
                    Action::Show => false,
                    $(Action::$variant(a) => a.has_formula(),)*
                }
            }

            /// What a training or search set: shown after it runs.
            pub fn sets(&self) -> Vec<&str> {
                match self {
                    Action::Show => Vec::new(),
                    $(Action::$variant(a) => a.sets(),)*
                }
            }
        }

        impl Detail {
            /// The iterations of a training, the trials of a search; else 0.
            pub fn rounds(&self) -> usize {
                match self {
                    Detail::None => 0,
                    $(Detail::$variant(d) => <$ty as Kind>::rounds(d),)*
                }
            }

            /// The names the step's formulas read.
            pub fn reads(&self) -> Vec<String> {
                match self {
                    Detail::None => Vec::new(),
                    $(Detail::$variant(d) => <$ty as Kind>::reads(d),)*
                }
            }

            /// The memory it keeps beyond the values (see [`Kind::retained`]).
            pub(crate) fn retained(&self, d: &mut Distinct) -> u64 {
                match self {
                    Detail::None => 0,
                    $(Detail::$variant(x) => <$ty as Kind>::retained(x, d),)*
                }
            }
        }

        /// The kind of a step, from the one action key it has (a step
        /// without one shows values and text); `None` if refused.
        pub(crate) fn build(b: &mut Builder, s: &RawStep, label: &str) -> Option<Action> {
            let mut found = None;
            $(
                if let Some(a) = <$ty as Kind>::build(b, &s.kinds.$module, s, label) {
                    found.get_or_insert((a.map(Action::$variant), <$ty as Kind>::ORDERED));
                }
            )*
            let (action, ordered) = found.unwrap_or((Some(Action::Show), false));
            if !check_in_order(b, s, ordered, label) {
                return None;
            }
            action
        }

        impl Evaluator<'_> {
            /// Evaluates a step's kind: what it shows and the names it
            /// defined or changed.
            pub(crate) fn act(
                &mut self,
                step: &Step,
                notices: &mut Vec<String>,
            ) -> (Detail, Vec<String>) {
                match &step.action {
                    Action::Show => (Detail::None, Vec::new()),
                    $(Action::$variant(a) => {
                        let (done, changed) = a.evaluate(self, step, notices);
                        (done.map_or(Detail::None, Detail::$variant), changed)
                    })*
                }
            }
        }

        /// The block a step's kind puts in its document.
        pub(crate) fn block<'a>(at: At<'a>) -> Option<Block<'a>> {
            match (&at.step().action, &at.timeline.steps[at.k].detail) {
                $((Action::$variant(a), Detail::$variant(d)) => Some(a.block(d, at)),)*
                _ => None,
            }
        }
    };
}

kinds! {
    Let: let_::Let -> Computation,
    Backward: backward::Backward -> BackwardState,
    Update: update::Update -> Vec<Computation>,
    Train: train::Train -> train::TrainState,
    Search: search::Search -> search::SearchState,
    Quiz: quiz::Quiz -> quiz::QuizState,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind's `KEYS` are the keys its `Keys` type has in the schema,
    /// so that a step's table is split as serde reads it.
    #[test]
    fn each_kinds_keys_are_its_schema_properties() {
        let root = schemars::SchemaGenerator::default().into_root_schema_for::<RawKinds>();
        let json = root.to_value();
        let all: Vec<&str> = json["properties"]
            .as_object()
            .expect("RawKinds is an object")
            .keys()
            .map(String::as_str)
            .collect();
        let listed: Vec<&str> = KIND_KEYS.iter().flat_map(|k| k.iter().copied()).collect();
        let (mut a, mut l) = (all.clone(), listed.clone());
        a.sort();
        l.sort();
        assert_eq!(a, l);
        assert_eq!(ACTIONS.len(), KIND_KEYS.len());
        for (name, keys) in ACTIONS.iter().zip(KIND_KEYS) {
            assert!(keys.contains(name), "{name} is one of its own keys");
        }
    }
}
