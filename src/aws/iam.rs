//! IAM: the users whose access keys become SMTP credentials, and their inline send policy;
//! for `lint --online`, who owns an access key and which policies reach that user.

use std::sync::Arc;

use aws_sdk_iam as iam;
use iam::types::Tag;

use super::{AwsError, AwsResult, CallCounter, ErrorKind, Found, Meter, Pacer};
use crate::model::Tags;
use crate::model::canonical_json;
use crate::secret::Secret;

const SERVICE: &str = "iam";

#[derive(Clone)]
pub struct Iam {
    client: iam::Client,
    meter: Meter,
    /// Attempts [`crate::credentials::issue`] makes at CreateAccessKey (`--max-attempts`).
    pub create_attempts: u32,
}

/// A managed policy attached to a user or group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

/// A policy document as IAM returns it, as canonical JSON. IAM documents the document as
/// URL-encoded (RFC 3986), but some answers (and emulators) carry plain JSON, which decoding
/// would corrupt where a value holds a `%`: plain JSON is taken as it is.
fn policy_json(raw: &str, operation: &str, resource: &str) -> AwsResult<String> {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(raw) {
        return Ok(canonical_json(&value));
    }
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let value: serde_json::Value = serde_json::from_str(&decoded).map_err(|e| AwsError {
        kind: ErrorKind::Other,
        operation: operation.into(),
        resource: resource.into(),
        message: format!("policy document is not JSON: {e}"),
    })?;
    Ok(canonical_json(&value))
}

/// `Ok(None)` for NotFound, the error otherwise.
fn none_if_not_found<T>(e: AwsError) -> AwsResult<Option<T>> {
    if e.kind == ErrorKind::NotFound {
        Ok(None)
    } else {
        Err(e)
    }
}

/// An access key as ListAccessKeys reports it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub id: String,
    pub active: bool,
    /// CreateDate, seconds since the epoch.
    pub created: Option<i64>,
}

/// A failed CreateAccessKey.
#[derive(Debug, Clone)]
pub struct CreateKeyError {
    pub error: AwsError,
    /// No answer, or a server error or throttling: IAM may have made a key, and another
    /// attempt may succeed. False when IAM refused the request.
    pub answer_lost: bool,
}

/// A user as GetUser reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveUser {
    pub name: String,
    pub path: String,
    pub arn: String,
    pub tags: Tags,
}

