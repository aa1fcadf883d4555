//! SESv2: identities, configuration sets, event destinations, account settings.

use std::collections::BTreeSet;
use std::sync::Arc;

use aws_sdk_sesv2 as ses;
use ses::types::{
    BehaviorOnMxFailure, CloudWatchDestination, CloudWatchDimensionConfiguration, ContactLanguage,
    DeliveryOptions, DimensionValueSource, DkimSigningAttributes, DkimSigningKeyLength,
    EventBridgeDestination, EventDestinationDefinition, EventType, HttpsPolicy,
    KinesisFirehoseDestination, MailType, SnsDestination, SuppressionListReason,
    SuppressionOptions, Tag, TlsPolicy, TrackingOptions,
};

use super::{AwsError, AwsResult, CallCounter, ErrorKind, Found, Meter, Pacer};
use crate::model::{self, *};

const SERVICE: &str = "sesv2";

#[derive(Clone)]
pub struct Ses {
    client: ses::Client,
    meter: Meter,
}

/// What GetEmailIdentity says beyond the managed state: verification and DNS.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IdentityStatus {
    pub verification_status: String,
    pub verified_for_sending: bool,
    pub dkim_status: Option<String>,
    pub dkim_tokens: Vec<String>,
    /// The DKIM signing host SES names (`dkim.amazonses.com` in most regions).
    pub signing_hosted_zone: Option<String>,
    pub mail_from_status: Option<String>,
}

/// GetAccount, in sesform's terms.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AccountInfo {
    /// Every account setting sesform can manage, as it is now.
    pub state: AccountState,
    pub sandbox: SandboxStatus,
    pub case_id: Option<String>,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
    pub sent_last_24_hours: f64,
    pub enforcement_status: Option<String>,
}

