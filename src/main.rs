use clap::Parser;

use nntutor::cli::{Cli, run};

fn main() {
    let cli = Cli::parse();
    // Deeply nested (hostile) lessons recurse; give evaluation a roomy stack
    // so that the depth limits, not the stack, decide.
    let worker = std::thread::Builder::new().stack_size(256 * 1024 * 1024).spawn(move || run(cli));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("nntutor: internal error; please report it with the lesson file");
            70
        }
    };
    std::process::exit(code);
}
