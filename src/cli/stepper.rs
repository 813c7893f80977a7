//! `nntutor lesson` in a plain terminal: one step at a time, Enter for the
//! next, `b` for the previous, `q` to quit. The full-screen tutor will
//! replace this; it reads the same timeline.

use std::io::{BufRead, IsTerminal, Write};

use super::export::{Format, render};
use crate::lesson::{Lesson, Timeline};

pub fn run(lesson: &Lesson, timeline: &Timeline, first_step: usize) -> i32 {
    let text = render(lesson, timeline, Format::Text);
    let sections = split_steps(&text);
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let mut out = std::io::stdout().lock();
    if !interactive {
        let _ = out.write_all(text.as_bytes());
        return super::OK;
    }
    let n = sections.len() - 1;
    let mut k = first_step.clamp(1, n.max(1));
    let _ = writeln!(out, "{}", sections[0]);
    let stdin = std::io::stdin();
    loop {
        let _ = writeln!(out, "{}", sections[k]);
        let _ = write!(
            out,
            "[step {k} of {n}]  Enter: next  b: back  NUMBER: jump  q: quit > "
        );
        let _ = out.flush();
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
            return super::OK;
        }
        match line.trim() {
            "q" | "quit" => return super::OK,
            "b" | "back" => k = k.saturating_sub(1).max(1),
            "" | "n" => {
                if k == n {
                    let _ = writeln!(out, "That was the last step.");
                    return super::OK;
                }
                k += 1;
            }
            other => match other.parse::<usize>() {
                Ok(j) if (1..=n).contains(&j) => k = j,
                _ => {
                    let _ = writeln!(
                        out,
                        "Enter for next, b for back, a step number 1 to {n}, or q."
                    );
                }
            },
        }
    }
}

/// The preamble, then one section per step (split at the step headings).
fn split_steps(text: &str) -> Vec<String> {
    let mut sections = vec![String::new()];
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let heading =
            lines[i].starts_with("Step ") && lines.get(i + 1).is_some_and(|l| l.starts_with("---"));
        if heading {
            sections.push(String::new());
        }
        if let Some(last) = sections.last_mut() {
            last.push_str(lines[i]);
            last.push('\n');
        }
        i += 1;
    }
    sections
}
