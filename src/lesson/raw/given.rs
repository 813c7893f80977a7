//! The `[given]` table: literals with names and labels, and generators.

use super::*;

impl Walker<'_> {
    pub(super) fn given(
        &mut self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        v: &Val<'_>,
    ) -> Option<RawGiven> {
        let name = Sp {
            v: key.get_ref().to_string(),
            span: key.span(),
        };
        let spec = match v.get_ref() {
            DeValue::Table(t) => self.given_table(t, v.span(), &name.v)?,
            _ => RawGivenSpec::Literal {
                value: self.literal(v, &format!("`{}`", name.v))?,
                rows: None,
                cols: None,
                labels: false,
            },
        };
        Some(RawGiven { name, spec })
    }

    pub(super) fn given_table(
        &mut self,
        t: &Table<'_>,
        span: Span,
        name: &str,
    ) -> Option<RawGivenSpec> {
        let what = format!("given `{name}`");
        let get = |k: &str| t.get(k);
        if let Some(v) = get("value") {
            self.known_keys(t, &["value", "rows", "cols", "kind"], &what);
            let labels = match get("kind") {
                None => false,
                Some(k) => match self.string(k, "`kind`") {
                    Some(s) if s.v == "labels" => true,
                    Some(s) => {
                        self.err(
                            format!("unknown kind `{}`; the only kind is \"labels\"", s.v),
                            s.span,
                        );
                        false
                    }
                    None => false,
                },
            };
            let names = |w: &mut Self, k: &str| {
                get(k)
                    .and_then(|v| w.strings_of(v, &format!("`{k}`"), super::values::MAX_NAME))
                    .map(|s| Sp {
                        v: s.v.into_iter().map(|x| x.v).collect(),
                        span: s.span,
                    })
            };
            let rows = names(self, "rows");
            let cols = names(self, "cols");
            return Some(RawGivenSpec::Literal {
                value: self.literal(v, &format!("`{name}`"))?,
                rows,
                cols,
                labels,
            });
        }
        if let Some(v) = get("random") {
            self.known_keys(t, &["random", "shape", "scale", "seed"], &what);
            let dist = self.string(v, "`random`")?;
            let shape = match get("shape") {
                Some(s) => match s.get_ref() {
                    DeValue::Array(items) => {
                        let dims: Vec<i64> = items
                            .iter()
                            .filter_map(|d| self.int(d, "each dimension of `shape`").map(|x| x.v))
                            .collect();
                        Sp {
                            v: dims,
                            span: s.span(),
                        }
                    }
                    _ => {
                        self.err("`shape` must be a list such as [3, 4]", s.span());
                        return None;
                    }
                },
                None => {
                    self.err(
                        format!("{what} needs a `shape`, such as shape = [3, 4]"),
                        span,
                    );
                    return None;
                }
            };
            let scale = match get("scale") {
                Some(s) => self.number(s, "`scale`")?.v,
                None => 1.0,
            };
            let seed = match get("seed") {
                Some(s) => self.int(s, "`seed`")?.v,
                None => 0,
            };
            return Some(RawGivenSpec::Random {
                dist,
                shape,
                scale,
                seed,
            });
        }
        if let Some(v) = get("dataset") {
            self.known_keys(t, &["dataset", "points", "classes", "count", "seed"], &what);
            let name = self.string(v, "`dataset`")?;
            let opt = |w: &mut Self, k: &str| get(k).and_then(|v| w.int(v, &format!("`{k}`")));
            let (points, classes, count) = (
                opt(self, "points"),
                opt(self, "classes"),
                opt(self, "count"),
            );
            let seed = opt(self, "seed").map_or(0, |s| s.v);
            return Some(RawGivenSpec::Dataset {
                name,
                points,
                classes,
                count,
                seed,
            });
        }
        if let Some(v) = get("file") {
            self.known_keys(t, &["file", "format"], &what);
            let format = get("format").and_then(|f| self.string(f, "`format`"));
            return Some(RawGivenSpec::File {
                path: self.string(v, "`file`")?,
                format,
            });
        }
        self.err(
            format!("{what} needs one of `value`, `random`, `dataset` or `file`"),
            span,
        );
        None
    }

    /// A number, a flat list (a column) or a list of rows.
    pub(super) fn literal(&mut self, v: &Val<'_>, what: &str) -> Option<Sp<Literal>> {
        let (rows, flat, scalar) = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => {
                (vec![vec![self.number(v, what)?]], true, true)
            }
            DeValue::Array(items) if items.is_empty() => {
                self.err(format!("{what} is empty"), v.span());
                return None;
            }
            DeValue::Array(items)
                if items
                    .iter()
                    .all(|i| matches!(i.get_ref(), DeValue::Array(_))) =>
            {
                let mut rows = Vec::new();
                for row in items.iter() {
                    let DeValue::Array(cells) = row.get_ref() else {
                        continue;
                    };
                    if cells
                        .iter()
                        .any(|c| matches!(c.get_ref(), DeValue::Array(_)))
                    {
                        self.err(
                            format!(
                                "{what} is nested too deeply: a matrix is a list of rows of numbers"
                            ),
                            row.span(),
                        );
                        return None;
                    }
                    let nums: Vec<Sp<f64>> = cells
                        .iter()
                        .filter_map(|c| self.number(c, &format!("each element of {what}")))
                        .collect();
                    if nums.len() != cells.len() {
                        return None;
                    }
                    rows.push((nums, row.span()));
                }
                let width = rows[0].0.len();
                if width == 0 {
                    self.err(format!("{what} has an empty row"), rows[0].1.clone());
                    return None;
                }
                for (k, (r, span)) in rows.iter().enumerate() {
                    if r.len() != width {
                        self.err(
                            format!("row {k} of {what} has {} numbers, but row 0 has {width}; every row needs the same length", r.len()),
                            span.clone(),
                        );
                        return None;
                    }
                }
                (rows.into_iter().map(|(r, _)| r).collect(), false, false)
            }
            DeValue::Array(items) => {
                let nums: Vec<Sp<f64>> = items
                    .iter()
                    .filter_map(|c| self.number(c, &format!("each element of {what}")))
                    .collect();
                if nums.len() != items.len() {
                    return None;
                }
                (nums.into_iter().map(|n| vec![n]).collect(), true, false)
            }
            other => {
                self.err(
                    format!(
                        "{what} must be a number or a list of numbers, not {}",
                        other.type_str()
                    ),
                    v.span(),
                );
                return None;
            }
        };
        let tolerances = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|n| written_tolerance(self.file.slice(&n.span)))
                    .collect()
            })
            .collect();
        Some(Sp {
            v: Literal {
                rows,
                tolerances,
                flat,
                scalar,
            },
            span: v.span(),
        })
    }
}
