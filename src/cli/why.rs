//! `sesform why RECIPIENT`: read-only calls, then the diagnosis (see `crate::why`).

use std::time::Duration;

use clap::Args;

use super::args::{AwsArgs, OutputArgs, parse_duration};
use super::events::{LogArgs, connect, since_ms};
use super::session::{self, CliResult, Reported, error};
use super::{GlobalArgs, print_stdout, stdout_color};
use crate::render;
use crate::why::{self, Question, facts};

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The address that did not get the mail.
    pub recipient: String,
    /// Only this message's events (the SES message id).
    #[arg(long, value_name = "ID")]
    pub message_id: Option<String>,
    /// The sender whose identity to check [default: the sender of the recipient's newest event].
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// The configuration set the mail was sent with [default: from the events, the sender
    /// identity's default set, or the spec's client].
    #[arg(long = "set", value_name = "NAME")]
    pub configuration_set: Option<String>,
    /// How far back to read the event log: 1h, 7d, 14d.
    #[arg(long, default_value = "7d", value_name = "DURATION", value_parser = parse_duration)]
    pub since: Duration,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Exit code of a diagnosis that could not be made (no credentials, an unreachable endpoint, an
/// invalid spec): 0, 1 and 2 are verdicts.
pub const COULD_NOT_DIAGNOSE: u8 = 3;

pub fn run(global: &GlobalArgs, args: &WhyArgs) -> u8 {
    session::runtime().block_on(async {
        match run_why(global, args).await {
            Ok(code) => code,
            Err(Reported(_)) => COULD_NOT_DIAGNOSE,
        }
    })
}

/// The spec's default set: the configuration set of its one client, or of all its clients
/// when they agree.
fn spec_set(spec: Option<&crate::spec::Spec>) -> Option<String> {
    let mut sets = spec?
        .clients
        .values()
        .filter_map(|c| c.configuration_set.clone());
    let first = sets.next()?;
    sets.all(|s| s == first).then_some(first)
}

async fn run_why(global: &GlobalArgs, args: &WhyArgs) -> CliResult<u8> {
    if !args.recipient.contains('@') {
        return Err(error(format!(
            "`{}` is not an email address; pass the recipient, e.g. sesform why user@example.com",
            args.recipient
        )));
    }
    let log = connect(global, &args.log, &args.aws).await?;
    let spec_set = spec_set(log.spec.as_ref().map(|s| &s.spec));
    let lookup = facts::Lookup {
        recipient: &args.recipient,
        message_id: args.message_id.as_deref(),
        from: args.from.as_deref(),
        configuration_set: args.configuration_set.as_deref(),
        spec_set: spec_set.as_deref(),
        log_group: &log.group,
        since_ms: since_ms(args.since),
    };
    let facts = tokio::select! {
        facts = facts::gather(&log.clients, &lookup) => facts.map_err(error)?,
        signal = session::interrupted() => return Err(error(signal)),
    };
    let question = Question {
        recipient: args.recipient.clone(),
        message_id: args.message_id.clone(),
        from: args.from.clone(),
        configuration_set: args.configuration_set.clone(),
        since: render::duration_words(args.since),
        region: log.clients.region.clone(),
        log_group: log.group.clone(),
    };
    let diagnosis = why::diagnose(question, &facts);
    let text = if args.output.json() {
        format!("{}\n", render::why::json(&diagnosis))
    } else {
        render::why::human(&diagnosis, stdout_color(global))
    };
    print_stdout(&text);
    Ok(diagnosis.verdict.outcome.exit_code())
}
