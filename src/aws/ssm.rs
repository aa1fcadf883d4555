//! SSM Parameter Store: the one parameter that serves as a stack's lock (see [`crate::lock`]).
//! PutParameter without Overwrite is an atomic create-if-absent: of two callers, one gets
//! ParameterAlreadyExists.

use std::sync::Arc;

use aws_sdk_ssm as ssm;

use super::{AwsError, AwsResult, CallCounter, ErrorKind};

const SERVICE: &str = "ssm";

#[derive(Clone)]
pub struct Ssm {
    client: ssm::Client,
    counter: Arc<CallCounter>,
}

impl Ssm {
    pub fn new(config: &aws_config::SdkConfig, counter: Arc<CallCounter>) -> Ssm {
        Ssm {
            client: ssm::Client::from_conf(
                ssm::config::Builder::from(config)
                    .interceptor(super::observe::Observer::new("ssm", None))
                    .build(),
            ),
            counter,
        }
    }

    /// Creates the parameter with `value` unless it exists: `Ok(false)` when it does.
    pub async fn create(&self, name: &str, value: &str, description: &str) -> AwsResult<bool> {
        self.put(name, value, description, false).await
    }

    /// Overwrites the parameter (it may not exist).
    pub async fn overwrite(&self, name: &str, value: &str, description: &str) -> AwsResult<()> {
        self.put(name, value, description, true).await.map(|_| ())
    }

    async fn put(
        &self,
        name: &str,
        value: &str,
        description: &str,
        overwrite: bool,
    ) -> AwsResult<bool> {
        self.counter.record(SERVICE, "PutParameter");
        match self
            .client
            .put_parameter()
            .name(name)
            .value(value)
            .description(description)
            .r#type(ssm::types::ParameterType::String)
            .overwrite(overwrite)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) => {
                let e = AwsError::from_sdk("PutParameter", name, &e.into_service_error());
                if e.kind == ErrorKind::AlreadyExists && !overwrite {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// The parameter's value, if it exists.
    pub async fn get(&self, name: &str) -> AwsResult<Option<String>> {
        self.counter.record(SERVICE, "GetParameter");
        match self.client.get_parameter().name(name).send().await {
            Ok(out) => Ok(out.parameter().and_then(|p| p.value()).map(str::to_string)),
            Err(e) => {
                let e = AwsError::from_sdk("GetParameter", name, &e.into_service_error());
                if e.kind == ErrorKind::NotFound {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// Deletes the parameter; one already gone is no error.
    pub async fn delete(&self, name: &str) -> AwsResult<()> {
        self.counter.record(SERVICE, "DeleteParameter");
        match self.client.delete_parameter().name(name).send().await {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = AwsError::from_sdk("DeleteParameter", name, &e.into_service_error());
                if e.kind == ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }
}