impl Ses {
    pub fn new(
        config: &aws_config::SdkConfig,
        pacer: Arc<Pacer>,
        counter: Arc<CallCounter>,
    ) -> Ses {
        Ses {
            client: ses::Client::from_conf(
                ses::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new("sesv2", Some(pacer.clone())))
                    .build(),
            ),
            meter: Meter::new(SERVICE, pacer, counter),
        }
    }

    /// Every identity name in the region (ListEmailIdentities, 1,000 per page).
    pub async fn list_identities(&self) -> AwsResult<Vec<String>> {
        Ok(self
            .list_identities_with_status()
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect())
    }

    /// Every identity with whether it may send (verified), from the list alone.
    pub async fn list_identities_with_status(&self) -> AwsResult<Vec<(String, bool)>> {
        let mut names = Vec::new();
        let mut pages = self
            .client
            .list_email_identities()
            .page_size(1000)
            .into_paginator()
            .send();
        // Paced page by page: the paginator sends the next request only when polled.
        loop {
            let Some(page) = self
                .meter
                .page("ListEmailIdentities", "", pages.next())
                .await?
            else {
                return Ok(names);
            };
            names.extend(page.email_identities().iter().filter_map(|i| {
                let verified = i.sending_enabled()
                    && i.verification_status()
                        .is_none_or(|v| v.as_str() == "SUCCESS");
                i.identity_name().map(|n| (n.to_string(), verified))
            }));
            if page.next_token().is_none() {
                return Ok(names);
            }
        }
    }

    pub async fn get_identity(
        &self,
        name: &str,
    ) -> AwsResult<Option<(IdentityState, IdentityStatus)>> {
        let Some(out) = self
            .meter
            .send(
                "GetEmailIdentity",
                name,
                self.client.get_email_identity().email_identity(name).send(),
            )
            .await
            .found()?
        else {
            return Ok(None);
        };
        let is_domain = out.identity_type().is_some_and(|t| t.as_str() == "DOMAIN");
        let dkim_attributes = out.dkim_attributes();
        let dkim = is_domain.then(|| dkim_state(dkim_attributes));
        // AWS answers "no custom MAIL FROM" as no structure, as only `BehaviorOnMxFailure`, or as
        // all three members with an empty domain: all mean the same.
        let custom_mail_from = out
            .mail_from_attributes()
            .filter(|m| !m.mail_from_domain().is_empty());
        let mail_from = custom_mail_from.map(|m| MailFromState {
            domain: m.mail_from_domain().to_string(),
            on_mx_failure: enum_value(m.behavior_on_mx_failure().as_str())
                .map_or(MxFailure::UseDefaultValue, MxFailure::from),
        });
        let state = IdentityState {
            name: name.to_string(),
            identity_type: if is_domain { "DOMAIN" } else { "EMAIL_ADDRESS" }.into(),
            dkim,
            mail_from,
            configuration_set: out
                .configuration_set_name()
                .filter(|set| !set.is_empty())
                .map(str::to_string),
            feedback_forwarding: out.feedback_forwarding_status(),
            tags: tags_of(out.tags()),
        };
        let status = IdentityStatus {
            verification_status: out
                .verification_status()
                .map_or("NOT_STARTED".into(), |s| s.as_str().to_string()),
            verified_for_sending: out.verified_for_sending_status(),
            dkim_status: dkim_attributes
                .and_then(|a| a.status())
                .map(|s| s.as_str().to_string()),
            dkim_tokens: if state
                .dkim
                .as_ref()
                .is_some_and(|d| d.origin == DkimOrigin::AwsSes)
            {
                dkim_attributes
                    .map(|a| a.tokens().to_vec())
                    .unwrap_or_default()
            } else {
                Vec::new()
            },
            signing_hosted_zone: dkim_attributes
                .and_then(|a| a.signing_hosted_zone())
                .map(str::to_string),
            mail_from_status: custom_mail_from
                .and_then(|m| enum_value(m.mail_from_domain_status().as_str()))
                .map(str::to_string),
        };
        Ok(Some((state, status)))
    }

    /// Creates an identity with its DKIM setup and tags; the other attributes follow with
    /// [`Ses::update_identity`]. `private_key` is the BYODKIM key, read at apply time.
    pub async fn create_identity(
        &self,
        state: &IdentityState,
        private_key: Option<&str>,
    ) -> AwsResult<()> {
        let mut request = self
            .client
            .create_email_identity()
            .email_identity(&state.name)
            .set_tags(Some(sdk_tags(&state.tags)))
            .set_configuration_set_name(state.configuration_set.clone());
        if let Some(dkim) = &state.dkim {
            request = request.dkim_signing_attributes(signing_attributes(dkim, private_key)?);
        }
        self.meter
            .send("CreateEmailIdentity", &state.name, request.send())
            .await?;
        Ok(())
    }

    /// Brings an existing identity from `before` to `after`, one Put* call per changed part.
    pub async fn update_identity(
        &self,
        before: &IdentityState,
        after: &IdentityState,
        private_key: Option<&str>,
        account_id: &str,
    ) -> AwsResult<()> {
        let name = &after.name;
        if let (Some(b), Some(a)) = (&before.dkim, &after.dkim) {
            self.update_dkim(name, b, a, private_key).await?;
        }
        if before.mail_from != after.mail_from {
            let mut request = self
                .client
                .put_email_identity_mail_from_attributes()
                .email_identity(name);
            if let Some(m) = &after.mail_from {
                request = request
                    .mail_from_domain(&m.domain)
                    .behavior_on_mx_failure(BehaviorOnMxFailure::from(m.on_mx_failure.as_str()));
            }
            self.meter
                .send("PutEmailIdentityMailFromAttributes", name, request.send())
                .await?;
        }
        if before.feedback_forwarding != after.feedback_forwarding {
            self.meter
                .send(
                    "PutEmailIdentityFeedbackAttributes",
                    name,
                    self.client
                        .put_email_identity_feedback_attributes()
                        .email_identity(name)
                        .email_forwarding_enabled(after.feedback_forwarding)
                        .send(),
                )
                .await?;
        }
        if before.configuration_set != after.configuration_set {
            self.meter
                .send(
                    "PutEmailIdentityConfigurationSetAttributes",
                    name,
                    self.client
                        .put_email_identity_configuration_set_attributes()
                        .email_identity(name)
                        .set_configuration_set_name(after.configuration_set.clone())
                        .send(),
                )
                .await?;
        }
        let resource = format!("identity/{name}");
        self.retag(&resource, account_id, &before.tags, &after.tags)
            .await
    }

    /// The DKIM part of an identity update: signing attributes (origin, key length,
    /// selector), then whether mail is signed.
    async fn update_dkim(
        &self,
        name: &str,
        b: &DkimState,
        a: &DkimState,
        private_key: Option<&str>,
    ) -> AwsResult<()> {
        let signing_changed =
            b.origin != a.origin || b.key_length != a.key_length || b.selector != a.selector;
        if signing_changed {
            let attrs = signing_attributes(a, private_key)?;
            self.meter
                .send(
                    "PutEmailIdentityDkimSigningAttributes",
                    name,
                    self.client
                        .put_email_identity_dkim_signing_attributes()
                        .email_identity(name)
                        .signing_attributes_origin(
                            attrs
                                .domain_signing_attributes_origin()
                                .cloned()
                                .unwrap_or(ses::types::DkimSigningAttributesOrigin::AwsSes),
                        )
                        .signing_attributes(attrs)
                        .send(),
                )
                .await?;
        }
        if b.signing_enabled != a.signing_enabled {
            self.meter
                .send(
                    "PutEmailIdentityDkimAttributes",
                    name,
                    self.client
                        .put_email_identity_dkim_attributes()
                        .email_identity(name)
                        .signing_enabled(a.signing_enabled)
                        .send(),
                )
                .await?;
        }
        Ok(())
    }

    fn region(&self) -> String {
        self.client
            .config()
            .region()
            .map_or_else(String::new, |r| r.to_string())
    }

    pub async fn delete_identity(&self, name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteEmailIdentity",
                name,
                self.client
                    .delete_email_identity()
                    .email_identity(name)
                    .send(),
            )
            .await
            .gone()
    }

    pub async fn list_configuration_sets(&self) -> AwsResult<Vec<String>> {
        let mut names = Vec::new();
        let mut pages = self
            .client
            .list_configuration_sets()
            .page_size(1000)
            .into_paginator()
            .send();
        loop {
            let Some(page) = self
                .meter
                .page("ListConfigurationSets", "", pages.next())
                .await?
            else {
                return Ok(names);
            };
            names.extend(page.configuration_sets().iter().cloned());
            if page.next_token().is_none() {
                return Ok(names);
            }
        }
    }

    pub async fn get_configuration_set(
        &self,
        name: &str,
    ) -> AwsResult<Option<ConfigurationSetState>> {
        let Some(out) = self
            .meter
            .send(
                "GetConfigurationSet",
                name,
                self.client
                    .get_configuration_set()
                    .configuration_set_name(name)
                    .send(),
            )
            .await
            .found()?
        else {
            return Ok(None);
        };
        Ok(Some(ConfigurationSetState {
            name: name.to_string(),
            tls: out
                .delivery_options()
                .and_then(|d| d.tls_policy())
                .and_then(|t| enum_value(t.as_str()))
                .map_or(model::TlsPolicy::Optional, model::TlsPolicy::from),
            sending_enabled: out.sending_options().is_none_or(|s| s.sending_enabled()),
            reputation_metrics: out
                .reputation_options()
                .is_some_and(|r| r.reputation_metrics_enabled()),
            suppression: out.suppression_options().map(|s| {
                s.suppressed_reasons()
                    .iter()
                    .map(|r| SuppressionReason::from(r.as_str()))
                    .collect()
            }),
            // No custom redirect domain is SES's own tracking domain, however it is spelled.
            tracking: out
                .tracking_options()
                .filter(|t| !t.custom_redirect_domain().is_empty())
                .map(|t| TrackingState {
                    custom_redirect_domain: t.custom_redirect_domain().to_string(),
                    https_policy: t
                        .https_policy()
                        .and_then(|p| enum_value(p.as_str()))
                        .map_or(model::HttpsPolicy::Optional, model::HttpsPolicy::from),
                }),
            tags: tags_of(out.tags()),
        }))
    }

    pub async fn create_configuration_set(&self, state: &ConfigurationSetState) -> AwsResult<()> {
        self.meter
            .send(
                "CreateConfigurationSet",
                &state.name,
                self.client
                    .create_configuration_set()
                    .configuration_set_name(&state.name)
                    .delivery_options(
                        DeliveryOptions::builder()
                            .tls_policy(TlsPolicy::from(state.tls.as_str()))
                            .build(),
                    )
                    .reputation_options(
                        ses::types::ReputationOptions::builder()
                            .reputation_metrics_enabled(state.reputation_metrics)
                            .build(),
                    )
                    .sending_options(
                        ses::types::SendingOptions::builder()
                            .sending_enabled(state.sending_enabled)
                            .build(),
                    )
                    .set_suppression_options(state.suppression.as_ref().map(suppression_options))
                    .set_tracking_options(
                        state.tracking.as_ref().map(tracking_options).transpose()?,
                    )
                    .set_tags(Some(sdk_tags(&state.tags)))
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn update_configuration_set(
        &self,
        before: &ConfigurationSetState,
        after: &ConfigurationSetState,
        account_id: &str,
    ) -> AwsResult<()> {
        let name = &after.name;
        if before.tls != after.tls {
            self.meter
                .send(
                    "PutConfigurationSetDeliveryOptions",
                    name,
                    self.client
                        .put_configuration_set_delivery_options()
                        .configuration_set_name(name)
                        .tls_policy(TlsPolicy::from(after.tls.as_str()))
                        .send(),
                )
                .await?;
        }
        if before.reputation_metrics != after.reputation_metrics {
            self.meter
                .send(
                    "PutConfigurationSetReputationOptions",
                    name,
                    self.client
                        .put_configuration_set_reputation_options()
                        .configuration_set_name(name)
                        .reputation_metrics_enabled(after.reputation_metrics)
                        .send(),
                )
                .await?;
        }
        if before.sending_enabled != after.sending_enabled {
            self.meter
                .send(
                    "PutConfigurationSetSendingOptions",
                    name,
                    self.client
                        .put_configuration_set_sending_options()
                        .configuration_set_name(name)
                        .sending_enabled(after.sending_enabled)
                        .send(),
                )
                .await?;
        }
        if before.suppression != after.suppression {
            // No reasons list at all means "use the account's"; an empty list turns it off.
            self.meter
                .send(
                    "PutConfigurationSetSuppressionOptions",
                    name,
                    self.client
                        .put_configuration_set_suppression_options()
                        .configuration_set_name(name)
                        .set_suppressed_reasons(after.suppression.as_ref().map(reasons))
                        .send(),
                )
                .await?;
        }
        if before.tracking != after.tracking {
            let mut request = self
                .client
                .put_configuration_set_tracking_options()
                .configuration_set_name(name);
            if let Some(t) = &after.tracking {
                request = request
                    .custom_redirect_domain(&t.custom_redirect_domain)
                    .https_policy(HttpsPolicy::from(t.https_policy.as_str()));
            }
            self.meter
                .send("PutConfigurationSetTrackingOptions", name, request.send())
                .await?;
        }
        let resource = format!("configuration-set/{name}");
        self.retag(&resource, account_id, &before.tags, &after.tags)
            .await
    }

    pub async fn delete_configuration_set(&self, name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteConfigurationSet",
                name,
                self.client
                    .delete_configuration_set()
                    .configuration_set_name(name)
                    .send(),
            )
            .await
            .gone()
    }

    /// All destinations of a set in one call.
    pub async fn get_event_destinations(&self, set: &str) -> AwsResult<Vec<EventDestinationState>> {
        let Some(out) = self
            .meter
            .send(
                "GetConfigurationSetEventDestinations",
                set,
                self.client
                    .get_configuration_set_event_destinations()
                    .configuration_set_name(set)
                    .send(),
            )
            .await
            .found()?
        else {
            return Ok(Vec::new());
        };
        let mut destinations = Vec::new();
        for d in out.event_destinations() {
            let target = if let Some(sns) = d.sns_destination() {
                Target::SnsTopic(sns.topic_arn().to_string())
            } else if let Some(cw) = d.cloud_watch_destination() {
                let mut dims: Vec<Dimension> = cw
                    .dimension_configurations()
                    .iter()
                    .map(|c| Dimension {
                        name: c.dimension_name().to_string(),
                        source: DimensionSource::from(c.dimension_value_source().as_str()),
                        default_value: c.default_dimension_value().to_string(),
                    })
                    .collect();
                dims.sort();
                Target::CloudWatch(dims)
            } else if let Some(eb) = d.event_bridge_destination() {
                Target::EventBridge(EventBus::from_arn(eb.event_bus_arn()))
            } else if let Some(fh) = d.kinesis_firehose_destination() {
                Target::Firehose {
                    delivery_stream_arn: fh.delivery_stream_arn().to_string(),
                    iam_role_arn: fh.iam_role_arn().to_string(),
                }
            } else {
                // A Pinpoint destination: not something sesform manages; report it by name.
                Target::Firehose {
                    delivery_stream_arn: "(unsupported target)".into(),
                    iam_role_arn: String::new(),
                }
            };
            destinations.push(EventDestinationState {
                configuration_set: set.to_string(),
                name: d.name().to_string(),
                enabled: d.enabled(),
                events: d
                    .matching_event_types()
                    .iter()
                    .map(|e| model::EventType::from(e.as_str()))
                    .collect(),
                target,
            });
        }
        Ok(destinations)
    }

    /// `topic_arn` resolves an SNS target's topic name to its ARN.
    pub async fn put_event_destination(
        &self,
        state: &EventDestinationState,
        create: bool,
        topic_arn: Option<&str>,
        account_id: &str,
    ) -> AwsResult<()> {
        let definition = self.definition(state, topic_arn, account_id)?;
        let resource = format!("{}/{}", state.configuration_set, state.name);
        if create {
            self.meter
                .send(
                    "CreateConfigurationSetEventDestination",
                    &resource,
                    self.client
                        .create_configuration_set_event_destination()
                        .configuration_set_name(&state.configuration_set)
                        .event_destination_name(&state.name)
                        .event_destination(definition)
                        .send(),
                )
                .await?;
        } else {
            self.meter
                .send(
                    "UpdateConfigurationSetEventDestination",
                    &resource,
                    self.client
                        .update_configuration_set_event_destination()
                        .configuration_set_name(&state.configuration_set)
                        .event_destination_name(&state.name)
                        .event_destination(definition)
                        .send(),
                )
                .await?;
        }
        Ok(())
    }

    fn definition(
        &self,
        state: &EventDestinationState,
        topic_arn: Option<&str>,
        account_id: &str,
    ) -> AwsResult<EventDestinationDefinition> {
        let mut definition = EventDestinationDefinition::builder()
            .enabled(state.enabled)
            .set_matching_event_types(Some(
                state
                    .events
                    .iter()
                    .map(|e| EventType::from(e.as_str()))
                    .collect(),
            ));
        definition = match &state.target {
            Target::SnsTopic(name) => {
                let arn = topic_arn
                    .map(str::to_string)
                    .unwrap_or_else(|| arn("sns", &self.region(), account_id, name));
                definition.sns_destination(
                    SnsDestination::builder()
                        .topic_arn(arn)
                        .build()
                        .map_err(build_error)?,
                )
            }
            Target::CloudWatch(dims) => {
                let mut cw = CloudWatchDestination::builder();
                for d in dims {
                    cw = cw.dimension_configurations(
                        CloudWatchDimensionConfiguration::builder()
                            .dimension_name(&d.name)
                            .dimension_value_source(DimensionValueSource::from(d.source.as_str()))
                            .default_dimension_value(&d.default_value)
                            .build()
                            .map_err(build_error)?,
                    );
                }
                definition.cloud_watch_destination(cw.build().map_err(build_error)?)
            }
            Target::EventBridge(bus) => definition.event_bridge_destination(
                EventBridgeDestination::builder()
                    .event_bus_arn(bus.arn(account_id))
                    .build()
                    .map_err(build_error)?,
            ),
            Target::Firehose {
                delivery_stream_arn,
                iam_role_arn,
            } => definition.kinesis_firehose_destination(
                KinesisFirehoseDestination::builder()
                    .delivery_stream_arn(delivery_stream_arn)
                    .iam_role_arn(iam_role_arn)
                    .build()
                    .map_err(build_error)?,
            ),
        };
        Ok(definition.build())
    }

    pub async fn delete_event_destination(&self, set: &str, name: &str) -> AwsResult<()> {
        self.meter
            .send(
                "DeleteConfigurationSetEventDestination",
                &format!("{set}/{name}"),
                self.client
                    .delete_configuration_set_event_destination()
                    .configuration_set_name(set)
                    .event_destination_name(name)
                    .send(),
            )
            .await
            .gone()
    }

    pub async fn get_account(&self) -> AwsResult<AccountInfo> {
        let out = self
            .meter
            .send("GetAccount", "", self.client.get_account().send())
            .await?;
        let details = out.details();
        let review = details.and_then(|d| d.review_details());
        let review_status = review
            .and_then(|r| r.status())
            .map(|s| s.as_str().to_string());
        let sandbox = if out.production_access_enabled() {
            SandboxStatus::Granted
        } else {
            match review_status.as_deref() {
                Some("PENDING") => SandboxStatus::Pending,
                Some("FAILED") | Some("DENIED") => SandboxStatus::Denied,
                _ => SandboxStatus::Sandboxed,
            }
        };
        let quota = out.send_quota();
        Ok(AccountInfo {
            state: AccountState {
                sending_enabled: Some(out.sending_enabled()),
                suppression: Some(
                    out.suppression_attributes()
                        .map(|s| {
                            s.suppressed_reasons()
                                .iter()
                                .map(|r| SuppressionReason::from(r.as_str()))
                                .collect()
                        })
                        .unwrap_or_default(),
                ),
                production_access: details.and_then(|d| {
                    Some(ProductionAccessState {
                        mail_type: model::MailType::from(d.mail_type()?.as_str()),
                        website_url: d.website_url()?.to_string(),
                        use_case: d.use_case_description().map(str::to_string),
                        contact_language: d
                            .contact_language()
                            .map(|l| model::ContactLanguage::from(l.as_str())),
                        additional_contacts: d.additional_contact_email_addresses().to_vec(),
                    })
                }),
            },
            sandbox,
            case_id: review.and_then(|r| r.case_id()).map(str::to_string),
            max_24_hour_send: quota.map_or(0.0, |q| q.max24_hour_send()),
            max_send_rate: quota.map_or(0.0, |q| q.max_send_rate()),
            sent_last_24_hours: quota.map_or(0.0, |q| q.sent_last24_hours()),
            enforcement_status: out.enforcement_status().map(str::to_string),
        })
    }

    pub async fn put_account_sending(&self, enabled: bool) -> AwsResult<()> {
        self.meter
            .send(
                "PutAccountSendingAttributes",
                "account",
                self.client
                    .put_account_sending_attributes()
                    .sending_enabled(enabled)
                    .send(),
            )
            .await?;
        Ok(())
    }

    pub async fn put_account_suppression(
        &self,
        reasons_set: &BTreeSet<SuppressionReason>,
    ) -> AwsResult<()> {
        self.meter
            .send(
                "PutAccountSuppressionAttributes",
                "account",
                self.client
                    .put_account_suppression_attributes()
                    .set_suppressed_reasons(Some(reasons(reasons_set)))
                    .send(),
            )
            .await?;
        Ok(())
    }

    /// Submits the production access request (PutAccountDetails).
    pub async fn put_account_details(&self, request: &ProductionAccessState) -> AwsResult<()> {
        self.meter
            .send(
                "PutAccountDetails",
                "account",
                self.client
                    .put_account_details()
                    .mail_type(MailType::from(request.mail_type.as_str()))
                    .website_url(&request.website_url)
                    .set_use_case_description(request.use_case.clone())
                    .set_contact_language(
                        request
                            .contact_language
                            .as_ref()
                            .map(|l| ContactLanguage::from(l.as_str())),
                    )
                    .set_additional_contact_email_addresses(
                        (!request.additional_contacts.is_empty())
                            .then(|| request.additional_contacts.clone()),
                    )
                    .production_access_enabled(true)
                    .send(),
            )
            .await?;
        Ok(())
    }

    /// Retags the SES resource `resource` (`identity/example.com`) of `account_id`; nothing
    /// is called when the tags are equal.
    async fn retag(
        &self,
        resource: &str,
        account_id: &str,
        before: &Tags,
        after: &Tags,
    ) -> AwsResult<()> {
        let arn = &arn("ses", &self.region(), account_id, resource);
        super::retag(
            before,
            after,
            |keys| async move {
                let request = self
                    .client
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(keys))
                    .send();
                self.meter
                    .send("UntagResource", arn, request)
                    .await
                    .map(|_| ())
            },
            |tags| async move {
                let request = self
                    .client
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(sdk_tags(&tags)))
                    .send();
                self.meter
                    .send("TagResource", arn, request)
                    .await
                    .map(|_| ())
            },
        )
        .await
    }
}