impl Iam {
    pub fn new(
        config: &aws_config::SdkConfig,
        pacer: Arc<Pacer>,
        counter: Arc<CallCounter>,
    ) -> Iam {
        Iam {
            client: iam::Client::from_conf(
                iam::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new("iam", Some(pacer.clone())))
                    .build(),
            ),
            meter: Meter::new(SERVICE, pacer, counter),
            create_attempts: 3,
        }
    }

    pub fn with_create_attempts(self, attempts: u32) -> Iam {
        Iam {
            create_attempts: attempts,
            ..self
        }
    }

    /// GetUser, which includes the user's tags.
    pub async fn get_user(&self, name: &str) -> AwsResult<Option<LiveUser>> {
        match self
            .meter
            .send(
                "GetUser",
                name,
                self.client.get_user().user_name(name).send(),
            )
            .await
        {
            Ok(out) => Ok(out.user().map(|u| LiveUser {
                name: u.user_name().to_string(),
                path: u.path().to_string(),
                arn: u.arn().to_string(),
                tags: tags_of(u.tags()),
            })),
            Err(e) => none_if_not_found(e),
        }
    }

    /// Names of the users under a path prefix (ListUsers, paginated).
    pub async fn list_users(&self, path_prefix: &str) -> AwsResult<Vec<String>> {
        let mut names = Vec::new();
        let mut pages = self
            .client
            .list_users()
            .path_prefix(path_prefix)
            .into_paginator()
            .send();
        // Paced page by page: the paginator sends the next request only when polled.
        loop {
            let Some(page) = self
                .meter
                .page("ListUsers", path_prefix, pages.next())
                .await?
            else {
                return Ok(names);
            };
            names.extend(page.users().iter().map(|u| u.user_name().to_string()));
            if !page.is_truncated() || page.marker().is_none() {
                return Ok(names);
            }
        }
    }

    /// The inline policy `policy_name` as canonical JSON, if the user has it.
    pub async fn get_user_policy(
        &self,
        user: &str,
        policy_name: &str,
    ) -> AwsResult<Option<String>> {
        match self
            .meter
            .send(
                "GetUserPolicy",
                user,
                self.client
                    .get_user_policy()
                    .user_name(user)
                    .policy_name(policy_name)
                    .send(),
            )
            .await
        {
            Ok(out) => policy_json(out.policy_document(), "GetUserPolicy", user).map(Some),
            Err(e) => none_if_not_found(e),
        }
    }

    /// Names of the user's inline policies.
    pub async fn list_user_policies(&self, user: &str) -> AwsResult<Vec<String>> {
        let out = self
            .meter
            .send(
                "ListUserPolicies",
                user,
                self.client.list_user_policies().user_name(user).send(),
            )
            .await?;
        Ok(out.policy_names().to_vec())
    }

    /// The managed policies attached to the user.
    pub async fn list_attached_user_policies(&self, user: &str) -> AwsResult<Vec<AttachedPolicy>> {
        let out = self
            .meter
            .send(
                "ListAttachedUserPolicies",
                user,
                self.client
                    .list_attached_user_policies()
                    .user_name(user)
                    .send(),
            )
            .await?;
        Ok(attached(out.attached_policies()))
    }

    /// Names of the groups the user is in.
    pub async fn list_groups_for_user(&self, user: &str) -> AwsResult<Vec<String>> {
        let out = self
            .meter
            .send(
                "ListGroupsForUser",
                user,
                self.client.list_groups_for_user().user_name(user).send(),
            )
            .await?;
        Ok(out
            .groups()
            .iter()
            .map(|g| g.group_name().to_string())
            .collect())
    }

    /// Names of the group's inline policies.
    pub async fn list_group_policies(&self, group: &str) -> AwsResult<Vec<String>> {
        let out = self
            .meter
            .send(
                "ListGroupPolicies",
                group,
                self.client.list_group_policies().group_name(group).send(),
            )
            .await?;
        Ok(out.policy_names().to_vec())
    }

    /// The group's inline policy `policy_name` as canonical JSON, if it exists.
    pub async fn get_group_policy(
        &self,
        group: &str,
        policy_name: &str,
    ) -> AwsResult<Option<String>> {
        match self
            .meter
            .send(
                "GetGroupPolicy",
                group,
                self.client
                    .get_group_policy()
                    .group_name(group)
                    .policy_name(policy_name)
                    .send(),
            )
            .await
        {
            Ok(out) => policy_json(out.policy_document(), "GetGroupPolicy", group).map(Some),
            Err(e) => none_if_not_found(e),
        }
    }

    /// The managed policies attached to the group.
    pub async fn list_attached_group_policies(
        &self,
        group: &str,
    ) -> AwsResult<Vec<AttachedPolicy>> {
        let out = self
            .meter
            .send(
                "ListAttachedGroupPolicies",
                group,
                self.client
                    .list_attached_group_policies()
                    .group_name(group)
                    .send(),
            )
            .await?;
        Ok(attached(out.attached_policies()))
    }

    /// The default version of a managed policy as canonical JSON (GetPolicy, then
    /// GetPolicyVersion); `None` when the policy does not exist.
    pub async fn managed_policy_document(&self, arn: &str) -> AwsResult<Option<String>> {
        let policy = match self
            .meter
            .send(
                "GetPolicy",
                arn,
                self.client.get_policy().policy_arn(arn).send(),
            )
            .await
        {
            Ok(out) => out,
            Err(e) => {
                return none_if_not_found(e);
            }
        };
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
            return Ok(None);
        };
        match self
            .meter
            .send(
                "GetPolicyVersion",
                arn,
                self.client
                    .get_policy_version()
                    .policy_arn(arn)
                    .version_id(version)
                    .send(),
            )
            .await
        {
            Ok(out) => match out.policy_version().and_then(|v| v.document()) {
                Some(doc) => policy_json(doc, "GetPolicyVersion", arn).map(Some),
                None => Ok(None),
            },
            Err(e) => none_if_not_found(e),
        }
    }

    pub async fn create_user(&self, name: &str, path: &str, tags: &Tags) -> AwsResult<()> {
        self.meter
            .send(
                "CreateUser",
                name,
                self.client
                    .create_user()
                    .user_name(name)
                    .path(path)
                    .set_tags(Some(sdk_tags(tags)))
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn set_path(&self, name: &str, path: &str) -> AwsResult<()> {
        self.meter
            .send(
                "UpdateUser",
                name,
                self.client
                    .update_user()
                    .user_name(name)
                    .new_path(path)
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn retag(&self, name: &str, before: &Tags, after: &Tags) -> AwsResult<()> {
        super::retag(
            before,
            after,
            |keys| async move {
                let request = self
                    .client
                    .untag_user()
                    .user_name(name)
                    .set_tag_keys(Some(keys))
                    .send();
                self.meter
                    .send("UntagUser", name, request)
                    .await
                    .map(|_| ())
            },
            |tags| async move {
                let request = self
                    .client
                    .tag_user()
                    .user_name(name)
                    .set_tags(Some(sdk_tags(&tags)))
                    .send();
                self.meter.send("TagUser", name, request).await.map(|_| ())
            },
        )
        .await
    }

    pub async fn put_user_policy(
        &self,
        user: &str,
        policy_name: &str,
        document: &str,
    ) -> AwsResult<()> {
        self.meter
            .send(
                "PutUserPolicy",
                user,
                self.client
                    .put_user_policy()
                    .user_name(user)
                    .policy_name(policy_name)
                    .policy_document(document)
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn delete_user_policy(&self, user: &str, policy_name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteUserPolicy",
                user,
                self.client
                    .delete_user_policy()
                    .user_name(user)
                    .policy_name(policy_name)
                    .send(),
            )
            .await
            .gone()
    }

    /// A user's access keys with their status and creation time.
    pub async fn list_access_keys(&self, user: &str) -> AwsResult<Vec<AccessKey>> {
        let out = self
            .meter
            .send(
                "ListAccessKeys",
                user,
                self.client.list_access_keys().user_name(user).send(),
            )
            .await?;
        Ok(out
            .access_key_metadata()
            .iter()
            .map(|k| AccessKey {
                id: k.access_key_id().unwrap_or_default().to_string(),
                active: k
                    .status()
                    .is_none_or(|s| *s == iam::types::StatusType::Active),
                created: k.create_date().map(|d| d.secs()),
            })
            .collect())
    }

    /// Creates an access key; the secret exists only in the returned value. One attempt, with
    /// the SDK's automatic retry off: a retry after a lost answer would make a second key whose
    /// secret nobody has. The caller retries, after looking at the user's keys.
    pub async fn create_access_key(&self, user: &str) -> Result<(String, Secret), CreateKeyError> {
        let once = iam::config::Builder::default()
            .retry_config(aws_config::retry::RetryConfig::disabled());
        // The raw SDK error tells whether IAM answered: paced and counted here, not sent
        // through `Meter::send`.
        self.meter.call("CreateAccessKey").await;
        let out = match self
            .client
            .create_access_key()
            .user_name(user)
            .customize()
            .config_override(once)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) => {
                // Refused by IAM (4xx but throttling): no key was made, and trying again is
                // pointless. Anything else may have made a key.
                let answer_lost = match &e {
                    iam::error::SdkError::ConstructionFailure(_) => false,
                    iam::error::SdkError::ServiceError(service) => {
                        let status = service.raw().status().as_u16();
                        status >= 500 || status == 429
                    }
                    _ => true,
                };
                let error = AwsError::from_sdk("CreateAccessKey", user, &e.into_service_error());
                let answer_lost = answer_lost || error.kind == ErrorKind::Throttled;
                return Err(CreateKeyError { error, answer_lost });
            }
        };
        let key = out.access_key().ok_or_else(|| CreateKeyError {
            error: AwsError {
                kind: ErrorKind::Other,
                operation: "CreateAccessKey".into(),
                resource: user.into(),
                message: "IAM returned no access key".into(),
            },
            answer_lost: true,
        })?;
        Ok((
            key.access_key_id().to_string(),
            Secret::new(key.secret_access_key()),
        ))
    }

    /// When the key was last used (seconds since the epoch), if ever.
    pub async fn access_key_last_used(&self, key_id: &str) -> AwsResult<Option<i64>> {
        let out = self.get_access_key_last_used(key_id).await?;
        Ok(out
            .access_key_last_used()
            .and_then(|u| u.last_used_date())
            .map(|d| d.secs()))
    }

    /// The user that owns an access key (GetAccessKeyLastUsed answers with its UserName);
    /// `None` when the key does not exist in this account.
    pub async fn access_key_owner(&self, key_id: &str) -> AwsResult<Option<String>> {
        match self.get_access_key_last_used(key_id).await {
            Ok(out) => Ok(out.user_name().map(str::to_string)),
            Err(e) => none_if_not_found(e),
        }
    }

    async fn get_access_key_last_used(
        &self,
        key_id: &str,
    ) -> AwsResult<iam::operation::get_access_key_last_used::GetAccessKeyLastUsedOutput> {
        self.meter
            .send(
                "GetAccessKeyLastUsed",
                key_id,
                self.client
                    .get_access_key_last_used()
                    .access_key_id(key_id)
                    .send(),
            )
            .await
    }

    pub async fn delete_access_key(&self, user: &str, key_id: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteAccessKey",
                user,
                self.client
                    .delete_access_key()
                    .user_name(user)
                    .access_key_id(key_id)
                    .send(),
            )
            .await
            .gone()
    }

    /// Deletes a user with what IAM requires gone first: its inline policy and access keys.
    pub async fn delete_user(&self, name: &str, policy_name: &str) -> AwsResult<()> {
        for key in self.list_access_keys(name).await.or_else(not_found_empty)? {
            self.delete_access_key(name, &key.id).await?;
        }
        self.delete_user_policy(name, policy_name).await?;
        self.meter
            .send(
                "DeleteUser",
                name,
                self.client.delete_user().user_name(name).send(),
            )
            .await
            .gone()
    }
}

fn not_found_empty<T: Default>(e: AwsError) -> AwsResult<T> {
    if e.kind == ErrorKind::NotFound {
        Ok(T::default())
    } else {
        Err(e)
    }
}

fn attached(policies: &[iam::types::AttachedPolicy]) -> Vec<AttachedPolicy> {
    policies
        .iter()
        .filter_map(|p| {
            Some(AttachedPolicy {
                name: p.policy_name()?.to_string(),
                arn: p.policy_arn()?.to_string(),
            })
        })
        .collect()
}

fn tags_of(tags: &[Tag]) -> Tags {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn sdk_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_are_read_url_encoded_or_plain() {
        let plain = r#"{"Statement":[{"Resource":"arn:aws:ses:eu-west-1:1:identity/100%25.example"}],"Version":"2012-10-17"}"#;
        // Plain JSON is taken as it is: decoding would turn `%25` into `%`.
        assert_eq!(policy_json(plain, "GetUserPolicy", "u").unwrap(), plain);
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(
            policy_json(encoded, "GetUserPolicy", "u").unwrap(),
            r#"{"Statement":[],"Version":"2012-10-17"}"#
        );
        assert!(policy_json("not json", "GetUserPolicy", "u").is_err());
    }
}
