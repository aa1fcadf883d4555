//! The SMTP side of the send path: a [`MailSink`] for the local SMTP server that hands each
//! message to [`super::send`] in one region, and publishes its events afterwards.

use crate::emulator::state::{SharedState, lock};
use crate::smtp::server::{MailSink, Submission};

use super::{Channel, SendRequest, deliver, send};

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
            tags: None,
            rendering_failure: None,
        };
        let result = {
            let mut state = lock(&self.state);
            send(&self.region, state.region(&self.region), request)
        };
        match result {
            Ok(accepted) => {
                if !accepted.publications.is_empty()
                    && let Ok(runtime) = tokio::runtime::Handle::try_current()
                {
                    runtime.spawn(deliver(self.state.clone(), accepted.publications));
                }
                Ok(accepted.message_id)
            }
            Err(rejection) => Err(rejection.smtp()),
        }
    }
}
