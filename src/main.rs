use clap::Parser;

use nntutor::cli::{Cli, run};

fn main() {
    nntutor::tune_allocator();
    std::process::exit(run(Cli::parse()));
}
