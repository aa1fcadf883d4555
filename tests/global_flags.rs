//! The global flags and variables every AWS command honours, over the emulators:
//! `--endpoint-url`, `--profile` (endpoints from a `[services]` section), the per-service
//! `AWS_ENDPOINT_URL_*` variables, and `--color`.

use std::net::TcpListener;
use std::process::Command;

use crate::util::aws::AwsEnv;
use crate::util::{Run, TestDir};

/// Touches all three services: an identity (SESv2), a topic (SNS), an SMTP user (IAM).
const SPEC: &str = "version: 1\nregion: eu-west-1\nstack: flags\nidentities:\n  example.com: {}\nsns_topics:\n  events: {}\nsmtp_users:\n  mailer:\n    allow_from: ['*@example.com']\n";

/// A loopback URL nothing listens on: calls sent there fail at once.
fn closed_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// `sesform plan` with test credentials and no endpoint configured yet.
fn plan(dir: &TestDir) -> Command {
    let mut cmd = dir.sesform();
    cmd.env("AWS_ACCESS_KEY_ID", "AKIATESTTESTTESTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("SESFORM_API_RATE", "all=off");
    cmd
}

/// The plan creates all three resources, and the SESv2 calls reached the emulator.
fn assert_planned(aws: &AwsEnv, run: &Run) {
    assert_eq!(run.code, 0, "{run:?}");
    for address in ["example.com", "events", "mailer"] {
        assert!(run.stdout.contains(address), "{address}: {run:?}");
    }
    let counts = aws.control().call_counts();
    assert!(counts.contains_key("ListEmailIdentities"), "{counts:?}");
}

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = extra.to_vec();
    args.extend(["plan", "--max-attempts", "1"]);
    args
}

/// `--endpoint-url` sends every call there, over AWS_ENDPOINT_URL and the per-service
/// variables alike (as the AWS CLI's flag does).
#[test]
fn endpoint_url_flag_sends_every_call_there() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    let moto = aws.moto.endpoint_url();
    let closed = closed_url();
    let run = Run::of(
        plan(&dir)
            .env("AWS_ENDPOINT_URL", &closed)
            .env("AWS_ENDPOINT_URL_SESV2", aws.emulator.endpoint_url())
            .args(args(&["--endpoint-url", &moto])),
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("mailer"), "{run:?}");
    // moto answered the SESv2 reads too; the SESv2 emulator saw nothing.
    assert!(
        aws.control().calls().is_empty(),
        "{:?}",
        aws.control().calls()
    );

    let run = Run::of(
        plan(&dir)
            .env("AWS_ENDPOINT_URL", &moto)
            .env("AWS_ENDPOINT_URL_SESV2", aws.emulator.endpoint_url())
            .args(args(&["--endpoint-url", &closed])),
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("Connection refused"), "{run:?}");
    assert!(
        aws.control().calls().is_empty(),
        "{:?}",
        aws.control().calls()
    );
}

#[test]
fn per_service_endpoint_variables_are_honoured() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    let moto = aws.moto.endpoint_url();
    let closed = closed_url();
    let configured = |cmd: &mut Command, without: Option<&str>| {
        cmd.env("AWS_ENDPOINT_URL", &closed)
            .env("AWS_ENDPOINT_URL_SESV2", aws.emulator.endpoint_url())
            .env("AWS_ENDPOINT_URL_STS", &moto);
        for service in ["SNS", "IAM", "EVENTBRIDGE", "CLOUDWATCH_LOGS"] {
            if Some(service) != without {
                cmd.env(format!("AWS_ENDPOINT_URL_{service}"), &moto);
            }
        }
        cmd.args(args(&[]));
    };
    let mut cmd = plan(&dir);
    configured(&mut cmd, None);
    assert_planned(&aws, &Run::of(&mut cmd));

    // Without its own variable, a service falls back to AWS_ENDPOINT_URL (closed here).
    for (service, operation) in [("SNS", "ListTopics"), ("IAM", "ListUsers")] {
        let mut cmd = plan(&dir);
        configured(&mut cmd, Some(service));
        let run = Run::of(&mut cmd);
        assert_eq!(run.code, 1, "{service}: {run:?}");
        assert!(
            run.stderr.contains("Connection refused"),
            "{service}: {run:?}"
        );
        assert!(run.stderr.contains(operation), "{service}: {run:?}");
    }
}

