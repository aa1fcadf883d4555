//! `sesform plan`

use super::args::PlanArgs;
use super::session::{self, CliResult, Reported, error};
use super::{GlobalArgs, exit, print_stdout, stdout_color};
use crate::plan::{Plan, PlanOptions};
use crate::render;
use crate::render::style::Style;

pub fn options(change: &super::args::ChangeArgs) -> PlanOptions {
    PlanOptions {
        prune: change.prune,
        adopt: change.adopt,
        resubmit: change.resubmit,
        destroy: false,
        partial: false,
    }
}

pub fn run(global: &GlobalArgs, args: &PlanArgs) -> u8 {
    session::runtime().block_on(async {
        match plan(global, args).await {
            Ok(code) | Err(Reported(code)) => code,
        }
    })
}

async fn plan(global: &GlobalArgs, args: &PlanArgs) -> CliResult<u8> {
    let session = session::open(global, &args.spec, &args.aws).await?;
    let started = std::time::Instant::now();
    let (plan, _) = if args.target.is_empty() {
        session.plan(options(&args.change)).await?
    } else {
        let desired = session.targeted(&args.target)?;
        let options = PlanOptions {
            partial: true,
            ..options(&args.change)
        };
        let (mut plan, live) = session.plan_for(&desired, options).await?;
        plan.targets = args.target.clone();
        (plan, live)
    };
    if global.verbose > 0 {
        eprint!("{}", session.call_report(started.elapsed()));
    }
    if let Some(path) = &args.out {
        save(&plan, path)?;
    }
    if args.output.json() {
        print_stdout(&format!("{}\n", render::plan::json(&plan)));
    } else {
        print_stdout(&render::plan::human(
            &plan,
            Style::new(stdout_color(global)),
        ));
        if let Some(path) = &args.out {
            print_stdout(&render::plan::saved(path));
        }
    }
    Ok(if !plan.errors.is_empty() {
        exit::FAILURE
    } else if args.detailed_exitcode && plan.has_changes() {
        exit::ERROR_OR_CHANGES
    } else {
        exit::SUCCESS
    })
}

fn save(plan: &Plan, path: &std::path::Path) -> CliResult<()> {
    let text = render::plan::json(plan) + "\n";
    // Write then rename, so a half-written plan file never exists.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| error(format!("writing the plan to {}: {e}", path.display())))
}
