//! Views of a `why` diagnosis: numbered steps with their evidence and next action, the
//! verdict last; or one JSON document (docs/events.md).

use crate::render::style::Style;
use crate::why::{Diagnosis, Outcome, Status};

pub fn human(diagnosis: &Diagnosis, color: bool) -> String {
    let style = Style::new(color);
    let q = &diagnosis.question;
    let mut out = format!(
        "{} {} ({}, events of the last {} in {})\n\n",
        style.bold("Why mail to"),
        style.bold(&q.recipient),
        q.region,
        q.since,
        q.log_group
    );
    for (n, step) in diagnosis.steps.iter().enumerate() {
        let mark = match step.status {
            Status::Ok => style.green("ok     "),
            Status::Problem => style.red("PROBLEM"),
            Status::Warning => style.yellow("warning"),
            Status::Skipped => style.dim("skipped"),
        };
        let title = match step.check {
            "account" => "Account",
            "sender" => "Sender",
            "configuration_set" => "Configuration set",
            "suppression" => "Suppression list",
            _ => "Event history",
        };
        out.push_str(&format!(
            "{}. {title:<18} {mark}  {}\n",
            n + 1,
            step.summary
        ));
        for line in &step.evidence {
            out.push_str(&format!("   {}\n", style.dim(line)));
        }
        if let Some(next) = &step.next {
            let mut lines = next.lines();
            if let Some(first) = lines.next() {
                out.push_str(&format!("   next: {first}\n"));
            }
            for line in lines {
                out.push_str(&format!("         {line}\n"));
            }
        }
    }
    let verdict = &diagnosis.verdict;
    let sentence = match verdict.outcome {
        Outcome::Delivered => style.green_bold(&verdict.sentence),
        Outcome::NotDelivered => style.red(&verdict.sentence),
        Outcome::NoRecord => style.yellow(&verdict.sentence),
    };
    out.push_str(&format!("\n{} {sentence}\n", style.bold("Verdict:")));
    out
}

pub fn json(diagnosis: &Diagnosis) -> String {
    serde_json::to_string_pretty(diagnosis).expect("a diagnosis serializes")
}
