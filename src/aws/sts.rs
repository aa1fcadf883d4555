//! STS: the caller's account id, needed to build the ARNs that SES tagging takes.

use std::sync::Arc;

use aws_sdk_sts as sts;

use super::{AwsError, AwsResult, CallCounter};

#[derive(Clone)]
pub struct Sts {
    client: sts::Client,
    counter: Arc<CallCounter>,
    account: Arc<tokio::sync::OnceCell<String>>,
}

impl Sts {
    pub fn new(config: &aws_config::SdkConfig, counter: Arc<CallCounter>) -> Sts {
        Sts {
            client: sts::Client::from_conf(
                sts::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new("sts", None))
                    .build(),
            ),
            counter,
            account: Arc::default(),
        }
    }

    /// The account id, asked once per run (GetCallerIdentity).
    pub async fn account_id(&self) -> AwsResult<String> {
        self.account
            .get_or_try_init(|| async {
                self.counter.record("sts", "GetCallerIdentity");
                let out = self
                    .client
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(|e| {
                        AwsError::from_sdk("GetCallerIdentity", "", &e.into_service_error())
                    })?;
                Ok(out.account().unwrap_or_default().to_string())
            })
            .await
            .cloned()
    }
}
