//! `chamado`: the Chamado server and its administration commands.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of glibc's malloc: per-thread heaps instead of arena locks shared by the
/// tokio workers and SQLite's connection threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = server::cli::Cli::parse();
    if let Err(error) = server::telemetry::init(&cli.global) {
        eprintln!("error: {error}");
        return ExitCode::from(2);
    }
    match server::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line a person can act on; the cause chain follows on the same line.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
