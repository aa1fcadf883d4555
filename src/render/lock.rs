//! Views of `sesform force-unlock`: the question before removing a stack's lock, and what was
//! removed.

use crate::lock::LockInfo;

/// The lock, what removing it risks, and the question (answered on the same line).
pub fn unlock_question(info: &LockInfo) -> String {
    format!(
        "Lock {}.\nRemoving it while that run is still going lets another run change the stack at the same time.\nRemove it? Only 'yes' will be accepted: ",
        info.describe()
    )
}

/// `Removed the lock ID of stack STACK in REGION.`
pub fn removed(info: &LockInfo, stack: &str, region: &str) -> String {
    format!(
        "Removed the lock {} of stack {stack} in {region}.\n",
        info.id
    )
}
