//! `sesform export`: turn an existing account into a spec. Reads the region through
//! [`crate::live`] (the reader plan uses, in its read-everything mode): every identity, every
//! configuration set with its event destinations, the SNS topics they publish to (with their
//! subscriptions), IAM users whose inline policies allow sending through SES, and the account
//! settings. Each kind maps its state back to spec ([`crate::resources`], the inverse of
//! `desired`); defaults are left out, so the spec reads like one written by hand, and planning
//! it against the same account shows no changes. This module decides what is exported.

use std::collections::{BTreeMap, BTreeSet};

use crate::aws::{AwsResult, Clients};
use crate::live::{self, Live, ReadOptions, owned_by};
use crate::model::{self, Address, Kind, State};
use crate::resources::{self, smtp_user};
use crate::spec::{self, Spec};

pub struct ExportOptions {
    pub region: String,
    pub stack: Option<String>,
    pub parallelism: usize,
}

/// An exported spec and what was left out, with why.
pub struct Exported {
    pub spec: Spec,
    pub skipped: Vec<String>,
}

pub async fn export(clients: &Clients, options: &ExportOptions) -> AwsResult<Exported> {
    // A spec without `stack` is the `default` stack's, so without `--stack` its resources are
    // the ones to export.
    let stack = options.stack.as_deref().unwrap_or(model::DEFAULT_STACK);
    let tally = live::Tally::default();
    let read = ReadOptions {
        stack,
        parallelism: options.parallelism.max(1),
        account: true,
        user_paths: BTreeSet::new(),
        credential_files: BTreeMap::new(),
        tally: &tally,
        partial: false,
        everything: true,
    };
    let live = live::read(clients, &[], &read).await?;
    let mut out = Exporting {
        live: &live,
        stack,
        spec: resources::empty_spec(&options.region, options.stack.clone()),
        skipped: Vec::new(),
    };
    out.account();
    out.identities();
    out.configuration_sets();
    out.unexported_set_references();
    out.topics();
    out.smtp_users();
    Ok(Exported {
        spec: out.spec,
        skipped: out.skipped,
    })
}

fn of_kind(live: &Live, kind: Kind) -> impl Iterator<Item = &State> {
    live.resources.values().filter(move |s| s.kind() == kind)
}

/// An export in progress: what was read, the spec so far, and what was left out.
struct Exporting<'a> {
    live: &'a Live,
    stack: &'a str,
    spec: Spec,
    skipped: Vec<String>,
}

impl Exporting<'_> {
    /// Tagged by another sesform stack: that stack's to export.
    fn foreign(&self, state: &State) -> bool {
        state
            .tags()
            .is_some_and(|tags| tags.contains_key(model::STACK_TAG) && !owned_by(tags, self.stack))
    }

    fn write<'s>(&mut self, states: impl IntoIterator<Item = &'s State>) {
        resources::export(states, &mut self.spec, &mut self.skipped);
    }

    fn account(&mut self) {
        if let Some(info) = &self.live.account {
            self.write([&State::Account(info.state.clone())]);
        }
    }

    fn identities(&mut self) {
        let live = self.live;
        for identity in of_kind(live, Kind::Identity) {
            if self.foreign(identity) {
                let address = identity.address();
                self.skipped
                    .push(format!("{address}: managed by another sesform stack"));
                continue;
            }
            self.write([identity]);
        }
    }

    /// Each set with its destinations; a destination's topic of this account is named.
    fn configuration_sets(&mut self) {
        let live = self.live;
        for set in live.resources.values() {
            let State::ConfigurationSet(c) = set else {
                continue;
            };
            if self.foreign(set) {
                let address = set.address();
                self.skipped
                    .push(format!("{address}: managed by another sesform stack"));
                continue;
            }
            let destinations = of_kind(live, Kind::EventDestination).filter(
                |d| matches!(d, State::EventDestination(d) if d.configuration_set == c.name),
            );
            let destinations: Vec<&State> = destinations.collect();
            self.write(std::iter::once(set).chain(destinations));
        }
    }

    /// A default configuration set that is not exported (another stack's, or gone) cannot be
    /// referenced: the spec would not validate.
    fn unexported_set_references(&mut self) {
        for (name, identity) in &mut self.spec.identities {
            if let Some(set) = identity
                .configuration_set
                .take_if(|set| !self.spec.configuration_sets.contains_key(set.as_str()))
            {
                self.skipped.push(format!(
                    "identity.{name}.configuration_set: `{set}` is not exported, so the reference is left out (applying this spec would clear the identity's default configuration set; add it back once `{set}` is in this spec)"
                ));
            }
        }
    }

    /// The topics exported destinations publish to, with their subscriptions.
    fn topics(&mut self) {
        let live = self.live;
        let used: BTreeSet<String> = self
            .spec
            .configuration_sets
            .values()
            .flat_map(|set| set.event_destinations.values())
            .filter_map(|d| d.sns_topic.clone())
            .collect();
        for name in live.own_topics.values() {
            if !used.contains(name) {
                continue;
            }
            let Some(topic) = live.resources.get(&Address::sns_topic(name)) else {
                continue;
            };
            let subscriptions = of_kind(live, Kind::SnsSubscription)
                .filter(|s| matches!(s, State::SnsSubscription(s) if &s.topic == name));
            let subscriptions: Vec<&State> = subscriptions.collect();
            self.write(std::iter::once(topic).chain(subscriptions));
        }
        // Destinations may name topics of this account that no longer exist (another
        // account's topics keep their ARN and need no entry).
        for topic in used
            .iter()
            .filter(|t| !t.starts_with("arn:") && !self.spec.sns_topics.contains_key(*t))
        {
            self.skipped.push(format!(
                "sns_topic.{topic}: targeted by an event destination but not found"
            ));
        }
    }

    /// Users that send through SES with sesform's policy alone. sesform expresses a user's
    /// permission only as its own least-privilege policy: a user that sends through others
    /// would plan a change, so it is named, not exported.
    fn smtp_users(&mut self) {
        let live = self.live;
        for user in of_kind(live, Kind::SmtpUser) {
            let State::SmtpUser(u) = user else { continue };
            if self.foreign(user) {
                continue;
            }
            let others = live.other_policies.get(&u.name).into_iter().flatten();
            let senders: Vec<&str> = others
                .filter(|p| p.document.as_deref().and_then(smtp_user::sending).is_some())
                .map(|p| p.label.as_str())
                .collect();
            if senders.is_empty() {
                self.write([user]);
                continue;
            }
            self.skipped.push(format!(
                "smtp_user.{}: sends through SES with its own {}; to manage it, declare it under smtp_users (sesform adds its policy `{}`) and remove those",
                u.name,
                senders.join(", "),
                model::SMTP_POLICY_NAME
            ));
        }
    }
}

/// The spec as YAML, with a header saying where it came from and what was left out.
pub fn to_yaml(exported: &Exported, source: &str) -> String {
    let mut text = String::from("# yaml-language-server: $schema=./sesform.schema.json\n");
    text.push_str(&format!("# Exported by `sesform export` from {source}.\n"));
    text.push_str(
        "# Review it, then `sesform adopt` tags these resources so sesform manages them.\n",
    );
    for skipped in &exported.skipped {
        text.push_str(&format!("# Not exported: {skipped}\n"));
    }
    let mut spec = exported.spec.clone();
    if spec
        .account
        .as_ref()
        .is_some_and(|a| *a == spec::Account::default())
    {
        spec.account = None;
    }
    text.push_str(&serde_yaml::to_string(&spec).expect("spec serializes"));
    text
}
