//! Where findings' files are, for the formats that code hosts import (SARIF, GitLab Code
//! Quality, GitHub annotations): relative to the repository root, whichever directory lint ran
//! in, since that is how the host names files in a checkout.

use std::path::{Component, Path, PathBuf};

/// The directory lint ran in and the root paths are made relative to.
#[derive(Debug, Clone)]
pub struct Paths {
    cwd: PathBuf,
    root: PathBuf,
}

impl Paths {
    /// The working directory, and the repository that holds it (else the working directory).
    pub fn discover() -> Paths {
        let cwd = std::env::current_dir().unwrap_or_default();
        let root = git_root(&cwd).unwrap_or_else(|| cwd.clone());
        Paths { cwd, root }
    }

    /// `cwd` must be absolute; `root` is where relative paths start.
    pub fn new(cwd: PathBuf, root: PathBuf) -> Paths {
        Paths { cwd, root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A file as printed (relative to the working directory, or absolute) relative to the
    /// root with `/` separators; `None` for a file outside the root.
    pub fn relative(&self, file: &str) -> Option<String> {
        let absolute = normalize(&self.cwd.join(file.replace('\\', "/")));
        let relative = absolute.strip_prefix(normalize(&self.root)).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// The file, absolute, `..` and `.` resolved without touching the file system.
    pub fn absolute(&self, file: &str) -> PathBuf {
        normalize(&self.cwd.join(file.replace('\\', "/")))
    }
}

/// The closest directory from `dir` up that holds `.git` (a directory, or the file a worktree
/// or submodule has).
pub fn git_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `./a/../b` as `b`, without touching the file system; a leading `..` of a relative path is
/// kept.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if out
                    .components()
                    .next_back()
                    .is_some_and(|c| matches!(c, Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_to_the_root() {
        let paths = Paths::new("/repo/apps".into(), "/repo".into());
        assert_eq!(
            paths.relative("shop/.env").as_deref(),
            Some("apps/shop/.env")
        );
        assert_eq!(
            paths.relative("./shop/../blog/a.php").as_deref(),
            Some("apps/blog/a.php")
        );
        assert_eq!(paths.relative("/repo/x.yaml").as_deref(), Some("x.yaml"));
        assert_eq!(paths.relative("../../elsewhere/.env"), None);
        assert_eq!(paths.relative("/other/.env"), None);
    }
}
