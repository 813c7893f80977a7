//! nntutor: a terminal tutor for the arithmetic of neural networks.
//!
//! Dependencies point one way: [`engine`] (pure math) ← [`lesson`] (TOML →
//! checked lesson → evaluated timeline) ← [`tui`] (the interactive tutor) and
//! [`cli`] (commands and export).

pub mod cli;
pub mod engine;
pub mod lesson;
pub mod tui;
