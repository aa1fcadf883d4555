//! Hand-built apps for unit tests of rules.

use std::path::Path;

use super::app::{App, ClientRef, Endpoint, Engine, Framework, Kind, Tls, Transport};
use super::env::{AppEnv, AppEnvSource, Env};
use super::files::{Files, Origin};
use super::rules::Ctx;
use super::traced::Traced;
use super::value::{Node, Val};
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
            source: AppEnvSource::Default,
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
        client: None,
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
