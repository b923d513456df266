use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use ecsnet::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = match cli.global.verbose {
        0 => "ecsnet=warn,off",
        1 => "ecsnet=info,warn",
        2 => "ecsnet=debug,info",
        _ => "trace",
    };
    // Traces go through the views' stderr, which keeps their colors only where --color, NO_COLOR and the
    // stream's terminal-ness allow, as every other line on stderr.
    ecsnet::views::choose_color(cli.global.color);
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("ECSNET_LOG").unwrap_or_else(|_| EnvFilter::new(filter)))
        .with_writer(ecsnet::views::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            ecsnet::views::write_error(&format_args!("cannot start the async runtime: {error}"));
            return ExitCode::from(1);
        }
    };
    let code = match runtime.block_on(ecsnet::commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            ecsnet::views::write_error(&format_args!("{error:#}"));
            ecsnet::commands::exit_code_of(&error)
        }
    };
    // A confirmation prompt a signal interrupted still reads stdin on a thread of its own: do not wait for it.
    runtime.shutdown_background();
    ExitCode::from(code)
}
