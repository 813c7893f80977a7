//! Helpers shared by the integration tests (and the benchmarks).

#![allow(dead_code)]

pub mod builtin;
pub mod fuzzing;
pub mod pty;
