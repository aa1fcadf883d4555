//! A private AWS for one test: the SESv2 emulator in-process and moto_server (IAM, SNS, STS)
//! on loopback ports, with SDK clients for arranging state behind sesform's back.

use std::process::Command;

use sesform::emulator::{BackgroundEmulator, Control, Emulator};

use super::moto::Moto;

pub const REGION: &str = "eu-west-1";

pub struct AwsEnv {
    pub emulator: BackgroundEmulator,
    pub moto: Moto,
}

impl AwsEnv {
    pub fn start() -> AwsEnv {
        AwsEnv::with_moto(Moto::start())
    }

    /// Like `start`, with AWS managed IAM policies (e.g. AmazonSESFullAccess) in moto.
    pub fn start_with_managed_policies() -> AwsEnv {
        AwsEnv::with_moto(Moto::start_with(&[(
            "MOTO_IAM_LOAD_MANAGED_POLICIES",
            "true",
        )]))
    }

    /// Like `start`, with moto recording every request it gets into `recording` (one JSON
    /// object per line: method, url, headers, body), as its recorder does.
    pub fn start_recording(recording: &std::path::Path) -> AwsEnv {
        let path = recording.to_str().expect("a UTF-8 path");
        AwsEnv::with_moto(Moto::start_with(&[
            ("MOTO_ENABLE_RECORDING", "true"),
            ("MOTO_RECORDER_FILEPATH", path),
        ]))
    }

    pub fn with_moto(moto: Moto) -> AwsEnv {
        AwsEnv {
            emulator: Emulator::start_background().expect("start the SESv2 emulator"),
            moto,
        }
    }

    pub fn control(&self) -> Control {
        self.emulator.control()
    }

    /// Points a `sesform` command at the emulators, unpaced, with test credentials.
    pub fn configure<'c>(&self, cmd: &'c mut Command) -> &'c mut Command {
        cmd.env("AWS_ACCESS_KEY_ID", "AKIATESTTESTTESTTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL", self.moto.endpoint_url())
            .env("AWS_ENDPOINT_URL_SESV2", self.emulator.endpoint_url())
            .env("SESFORM_API_RATE", "all=off")
            .env("NO_COLOR", "1")
    }

    fn config(&self, endpoint: String) -> aws_config::SdkConfig {
        config_as(endpoint, "AKIATESTTESTTESTTEST", "test-secret")
    }

    /// An SNS call signed with an access key, so moto records the key's last use as now.
    pub fn use_access_key(&self, access_key_id: &str) {
        let config = config_as(self.moto.endpoint_url(), access_key_id, "unchecked");
        block_on(aws_sdk_sns::Client::new(&config).list_topics().send())
            .expect("an SNS call with the key");
    }

    /// An inline policy of a user, decoded (IAM returns it URL-encoded).
    pub fn user_policy(&self, user: &str, policy: &str) -> serde_json::Value {
        let out = block_on(
            self.iam()
                .get_user_policy()
                .user_name(user)
                .policy_name(policy)
                .send(),
        )
        .expect("GetUserPolicy");
        serde_json::from_str(
            &percent_encoding::percent_decode_str(out.policy_document()).decode_utf8_lossy(),
        )
        .expect("a JSON policy")
    }

    pub fn ses(&self) -> aws_sdk_sesv2::Client {
        aws_sdk_sesv2::Client::new(&self.config(self.emulator.endpoint_url()))
    }

    pub fn sns(&self) -> aws_sdk_sns::Client {
        aws_sdk_sns::Client::new(&self.config(self.moto.endpoint_url()))
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config(self.moto.endpoint_url()))
    }

    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.config(self.moto.endpoint_url()))
    }

    pub fn eventbridge(&self) -> aws_sdk_eventbridge::Client {
        aws_sdk_eventbridge::Client::new(&self.config(self.moto.endpoint_url()))
    }

    pub fn ssm(&self) -> aws_sdk_ssm::Client {
        aws_sdk_ssm::Client::new(&self.config(self.moto.endpoint_url()))
    }

    /// GetEmailIdentity, for tests that check what sesform left behind.
    pub fn identity(
        &self,
        name: &str,
    ) -> aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput {
        block_on(self.ses().get_email_identity().email_identity(name).send())
            .unwrap_or_else(|e| panic!("GetEmailIdentity {name}: {e:?}"))
    }
}

fn config_as(endpoint: String, access_key_id: &str, secret: &str) -> aws_config::SdkConfig {
    let credentials =
        aws_credential_types::Credentials::new(access_key_id, secret, None, None, "test");
    aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
        )
        .endpoint_url(endpoint)
        .build()
}

/// Runs a future to completion on a fresh runtime (tests are synchronous).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// The tags sesform puts on what a stack owns: `managed-by=sesform`, `sesform:stack=STACK`.
pub fn stack_tags(stack: &str) -> Vec<aws_sdk_sesv2::types::Tag> {
    [("managed-by", "sesform"), ("sesform:stack", stack)]
        .into_iter()
        .map(|(key, value)| {
            aws_sdk_sesv2::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .expect("a tag")
        })
        .collect()
}
