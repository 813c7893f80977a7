use clap::Parser;

use nntutor::cli::{Cli, run};

fn main() {
    std::process::exit(run(Cli::parse()));
}
