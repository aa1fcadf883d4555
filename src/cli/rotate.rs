//! `sesform smtp rotate USER`

use std::path::PathBuf;

use clap::Args;

use super::args::AwsArgs;
use super::session::{self, CliResult, Reported, error};
use super::{GlobalArgs, exit, print_stdout};
use crate::credentials::{self, Activity, IssueRequest, OldKey, RotateRequest};
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
    let mut text = String::new();
    if let Some(recovery) = &rotation.recovery {
        for key in &recovery.deleted {
            text.push_str(&format!(
                "smtp_user.{}: deleted access key {key}, which an interrupted earlier run created but never wrote out\n",
                args.user
            ));
        }
        if let Some(key) = &recovery.adopted {
            text.push_str(&format!(
                "smtp_user.{}: an interrupted earlier rotation had written access key {key} to the credentials file; it is now the recorded key\n",
                args.user
            ));
        }
    }
    if let Some(room) = &rotation.made_room {
        text.push_str(&format!(
            "Deleted access key {room} to make room for the new one (IAM allows two per user).\n"
        ));
    }
    print_stdout(&text);
    if let Some(issued) = &rotation.issued {
        super::apply::report_issued(std::slice::from_ref(issued), session);
    } else if let Some(key) = &rotation.in_place {
        print_stdout(&format!(
            "smtp_user.{}: access key {key} from an earlier rotation is recorded and its credentials are in place; no new key issued\n",
            args.user
        ));
    }
    match (&rotation.old_key, &rotation.old_key_fate) {
        (Some(old), OldKey::Deleted) => {
            print_stdout(&format!("Deleted the old access key {old}.\n"));
        }
        (Some(old), OldKey::Kept(activity)) => {
            let why = match activity {
                Some(Activity::Used(at)) => format!("IAM saw it used {} ago", ago(*at)),
                Some(Activity::Created(at)) => format!(
                    "it was created {} ago and IAM has no record of its use yet (IAM's last-used data can lag by hours)",
                    ago(*at)
                ),
                None => "IAM gives neither its last use nor its creation date".into(),
            };
            print_stdout(&format!(
                "Kept the old access key {old}: {why}. Once every app uses the new credentials, run:\n  sesform smtp rotate {} --confirm-old-key-unused\n",
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
    let (count, unit) = match seconds {
        s if s < 3600 => (s / 60, "minute"),
        s if s < 172_800 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}
