//! The `ksa` binary: parse, run, and turn the result into an exit status.

use clap::Parser;

fn main() {
    // First, before any thread: Ctrl-C leaves no temporary files behind.
    ksa::files::dest::remove_temps_on_signal();
    let cli = ksa::cli::Cli::parse();
    std::process::exit(ksa::exit_code(ksa::cmd::run(cli)));
}
