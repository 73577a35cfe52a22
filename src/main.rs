//! The `tandem` command: parses flags, sets up logging and tracing, runs the command.

use clap::Parser;

#[global_allocator]
static ALLOC: tandem::alloc::Allocator = tandem::alloc::Allocator {};

fn main() -> std::process::ExitCode {
    tandem::alloc::return_freed_memory_at_once();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("tandem: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run())
}

async fn run() -> std::process::ExitCode {
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
