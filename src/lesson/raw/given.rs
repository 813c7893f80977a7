//! `[given]` as written: a literal (bare, or with names and a kind), a
//! random value, a generated data set or a file. Which one a table is
//! follows from the key it has (`value`, `random`, `dataset`, `file`).

use schemars::JsonSchema;
use serde::Deserialize;

use super::values::{Names, Numbers, Sp};

/// A named input; no spec where it could not be read.
#[derive(Debug, Clone)]
pub struct RawGiven {
    pub name: Sp<String>,
    pub spec: Option<GivenSpec>,
}

// Read as the one kind `GivenKind::of` its keys name; described to the
// schema as any one of them.
/// A named input: numbers as they are, or a table with `value`, `random`,
/// `dataset` or `file`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "given")]
pub enum GivenSpec {
    Bare(Sp<Numbers>),
    Literal(GivenLiteral),
    Random(GivenRandom),
    Dataset(GivenDataset),
    File(GivenFile),
}

/// `W = { value = [[…]], rows = […], cols = […] }`, or class labels.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { value = [[1, 2]], rows = [\"a\"] }"
)]
pub struct GivenLiteral {
    pub value: Sp<Numbers>,
    /// A name for each row.
    pub rows: Option<Names>,
    /// A name for each column.
    pub cols: Option<Names>,
    /// "labels": integer class indices, for pick and 1[j = y].
    #[schemars(extend("enum" = ["labels"]))]
    pub kind: Option<Sp<String>>,
}

/// `W = { random = "normal", shape = [3, 4], scale = 0.01, seed = 1 }`,
/// drawn the same way on every machine.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { random = \"normal\", shape = [3, 4] }"
)]
pub struct GivenRandom {
    /// The distribution.
    #[schemars(extend("enum" = ["normal", "uniform"]))]
    pub random: Sp<String>,
    /// Rows and columns, such as [3, 4].
    #[schemars(length(min = 2, max = 2), inner(range(min = 1)))]
    pub shape: Sp<Vec<i64>>,
    /// Each number drawn is multiplied by it.
    #[serde(default = "one")]
    pub scale: f64,
    #[serde(default)]
    pub seed: i64,
}

fn one() -> f64 {
    1.0
}

/// `X = { dataset = "spiral", points = 100, classes = 3 }`: points (or
/// images) with their labels, generated the same way on every machine.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { dataset = \"spiral\", points = 100 }"
)]
pub struct GivenDataset {
    #[schemars(extend("enum" = ["spiral", "digits", "quadrants", "rings", "modes"]))]
    pub dataset: Sp<String>,
    /// Points per class (spiral, quadrants, rings, modes).
    #[schemars(range(min = 1))]
    pub points: Option<Sp<i64>>,
    /// Classes (spiral).
    #[schemars(range(min = 1))]
    pub classes: Option<Sp<i64>>,
    /// Images (digits).
    #[schemars(range(min = 1))]
    pub count: Option<Sp<i64>>,
    #[serde(default)]
    pub seed: i64,
}

/// `X = { file = "images.idx", format = "idx" }`: read from a file beside
/// the lesson.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a table such as { file = \"x.idx\" }"
)]
pub struct GivenFile {
    /// A path in the lesson's folder.
    #[schemars(length(max = 200))]
    pub file: Sp<String>,
    #[schemars(extend("enum" = ["idx"]))]
    pub format: Option<Sp<String>>,
}

/// Which kind of given a table is, by the key that names it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GivenKind {
    Literal,
    Random,
    Dataset,
    File,
}

impl GivenKind {
    pub const KEYS: [(&'static str, GivenKind); 4] = [
        ("value", GivenKind::Literal),
        ("random", GivenKind::Random),
        ("dataset", GivenKind::Dataset),
        ("file", GivenKind::File),
    ];

    /// The kind whose key a table has (the first, if it has several).
    pub fn of<'a>(mut keys: impl Iterator<Item = &'a str>) -> Option<GivenKind> {
        let keys: Vec<&str> = keys.by_ref().collect();
        Self::KEYS
            .iter()
            .find(|(k, _)| keys.contains(k))
            .map(|&(_, kind)| kind)
    }

    /// Its definition's name in the schema.
    pub fn schema_name(self) -> &'static str {
        match self {
            GivenKind::Literal => "GivenLiteral",
            GivenKind::Random => "GivenRandom",
            GivenKind::Dataset => "GivenDataset",
            GivenKind::File => "GivenFile",
        }
    }
}