/// A domain's DKIM as GetEmailIdentity reports it (no attributes: SES's defaults).
fn dkim_state(attrs: Option<&ses::types::DkimAttributes>) -> DkimState {
    let origin = attrs
        .and_then(|a| a.signing_attributes_origin())
        .map_or(DkimOrigin::AwsSes, |o| DkimOrigin::from(o.as_str()));
    let external = origin == DkimOrigin::External;
    DkimState {
        signing_enabled: attrs.is_some_and(|a| a.signing_enabled()),
        key_length: (!external).then(|| {
            attrs
                .and_then(|a| {
                    a.next_signing_key_length()
                        .or(a.current_signing_key_length())
                })
                .map_or(KeyLength::Rsa2048, |k| KeyLength::from(k.as_str()))
        }),
        // For BYODKIM, SES lists the selector as the only token.
        selector: external
            .then(|| attrs.and_then(|a| a.tokens().first().cloned()))
            .flatten(),
        origin,
        private_key_from: None,
    }
}

/// An enum's wire value, or `None` where AWS sent none: the SDK fills a required member AWS
/// left out with a placeholder, and AWS sometimes sends an empty string. Values outside the
/// documented set are kept as they are (AWS adds values), so they show in a plan, never fail it.
fn enum_value(value: &str) -> Option<&str> {
    const SDK_PLACEHOLDER: &str = "no value was set";
    (!value.is_empty() && value != SDK_PLACEHOLDER).then_some(value)
}

