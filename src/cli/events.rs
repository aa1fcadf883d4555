//! `sesform events tail`, and what it shares with `sesform why`: finding the event log (the
//! log group from `--log-group`, `--stack` or the spec) and the region, and connecting.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand};

use super::args::{AwsArgs, OutputArgs, parse_duration};
use super::session::{self, CliResult, Reported, error};
use super::{GlobalArgs, exit, print_stdout, stdout_color};
use crate::aws::{Clients, logs};
use crate::events::read::{FOLLOW_INTERVAL, Reader};
use crate::events::{self, EventFilter, EventKind, EventRecord};
use crate::render;
use crate::spec::LoadedSpec;

#[derive(Debug, Args)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub command: EventsCommand,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print the stack's SES events from its event log, one line each (like `aws logs tail`):
    /// time, type, message id, sender, recipient, and the bounce's type and diagnostic code,
    /// the complaint's feedback type, the delay's or reject's reason. Exits 0; Ctrl-C ends
    /// --follow cleanly.
    Tail(TailArgs),
}

/// Where the event log is.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// The CloudWatch Logs group [default: /aws/events/sesform/STACK].
    #[arg(long, value_name = "NAME")]
    pub log_group: Option<String>,
    /// The stack whose event log to read [default: the spec's `stack`, else `default`].
    #[arg(long, value_name = "NAME")]
    pub stack: Option<String>,
    /// The spec (stack, region) [default: sesform.yaml when it exists].
    #[arg(long, value_name = "FILE")]
    pub spec: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// How far back to start: 30m, 1h, 7d.
    #[arg(long, default_value = "1h", value_name = "DURATION", value_parser = parse_duration)]
    pub since: Duration,
    /// Keep printing new events as they arrive, until Ctrl-C.
    #[arg(short, long)]
    pub follow: bool,
    /// Only these event types (comma-separated or repeated).
    #[arg(long = "type", value_enum, value_delimiter = ',', value_name = "TYPE")]
    pub kinds: Vec<EventKind>,
    /// Only events about this recipient.
    #[arg(long, value_name = "ADDRESS")]
    pub recipient: Option<String>,
    /// Only events of this message (the SES message id).
    #[arg(long, value_name = "ID")]
    pub message_id: Option<String>,
    /// Only events of mail sent with this configuration set.
    #[arg(long = "set", value_name = "NAME")]
    pub configuration_set: Option<String>,
    /// Events per FilterLogEvents page (1-10000; default: the service's).
    #[arg(long, value_name = "N", hide = true, value_parser = clap::value_parser!(i32).range(1..=10000))]
    pub page_size: Option<i32>,
    // `--format json`: one JSON object per line (docs/events.md).
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// A connection to the account and region, with the event log's name.
pub struct EventLog {
    pub clients: Clients,
    pub group: String,
    pub spec: Option<LoadedSpec>,
}

/// Loads the spec when there is one, resolves the region and the log group, and connects.
pub async fn connect(global: &GlobalArgs, log: &LogArgs, aws: &AwsArgs) -> CliResult<EventLog> {
    let default = PathBuf::from("sesform.yaml");
    let spec_path = log
        .spec
        .clone()
        .or_else(|| default.exists().then_some(default));
    let spec = match &spec_path {
        Some(path) => Some(session::load_spec(global, path, 1)?),
        None => None,
    };
    let region = match (&spec, &global.region) {
        (Some(loaded), Some(flag)) if flag != &loaded.spec.region => {
            return Err(error(format!(
                "--region {flag} does not match the spec's region {}",
                loaded.spec.region
            )));
        }
        (Some(loaded), _) => loaded.spec.region.clone(),
        (None, Some(flag)) => flag.clone(),
        (None, None) => crate::aws::default_region(global.profile.as_deref())
            .await
            .ok_or_else(|| {
                error("a region is needed: pass --region or --spec, or set AWS_REGION or a profile's region")
            })?,
    };
    if let Some(stack) = &log.stack
        && let Err(why) = crate::spec::names::check_ses_name(stack)
    {
        return Err(error(format!("--stack {stack}: {why}")));
    }
    let options = session::aws_options(global, aws, &region)?;
    let clients = Clients::connect(&options).await.map_err(error)?;
    let group = events::log_group_name(
        log.log_group.as_deref(),
        log.stack.as_deref(),
        spec.as_ref().map(|s| &s.spec),
    );
    Ok(EventLog {
        clients,
        group,
        spec,
    })
}

/// Milliseconds since the epoch, `ago` before now.
pub fn since_ms(ago: Duration) -> i64 {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    now.saturating_sub(ago).as_millis() as i64
}

/// What to say when the log group is not there.
pub fn missing_group(group: &str) -> String {
    format!(
        "the event log {group} does not exist in this region: add `event_log` to the spec and apply it, or pass --log-group"
    )
}

pub fn run(global: &GlobalArgs, args: &EventsArgs) -> u8 {
    let EventsCommand::Tail(tail) = &args.command;
    session::runtime().block_on(async {
        match run_tail(global, tail).await {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

async fn run_tail(global: &GlobalArgs, args: &TailArgs) -> CliResult<u8> {
    let log = connect(global, &args.log, &args.aws).await?;
    let filter = EventFilter {
        kinds: args.kinds.clone(),
        recipient: args.recipient.clone(),
        message_id: args.message_id.clone(),
        configuration_set: args.configuration_set.clone(),
    };
    let mut reader = Reader::new(&log.clients.logs, &log.group, since_ms(args.since), filter)
        .page_size(args.page_size);
    let json = args.output.json();
    let color = stdout_color(global);
    let print = |records: Vec<EventRecord>| {
        let text: String = records
            .iter()
            .map(|r| {
                if json {
                    render::events::json_line(r)
                } else {
                    render::events::human_line(r, color)
                }
            })
            .collect();
        print_stdout(&text);
    };
    let work = async {
        reader.read_new(print).await?;
        if args.follow {
            loop {
                tokio::time::sleep(FOLLOW_INTERVAL).await;
                reader.read_new(print).await?;
            }
        }
        Ok::<(), crate::aws::AwsError>(())
    };
    let result = tokio::select! {
        result = work => result,
        // Ctrl-C or SIGTERM ends a tail (--follow above all) cleanly.
        _ = session::interrupted() => Ok(()),
    };
    match result {
        Ok(()) => {
            if global.verbose > 0 {
                eprintln!("Read {} page(s) of {}.", reader.pages, log.group);
            }
            Ok(exit::SUCCESS)
        }
        Err(e) if logs::is_missing_group(&e) => Err(error(missing_group(&log.group))),
        Err(e) => Err(error(e)),
    }
}
