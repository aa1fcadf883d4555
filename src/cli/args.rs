//! clap definitions. Help text here is the user documentation of each command and flag.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// sesform: declare an Amazon SES setup in one YAML file, plan and apply it, and lint the
/// Laravel and Symfony apps that send through it.
#[derive(Debug, Parser)]
#[command(name = "sesform", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// AWS region for commands without a spec (init, export, smtp, lint --online); with a
    /// spec it must equal the spec's `region`.
    #[arg(long, global = true, env = "SESFORM_REGION")]
    pub region: Option<String>,
    /// Named AWS profile from ~/.aws/config.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Send every AWS call to this endpoint (an emulator, say). AWS_ENDPOINT_URL and the
    /// per-service AWS_ENDPOINT_URL_SESV2 / _SNS / _IAM / _SSM / _EVENTBRIDGE /
    /// _CLOUDWATCH_LOGS variables are honoured too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// When to color output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print less: only errors and results.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: with plan, the AWS calls made per operation and the time taken.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log every AWS request to standard error: service, operation, resource, HTTP status,
    /// latency, attempt (retries) and throttling. Never a header, body or answer, so no
    /// secret. Same as SESFORM_LOG=debug.
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a spec: YAML syntax, unknown keys, types, references and AWS naming rules.
    /// Reports every error with file:line:column; exits 0 when valid, 1 when not.
    Validate(ValidateArgs),
    /// Print the JSON Schema of the spec, for editor completion and checks.
    Schema,
    /// Print the least-privilege IAM policy sesform needs: `read-only` for plan, status, dns,
    /// export and lint --online; `apply` for apply, destroy, adopt and smtp rotate; `events`
    /// for events tail and why.
    IamPolicy(IamPolicyArgs),
    /// Compare the spec with live SES, SNS and IAM and show what apply would change.
    /// Exits 0 (or, with --detailed-exitcode, 0 = no changes, 2 = changes), 1 on error.
    Plan(PlanArgs),
    /// Plan, confirm, and make the changes (or apply a plan saved with `plan --out`).
    Apply(ApplyArgs),
    /// Print the DNS records the spec's domain identities need, with their status.
    Dns(DnsArgs),
    /// Delete every resource tagged with the spec's stack, after confirmation.
    Destroy(DestroyArgs),
    /// Remove the lock of the spec's stack left by a run that was killed (the lock's ID is in
    /// the message of the run that waited for it). Asks first; --force when not on a terminal.
    ForceUnlock(ForceUnlockArgs),
    /// Write a commented starter spec for a new account (domain, DKIM, MAIL FROM, events,
    /// SMTP user, sandbox exit request, client settings).
    Init(InitArgs),
    /// One screen on the account: sandbox, quota, sending, enforcement, and each identity's
    /// verification and DNS status, with what is still missing.
    Status(StatusArgs),
    /// Write a spec describing what exists in an account (identities, configuration sets,
    /// event destinations, their SNS topics, SES-sending IAM users).
    Export(ExportArgs),
    /// Tag resources that match the spec but were created elsewhere, so sesform manages them
    /// (`apply --adopt`; nothing is recreated).
    Adopt(ApplyArgs),
    /// SMTP credentials: rotate a user's key, derive an SMTP password, check credentials
    /// against an endpoint.
    Smtp(super::smtp::SmtpArgs),
    /// Run SES locally for an app's tests and CI: the SESv2 API and SMTP (STARTTLS and
    /// implicit TLS) over one state, with SES's replies, events and mailbox simulator.
    Local(super::local::LocalArgs),
    /// Check Laravel and Symfony mail configuration for what breaks with Amazon SES.
    /// Exits 0 when clean, 1 on findings at or above --fail-on, 2 on usage or I/O errors.
    Lint(super::lint::LintArgs),
    /// Read the stack's SES event log (`events tail`: bounces, complaints, deliveries...).
    Events(super::events::EventsArgs),
    /// Why mail to one address did (not) arrive: account, sender, configuration set,
    /// suppression list and event history, ending in a verdict. Read-only. Exits 0 when
    /// delivered, 1 when not delivered (a cause found), 2 when there is no record to decide on.
    Why(super::why::WhyArgs),
    /// Print the documentation of a lint rule or of a spec error code (`unknown-key`, ...),
    /// or list them with --all.
    Rule(super::lint::RuleArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command to a directory.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write sesform.1 and a page per command (sesform-plan.1, ...) here instead of printing
    /// sesform.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The domain you send from.
    #[arg(long)]
    pub domain: String,
    /// The From address of your mail. Default: noreply@DOMAIN.
    #[arg(long)]
    pub from: Option<String>,
    /// An http(s) endpoint that receives SES events through SNS (else an email subscription).
    #[arg(long, value_name = "URL")]
    pub events_webhook: Option<String>,
    /// Name of the IAM user for SMTP. Default: app-mailer.
    #[arg(long, value_name = "NAME")]
    pub smtp_user: Option<String>,
    /// The framework of the app that sends, for its client settings.
    #[arg(long, value_enum)]
    pub framework: Option<crate::init::InitFramework>,
    /// Where to write the spec.
    #[arg(short, long, default_value = "sesform.yaml")]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The spec file.
    #[arg(default_value = "sesform.yaml")]
    pub spec: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// `--format human|json`, with `--json` kept as its alias.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: `human`, or `json` for machines: one JSON document on standard output
    /// (plan: specs/plan-format.md; apply, destroy: what was done, specs/apply-result.md,
    /// with the plan and progress on standard error).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl OutputArgs {
    pub fn json(&self) -> bool {
        self.json || self.format == OutputFormat::Json
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Stack name to put in the spec.
    #[arg(long)]
    pub stack: Option<String>,
    /// Write the spec here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite FILE if it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// How sesform calls AWS.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// Most AWS requests in flight at once, across SES, SNS and IAM.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub parallelism: usize,
    /// Client-side request rates, e.g. `sesv2=1,sns=30,iam=10,events=50,logs=5` (`off` =
    /// unpaced). Defaults keep steady-state runs under the documented limits (SES: 1
    /// request/s). `auto` (e.g.
    /// `sesv2=auto`, `all=auto`) starts there, climbs while no throttle comes back and halves
    /// on one, for accounts whose real limit is higher.
    #[arg(long, env = "SESFORM_API_RATE", value_name = "RATES")]
    pub api_rate: Option<String>,
    /// SDK retry mode for throttling and transient errors.
    #[arg(long, value_enum, default_value_t = crate::aws::RetryMode::Standard)]
    pub retry_mode: crate::aws::RetryMode,
    /// Attempts per call, first one included.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_attempts: u32,
}

/// The lock apply, destroy and `smtp rotate` hold (one run per stack, account and region).
#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    /// How long to wait while another run holds the stack's lock, then fail naming the holder
    /// (`0` = fail at once; 30s, 5m, 1h).
    #[arg(long, default_value = "5m", value_name = "DURATION", value_parser = parse_duration)]
    pub lock_timeout: std::time::Duration,
}

