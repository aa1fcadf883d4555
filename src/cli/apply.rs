//! `sesform apply` and `sesform destroy`

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::args::{ApplyArgs, DestroyArgs, ForceUnlockArgs};
use super::session::{self, CliResult, Reported, Session, error};
use super::{GlobalArgs, exit, print_stdout, stdout_color};
use crate::apply::{self, Progress};
use crate::credentials::Issued;
use crate::plan::{Action, FORMAT_VERSION, Plan, PlanOptions};
use crate::render;
use crate::render::style::Style;

pub fn run(global: &GlobalArgs, args: &ApplyArgs) -> u8 {
    session::runtime().block_on(async {
        match run_apply(global, args).await {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

/// `sesform adopt`: `apply --adopt`.
pub fn run_adopt(global: &GlobalArgs, args: &ApplyArgs) -> u8 {
    let mut args = args.clone();
    args.change.adopt = true;
    run(global, &args)
}

pub fn run_destroy(global: &GlobalArgs, args: &DestroyArgs) -> u8 {
    session::runtime().block_on(async {
        match destroy(global, args).await {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

async fn run_apply(global: &GlobalArgs, args: &ApplyArgs) -> CliResult<u8> {
    let style = Style::new(stdout_color(global));
    if args.show_secrets && args.output.json() {
        return Err(error(
            "--show-secrets prints new SMTP credentials for a person to copy, and --format json never holds a secret; write them to a dotenv file (`credentials: {dotenv: ...}` in the spec) instead",
        ));
    }
    let saved = match &args.plan {
        Some(path) => Some(read_saved_plan(path)?),
        None => None,
    };
    let spec = match (&saved, &args.spec) {
        // A spec named on the command line wins (a CI job may check out elsewhere); its
        // digest must still match the plan's.
        (_, Some(spec)) => spec.clone(),
        (Some(plan), None) => {
            let spec = PathBuf::from(&plan.spec.path);
            if !spec.exists() {
                return Err(error(format!(
                    "the spec this plan was made from, {}, is not there; name it: sesform apply --plan {} SPEC",
                    spec.display(),
                    args.plan.as_deref().unwrap_or(Path::new("PLAN")).display()
                )));
            }
            spec
        }
        (None, None) => "sesform.yaml".into(),
    };
    let session = session::open(global, &spec, &args.aws).await?;
    // Planned under the lock, so a run that waited for another plans from what that one did.
    let code = session
        .with_lock(
            "apply",
            &args.lock,
            apply_locked(global, args, &session, saved, style),
        )
        .await?;
    if code == exit::SUCCESS
        && let Some(timeout) = args.wait_verified
    {
        // The lock watched for Ctrl-C, so from now on this must.
        tokio::select! {
            waited = super::bootstrap::wait_verified(&session, timeout) => waited?,
            signal = session::interrupted() => {
                return Err(error(format!("{signal} while waiting for verification")));
            }
        }
    }
    Ok(code)
}

async fn apply_locked(
    global: &GlobalArgs,
    args: &ApplyArgs,
    session: &Session,
    saved: Option<Plan>,
    style: Style,
) -> CliResult<u8> {
    let (plan, saved) = match saved {
        Some(plan) => {
            check_saved_plan(session, &plan).await?;
            (plan, true)
        }
        None => {
            let (plan, _) = session.plan(super::plan::options(&args.change)).await?;
            (plan, false)
        }
    };
    let run = Execution {
        command: "apply",
        approved: args.auto_approve || saved,
        show_secrets: args.show_secrets,
        json: args.output.json(),
    };
    execute(global, session, &plan, run, style).await
}

async fn destroy(global: &GlobalArgs, args: &DestroyArgs) -> CliResult<u8> {
    let style = Style::new(stdout_color(global));
    let session = session::open(global, &args.spec, &args.aws).await?;
    session
        .with_lock(
            "destroy",
            &args.lock,
            destroy_locked(global, args, &session, style),
        )
        .await
}

async fn destroy_locked(
    global: &GlobalArgs,
    args: &DestroyArgs,
    session: &Session,
    style: Style,
) -> CliResult<u8> {
    // With nothing desired, everything the stack owns is an orphan to prune.
    let options = PlanOptions {
        prune: true,
        destroy: true,
        ..PlanOptions::default()
    };
    let (plan, _) = session.plan_for(&[], options).await?;
    if !session.quiet && !args.output.json() {
        print_stdout(&render::apply::destroying(&session.stack, &plan.region));
    }
    let run = Execution {
        command: "destroy",
        approved: args.auto_approve,
        show_secrets: false,
        json: args.output.json(),
    };
    execute(global, session, &plan, run, style).await
}

/// How `execute` runs a plan: for which command, and whether it may go without asking.
struct Execution {
    command: &'static str,
    approved: bool,
    show_secrets: bool,
    /// `--format json`: standard output holds only the result document.
    json: bool,
}

/// `sesform force-unlock ID`
pub fn run_force_unlock(global: &GlobalArgs, args: &ForceUnlockArgs) -> u8 {
    session::runtime().block_on(async {
        match force_unlock(global, args).await {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

async fn force_unlock(global: &GlobalArgs, args: &ForceUnlockArgs) -> CliResult<u8> {
    use crate::lock::{self, UnlockError};
    let session = session::open(global, &args.spec, &args.aws).await?;
    let (ssm, stack, region) = (
        &session.clients.ssm,
        &session.stack,
        &session.loaded.spec.region,
    );
    let explain = |e: UnlockError| match e {
        UnlockError::NotLocked => error(format!(
            "stack {stack} in {region} is not locked; nothing to do"
        )),
        UnlockError::OtherId(info) => error(format!(
            "the lock of stack {stack} in {region} is {}, not {}; nothing removed",
            info.describe(),
            args.id
        )),
        UnlockError::Aws(e) => error(e),
    };
    let info = lock::find(ssm, stack, region, &args.id)
        .await
        .map_err(explain)?;
    if !args.force
        && !ask(
            &render::lock::unlock_question(&info),
            "force-unlock cannot ask for confirmation; pass --force",
        )?
    {
        eprintln!("Not removed.");
        return Ok(exit::FAILURE);
    }
    let info = lock::force_unlock(ssm, stack, region, &args.id)
        .await
        .map_err(explain)?;
    print_stdout(&render::lock::removed(&info, stack, region));
    Ok(exit::SUCCESS)
}

async fn execute(
    global: &GlobalArgs,
    session: &Session,
    plan: &Plan,
    run: Execution,
    style: Style,
) -> CliResult<u8> {
    use render::apply::Status;
    let result = |status: Status, report: Option<&apply::Report>, issued: &[Issued]| {
        if run.json {
            print_stdout(&render::apply::json(
                run.command,
                plan,
                status,
                report,
                issued,
            ));
        }
    };
    // `-q` leaves out the plan, except where someone must read it to answer the prompt; its
    // errors still go to standard error. With `--format json` it goes to standard error.
    if run.json {
        if !run.approved || (!plan.errors.is_empty() && !global.quiet) {
            eprint!("{}", render::plan::human(plan, Style::new(false)));
        }
    } else if !global.quiet || !run.approved {
        print_stdout(&render::plan::human(plan, style));
    } else if !plan.errors.is_empty() {
        eprint!("{}", render::plan::human(plan, style));
    }
    if !plan.errors.is_empty() {
        result(Status::PlanErrors, None, &[]);
        return Ok(exit::FAILURE);
    }
    if !plan.has_changes() {
        result(Status::NoChanges, None, &[]);
        return Ok(exit::SUCCESS);
    }
    if !run.approved && !confirm(run.command, run.json)? {
        eprintln!(
            "{} cancelled; nothing was changed.",
            render::apply::capitalized(run.command)
        );
        result(Status::Cancelled, None, &[]);
        return Ok(exit::FAILURE);
    }
    if !run.json {
        print_stdout("\n");
    }
    let mut ctx = apply::context(
        &session.clients,
        plan,
        &session.loaded.base_dir,
        session.parallelism,
    );
    let quiet = global.quiet;
    let display = super::progress::Progress::new(session.progress);
    let total = plan.pending().count();
    // Changes in flight, and how many are over.
    let state = std::sync::Mutex::new((std::collections::BTreeSet::<String>::new(), 0usize));
    let progress = |event: Progress| {
        if quiet {
            return;
        }
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let line = render::apply::progress_line(&event);
        match &event {
            Progress::Started(address, _) => {
                state.0.insert(address.to_string());
            }
            Progress::Finished(address, ..) | Progress::Failed(address, ..) => {
                state.0.remove(address.as_str());
                state.1 += 1;
            }
        }
        if run.json {
            display.suspend(|| eprintln!("{line}"));
        } else {
            display.suspend(|| print_stdout(&format!("{line}\n")));
        }
    };
    let describe = || {
        let state = state.lock().unwrap_or_else(|e| e.into_inner());
        render::progress::applying(
            display.elapsed(),
            state.1,
            total,
            state.0.iter().map(String::as_str),
            &render::progress::pacing(&session.clients.pacers),
        )
    };
    ctx.show_secrets = run.show_secrets;
    let report = display
        .during(apply::apply(plan, &ctx, &progress), describe)
        .await;
    display.finish();
    let issued = ctx.take_issued().await;
    if run.json {
        result(
            if report.succeeded() {
                Status::Applied
            } else {
                Status::Failed
            },
            Some(&report),
            &issued,
        );
        if !report.succeeded() {
            eprintln!(
                "Error: the {} stopped at the first failure; run it again once the cause is fixed (the result on standard output says what was done).",
                run.command
            );
        }
        return Ok(if report.succeeded() {
            exit::SUCCESS
        } else {
            exit::FAILURE
        });
    }
    report_issued(&issued, session);
    if report.succeeded() {
        print_stdout(&render::apply::complete(run.command, &report, style));
        if !global.quiet && !plan.changes.iter().all(|c| c.action == Action::Delete) {
            super::dns::print_after_apply(session, style).await;
        }
        Ok(exit::SUCCESS)
    } else {
        eprint!("{}", render::apply::stopped(&report, style));
        Ok(exit::FAILURE)
    }
}

/// Asks on the terminal; refuses to guess when there is none.
fn confirm(command: &str, json: bool) -> CliResult<bool> {
    let saved_plan = if command == "apply" {
        " (or apply a saved plan with --plan)"
    } else {
        ""
    };
    ask_on(
        json,
        "\nDo you want to perform these actions? Only 'yes' will be accepted: ",
        &format!(
            "standard input is not a terminal, so {command} cannot ask for confirmation; review the plan and pass --auto-approve{saved_plan}"
        ),
    )
}

/// Asks `question` on the terminal: true for `yes`; `no_terminal` is the error without one.
fn ask(question: &str, no_terminal: &str) -> CliResult<bool> {
    ask_on(false, question, no_terminal)
}

/// [`ask`], with the question on standard error when standard output is for a JSON result.
fn ask_on(stderr: bool, question: &str, no_terminal: &str) -> CliResult<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(error(no_terminal));
    }
    if stderr {
        eprint!("{question}");
    } else {
        print!("{question}");
        let _ = std::io::stdout().flush();
    }
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| error(format!("reading the answer: {e}")))?;
    Ok(answer.trim() == "yes")
}

fn read_saved_plan(path: &std::path::Path) -> CliResult<Plan> {
    let file = crate::source::read_text(path).map_err(error)?;
    let value: serde_json::Value = serde_json::from_str(&file.text).map_err(|e| {
        error(format!(
            "{}: not a sesform plan (invalid JSON: {e})",
            path.display()
        ))
    })?;
    if value.get("format_version").and_then(|v| v.as_str()) == Some("1") {
        return Err(error(format!(
            "{}: this plan was made by an older sesform (plan format 1, which does not record the AWS account, so it cannot be checked); make a new plan with `sesform plan --out`",
            path.display()
        )));
    }
    if value.get("format_version").and_then(|v| v.as_str()) != Some(FORMAT_VERSION) {
        return Err(error(format!(
            "{}: plan format {} is not supported (expected {FORMAT_VERSION}); make a new plan",
            path.display(),
            value
                .get("format_version")
                .unwrap_or(&serde_json::Value::Null)
        )));
    }
    serde_json::from_value(value)
        .map_err(|e| error(format!("{}: not a valid sesform plan: {e}", path.display())))
}

/// A saved plan is applied only against the spec and live state it was made from.
async fn check_saved_plan(session: &Session, plan: &Plan) -> CliResult<()> {
    let given = session.spec_ref();
    if given.sha256 != plan.spec.sha256 {
        return Err(error(format!(
            "the spec {} is not the one this plan was made from ({}), or it changed since; run `sesform plan --out` again",
            given.path, plan.spec.path
        )));
    }
    if plan.region != session.loaded.spec.region {
        return Err(error(format!(
            "this plan was made for region {}, but the spec is for {}; nothing was changed",
            plan.region, session.loaded.spec.region
        )));
    }
    let desired = match plan.partial {
        true => session.targeted(&plan.targets)?,
        false => session.desired(),
    };
    let live = session.read_live(&desired, plan.partial).await?;
    if live.account_id != plan.account_id {
        return Err(error(format!(
            "this plan was made for AWS account {}, but the credentials in use are for account {}; nothing was changed (check AWS_PROFILE / --profile, or make a new plan with these credentials)",
            plan.account_id, live.account_id
        )));
    }
    if live.fingerprint() != plan.live_fingerprint {
        return Err(error(
            "stale plan: live AWS state changed since this plan was made, so it may no longer do what it says; run `sesform plan --out` again",
        ));
    }
    // The file is not trusted for what it may touch: plan again and require the same changes.
    let fresh = session.plan_from(&desired, &live, plan.options);
    let problems = crate::plan::recheck::differences(plan, &fresh, &live);
    if !problems.is_empty() {
        return Err(error(format!(
            "the saved plan does not match what sesform plans now from the same spec and live state, so it was edited or made by another version; nothing was changed:\n  {}\nRun `sesform plan --out` again",
            problems.join("\n  ")
        )));
    }
    Ok(())
}

/// Says where new SMTP credentials went; prints them only for `stdout` destinations, which
/// require --show-secrets.
pub fn report_issued(issued: &[crate::credentials::Issued], session: &Session) {
    for key in issued {
        print_stdout(&render::apply::issued(key, &session.loaded.spec.region));
    }
}
