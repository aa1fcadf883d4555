//! SES SMTP: deriving SMTP passwords from IAM secret keys.

pub mod password;