#[test]
fn profile_reads_credentials_region_and_service_endpoints_from_the_config_file() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    let config = dir.write(
        "aws-config",
        format!(
            "[profile emulators]\nregion = eu-west-1\naws_access_key_id = AKIATESTTESTTESTTEST\naws_secret_access_key = test-secret\nendpoint_url = {}\nservices = local\n\n[services local]\nsesv2 =\n  endpoint_url = {}\n",
            aws.moto.endpoint_url(),
            aws.emulator.endpoint_url()
        ),
    );
    let sesform = |extra: &[&str]| {
        let mut cmd = dir.sesform();
        cmd.env("AWS_CONFIG_FILE", &config)
            .env("SESFORM_API_RATE", "all=off")
            .args(args(extra));
        Run::of(&mut cmd)
    };
    assert_planned(&aws, &sesform(&["--profile", "emulators"]));

    // Without the profile there are no credentials, and the error says how to give them.
    let run = sesform(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("--profile"), "{run:?}");
    // In words, never the SDK's Debug structs.
    assert!(run.stderr.contains("no AWS credentials found"), "{run:?}");
    assert!(!run.stderr.contains("CredentialsNotLoaded"), "{run:?}");
    let run = sesform(&["--profile", "nosuchprofile"]);
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn color_flag() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", "version: 1\nregion: mars-1\n");
    let escape = "\u{1b}[";
    let run = Run::of(dir.sesform().args(["--color", "always", "validate"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains(escape), "{run:?}");
    // NO_COLOR does not override an explicit `always`.
    let run = Run::of(
        dir.sesform()
            .env("NO_COLOR", "1")
            .args(["--color", "always", "validate"]),
    );
    assert!(run.stderr.contains(escape), "{run:?}");
    for color in ["never", "auto"] {
        // `auto`: the test's stderr is a pipe, not a terminal.
        let run = Run::of(dir.sesform().args(["--color", color, "validate"]));
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stderr.contains("error[unknown-region]"), "{run:?}");
        assert!(!run.stderr.contains(escape), "{color}: {run:?}");
    }
    let run = Run::of(dir.sesform().args(["--color", "sometimes", "validate"]));
    assert_eq!(run.code, 1, "a usage error: {run:?}");
    assert!(run.stderr.contains("possible values"), "{run:?}");
}

/// `--color auto` follows the conventions anstream implements: CLICOLOR_FORCE colors even a
/// pipe, NO_COLOR wins over it, and on a terminal TERM=dumb turns color off.
#[test]
fn color_auto_honours_no_color_clicolor_force_and_term_dumb() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", "version: 1\nregion: mars-1\n");
    let escape = "\u{1b}[";
    let validate = |env: &[(&str, &str)]| {
        let mut cmd = dir.sesform();
        cmd.envs(env.iter().copied()).arg("validate");
        Run::of(&mut cmd)
    };
    let run = validate(&[("CLICOLOR_FORCE", "1")]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains(escape), "{run:?}");
    let run = validate(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(run.stderr.contains("error[unknown-region]"), "{run:?}");
    assert!(!run.stderr.contains(escape), "{run:?}");

    // On a terminal (util-linux `script` gives the command a pseudo-terminal).
    let on_terminal = |env: &[(&str, &str)]| {
        // The harness's clean environment, given to `script`, which runs sesform.
        let clean = dir.sesform();
        let mut script = std::process::Command::new("script");
        script.current_dir(dir.path()).env_clear();
        for (key, value) in clean.get_envs() {
            if let Some(value) = value {
                script.env(key, value);
            }
        }
        let command = format!("'{}' validate", env!("CARGO_BIN_EXE_sesform"));
        script
            .envs(env.iter().copied())
            .args(["-qec", &command, "/dev/null"])
            .stdin(std::process::Stdio::null());
        Run::of(&mut script)
    };
    let run = on_terminal(&[("TERM", "xterm-256color")]);
    assert!(run.stdout.contains("unknown-region"), "{run:?}");
    assert!(
        run.stdout.contains(escape),
        "a terminal gets color: {run:?}"
    );
    for env in [
        &[("TERM", "dumb")][..],
        &[("TERM", "xterm-256color"), ("NO_COLOR", "1")],
    ] {
        let run = on_terminal(env);
        assert!(run.stdout.contains("unknown-region"), "{env:?}: {run:?}");
        assert!(!run.stdout.contains(escape), "{env:?}: {run:?}");
    }
}

