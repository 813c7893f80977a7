//! Helpers shared by the integration tests (and the benchmarks).

#![allow(dead_code)]

use std::process::Command;

pub mod builtin;
pub mod fuzzing;
pub mod pty;
pub mod tutor;

/// Runs the real binary (no extra lesson folders): exit code, stdout, stderr.
pub fn nntutor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(args)
        .env_remove("NNTUTOR_LESSONS")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
