//! The `ksa` binary: parse, run, and turn the result into an exit status.

use clap::Parser;

fn main() {
    let cli = ksa::cli::Cli::parse();
    std::process::exit(ksa::exit_code(ksa::cmd::run(cli)));
}
