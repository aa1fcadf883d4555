//! The view of `sesform smtp rotate`: what an interrupted earlier run left and what became of
//! it, the new key (where its credentials went, as `apply` says it), and the old key's fate.

use crate::credentials::{Activity, OldKey, Rotation};

/// What a rotation of `user` did, for people; `now` (seconds since the epoch) dates the old
/// key's last activity.
pub fn human(user: &str, rotation: &Rotation, region: &str, now: i64) -> String {
    let mut text = String::new();
    if let Some(recovery) = &rotation.recovery {
        for key in &recovery.deleted {
            text.push_str(&format!(
                "smtp_user.{user}: deleted access key {key}, which an interrupted earlier run created but never wrote out\n"
            ));
        }
        if let Some(key) = &recovery.adopted {
            text.push_str(&format!(
                "smtp_user.{user}: an interrupted earlier rotation had written access key {key} to the credentials file; it is now the recorded key\n"
            ));
        }
    }
    if let Some(room) = &rotation.made_room {
        text.push_str(&format!(
            "Deleted access key {room} to make room for the new one (IAM allows two per user).\n"
        ));
    }
    if let Some(issued) = &rotation.issued {
        text.push_str(&super::apply::issued(issued, region));
    } else if let Some(key) = &rotation.in_place {
        text.push_str(&format!(
            "smtp_user.{user}: access key {key} from an earlier rotation is recorded and its credentials are in place; no new key issued\n"
        ));
    }
    match (&rotation.old_key, &rotation.old_key_fate) {
        (Some(old), OldKey::Deleted) => {
            text.push_str(&format!("Deleted the old access key {old}.\n"));
        }
        (Some(old), OldKey::Kept(activity)) => {
            let why = match activity {
                Some(Activity::Used(at)) => format!("IAM saw it used {} ago", ago(*at, now)),
                Some(Activity::Created(at)) => format!(
                    "it was created {} ago and IAM has no record of its use yet (IAM's last-used data can lag by hours)",
                    ago(*at, now)
                ),
                None => "IAM gives neither its last use nor its creation date".into(),
            };
            text.push_str(&format!(
                "Kept the old access key {old}: {why}. Once every app uses the new credentials, run:\n  sesform smtp rotate {user} --confirm-old-key-unused\n"
            ));
        }
        _ => {}
    }
    text
}

/// `5 minutes`, `1 hour`, `3 days`: how long before `now` (both in seconds since the epoch)
/// `then` was, in its largest sensible unit.
fn ago(then: i64, now: i64) -> String {
    let seconds = (now - then).max(0);
    let (count, unit) = match seconds {
        s if s < 3600 => (s / 60, "minute"),
        s if s < 172_800 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(old_key_fate: OldKey) -> Rotation {
        Rotation {
            issued: None,
            recovery: None,
            in_place: Some("AKIANEW".into()),
            made_room: None,
            old_key: Some("AKIAOLD".into()),
            old_key_fate,
        }
    }

    #[test]
    fn a_kept_key_says_when_iam_last_saw_it_and_how_to_retire_it() {
        let now = 1_000_000;
        let kept = human(
            "mailer",
            &rotation(OldKey::Kept(Some(Activity::Used(now - 7200)))),
            "eu-west-1",
            now,
        );
        assert_eq!(
            kept,
            "smtp_user.mailer: access key AKIANEW from an earlier rotation is recorded and its credentials are in place; no new key issued\n\
             Kept the old access key AKIAOLD: IAM saw it used 2 hours ago. Once every app uses the new credentials, run:\n  \
             sesform smtp rotate mailer --confirm-old-key-unused\n"
        );
        let deleted = human("mailer", &rotation(OldKey::Deleted), "eu-west-1", now);
        assert!(
            deleted.ends_with("Deleted the old access key AKIAOLD.\n"),
            "{deleted}"
        );
    }

    #[test]
    fn ages_are_in_their_largest_unit() {
        assert_eq!(ago(0, 60), "1 minute");
        assert_eq!(ago(0, 3599), "59 minutes");
        assert_eq!(ago(0, 3600), "1 hour");
        assert_eq!(ago(0, 172_799), "47 hours");
        assert_eq!(ago(0, 172_800), "2 days");
        assert_eq!(ago(10, 0), "0 minutes");
    }
}
