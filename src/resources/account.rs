//! The account's SES settings in the region: a singleton that always exists, of which only
//! the keys the spec sets are managed. Production access follows the review state rather than
//! a plain diff (see [`before`]).

use std::collections::BTreeSet;

use super::{KindDef, Remark, Step, enum_from, nothing_to_prepare, nothing_to_reconcile, typed};
use crate::aws::{AwsError, AwsResult, ErrorKind};
use crate::live::Live;
use crate::model::*;
use crate::resources::Context;
use crate::spec::{self, Spec};

pub const DEF: KindDef = KindDef {
    kind: Kind::Account,
    title: "Account",
    desired,
    references: super::no_references,
    ignored_in_diff: &[],
    prepare: nothing_to_prepare,
    reconcile: nothing_to_reconcile,
    apply: |step, ctx| Box::pin(apply(step, ctx)),
    export,
};

fn desired(spec: &Spec, out: &mut Vec<State>) {
    let Some(account) = &spec.account else {
        return;
    };
    out.push(State::Account(AccountState {
        sending_enabled: account.sending_enabled,
        suppression: account.suppression.as_deref().map(reasons),
        production_access: account
            .production_access
            .as_ref()
            .map(|p| ProductionAccessState {
                mail_type: typed(&p.mail_type),
                website_url: p.website_url.clone(),
                use_case: p.use_case.clone(),
                contact_language: p.contact_language.map(|l| typed(&l)),
                additional_contacts: p.additional_contacts.clone(),
            }),
    }));
}

/// Suppression reasons as the model holds them (`BOUNCE`).
pub(super) fn reasons(list: &[spec::SuppressionReason]) -> BTreeSet<SuppressionReason> {
    list.iter().map(typed).collect()
}

/// The spec's suppression reasons; reasons the spec does not know are left out.
pub(super) fn spec_reasons(set: &BTreeSet<SuppressionReason>) -> Vec<spec::SuppressionReason> {
    set.iter().filter_map(|r| enum_from(r.as_str())).collect()
}

/// Defaults (sending on) are left out, so an exported spec reads like one written by hand.
fn export(state: &State, spec: &mut Spec, _skipped: &mut Vec<String>) {
    let State::Account(account) = state else {
        return;
    };
    spec.account = Some(spec::Account {
        sending_enabled: account.sending_enabled.filter(|enabled| !enabled),
        suppression: account.suppression.as_ref().map(spec_reasons),
        production_access: account
            .production_access
            .as_ref()
            .map(|p| spec::ProductionAccess {
                mail_type: if p.mail_type == MailType::Marketing {
                    spec::MailType::Marketing
                } else {
                    spec::MailType::Transactional
                },
                website_url: p.website_url.clone(),
                use_case: p.use_case.clone(),
                contact_language: p.contact_language.as_ref().map(|l| {
                    if *l == ContactLanguage::Ja {
                        spec::ContactLanguage::Ja
                    } else {
                        spec::ContactLanguage::En
                    }
                }),
                additional_contacts: p.additional_contacts.clone(),
            }),
    });
}

/// The live side of the account as the plan compares it: only the settings the spec names,
/// and production access as "nothing to submit" (equal to the request) unless a request is due.
/// `None` when the account was not read.
pub fn before(
    desired: &AccountState,
    live: &Live,
    resubmit: bool,
) -> Option<(AccountState, Vec<Remark>)> {
    let info = live.account.as_ref()?;
    let mut remarks = Vec::new();
    let mut before = AccountState {
        sending_enabled: desired.sending_enabled.and(info.state.sending_enabled),
        suppression: desired
            .suppression
            .as_ref()
            .and(info.state.suppression.clone()),
        production_access: None,
    };
    if let Some(request) = &desired.production_access {
        let case = info
            .case_id
            .as_deref()
            .map(|c| format!(" (case {c})"))
            .unwrap_or_default();
        // Comparing equal means "nothing to submit".
        let nothing_to_submit = Some(request.clone());
        before.production_access = match info.sandbox {
            SandboxStatus::Granted => {
                remarks.push(Remark::Note(
                    "production access is granted: the account is out of the sandbox".into(),
                ));
                nothing_to_submit
            }
            SandboxStatus::Pending => {
                remarks.push(Remark::Note(format!(
                    "production access review is pending{case}; not resubmitted"
                )));
                nothing_to_submit
            }
            SandboxStatus::Denied if !resubmit => {
                remarks.push(Remark::Warning(format!("production access was denied{case}; AWS answers a new request after a denial with a conflict, so reply on the support case in the AWS Support Center; `--resubmit` submits again anyway")));
                nothing_to_submit
            }
            SandboxStatus::Denied | SandboxStatus::Sandboxed => {
                remarks.push(Remark::Note("the account is in the SES sandbox: only verified recipients, 200 messages a day; apply requests production access".into()));
                None
            }
        };
    }
    Some((before, remarks))
}

async fn apply(step: &Step<'_>, ctx: &Context<'_>) -> AwsResult<()> {
    let Some(State::Account(after)) = step.after else {
        return Err(step.mismatch());
    };
    let before = match step.before {
        Some(State::Account(b)) => b.clone(),
        _ => AccountState::default(),
    };
    let ses = &ctx.clients.ses;
    if let Some(enabled) = after.sending_enabled
        && before.sending_enabled != Some(enabled)
    {
        ses.put_account_sending(enabled).await?;
    }
    if let Some(reasons) = &after.suppression
        && before.suppression.as_ref() != Some(reasons)
    {
        ses.put_account_suppression(reasons).await?;
    }
    if let Some(request) = &after.production_access
        && before.production_access.as_ref() != Some(request)
        && let Err(e) = ses.put_account_details(request).await
    {
        if e.kind != ErrorKind::Conflict {
            return Err(e);
        }
        // Which case to answer: one more read, only on this error.
        let case = match ses.get_account().await.ok().and_then(|a| a.case_id) {
            Some(id) => format!("support case {id}"),
            None => "support case of the review".into(),
        };
        return Err(AwsError {
            message: format!(
                "{}; AWS takes no new production access request while a review is pending or after a denial: reply on the {case} in the AWS Support Center (https://console.aws.amazon.com/support/home) to ask for a new review",
                e.message
            ),
            ..e
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn export_is_the_inverse_of_desired() {
        super::super::tests::round_trip(
            "version: 1
region: eu-west-1
account:
  sending_enabled: false
  suppression: [BOUNCE, COMPLAINT]
  production_access:
    mail_type: MARKETING
    website_url: https://example.com
    use_case: newsletters with double opt-in
    contact_language: JA
    additional_contacts: [ops@example.com]
",
            "version: 1
region: eu-west-1
account:
  sending_enabled: false
  suppression: []
  production_access:
    mail_type: TRANSACTIONAL
    website_url: https://example.com
",
        );
    }
}
