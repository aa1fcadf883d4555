//! `sesform smtp rotate USER`

use std::path::PathBuf;

use clap::Args;

use super::args::AwsArgs;
use super::session::{self, CliResult, Reported, error};
use super::{GlobalArgs, exit, print_stdout};
use crate::credentials::{self, IssueRequest, OldKey, RotateRequest};
use crate::model::State;

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The SMTP user (a key of `smtp_users` in the spec).
    pub user: String,
    /// The spec file.
    #[arg(long, default_value = "sesform.yaml")]
    pub spec: PathBuf,
    /// Delete the old key now, whatever IAM says about its last use.
    #[arg(long)]
    pub confirm_old_key_unused: bool,
    /// An old key unused for this many days counts as idle and is deleted.
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    pub idle_days: u32,
    /// Print the new credentials when the spec's destination is `stdout: true`.
    #[arg(long)]
    pub show_secrets: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

pub fn run(global: &GlobalArgs, args: &RotateArgs) -> u8 {
    session::runtime().block_on(async {
        match rotate(global, args).await {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

async fn rotate(global: &GlobalArgs, args: &RotateArgs) -> CliResult<u8> {
    let session = session::open(global, &args.spec, &args.aws).await?;
    let desired = session.desired();
    let user = desired
        .iter()
        .find_map(|s| match s {
            State::SmtpUser(u) if u.name == args.user => Some(u),
            _ => None,
        })
        .ok_or_else(|| {
            let names: Vec<&String> = session.loaded.spec.smtp_users.keys().collect();
            error(format!(
                "`{}` is not under smtp_users in {} (declared: {})",
                args.user,
                session.spec_path,
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names
                        .iter()
                        .map(|n| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        })?;
    let target = user.credentials.as_ref().ok_or_else(|| {
        error(format!(
            "smtp_users.{} has no `credentials:`; say where the new SMTP credentials go before rotating",
            args.user
        ))
    })?;
    let request = RotateRequest {
        issue: IssueRequest {
            user: &user.name,
            target,
            region: &session.loaded.spec.region,
            base_dir: &session.loaded.base_dir,
            show_secrets: args.show_secrets,
        },
        confirm_old_key_unused: args.confirm_old_key_unused,
        idle_days: args.idle_days,
    };
    let rotation = credentials::rotate(&session.clients.iam, &request)
        .await
        .map_err(error)?;
    if let Some(issued) = &rotation.issued {
        super::apply::report_issued(std::slice::from_ref(issued), &session);
    } else {
        print_stdout(&format!(
            "smtp_user.{}: the new key from an earlier rotation is in place\n",
            args.user
        ));
    }
    match (&rotation.old_key, &rotation.old_key_fate) {
        (Some(old), OldKey::Deleted) => {
            print_stdout(&format!("Deleted the old access key {old}.\n"));
        }
        (Some(old), OldKey::Kept { last_used }) => {
            print_stdout(&format!(
                "Kept the old access key {old}: IAM saw it used {} ago. Once every app uses the new credentials, run:\n  sesform smtp rotate {} --confirm-old-key-unused\n",
                ago(*last_used),
                args.user
            ));
        }
        _ => {}
    }
    Ok(exit::SUCCESS)
}

fn ago(epoch_seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let seconds = (now - epoch_seconds).max(0);
    match seconds {
        s if s < 3600 => format!("{} minutes", s / 60),
        s if s < 172_800 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}
