//! The SESv2 emulator, driven through the real `aws-sdk-sesv2` client over real HTTP.
//! Every test starts its own emulator on a free port, so they run in parallel.

mod support;

mod account;
mod configuration_sets;
mod control;
mod event_destinations;
mod faults;
mod identities;
mod standalone;
mod tags;
mod templates;
