//! `sesform-emulator`: the SESv2 emulator as a standalone process, for the demo and for anyone
//! testing their own CI without touching AWS.
//!
//! Prints exactly one line, `sesform-emulator listening on http://HOST:PORT`, once it accepts
//! connections, so scripts can wait for it; stops cleanly on SIGINT or SIGTERM.

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use clap::Parser;
use sesform::emulator::{Emulator, Shape};

/// In-memory Amazon SESv2 emulator (restJson1 over HTTP; control API under /_emulator/).
#[derive(Debug, Parser)]
// `term_width = 0`: the table below is laid out by hand; wrapping it to the terminal mangles it.
#[command(
    name = "sesform-emulator",
    version,
    after_help = CONTROL_HELP,
    term_width = 0
)]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Loopback address to listen on (127.0.0.1, ::1 or localhost).
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    host: IpAddr,
    /// Response shape: `sparse` (optional structures left out where AWS may), `aws` (what AWS
    /// returns today) or `dense` (every member present, defaults filled). See docs/emulator.md.
    #[arg(long, default_value = "aws", value_parser = parse_shape)]
    shape: Shape,
}

/// The control API, for `--help`; docs/emulator.md has the details and more examples.
const CONTROL_HELP: &str = "\
Point SDKs at it with AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:PORT (any credentials work).

Control API (JSON; region from ?region=, default us-east-1; not logged, never faulted):
  GET    /_emulator/health                          {\"status\": \"ok\"}
  POST   /_emulator/reset                           forget every region
  POST   /_emulator/identities/NAME/verify          verification SUCCESS
  POST   /_emulator/identities/NAME/fail            verification FAILED
  PUT    /_emulator/identities/NAME/verification    body {\"status\": \"TEMPORARY_FAILURE\"}
  GET    /_emulator/account                         the account, as GetAccount returns it
  POST   /_emulator/account                         body: production_access_enabled, sending_enabled,
                                                    enforcement_status, max_24_hour_send, max_send_rate,
                                                    sent_last_24_hours, review {status, case_id}
  GET    /_emulator/faults                          pending faults
  POST   /_emulator/faults                          queue one: {\"kind\": \"throttle\" | \"server_error\" (status)
                                                    | \"error\" (status, error_type, message) | \"delay\" (millis)
                                                    | \"drop_connection\", \"operation\": \"GetAccount\", \"times\": 2}
  DELETE /_emulator/faults                          drop pending faults
  GET    /_emulator/rate-limit                      {\"rate_limit\": the limit, allowed, throttled, allowed_span_secs}
  PUT    /_emulator/rate-limit                      body {\"per_second\": 5, \"burst\": 5}: a token bucket over every
                                                    SESv2 call (429 TooManyRequestsException when empty)
  DELETE /_emulator/rate-limit                      no rate limit
  GET    /_emulator/calls                           {\"calls\": [...], \"counts\": {...}}
  DELETE /_emulator/calls                           clear the call log
  GET    /_emulator/shape                           {\"shape\": \"aws\"}
  PUT    /_emulator/shape                           body {\"shape\": \"sparse\" | \"aws\" | \"dense\"}

What was sent (SendEmail): GET /_local/messages (JSON), DELETE /_local/messages, and a page at /.

Examples:
  curl -X POST 'http://127.0.0.1:PORT/_emulator/identities/example.com/verify?region=eu-west-1'
  curl -X POST http://127.0.0.1:PORT/_emulator/faults -d '{\"kind\": \"throttle\", \"times\": 3}'
  curl -X PUT http://127.0.0.1:PORT/_emulator/rate-limit -d '{\"per_second\": 5}'

More: docs/emulator.md";

fn parse_shape(name: &str) -> Result<Shape, String> {
    Shape::parse(name).ok_or_else(|| {
        format!(
            "{name:?} is not a response shape; use one of {}",
            Shape::NAMES.join(", ")
        )
    })
}

fn parse_host(host: &str) -> Result<IpAddr, String> {
    let ip = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse::<IpAddr>()
            .map_err(|_| format!("{host:?} is not an IP address"))?
    };
    if ip.is_loopback() {
        Ok(ip)
    } else {
        Err(format!(
            "{ip} is not a loopback address; the emulator only binds loopback"
        ))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = Args::parse();
    let addr = SocketAddr::new(args.host, args.port);
    let emulator = match Emulator::bind(addr).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("sesform-emulator: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    emulator.control().set_shape(args.shape);
    let mut stdout = std::io::stdout().lock();
    let announced = writeln!(
        stdout,
        "sesform-emulator listening on {}",
        emulator.endpoint_url()
    )
    .and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = announced {
        eprintln!("sesform-emulator: cannot write to stdout: {error}");
        return ExitCode::FAILURE;
    }
    if let Err(error) = shutdown_signal().await {
        eprintln!("sesform-emulator: cannot wait for signals: {error}");
        emulator.shutdown().await;
        return ExitCode::FAILURE;
    }
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(unix)]
async fn shutdown_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = interrupt.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn shutdown_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_keeps_the_control_table_as_written() {
        let help = Args::command().render_long_help().to_string();
        for line in CONTROL_HELP.lines() {
            assert!(
                help.lines().any(|l| l.trim_end() == line.trim_end()),
                "{line:?} is not in the help as written:\n{help}"
            );
        }
    }
}