/// An endpoint that is not an http(s) URL with a host is refused before any call, by name,
/// with a password in it masked.
#[test]
fn bad_endpoint_urls_are_refused_up_front() {
    let dir = TestDir::new();
    dir.write("sesform.yaml", SPEC);
    for (flag, env, named) in [
        (Some("not-a-url"), None, "--endpoint-url `not-a-url`"),
        (
            Some("ftp://127.0.0.1/x"),
            None,
            "--endpoint-url `ftp://127.0.0.1/x`",
        ),
        (None, Some("http://"), "AWS_ENDPOINT_URL_SNS=`http://`"),
        (
            Some("ftp://u:hunter2pass@h"),
            None,
            "--endpoint-url `ftp://u:…(redacted)@h`",
        ),
    ] {
        let mut cmd = plan(&dir);
        if let Some(env) = env {
            cmd.env("AWS_ENDPOINT_URL_SNS", env);
        }
        let extra: Vec<&str> = flag.map(|f| vec!["--endpoint-url", f]).unwrap_or_default();
        let run = Run::of(cmd.args(args(&extra)));
        assert_eq!(run.code, 1, "{run:?}");
        assert!(run.stderr.contains(named), "{run:?}");
        assert!(!run.stderr.contains("hunter2pass"), "{run:?}");
        assert!(!run.stderr.contains("DispatchFailure"), "{run:?}");
    }
}

/// `init` and `export` take the region from the profile (or AWS_REGION) when `--region` is
/// not given, as the AWS CLI does.
#[test]
fn init_and_export_take_the_profiles_region() {
    let aws = AwsEnv::start();
    let dir = TestDir::new();
    let config = dir.write(
        "aws-config",
        format!(
            "[profile emulators]\nregion = eu-west-2\naws_access_key_id = AKIATESTTESTTESTTEST\naws_secret_access_key = test-secret\nendpoint_url = {}\nservices = local\n\n[services local]\nsesv2 =\n  endpoint_url = {}\n",
            aws.moto.endpoint_url(),
            aws.emulator.endpoint_url()
        ),
    );
    let sesform = |args: &[&str]| {
        let mut cmd = dir.sesform();
        cmd.env("AWS_CONFIG_FILE", &config)
            .env("SESFORM_API_RATE", "all=off")
            .args(args);
        Run::of(&mut cmd)
    };
    let run = sesform(&["--profile", "emulators", "init", "--domain", "example.com"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(dir.read("sesform.yaml").contains("region: eu-west-2"));
    let run = sesform(&["--profile", "emulators", "export", "-o", "exported.yaml"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(dir.read("exported.yaml").contains("region: eu-west-2"));
    // Without any region, the error names every way to give one.
    let run = sesform(&["init", "--domain", "example.org", "-o", "other.yaml"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("--region"), "{run:?}");
    let run = sesform(&["export"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("AWS_REGION"), "{run:?}");
}
