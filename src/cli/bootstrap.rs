//! `sesform init`, `sesform status`, `sesform export`, and `apply --wait-verified`.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::args::{ExportArgs, InitArgs, StatusArgs};
use super::session::{self, CliResult, Reported, Session, error};
use super::{GlobalArgs, exit, print_stdout, stdout_color};
use crate::aws::Clients;
use crate::aws::sesv2::{AccountInfo, IdentityStatus};
use crate::export::{self, ExportOptions};
use crate::init::{self, InitOptions};
use crate::model::{Kind, SandboxStatus, State};
use crate::plan::Action;
use crate::render::count;
use crate::render::style::Style;

/// `--region`, else the region AWS_REGION or the profile names.
fn region_of(global: &GlobalArgs) -> Option<String> {
    global.region.clone().or_else(|| {
        session::runtime().block_on(crate::aws::default_region(global.profile.as_deref()))
    })
}

pub fn run_init(global: &GlobalArgs, args: &InitArgs) -> u8 {
    let Some(region) = region_of(global) else {
        eprintln!(
            "error: init needs a region (the AWS region to send from): pass --region, e.g. --region eu-west-1, or set AWS_REGION or a profile's region"
        );
        return exit::FAILURE;
    };
    let options = InitOptions {
        domain: args.domain.clone(),
        region,
        from: args.from.clone(),
        events_webhook: args.events_webhook.clone(),
        smtp_user: args.smtp_user.clone(),
        framework: args.framework,
    };
    let text = match init::generate(&options) {
        Ok(text) => text,
        Err(problems) => {
            for problem in problems {
                eprintln!("error: {problem}");
            }
            eprintln!("Nothing was written.");
            return exit::FAILURE;
        }
    };
    if args.output.exists() && !args.force {
        eprintln!(
            "error: {} already exists; pass --force to overwrite it",
            args.output.display()
        );
        return exit::FAILURE;
    }
    if let Err(e) = std::fs::write(&args.output, text) {
        eprintln!("error: writing {}: {e}", args.output.display());
        return exit::FAILURE;
    }
    if !global.quiet {
        print_stdout(&format!(
            "Wrote {}. Next: read it, then `sesform validate`, `sesform plan`, `sesform apply`.\n",
            args.output.display()
        ));
    }
    exit::SUCCESS
}

