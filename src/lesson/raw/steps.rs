//! `[[steps]]`: what each step does, and its checks, training, search and
//! quizzes.

use super::values::{MAX_NAME, MAX_PARAGRAPH};
use super::*;

impl Walker<'_> {
    pub(super) fn checks(&mut self, v: &Val<'_>, what: &str) -> (Vec<RawCheck>, Option<f64>) {
        let Some(t) = self.table(v, what) else {
            return (Vec::new(), None);
        };
        let mut checks = Vec::new();
        let mut tol = None;
        for (k, v) in t {
            if k.get_ref() == "tol" {
                tol = self.number(v, "`tol`").and_then(|n| {
                    if n.v.is_finite() && n.v >= 0.0 {
                        Some(n.v)
                    } else {
                        self.err(
                            format!("`tol` is {}; a tolerance is a number 0 or more", n.v),
                            n.span,
                        );
                        None
                    }
                });
                continue;
            }
            let name = Sp {
                v: k.get_ref().to_string(),
                span: k.span(),
            };
            if let Some(value) = self.literal(v, &format!("`{}` in {what}", name.v)) {
                checks.push(RawCheck { name, value });
            }
        }
        (checks, tol)
    }

    pub(super) fn step(&mut self, item: &Val<'_>) -> Option<RawStep> {
        let t = self.table(item, "each step")?;
        self.known_keys(t, STEP_KEYS, "a step");
        let mut s = RawStep {
            span: item.span(),
            ..RawStep::default()
        };
        for (key, v) in t {
            let k = key.get_ref().as_ref();
            let action = |name: &'static str, s: &mut RawStep| {
                s.actions.push(Sp {
                    v: name,
                    span: key.span(),
                })
            };
            match k {
                "title" => s.title = self.string_of(v, "`title`", MAX_NAME),
                "text" => s.text = self.string_of(v, "`text`", MAX_PARAGRAPH).map(|x| x.v),
                "note" => s.note = self.string_of(v, "`note`", MAX_PARAGRAPH).map(|x| x.v),
                "show" => s.show = self.strings(v, "`show`").map(|x| x.v).unwrap_or_default(),
                "let" => {
                    action("let", &mut s);
                    s.let_ = self.string(v, "`let`");
                }
                "expand" => s.expand = self.bool(v, "`expand`").unwrap_or(false),
                "backward" => {
                    action("backward", &mut s);
                    s.backward = self.string(v, "`backward`");
                }
                "update" => {
                    action("update", &mut s);
                    s.update = self.strings(v, "`update`");
                }
                "train" => {
                    action("train", &mut s);
                    s.train = self.train(v);
                }
                "search" => {
                    action("search", &mut s);
                    s.search = self.search(v);
                }
                "quiz" => {
                    action("quiz", &mut s);
                    s.quiz = self.quiz(v);
                }
                "expect" => (s.expect, s.expect_tol) = self.checks(v, "`expect`"),
                "slide" => (s.slide, s.slide_tol) = self.checks(v, "`slide`"),
                "plot" => s.plot = self.plot(v),
                "regions" => s.regions = self.regions(v),
                "images" => s.images = self.images(v),
                "bars" => s.bars = self.strings(v, "`bars`").map(|x| x.v).unwrap_or_default(),
                "predict" => {
                    s.predict = self
                        .strings(v, "`predict`")
                        .map(|x| x.v)
                        .unwrap_or_default()
                }
                _ => {}
            }
        }
        Some(s)
    }

    pub(super) fn plot(&mut self, v: &Val<'_>) -> Option<RawPlot> {
        let t = self.table(v, "`plot`")?;
        self.known_keys(t, &["x", "y"], "`plot`");
        let x = t.get("x").and_then(|x| self.string(x, "`plot.x`"));
        let y = t.get("y").and_then(|y| self.strings(y, "`plot.y`"));
        match (x, y) {
            (Some(x), Some(y)) if !y.v.is_empty() => Some(RawPlot {
                x,
                y: y.v,
                span: v.span(),
            }),
            _ => {
                self.err(
                    "`plot` needs `x`, the name of a vector, and `y`, a list of vectors to draw against it",
                    v.span(),
                );
                None
            }
        }
    }

    pub(super) fn images(&mut self, v: &Val<'_>) -> Option<RawImages> {
        let t = self.table(v, "`images`")?;
        self.known_keys(t, &["value", "width", "count"], "`images`");
        let value = t
            .get("value")
            .and_then(|x| self.string(x, "`images.value`"));
        let width = t.get("width").and_then(|x| self.int(x, "`images.width`"));
        let count = t.get("count").and_then(|x| self.int(x, "`images.count`"));
        let Some(value) = value else {
            self.err(
                "`images` needs `value`, the name of a matrix whose columns are images (and `width`, pixels per row, 28 if left out)",
                v.span(),
            );
            return None;
        };
        Some(RawImages {
            value,
            width,
            count,
        })
    }

    pub(super) fn regions(&mut self, v: &Val<'_>) -> Option<RawRegions> {
        let t = self.table(v, "`regions`")?;
        self.known_keys(t, &["scores", "x", "labels"], "`regions`");
        let scores = t
            .get("scores")
            .and_then(|x| self.string(x, "`regions.scores`"));
        let x = t.get("x").and_then(|x| self.string(x, "`regions.x`"));
        let labels = t
            .get("labels")
            .and_then(|x| self.string(x, "`regions.labels`"));
        match (scores, x) {
            (Some(scores), Some(x)) => Some(RawRegions { scores, x, labels }),
            _ => {
                self.err(
                    "`regions` needs `scores`, a formula's name giving one row per class, and `x`, the given with the points (two rows: the plane)",
                    v.span(),
                );
                None
            }
        }
    }

    pub(super) fn train(&mut self, v: &Val<'_>) -> Option<RawTrain> {
        let t = self.table(v, "`train`")?;
        self.known_keys(
            t,
            &["steps", "update", "track", "every", "batch"],
            "`train`",
        );
        let steps = match t.get("steps") {
            Some(x) => self.int(x, "`steps`")?,
            None => {
                self.err("`train` needs `steps`, the number of iterations", v.span());
                return None;
            }
        };
        let update = t
            .get("update")
            .and_then(|x| self.strings(x, "`update`"))
            .map(|x| x.v)
            .unwrap_or_default();
        if update.is_empty() {
            self.err(
                "`train` needs `update`, e.g. update = [\"W = W - lr * grad(L, W)\"]",
                v.span(),
            );
        }
        let track = t
            .get("track")
            .and_then(|x| self.strings(x, "`track`"))
            .map(|x| x.v)
            .unwrap_or_default();
        let every = t.get("every").and_then(|x| self.int(x, "`every`"));
        let batch = match t.get("batch") {
            None => None,
            Some(b) => {
                let bt = self.table(b, "`batch`")?;
                self.known_keys(bt, &["size", "data", "seed"], "`batch`");
                let size = bt.get("size").and_then(|x| self.int(x, "`size`"));
                let data = bt.get("data").and_then(|x| self.strings(x, "`data`"));
                let seed = bt
                    .get("seed")
                    .and_then(|x| self.int(x, "`seed`"))
                    .map_or(0, |s| s.v);
                match (size, data) {
                    (Some(size), Some(data)) => Some(RawBatch { size, data, seed }),
                    _ => {
                        self.err(
                            "`batch` needs `size` and `data` (the names whose columns are sampled)",
                            b.span(),
                        );
                        return None;
                    }
                }
            }
        };
        Some(RawTrain {
            span: v.span(),
            steps,
            update,
            track,
            every,
            batch,
        })
    }

    pub(super) fn search(&mut self, v: &Val<'_>) -> Option<RawSearch> {
        let t = self.table(v, "`search`")?;
        self.known_keys(t, &["trials", "param", "loss", "seed"], "`search`");
        let need = |w: &mut Self, k: &str| {
            if t.get(k).is_none() {
                w.err(format!("`search` needs `{k}`"), v.span());
            }
            t.get(k)
        };
        let trials = need(self, "trials").and_then(|x| self.int(x, "`trials`"));
        let param = need(self, "param").and_then(|x| self.string(x, "`param`"));
        let loss = need(self, "loss").and_then(|x| self.string(x, "`loss`"));
        let seed = t
            .get("seed")
            .and_then(|x| self.int(x, "`seed`"))
            .map_or(0, |s| s.v);
        Some(RawSearch {
            span: v.span(),
            trials: trials?,
            param: param?,
            loss: loss?,
            seed,
        })
    }

    pub(super) fn quiz(&mut self, v: &Val<'_>) -> Option<RawQuiz> {
        let t = self.table(v, "`quiz`")?;
        self.known_keys(
            t,
            &["question", "answer", "choices", "correct", "explain"],
            "`quiz`",
        );
        let question = match t.get("question") {
            Some(q) => self.string_of(q, "`question`", MAX_PARAGRAPH)?,
            None => {
                self.err("`quiz` needs a `question`", v.span());
                return None;
            }
        };
        // A numeric answer may be written as a number or as an expression.
        let answer = t.get("answer").and_then(|a| match a.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) => Some(Sp {
                v: self.file.slice(&a.span()).replace('_', ""),
                span: a.span(),
            }),
            _ => self.string(a, "`answer`"),
        });
        let choices = t
            .get("choices")
            .and_then(|c| self.strings_of(c, "`choices`", MAX_PARAGRAPH))
            .map(|c| Sp {
                v: c.v.into_iter().map(|x| x.v).collect(),
                span: c.span,
            });
        let correct = t.get("correct").and_then(|c| self.int(c, "`correct`"));
        let explain = t
            .get("explain")
            .and_then(|e| self.string_of(e, "`explain`", MAX_PARAGRAPH))
            .map(|e| e.v);
        match (&answer, &choices) {
            (None, None) => self.err(
                "`quiz` needs an `answer` (a number or an expression) or `choices` with `correct`",
                v.span(),
            ),
            (Some(a), Some(_)) => self.err(
                "`quiz` has both `answer` and `choices`; keep one",
                a.span.clone(),
            ),
            (None, Some(c)) if correct.is_none() => self.err(
                "`choices` need `correct`, the index of the right choice (0 = first)",
                c.span.clone(),
            ),
            _ => {}
        }
        Some(RawQuiz {
            question,
            answer,
            choices,
            correct,
            explain,
        })
    }
}
