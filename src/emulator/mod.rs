//! The SESv2 emulator: see the module docs in the files below.
