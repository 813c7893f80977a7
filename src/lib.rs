//! nntutor: a terminal tutor for the arithmetic of neural networks.
//!
//! Dependencies point one way: [`engine`] (pure math) ← [`lesson`] (TOML →
//! checked lesson → evaluated timeline) ← [`tui`] (the interactive tutor) and
//! [`cli`] (commands and export).

pub mod classroom;
pub mod cli;
pub mod lesson;
pub mod tui;

/// The engine, a crate of its own so that Cargo enforces that it knows no
/// TOML, terminal or command line.
pub use nntutor_engine as engine;

/// Keeps freed memory in the process instead of returning it to the system
/// after every step. Training allocates and frees the same few hundred
/// kilobytes every iteration; glibc's defaults give them back and take them
/// again each time, and the page faults cost more than the arithmetic.
/// Called once by the binary (and the benchmarks) at start.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MB: libc::c_int = 1024 * 1024;
        // SAFETY: mallopt only changes allocator parameters.
        unsafe {
            libc::mallopt(libc::M_TRIM_THRESHOLD, 256 * MB);
            libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * MB);
            libc::mallopt(libc::M_TOP_PAD, 16 * MB);
        }
    }
}
