//! Reading data next to a lesson: an IDX file written here is read back
//! exactly; broken ones give an error at the `file = ...` in the lesson.

#![allow(clippy::unwrap_used)]

use nntutor::lesson::idx::write_u8;
use nntutor::lesson::{SourceFile, load};

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nntutor-data-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    dir
}

const LESSON: &str = r#"id = "idx"
title = "Reading IDX"
[given]
X = { file = "data/images.idx", format = "idx" }
y = { file = "data/labels.idx" }
[[steps]]
title = "Pixel sums"
let = "s = colsum(X)"
"#;

fn lesson_in(dir: &std::path::Path) -> nntutor::lesson::Loaded {
    let path = dir.join("l.toml");
    std::fs::write(&path, LESSON).unwrap();
    load(SourceFile::new(path.to_str().unwrap(), LESSON))
}

#[test]
fn an_idx_file_written_here_is_read_back_exactly() {
    let dir = folder("ok");
    // Three 2×2 images (0..4, 10..14, 250..254) and their labels.
    let pixels: Vec<u8> = (0..4).chain(10..14).chain(250..254).collect();
    std::fs::write(dir.join("data/images.idx"), write_u8(&[3, 2, 2], &pixels)).unwrap();
    std::fs::write(dir.join("data/labels.idx"), write_u8(&[3], &[5, 0, 9])).unwrap();
    let loaded = lesson_in(&dir);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let t = loaded.timeline.unwrap();
    let x = &t.initial["X"];
    assert_eq!(x.data.shape(), (4, 3));
    let column = |j: usize| (0..4).map(|i| x.data[(i, j)]).collect::<Vec<_>>();
    assert_eq!(column(0), [0.0, 1.0, 2.0, 3.0]);
    assert_eq!(column(2), [250.0, 251.0, 252.0, 253.0]);
    let y = &t.initial["y"];
    assert!(y.labels);
    assert_eq!(y.data.iter().copied().collect::<Vec<_>>(), [5.0, 0.0, 9.0]);
    // Column sums by hand: 0+1+2+3 = 6, 10+11+12+13 = 46, 250+…+253 = 1006.
    let s = &t.steps[0].values["s"].data;
    assert_eq!(s.iter().copied().collect::<Vec<_>>(), [6.0, 46.0, 1006.0]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn truncated_and_mismatched_files_are_refused_at_their_line() {
    let dir = folder("bad");
    let whole = write_u8(&[3, 2, 2], &[7; 12]);
    std::fs::write(dir.join("data/images.idx"), &whole[..whole.len() - 5]).unwrap();
    let mut labels = write_u8(&[3], &[1, 2, 3]);
    labels.push(4);
    std::fs::write(dir.join("data/labels.idx"), &labels).unwrap();
    let loaded = lesson_in(&dir);
    assert!(loaded.timeline.is_none());
    let messages: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.headline(&loaded.source))
        .collect();
    // Line 4 column 14 is the opening quote of "data/images.idx" (after
    // `X = { file = `, 13 characters); line 5 the labels', likewise..
    assert!(
        messages[0].contains("4:14")
            && messages[0].contains("`data/images.idx`: the file is cut short: its header says 3×2×2 unsigned bytes (28 bytes with the header), but it has 23 bytes"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("5:14") && messages[1].contains("longer than its header says"),
        "{messages:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
