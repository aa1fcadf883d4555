//! Test harness: every test gets its own temp dir, a clean environment and, when it needs them,
//! its own emulators on 127.0.0.1, so tests run in parallel without seeing each other.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod aws;
pub mod events;
pub mod forward;
pub mod local;
pub mod moto;

/// A temp dir with helpers to write files and run `sesform` inside it.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::Builder::new()
                .prefix("sesform-test-")
                .tempdir()
                .expect("create temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file (creating parent directories) and returns its path.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create parent dirs");
        }
        std::fs::write(&path, contents).expect("write test file");
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.join(relative)).expect("read test file")
    }

    /// `sesform` with the temp dir as working directory and an environment holding nothing
    /// from the developer's machine: no AWS profile, credentials or endpoint leak in.
    pub fn sesform(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sesform"));
        cmd.current_dir(self.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("AWS_CONFIG_FILE", self.join(".aws-config-none"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.join(".aws-credentials-none"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true");
        cmd
    }
}

/// Output of a finished command, decoded.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(cmd: &mut Command) -> Run {
        let Output {
            status,
            stdout,
            stderr,
        } = cmd.output().expect("run command");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }

    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// The word that follows `marker` on standard error (a key or lock id in a message).
    pub fn stderr_word_after(&self, marker: &str) -> String {
        self.stderr
            .split(marker)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("nothing after `{marker}`: {self:?}"))
            .to_string()
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Path of a file in the repository, e.g. `specs/full.yaml`.
pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// What makes `sarif` invalid under the official SARIF 2.1.0 schema
/// (tests/fixtures/sarif-schema-2.1.0.json, see its README), formats (`uri`, ...) included.
pub fn sarif_schema_errors(sarif: &str) -> Vec<String> {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(repo_file("tests/fixtures/sarif-schema-2.1.0.json"))
                .expect("the SARIF schema is committed"),
        )
        .expect("the SARIF schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    });
    let instance: serde_json::Value = serde_json::from_str(sarif).expect("SARIF output is JSON");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
