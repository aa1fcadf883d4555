//! lint: checks Laravel and Symfony mail configuration for what breaks with SES.
