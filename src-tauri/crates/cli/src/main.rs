//! `switchboard-cli`: parses, runs, prints one `error:` line and maps the
//! error to its exit code (see `--help`).

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;
use switchboard_cli::{clap_error_line, run, Cli, CliError};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A resource without an action (`switchboard-cli contacts`): its help.
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) if e.use_stderr() => {
            eprintln!("{}", clap_error_line(&e));
            return ExitCode::from(2);
        }
        // --help and --version
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::from)
        .and_then(|runtime| {
            let mut out = BufWriter::new(std::io::stdout().lock());
            runtime.block_on(run(cli, &mut out))?;
            out.flush().map_err(CliError::from)
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.one_line());
            ExitCode::from(e.exit_code())
        }
    }
}