fn build_error(e: ses::error::BuildError) -> AwsError {
    AwsError {
        kind: ErrorKind::Invalid,
        operation: "build request".into(),
        resource: String::new(),
        message: e.to_string(),
    }
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

fn reasons(set: &BTreeSet<SuppressionReason>) -> Vec<SuppressionListReason> {
    set.iter()
        .map(|r| SuppressionListReason::from(r.as_str()))
        .collect()
}

fn suppression_options(set: &BTreeSet<SuppressionReason>) -> SuppressionOptions {
    SuppressionOptions::builder()
        .set_suppressed_reasons(Some(reasons(set)))
        .build()
}

fn tracking_options(t: &TrackingState) -> AwsResult<TrackingOptions> {
    TrackingOptions::builder()
        .custom_redirect_domain(&t.custom_redirect_domain)
        .https_policy(HttpsPolicy::from(t.https_policy.as_str()))
        .build()
        .map_err(build_error)
}

fn signing_attributes(
    dkim: &DkimState,
    private_key: Option<&str>,
) -> AwsResult<DkimSigningAttributes> {
    let builder = DkimSigningAttributes::builder();
    let builder = if dkim.origin == DkimOrigin::External {
        let key = private_key.ok_or_else(|| AwsError {
            kind: ErrorKind::Config,
            operation: "BYODKIM".into(),
            resource: dkim.selector.clone().unwrap_or_default(),
            message: "the BYODKIM private key was not loaded".into(),
        })?;
        builder
            .domain_signing_attributes_origin(ses::types::DkimSigningAttributesOrigin::External)
            .set_domain_signing_selector(dkim.selector.clone())
            .domain_signing_private_key(pem_body(key))
    } else {
        builder
            .domain_signing_attributes_origin(ses::types::DkimSigningAttributesOrigin::AwsSes)
            .set_next_signing_key_length(
                dkim.key_length
                    .as_ref()
                    .map(|k| DkimSigningKeyLength::from(k.as_str())),
            )
    };
    Ok(builder.build())
}

/// SES wants the base64 body of the PEM key, without the armour lines.
fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect()
}

