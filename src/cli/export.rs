//! `nntutor export`: the walk-through as JSON (the timeline, full precision),
//! plain text or markdown.

use std::io::{self, Write};

use super::walkthrough::{Block, blocks};
use crate::lesson::document::Audience;
use crate::lesson::format::sanitize;
use crate::lesson::{Lesson, Timeline};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Text,
    Markdown,
}

/// Writes the walk-through in `format` to `out`, for `audience` (a
/// learner's has no author checks).
pub fn write(
    lesson: &Lesson,
    timeline: &Timeline,
    format: Format,
    audience: Audience,
    out: &mut dyn Write,
) -> io::Result<()> {
    let walk = || blocks(lesson, timeline, audience);
    match format {
        Format::Json => super::json::write(lesson, timeline, audience, out),
        // Lesson text may hold control characters; none reaches the reader's
        // terminal (the JSON writer escapes them itself).
        Format::Text => out.write_all(sanitize(&text(&walk())).as_bytes()),
        Format::Markdown => out.write_all(sanitize(&markdown(&walk())).as_bytes()),
    }
}

fn text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => {
                out.push_str(&format!("{t}\n{}\n\n", "=".repeat(t.chars().count())));
            }
            Block::Heading(h) => {
                out.push_str(&format!("\n{h}\n{}\n\n", "-".repeat(h.chars().count())))
            }
            Block::Para(p) => out.push_str(&format!("{}\n\n", wrap(p, 78))),
            Block::Code(lines) => lines
                .iter()
                .for_each(|l| out.push_str(&format!("    {l}\n"))),
            Block::Matrix { label, lines } => {
                if lines.len() == 1 && !label.contains('(') {
                    out.push_str(&format!("\n  {label} = {}\n\n", lines[0].trim()));
                } else {
                    out.push_str(&format!("\n  {label}\n"));
                    lines
                        .iter()
                        .for_each(|l| out.push_str(&format!("    {l}\n")));
                    out.push('\n');
                }
            }
            Block::List(items) => {
                items.iter().for_each(|i| out.push_str(&format!("  {i}\n")));
                out.push('\n');
            }
        }
    }
    collapse_blank_lines(&out)
}

fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Title(t) => out.push_str(&format!("# {}\n\n", escape_md(t))),
            Block::Heading(h) => out.push_str(&format!("## {}\n\n", escape_md(h))),
            Block::Para(p) => out.push_str(&format!("{}\n\n", escape_md(p))),
            Block::Code(lines) => out.push_str(&format!("```\n{}\n```\n\n", lines.join("\n"))),
            Block::Matrix { label, lines } => {
                out.push_str(&format!(
                    "**{}**\n\n```\n{}\n```\n\n",
                    escape_md(label),
                    lines.join("\n")
                ));
            }
            Block::List(items) => {
                for i in items {
                    // Arithmetic stays literal: `*` and `_` would turn into emphasis.
                    let item = if i.starts_with(['✓', '✗', '⚠']) {
                        escape_md(i)
                    } else {
                        format!("`{}`", i.replace('`', "'"))
                    };
                    out.push_str(&format!("- {item}\n"));
                }
                out.push('\n');
            }
        }
    }
    collapse_blank_lines(&out)
}

fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '*' | '_' | '`' | '#' | '<' | '>' | '[' | ']' | '|' | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn collapse_blank_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_start_matches('\n').trim_end().to_string() + "\n"
}

/// A paragraph filled greedily to `width` columns; a word longer than a
/// line stays whole (a URL, a long formula).
fn wrap(p: &str, width: usize) -> String {
    let options = textwrap::Options::new(width)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
        // Words are what spaces separate: no breaks after `/` or inside
        // `my-lesson`.
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    let words = p.split_whitespace().collect::<Vec<_>>().join(" ");
    textwrap::fill(&words, &options)
}
