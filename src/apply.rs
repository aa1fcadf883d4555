//! Executes a plan: changes run as soon as what they depend on is done, up to `parallelism` at
//! a time. On the first failure no new change starts; those in flight finish, and the report
//! says exactly what was done, what failed and what never started. Every step is idempotent
//! against what a re-plan would find, so running again after any interruption converges.

use std::path::Path;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::aws::{AwsResult, Clients};
use crate::model::*;
use crate::plan::{Action, Change, Plan, order};
pub use crate::resources::Context;
use crate::resources::{self, Step};

/// What happened to one change.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done(Duration),
    Failed(String),
    NotStarted,
}

#[derive(Debug, Clone)]
pub struct Report {
    /// Every pending change of the plan, in plan order, with its outcome.
    pub results: Vec<(Address, Action, Outcome)>,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        self.results
            .iter()
            .all(|(_, _, o)| matches!(o, Outcome::Done(_)))
    }
}

/// Progress, reported as it happens; the CLI decides how to show it.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    Started(&'a Address, Action),
    Finished(&'a Address, Action, Duration),
    Failed(&'a Address, Action, &'a str),
}

/// The context an apply of `plan` runs in: the plan's topic ARNs are known from the start.
pub fn context<'a>(
    clients: &'a Clients,
    plan: &'a Plan,
    base_dir: &Path,
    parallelism: usize,
) -> Context<'a> {
    let topic_arns = plan
        .changes
        .iter()
        .filter(|c| c.kind == Kind::SnsTopic)
        .filter_map(|c| Some((&c.address, c.arn.as_deref()?)));
    Context::new(clients, &plan.region, topic_arns, base_dir, parallelism)
}

/// Applies the pending changes of `plan`.
pub async fn apply(plan: &Plan, ctx: &Context<'_>, progress: &(dyn Fn(Progress) + Sync)) -> Report {
    let changes: Vec<&Change> = plan.pending().collect();
    let owned: Vec<Change> = changes.iter().map(|c| (*c).clone()).collect();
    let deps = order::dependencies(&owned);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; changes.len()];
    let mut started = vec![false; changes.len()];
    let mut stop = false;
    let mut running = FuturesUnordered::new();

    loop {
        if !stop {
            for i in 0..changes.len() {
                if running.len() >= ctx.parallelism {
                    break;
                }
                let ready = !started[i]
                    && deps[i]
                        .iter()
                        .all(|&d| matches!(outcomes[d], Some(Outcome::Done(_))));
                if ready {
                    started[i] = true;
                    let change = changes[i];
                    progress(Progress::Started(&change.address, change.action));
                    running.push(async move {
                        let start = Instant::now();
                        (i, execute(change, ctx).await, start.elapsed())
                    });
                }
            }
        }
        let Some((i, result, elapsed)) = running.next().await else {
            break;
        };
        let change = changes[i];
        outcomes[i] = Some(match result {
            Ok(()) => {
                progress(Progress::Finished(&change.address, change.action, elapsed));
                Outcome::Done(elapsed)
            }
            Err(e) => {
                let message = e.to_string();
                progress(Progress::Failed(&change.address, change.action, &message));
                stop = true;
                Outcome::Failed(message)
            }
        });
    }
    Report {
        results: changes
            .iter()
            .zip(outcomes)
            .map(|(c, o)| {
                (
                    c.address.clone(),
                    c.action,
                    o.unwrap_or(Outcome::NotStarted),
                )
            })
            .collect(),
    }
}

/// Runs one change through its kind's steps; a replace is a delete, then a create, so a
/// re-run after a failure in between plans a plain create.
async fn execute(change: &Change, ctx: &Context<'_>) -> AwsResult<()> {
    let run = resources::def(change.kind).apply;
    let step = |action| Step {
        address: &change.address,
        action,
        before: change.before.as_ref(),
        after: change.after.as_ref(),
        arn: change.arn.as_deref(),
    };
    if change.action == Action::Replace {
        let delete = Step {
            after: None,
            ..step(Action::Delete)
        };
        run(&delete, ctx).await?;
        let create = Step {
            before: None,
            ..step(Action::Create)
        };
        return run(&create, ctx).await;
    }
    run(&step(change.action), ctx).await
}
