//! The SMTP side of the send path: a [`MailSink`] for the local SMTP server that hands each
//! message to [`super::send`] in one region, and publishes its events afterwards.

use crate::emulator::state::{SharedState, lock};
use crate::smtp::server::{MailSink, Submission};

use super::{Channel, SendRequest, publish, send};

pub struct SmtpSink {
    pub(crate) state: SharedState,
    pub(crate) region: String,
}

impl MailSink for SmtpSink {
    fn submit(&self, submission: Submission<'_>) -> Result<String, (u16, String)> {
        let request = SendRequest {
            channel: Channel::Smtp,
            user: Some(submission.username.to_string()),
            source: submission.mail_from.to_string(),
            destinations: submission.rcpt_to.to_vec(),
            data: submission.data.to_vec(),
            configuration_set: None,
            transcript: submission.transcript.to_vec(),
        };
        let (result, endpoints) = {
            let mut state = lock(&self.state);
            let endpoints = state.endpoints.clone();
            (
                send(&self.region, state.region(&self.region), request),
                endpoints,
            )
        };
        match result {
            Ok(accepted) => {
                if !accepted.publications.is_empty()
                    && let Ok(runtime) = tokio::runtime::Handle::try_current()
                {
                    runtime.spawn(async move {
                        publish::publish(&endpoints, accepted.publications).await
                    });
                }
                Ok(accepted.message_id)
            }
            Err(rejection) => Err(rejection.smtp()),
        }
    }
}
