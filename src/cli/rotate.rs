//! `sesform smtp rotate USER`: finds the user in the spec, rotates its key under the stack's
//! lock, and hands the result to [`crate::render::rotate`].

use std::path::PathBuf;

use clap::Args;

use super::args::AwsArgs;
use super::session::{self, CliResult, Reported, error};
use super::{GlobalArgs, exit, print_stdout};
use crate::credentials::{self, IssueRequest, RotateRequest};
use crate::model::State;
use crate::render;

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
    pub lock: super::args::LockArgs,
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
    session
        .with_lock("smtp rotate", &args.lock, rotate_locked(args, &session))
        .await
}

async fn rotate_locked(args: &RotateArgs, session: &session::Session) -> CliResult<u8> {
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
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    print_stdout(&render::rotate::human(
        &args.user,
        &rotation,
        &session.loaded.spec.region,
        now,
    ));
    Ok(exit::SUCCESS)
}
