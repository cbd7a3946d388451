//! The `meeting-manager` binary: `serve` runs the server; `openapi` prints the API description.

use clap::{Parser, Subcommand};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

#[derive(Parser)]
#[command(
    name = "meeting-manager",
    version,
    about = "Department-based meeting booking"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server, configured by MM_* environment variables.
    Serve,
    /// Print the OpenAPI description (what `openapi/openapi.json` holds).
    Openapi,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve => {
            let filter = EnvFilter::try_from_env("MM_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
            let json = std::env::var("MM_LOG_FORMAT").is_ok_and(|f| f == "json");
            let registry = tracing_subscriber::registry().with(filter);
            if json {
                registry
                    .with(fmt::layer().json().with_writer(std::io::stderr))
                    .init();
            } else {
                registry
                    .with(fmt::layer().with_writer(std::io::stderr))
                    .init();
            }
            mm_server::run(mm_server::Config::from_env()?).await
        }
        Command::Openapi => {
            let json = serde_json::to_string_pretty(&mm_server::openapi())?;
            #[allow(clippy::print_stdout)]
            {
                println!("{json}");
            }
            Ok(())
        }
    }
}