#[derive(Debug, Args)]
pub struct ForceUnlockArgs {
    /// The lock's ID, as the run that found it held printed it.
    pub id: String,
    /// The spec file (names the stack and region).
    #[arg(long, default_value = "sesform.yaml")]
    pub spec: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ChangeArgs {
    /// Delete managed resources that are no longer in the spec.
    #[arg(long)]
    pub prune: bool,
    /// Take over resources that match the spec but were created outside sesform (tags them).
    #[arg(long)]
    pub adopt: bool,
    /// Submit the production access request again after a denial.
    #[arg(long)]
    pub resubmit: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The spec file.
    #[arg(default_value = "sesform.yaml")]
    pub spec: PathBuf,
    // `--format json` prints the plan as JSON (specs/plan-format.md); `--json` is the same.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Save the plan (JSON) for `apply --plan FILE`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Read and plan only this resource and what it needs (repeatable), for large accounts:
    /// `identity.example.com`, `configuration_set.tx` (with its event destinations),
    /// `sns_topic.events` (with its subscriptions), `smtp_user.mailer`, `account`. The plan is
    /// marked partial; saved with --out, apply changes only these.
    #[arg(long, value_name = "ADDRESS")]
    pub target: Vec<String>,
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ApplyArgs {
    /// The spec file [default: sesform.yaml; with --plan, the spec the plan was made from].
    pub spec: Option<PathBuf>,
    /// Apply exactly this saved plan; refused if the spec or live state changed since.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Do not ask for confirmation (required when standard input is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Print new SMTP credentials whose spec destination is `stdout: true`.
    #[arg(long)]
    pub show_secrets: bool,
    // `--format json`: one JSON document of what was done (specs/apply-result.md).
    #[command(flatten)]
    pub output: OutputArgs,
    /// After applying, wait until every identity is verified, showing progress; fail after
    /// TIMEOUT (`--wait-verified=10m`; 30s, 10m, 2h; default 30m).
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, require_equals = true, default_missing_value = "30m", value_parser = parse_duration)]
    pub wait_verified: Option<std::time::Duration>,
    #[command(flatten)]
    pub lock: LockArgs,
    #[command(flatten)]
    pub change: ChangeArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct DnsArgs {
    /// The spec file.
    #[arg(default_value = "sesform.yaml")]
    pub spec: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::render::dns::DnsFormat::Table)]
    pub format: crate::render::dns::DnsFormat,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The spec file (names the stack and region).
    #[arg(default_value = "sesform.yaml")]
    pub spec: PathBuf,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub auto_approve: bool,
    // `--format json`: one JSON document of what was deleted (specs/apply-result.md).
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub lock: LockArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The spec file.
    #[arg(default_value = "sesform.yaml")]
    pub spec: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations on the pull request.
    Github,
}

/// `30s`, `10m`, `2h`, `1h30m` (humantime's units), or plain seconds.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map(std::time::Duration::from_secs)
            .map_err(|_| format!("`{text}` seconds is too long"));
    }
    humantime::parse_duration(text)
        .map_err(|e| format!("`{text}` is not a duration like 30s, 10m or 2h ({e})"))
}

#[derive(Debug, clap::Args)]
pub struct IamPolicyArgs {
    /// Which policy: `read-only` (plan, status, dns, export, lint --online), `apply`, or
    /// `events` (events tail, why).
    #[arg(value_enum, default_value = "read-only")]
    pub policy: IamPolicyKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IamPolicyKind {
    ReadOnly,
    Apply,
    Events,
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        for bad in ["", "soon", "10x", "-5s", "99999999999999999999999h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