/// An address on the account-level suppression list (GetSuppressedDestination).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SuppressedDestination {
    pub email_address: String,
    /// `BOUNCE` or `COMPLAINT`.
    pub reason: String,
    /// Seconds since the epoch.
    pub last_update_time: i64,
    /// The message whose bounce or complaint put it there, and that event's feedback id.
    pub message_id: Option<String>,
    pub feedback_id: Option<String>,
}

/// The reads of `sesform why` beyond plan's.
impl Ses {
    /// The account-level suppression list's entry for `address`, `None` when not listed.
    pub async fn get_suppressed_destination(
        &self,
        address: &str,
    ) -> AwsResult<Option<SuppressedDestination>> {
        let Some(out) = self
            .meter
            .send(
                "GetSuppressedDestination",
                address,
                self.client
                    .get_suppressed_destination()
                    .email_address(address)
                    .send(),
            )
            .await
            .found()?
        else {
            return Ok(None);
        };
        Ok(out.suppressed_destination().map(|d| SuppressedDestination {
            email_address: d.email_address().to_string(),
            reason: d.reason().as_str().to_string(),
            last_update_time: d.last_update_time().secs(),
            message_id: d
                .attributes()
                .and_then(|a| a.message_id())
                .map(str::to_string),
            feedback_id: d
                .attributes()
                .and_then(|a| a.feedback_id())
                .map(str::to_string),
        }))
    }
}