pub fn run_export(global: &GlobalArgs, args: &ExportArgs) -> u8 {
    let region = region_of(global);
    session::runtime().block_on(async {
        let result: CliResult<u8> = async {
            let region = region.ok_or_else(|| {
                error(
                    "export needs a region: pass --region, or set AWS_REGION or a profile's region",
                )
            })?;
            // Checked before any AWS call, so a bad flag costs nothing.
            if let Some(stack) = &args.stack
                && let Err(why) = crate::spec::names::check_ses_name(stack)
            {
                return Err(error(format!("--stack `{stack}` {why}")));
            }
            if let Some(path) = args.output.as_ref().filter(|p| p.exists() && !args.force) {
                return Err(error(format!(
                    "{} already exists; pass --force to overwrite it",
                    path.display()
                )));
            }
            let options = session::aws_options(global, &args.aws, &region)?;
            let clients = Clients::connect(&options).await.map_err(error)?;
            let exported = export::export(
                &clients,
                &ExportOptions {
                    region: region.clone(),
                    stack: args.stack.clone(),
                    parallelism: args.aws.parallelism.max(1),
                },
            )
            .await
            .map_err(|e| error(format!("reading the account: {e}")))?;
            let yaml = export::to_yaml(&exported, &format!("region {region}"));
            match &args.output {
                Some(path) => {
                    std::fs::write(path, yaml)
                        .map_err(|e| error(format!("writing {}: {e}", path.display())))?;
                    if !global.quiet {
                        print_stdout(&format!(
                            "Wrote {}: {}.\n",
                            path.display(),
                            crate::render::spec_counts(&exported.spec)
                        ));
                    }
                }
                None => {
                    print_stdout(&yaml);
                }
            }
            Ok(exit::SUCCESS)
        }
        .await;
        match result {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

#[derive(Serialize)]
struct IdentityReport {
    identity: String,
    status: IdentityStatus,
    missing: Vec<String>,
}

#[derive(Serialize)]
struct StatusReport {
    region: String,
    account: AccountInfo,
    identities: Vec<IdentityReport>,
    missing: Vec<String>,
}

pub fn run_status(global: &GlobalArgs, args: &StatusArgs) -> u8 {
    session::runtime().block_on(async {
        let result: CliResult<u8> = async {
            let session = session::open(global, &args.spec, &args.aws).await?;
            let report = status(&session).await?;
            if args.output.json() {
                print_stdout(&(serde_json::to_string_pretty(&report).expect("json") + "\n"));
            } else {
                print_stdout(&render_status(&report, Style::new(stdout_color(global))));
            }
            Ok(exit::SUCCESS)
        }
        .await;
        match result {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

async fn status(session: &Session) -> CliResult<StatusReport> {
    let ses = &session.clients.ses;
    let account = ses
        .get_account()
        .await
        .map_err(|e| error(format!("reading the account: {e}")))?;
    let mut identities = Vec::new();
    let mut missing = Vec::new();
    for name in session.loaded.spec.identities.keys() {
        let found = ses
            .get_identity(name)
            .await
            .map_err(|e| error(format!("reading identity {name}: {e}")))?;
        let Some((state, status)) = found else {
            missing.push(format!(
                "identity {name} does not exist yet: run `sesform apply`"
            ));
            continue;
        };
        let mut gaps = Vec::new();
        if !status.verified_for_sending {
            gaps.push(if state.identity_type == "DOMAIN" {
                "not verified: publish the DKIM records (`sesform dns`)".to_string()
            } else {
                format!("not verified: click the link AWS mailed to {name}")
            });
        }
        if state.mail_from.is_some() && status.mail_from_status.as_deref() != Some("SUCCESS") {
            gaps.push(
                "MAIL FROM not verified: publish its MX and SPF records (`sesform dns`)".into(),
            );
        }
        missing.extend(gaps.iter().map(|g| format!("{name}: {g}")));
        identities.push(IdentityReport {
            identity: name.clone(),
            status,
            missing: gaps,
        });
    }
    // What apply has not done yet, and subscriptions waiting for their endpoint.
    let (plan, live) = session.plan(Default::default()).await?;
    for change in plan.pending() {
        let reported = change.kind == Kind::Account
            || (change.kind == Kind::Identity && change.action == Action::Create);
        match change.action {
            _ if reported => {}
            Action::Create => missing.push(format!(
                "{} is not created yet: run `sesform apply`",
                change.address
            )),
            Action::Delete => {}
            _ => missing.push(format!(
                "{} differs from the spec: `sesform plan` shows how, `sesform apply` fixes it",
                change.address
            )),
        }
    }
    missing.extend(pending_subscriptions(&live));
    match account.sandbox {
        SandboxStatus::Sandboxed => missing.push(
            "the account is in the sandbox: declare `account.production_access` and apply".into(),
        ),
        SandboxStatus::Denied => missing.push(format!(
            "production access was denied: reply on the support case{} in the AWS Support Center (AWS answers a new request with a conflict)",
            account
                .case_id
                .as_deref()
                .map(|c| format!(" {c}"))
                .unwrap_or_default()
        )),
        SandboxStatus::Pending | SandboxStatus::Granted => {}
    }
    if account.state.sending_enabled == Some(false) {
        missing.push("sending is disabled for the account in this region".into());
    }
    Ok(StatusReport {
        region: session.loaded.spec.region.clone(),
        account,
        identities,
        missing,
    })
}

/// Subscriptions of the spec that SNS lists without an ARN: waiting for their endpoint.
fn pending_subscriptions(live: &crate::live::Live) -> Vec<String> {
    live.resources
        .iter()
        .filter_map(|(address, state)| match state {
            State::SnsSubscription(sub)
                if !live.subscription_arns.contains_key(address)
                    && !live.orphans.contains(address) =>
            {
                Some(format!(
                    "{address} is pending confirmation: follow the link in the message SNS sent to {}",
                    sub.endpoint
                ))
            }
            _ => None,
        })
        .collect()
}

/// ` (case ID)` of the production access review, when AWS gave one.
fn case(a: &AccountInfo) -> String {
    a.case_id
        .as_deref()
        .map(|c| format!(" (case {c})"))
        .unwrap_or_default()
}

fn render_status(report: &StatusReport, style: Style) -> String {
    let a = &report.account;
    let mut out = String::new();
    let sandbox = match a.sandbox {
        SandboxStatus::Granted => style.green("production access granted"),
        SandboxStatus::Pending => style.yellow(&format!(
            "in the sandbox; production access review pending{}",
            case(a)
        )),
        SandboxStatus::Denied => style.red(&format!(
            "in the sandbox; production access denied{}",
            case(a)
        )),
        SandboxStatus::Sandboxed => style.yellow("in the sandbox (verified recipients only)"),
    };
    let _ = writeln!(out, "{} {}", style.bold("SES account in"), report.region);
    let _ = writeln!(out, "  sandbox:      {sandbox}");
    let _ = writeln!(
        out,
        "  quota:        {:.0} messages / 24 h ({:.0} sent), {:.0} / s",
        a.max_24_hour_send, a.sent_last_24_hours, a.max_send_rate
    );
    let _ = writeln!(
        out,
        "  sending:      {}",
        if a.state.sending_enabled == Some(false) {
            style.red("disabled")
        } else {
            "enabled".into()
        }
    );
    let _ = writeln!(
        out,
        "  enforcement:  {}",
        a.enforcement_status.as_deref().unwrap_or("unknown")
    );
    let _ = writeln!(out, "\n{}", style.bold("Identities"));
    for i in &report.identities {
        let verified = if i.status.verified_for_sending {
            style.green("verified")
        } else {
            style.yellow(&i.status.verification_status)
        };
        let dkim = i.status.dkim_status.as_deref().unwrap_or("-");
        let mail_from = i.status.mail_from_status.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "  {:<40} {verified}  DKIM {dkim}  MAIL FROM {mail_from}",
            i.identity
        );
    }
    if report.missing.is_empty() {
        let _ = writeln!(out, "\n{}", style.green_bold("Nothing missing."));
    } else {
        let _ = writeln!(out, "\n{}", style.bold("Still missing"));
        for m in &report.missing {
            let _ = writeln!(out, "  - {m}");
        }
    }
    out
}

/// Polls until every identity of the spec is verified for sending, or `timeout` passes.
pub async fn wait_verified(session: &Session, timeout: Duration) -> CliResult<()> {
    let interval = std::env::var("SESFORM_POLL_INTERVAL")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(Duration::from_secs(15), Duration::from_secs_f64);
    // Waiting is the point of the command: shown even with -q, a spinner on a terminal.
    let mode = match session.progress {
        super::progress::Mode::Off if std::io::stderr().is_terminal() => {
            super::progress::Mode::Spinner
        }
        super::progress::Mode::Off => super::progress::Mode::Lines,
        mode => mode,
    };
    let display = super::progress::Progress::new(mode);
    let terminal = mode == super::progress::Mode::Spinner;
    let started = Instant::now();
    let names: Vec<&String> = session.loaded.spec.identities.keys().collect();
    let mut tick = 0usize;
    let mut last_line = String::new();
    loop {
        let mut waiting = Vec::new();
        let mut failed = Vec::new();
        for name in &names {
            let found = session
                .clients
                .ses
                .get_identity(name)
                .await
                .map_err(|e| error(format!("reading identity {name}: {e}")))?;
            match found {
                Some((_, status)) if status.verified_for_sending => {}
                // FAILED is final: SES stopped looking (72 hours without the records).
                Some((_, status)) if status.verification_status == "FAILED" => {
                    failed.push(name.to_string())
                }
                Some((_, status)) => {
                    waiting.push(format!("{name} ({})", status.verification_status))
                }
                None => waiting.push(format!("{name} (missing)")),
            }
        }
        let elapsed = started.elapsed();
        if !failed.is_empty() {
            display.finish();
            return Err(error(format!(
                "verification failed for {}: SES gave up looking for the DNS records; publish the records `sesform dns` prints, then restart verification (for Easy DKIM: `aws sesv2 put-email-identity-dkim-signing-attributes --email-identity NAME --signing-attributes-origin AWS_SES`)",
                failed.join(", ")
            )));
        }
        if waiting.is_empty() {
            display.finish();
            let all = match names.len() {
                1 => "The identity".to_string(),
                n => format!("All {n} identities"),
            };
            eprintln!("{all} verified after {}s.", elapsed.as_secs());
            return Ok(());
        }
        if elapsed >= timeout {
            display.finish();
            return Err(error(format!(
                "gave up after {}s: still not verified: {}. Publish the records `sesform dns` prints (DNS can take up to 72 hours), then run `sesform status`",
                timeout.as_secs(),
                waiting.join(", ")
            )));
        }
        let line = format!(
            "waiting for {} of {} to verify ({}s of {}s): {}",
            waiting.len(),
            count(names.len(), "identity", "identities"),
            elapsed.as_secs(),
            timeout.as_secs(),
            waiting.join(", ")
        );
        if terminal {
            display.set(&line);
        } else if line.split(" (").next() != last_line.split(" (").next() || tick.is_multiple_of(20)
        {
            // In CI: a plain line when something changed, and now and then to show life.
            eprintln!("{line}");
            tick += 1;
        } else {
            tick += 1;
        }
        last_line = line;
        tokio::time::sleep(interval.min(timeout.saturating_sub(elapsed))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SubscriptionState;

    #[test]
    fn subscriptions_without_an_arn_are_pending() {
        let mut live = crate::live::Live::default();
        for endpoint in [
            "ops@example.com",
            "https://hooks.example.com/ses",
            "old@example.com",
        ] {
            let state = State::SnsSubscription(SubscriptionState {
                topic: "events".into(),
                protocol: if endpoint.starts_with("https") {
                    "https"
                } else {
                    "email"
                }
                .into(),
                endpoint: endpoint.into(),
                raw_message_delivery: false,
            });
            live.resources.insert(state.address(), state);
        }
        let confirmed = live
            .resources
            .keys()
            .find(|a| a.as_str().contains("https:"))
            .unwrap()
            .clone();
        live.subscription_arns
            .insert(confirmed, "arn:aws:sns:eu-west-1:1:events:x".into());
        let orphan = live
            .resources
            .keys()
            .find(|a| a.as_str().contains("old@"))
            .unwrap()
            .clone();
        live.orphans.insert(orphan);
        assert_eq!(
            pending_subscriptions(&live),
            [
                "sns_subscription.events.email:ops@example.com is pending confirmation: follow the link in the message SNS sent to ops@example.com"
            ]
        );
    }
}
