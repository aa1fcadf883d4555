//! The emulator's data model. Types mirror SESv2 shapes and serialize to their wire form.

mod account;
mod config_set;
mod enums;
mod identity;
mod tags;
mod template;

pub use account::*;
pub use config_set::*;
pub use enums::*;
pub use identity::*;
pub use tags::*;
pub use template::*;
