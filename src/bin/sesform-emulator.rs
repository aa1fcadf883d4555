//! `sesform-emulator`: the SESv2 emulator as a standalone process, for the demo and for anyone
//! testing their own CI without touching AWS.
fn main() {}
