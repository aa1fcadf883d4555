//! Hand-built apps for unit tests of rules.

use std::collections::HashMap;
use std::path::Path;

use super::app::{App, ClientRef, Endpoint, Engine, Framework, Kind, Tls, Transport};
use super::env::{AppEnv, AppEnvSource, Env};
use super::files::{Files, Origin};
use super::rules::Ctx;
use super::traced::Traced;
use super::value::{Node, Val};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::spec::{Client, Spec};

fn node(files: &mut Files, text: &str) -> Node {
    let id = files.add(
        Path::new(&format!("/test/{}", files.len())),
        SourceFile::new(format!("test{}.env", files.len()), text.to_string()),
    );
    let origin = Origin::new(id, 0..text.len());
    Node::new(Val::Str(Traced::exact(text, origin.clone())), origin)
}

/// A Symfony app whose one transport is SMTP to `host` on 465 with `username`.
pub fn app_with_smtp(host: &str, username: &str) -> App {
    let mut files = Files::default();
    let host_node = node(&mut files, host);
    let user = node(&mut files, username);
    let decl = node(&mut files, "smtp://...");
    App {
        root: "/test".into(),
        name: "test".into(),
        framework: Framework::Symfony,
        version: None,
        mailer_version: None,
        amazon_mailer_version: None,
        app_env: AppEnv {
            name: "prod".into(),
            source: AppEnvSource::Default { ignored: None },
        },
        env: Env::default(),
        transports: vec![Transport {
            name: "main".into(),
            default: true,
            kind: Kind::Smtp,
            engine: Engine::SymfonyMailer,
            scheme: "smtp".into(),
            decl,
            endpoint: Some(Endpoint {
                host: host.into(),
                host_node: Some(host_node),
                region_node: None,
                port: 465,
                port_node: None,
                tls: Tls::Implicit,
                tls_reason: "the port is 465".into(),
                tls_node: None,
            }),
            username: Some(user),
            password: None,
            region: None,
            options: Vec::new(),
            dsn: None,
            ses_options: None,
        }],
        from: None,
        headers: Vec::new(),
        config: None,
        mail_config: None,
        top_level_mailer: None,
        files,
        errors: Vec::new(),
        unevaluated: Vec::new(),
        client: None,
        config_cache: None,
    }
}

pub fn with_client(mut app: App, edit: impl FnOnce(&mut Client)) -> App {
    let mut client = Client {
        path: ".".into(),
        framework: Default::default(),
        env: None,
        smtp_user: None,
        configuration_set: None,
        ping_threshold: None,
        restart_threshold: None,
        lint: None,
    };
    edit(&mut client);
    app.client = Some(ClientRef {
        name: "shop".into(),
        client,
    });
    app
}

pub fn with_from(mut app: App, from: &str) -> App {
    app.from = Some(node(&mut app.files, from));
    app
}

pub fn with_option(mut app: App, name: &str, value: &str) -> App {
    let value = node(&mut app.files, value);
    app.transports[0].options.push((name.into(), value));
    app
}

pub fn ctx_for<'a>(app: &'a App, spec: Option<&'a Spec>) -> Ctx<'a> {
    Ctx { app, spec }
}

/// composer.lock text installing these packages (`("symfony/mailer", "v6.4.1")`).
pub fn lock(packages: &[(&str, &str)]) -> String {
    let list: Vec<String> = packages
        .iter()
        .map(|(n, v)| format!(r#"{{"name": "{n}", "version": "{v}"}}"#))
        .collect();
    format!(r#"{{"packages": [{}]}}"#, list.join(", "))
}

/// Loads an app from files written to a temporary directory, as `sesform lint` does: the
/// framework detected from the files, APP_ENV `env`. The files must load without errors.
pub fn load_in_env(files: &[(&str, &str)], env: &str) -> App {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let framework = super::frameworks::detect(dir.path()).expect("a Laravel or Symfony app");
    let process = HashMap::new();
    let ctx = super::frameworks::LoadContext {
        root: dir.path(),
        app_env: AppEnv {
            name: env.into(),
            source: AppEnvSource::Default { ignored: None },
        },
        process: &process,
        client: None,
    };
    let app = super::frameworks::load(framework, &ctx);
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    app
}

/// [`load_in_env`] with the production APP_ENV of the framework.
pub fn load(files: &[(&str, &str)]) -> App {
    let symfony = files.iter().any(|(p, _)| p.starts_with("config/packages/"));
    load_in_env(files, if symfony { "prod" } else { "production" })
}

/// Symfony's `framework.mailer.dsn`, read from MAILER_DSN.
pub const MAILER_YAML: &str = "framework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n";

/// A Symfony app whose `.env` is `env` (with MAILER_DSN), with these composer packages.
pub fn symfony_env(env: &str, packages: &[(&str, &str)]) -> App {
    let lock = lock(packages);
    load(&[
        ("config/packages/mailer.yaml", MAILER_YAML),
        ("composer.lock", &lock),
        (".env", env),
    ])
}

/// The messages of a rule on a Symfony app sending through `dsn`.
pub fn symfony_dsn(
    check: fn(&Ctx, &mut Vec<Diagnostic>),
    dsn: &str,
    packages: &[(&str, &str)],
) -> Vec<String> {
    messages(
        check,
        &symfony_env(&format!("MAILER_DSN={dsn}\n"), packages),
    )
}

/// What an offline rule reports on an app (without a spec).
pub fn run(check: fn(&Ctx, &mut Vec<Diagnostic>), app: &App) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check(&ctx_for(app, None), &mut out);
    out
}

/// The messages of [`run`].
pub fn messages(check: fn(&Ctx, &mut Vec<Diagnostic>), app: &App) -> Vec<String> {
    run(check, app).into_iter().map(|d| d.message).collect()
}
