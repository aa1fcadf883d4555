//! Symfony 5 to 8: `framework.mailer` (and the 8.2 top-level `mailer:`) in
//! `config/packages/*.yaml`, `config/packages/$APP_ENV/*.yaml` and `when@$APP_ENV:` blocks,
//! with `%env(...)%` and `%parameter%` resolved, and each DSN parsed as `Dsn::fromString` does.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{LoadContext, env_load_errors, read_file, read_lock, syntax_error};
use crate::formats::dotenv::{MAX_EXPANDED_VALUE, too_large_message};
use crate::formats::dsn::{self, Dsn};
use crate::formats::url;
use crate::formats::yaml::{self, YKind, YNode};
use crate::lint::app::{App, Endpoint, Engine, Framework, Kind, Tls, Transport};
use crate::lint::composer::{SYMFONY_AMAZON_MAILER, SYMFONY_FRAMEWORK, SYMFONY_MAILER};
use crate::lint::env::{self, Env, VarSource};
use crate::lint::files::{FileId, Files, Origin, display_path};
use crate::lint::traced::Traced;
use crate::lint::value::{EnvOutcome, EnvUse, Node, Val};

/// A YAML node and the file it is in.
#[derive(Clone)]
struct At {
    node: YNode,
    file: FileId,
    key: Option<Range<usize>>,
}

/// `framework.mailer`, merged across files in load order.
#[derive(Default)]
struct MailerConfig {
    dsn: Option<At>,
    transports: Vec<(String, At)>,
    headers: Vec<(String, At)>,
    sender: Option<At>,
    enabled: Option<At>,
}

pub fn load(ctx: &LoadContext) -> App {
    let root = ctx.root;
    let mut files = Files::default();
    let mut errors = Vec::new();
    let lock = read_lock(root, &mut files, &mut errors);
    let mut env_errors = Vec::new();
    let env = env::load_symfony(root, &mut files, &ctx.app_env, ctx.process, &mut env_errors);
    errors.extend(env_load_errors(&files, env_errors));
    let mut config = MailerConfig::default();
    let mut params: HashMap<String, At> = HashMap::new();
    let mut main_config = None;
    let mut top_level_mailer = None;
    for path in config_files(root, &ctx.app_env.name) {
        let Some(id) = read_file(&path, &mut files, &mut errors) else {
            continue;
        };
        let doc = match yaml::parse(files.text(id)) {
            Ok(doc) => doc,
            Err(e) => {
                errors.push(syntax_error(&files, id, e.offset, e.message).with_help(
                    "Symfony cannot load this file either (`bin/console lint:yaml config` shows \
                     the same error); fix it, then sesform can check the mail config",
                ));
                continue;
            }
        };
        let when = format!("when@{}", ctx.app_env.name);
        for scope in [Some(&doc), doc.get(&when)].into_iter().flatten() {
            if let Some(p) = scope.get("parameters") {
                for (name, key, value) in p.entries() {
                    params.insert(
                        name.clone(),
                        At {
                            node: value.clone(),
                            file: id,
                            key: Some(key.clone()),
                        },
                    );
                }
            }
            if let Some((key, _)) = scope.entry("mailer") {
                top_level_mailer.get_or_insert(Origin::new(id, key.clone()));
            }
            let mailers = [
                scope.get("framework").and_then(|f| f.get("mailer")),
                scope.get("mailer"),
            ];
            for mailer in mailers.into_iter().flatten() {
                if main_config.is_none() {
                    main_config = Some(Origin::new(id, mailer.span.clone()));
                }
                merge(&mut config, mailer, id);
            }
        }
    }
    let version = lock
        .get(SYMFONY_FRAMEWORK)
        .or_else(|| lock.get(SYMFONY_MAILER))
        .cloned();
    let mut app = App {
        root: root.to_path_buf(),
        name: display_path(root),
        framework: Framework::Symfony,
        version,
        mailer_version: lock.get(SYMFONY_MAILER).cloned(),
        amazon_mailer_version: lock.get(SYMFONY_AMAZON_MAILER).cloned(),
        app_env: ctx.app_env.clone(),
        env,
        transports: Vec::new(),
        from: None,
        headers: Vec::new(),
        config: main_config,
        mail_config: None,
        top_level_mailer,
        files,
        errors,
        unevaluated: Vec::new(),
        client: ctx.client.clone(),
        config_cache: None,
    };
    let resolver = Resolver {
        env: &app.env,
        files: &app.files,
        params: &params,
        steps: Default::default(),
        too_large: Default::default(),
    };
    if config
        .enabled
        .as_ref()
        .is_some_and(|e| resolver.resolve(e).boolean() == Some(false))
    {
        return app;
    }
    // Symfony's Configuration refuses both (isset($v['dsn']) && count($v['transports'])).
    if let Some(dsn) = &config.dsn
        && !config.transports.is_empty()
        && resolver.resolve(dsn).val != Val::Null
    {
        let at = dsn.key.clone().map_or(dsn.node.span.start, |k| k.start);
        let error = syntax_error(
            &app.files,
            dsn.file,
            at,
            "Invalid configuration for path \"framework.mailer\": \"dsn\" and \"transports\" \
             cannot be used together.",
        )
        .with_help(
            "keep one: `dsn` for a single transport, or `transports` (the first is the default)",
        );
        app.errors.push(error);
        return app;
    }
    let mut transports = Vec::new();
    let mut declared: Vec<(String, &At)> = config
        .transports
        .iter()
        .map(|(n, a)| (n.clone(), a))
        .collect();
    if declared.is_empty()
        && let Some(dsn) = &config.dsn
    {
        declared.push(("main".into(), dsn));
    }
    for (i, (name, at)) in declared.iter().enumerate() {
        let node = resolver.resolve(at);
        transports.extend(from_dsn(&app, name, i == 0, &node));
    }
    let headers: Vec<(String, Node)> = config
        .headers
        .iter()
        .map(|(name, at)| {
            let value = match at.node.get("value") {
                Some(v) => At {
                    node: v.clone(),
                    file: at.file,
                    key: at.key.clone(),
                },
                None => at.clone(),
            };
            (name.clone(), resolver.resolve(&value))
        })
        .collect();
    let from = config
        .sender
        .as_ref()
        .map(|s| resolver.resolve(s))
        .or_else(|| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("from"))
                .map(|(_, v)| v.clone())
        });
    let too_large = resolver.too_large.into_inner();
    app.env.too_large.extend(too_large);
    app.transports = transports;
    app.headers = headers;
    app.from = from;
    app
}

/// The YAML files Symfony's kernel loads for an env, in order.
fn config_files(root: &Path, env: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [
        root.join("config/packages"),
        root.join("config/packages").join(env),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        paths.sort();
        out.extend(paths);
    }
    for name in ["services.yaml".to_string(), format!("services_{env}.yaml")] {
        let path = root.join("config").join(name);
        if path.is_file() {
            out.push(path);
        }
    }
    out
}

fn merge(config: &mut MailerConfig, mailer: &YNode, file: FileId) {
    let at = |node: &YNode, key: Option<&Range<usize>>| At {
        node: node.clone(),
        file,
        key: key.cloned(),
    };
    for (name, key, value) in mailer.entries() {
        match name.as_str() {
            "dsn" => config.dsn = Some(at(value, Some(key))),
            "transports" => {
                for (t, k, v) in value.entries() {
                    config.transports.retain(|(n, _)| n != t);
                    config.transports.push((t.clone(), at(v, Some(k))));
                }
            }
            "headers" => {
                for (h, k, v) in value.entries() {
                    config.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(h));
                    config.headers.push((h.clone(), at(v, Some(k))));
                }
            }
            "envelope" => {
                if let Some((k, v)) = value.entry("sender") {
                    config.sender = Some(at(v, Some(k)));
                }
            }
            "enabled" => config.enabled = Some(at(value, Some(key))),
            _ => {}
        }
    }
}

/// Resolves YAML scalars: YAML types, `%parameter%`, `%env(...)%` with its processors.
struct Resolver<'a> {
    env: &'a Env,
    files: &'a Files,
    params: &'a HashMap<String, At>,
    /// `%parameter%` references resolved so far (see [`MAX_PARAMETER_STEPS`]).
    steps: std::cell::Cell<usize>,
    /// Values that grew too large to resolve, for `expansion-limit` findings.
    too_large: std::cell::RefCell<Vec<(Origin, String)>>,
}

/// At most this many `%parameter%` references are resolved per app: parameters that each
/// name another several times (`b: '%a%%a%%a%'`, `c: '%b%%b%%b%'`, ...) take exponential time
/// otherwise, even when their values stay small. Past it, a value is unknown.
const MAX_PARAMETER_STEPS: usize = 10_000;

/// The text of a YAML scalar with its provenance.
fn scalar_traced(files: &Files, at: &At, value: &str) -> Traced {
    let text = files.text(at.file);
    let span = at.node.span.clone();
    let raw = &text[span.clone()];
    let inner = if at.node.is_plain() {
        span.clone()
    } else {
        span.start + 1..span.end.saturating_sub(1).max(span.start + 1)
    };
    if text.get(inner.clone()) == Some(value) && !raw.contains('\n') {
        Traced::exact(value, Origin::new(at.file, inner))
    } else {
        Traced::derived(value, Origin::new(at.file, span))
    }
}

impl Resolver<'_> {
    fn resolve(&self, at: &At) -> Node {
        self.resolve_depth(at, 0)
    }

    fn resolve_depth(&self, at: &At, depth: usize) -> Node {
        let expr = Origin::new(at.file, at.node.span.clone());
        let mut node = Node::new(Val::Unknown, expr.clone());
        node.key = at.key.clone().map(|k| Origin::new(at.file, k));
        let YKind::Scalar { value, style, .. } = &at.node.kind else {
            if let YKind::Map(entries) = &at.node.kind {
                node.val = Val::Map(
                    entries
                        .iter()
                        .map(|(k, ks, v)| {
                            let child = At {
                                node: v.clone(),
                                file: at.file,
                                key: Some(ks.clone()),
                            };
                            (k.clone(), self.resolve_depth(&child, depth))
                        })
                        .collect(),
                );
            }
            return node;
        };
        if *style == yaml_rust2::scanner::TScalarStyle::Plain {
            match value.as_str() {
                "" | "~" | "null" | "Null" | "NULL" => {
                    node.val = Val::Null;
                    return node;
                }
                "true" | "True" | "TRUE" => {
                    node.val = Val::Bool(true);
                    return node;
                }
                "false" | "False" | "FALSE" => {
                    node.val = Val::Bool(false);
                    return node;
                }
                _ => {}
            }
            if let Ok(i) = value.replace('_', "").parse::<i64>() {
                node.val = Val::Int(i);
                return node;
            }
        }
        let traced = scalar_traced(self.files, at, value);
        self.interpolate(&traced, expr, node.key.clone(), depth)
    }

    /// `%%`, `%env(...)%` and `%name%` in a string.
    fn interpolate(&self, raw: &Traced, expr: Origin, key: Option<Origin>, depth: usize) -> Node {
        let text = raw.as_str();
        let mut out = Traced::new();
        let mut env_use: Option<EnvUse> = None;
        let mut single_at: Option<Origin> = None;
        let mut unknown = false;
        let mut parts = 0;
        let mut i = 0;
        let mut last = 0;
        while let Some(found) = text[i..].find('%') {
            let at = i + found;
            if text[at + 1..].starts_with('%') {
                out.append(&raw.slice(last..at + 1));
                last = at + 2;
                i = at + 2;
                continue;
            }
            let Some(close) = text[at + 1..].find('%').map(|c| at + 1 + c) else {
                break;
            };
            let inner = &text[at + 1..close];
            if inner.is_empty() || inner.contains(char::is_whitespace) {
                i = at + 1;
                continue;
            }
            out.append(&raw.slice(last..at));
            parts += 1;
            let resolved = if let Some(expression) =
                inner.strip_prefix("env(").and_then(|s| s.strip_suffix(')'))
            {
                self.env_expression(expression, raw.origin_of(at..close + 1), depth)
            } else {
                self.param(inner, depth)
            };
            match resolved {
                Some(r) => {
                    if r.env.is_some() {
                        env_use = r.env.clone();
                    }
                    single_at = Some(r.at.clone());
                    match &r.val {
                        Val::Str(s) => out.append(s),
                        _ => match r.text() {
                            Some(t) => out.push_derived(&t, r.at.clone()),
                            None => unknown = true,
                        },
                    }
                }
                None => unknown = true,
            }
            last = close + 1;
            i = close + 1;
            if out.len() > MAX_EXPANDED_VALUE {
                let at = raw.origin_of(at..close + 1).unwrap_or_else(|| expr.clone());
                let why = format!(
                    "the value grows past {} KiB after expansion",
                    MAX_EXPANDED_VALUE / 1024
                );
                let name = key
                    .as_ref()
                    .and_then(|k| self.files.text(k.file).get(k.span.clone()))
                    .unwrap_or("the value");
                self.too_large
                    .borrow_mut()
                    .push((at, too_large_message(name, &why)));
                unknown = true;
            }
            if unknown {
                // Unknown whatever follows: resolving the rest is only work.
                break;
            }
        }
        out.append(&raw.slice(last..raw.len()));
        // `'%env(X)%'` alone: the value is where X is set.
        let whole =
            parts == 1 && text.starts_with('%') && !text.starts_with("%%") && last == text.len();
        let at = if whole {
            single_at.unwrap_or_else(|| expr.clone())
        } else {
            out.origin().unwrap_or_else(|| expr.clone())
        };
        Node {
            val: if unknown { Val::Unknown } else { Val::Str(out) },
            at,
            expr,
            key,
            env: env_use,
        }
    }

    fn param(&self, name: &str, depth: usize) -> Option<Node> {
        if depth > 8 {
            return None;
        }
        let at = self.params.get(name)?;
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_PARAMETER_STEPS {
            if steps == MAX_PARAMETER_STEPS + 1 {
                let why = format!(
                    "resolving %parameters% takes more than {MAX_PARAMETER_STEPS} steps in this app"
                );
                let origin = Origin::new(at.file, at.node.span.clone());
                self.too_large
                    .borrow_mut()
                    .push((origin, too_large_message(&format!("`%{name}%`"), &why)));
            }
            return None;
        }
        Some(self.resolve_depth(at, depth + 1))
    }

    /// `%env(prefix:prefix:NAME)%`; processors apply from the innermost (rightmost) out.
    fn env_expression(&self, expression: &str, at: Option<Origin>, depth: usize) -> Option<Node> {
        let mut pieces: Vec<&str> = expression.split(':').collect();
        let name = pieces.pop()?.to_string();
        let here = at.unwrap_or_else(|| Origin::new(0, 0..0));
        // `default:fallback_param:NAME` consumes two pieces.
        let mut fallback = None;
        // Processors left of `default` wrap it; those right of it only apply to the variable.
        let mut outer = pieces.len();
        if let Some(pos) = pieces.iter().position(|p| *p == "default")
            && pos + 1 < pieces.len()
        {
            fallback = Some(pieces[pos + 1].to_string());
            pieces.drain(pos..pos + 2);
            outer = pos;
        }
        let var = self.env.get(&name);
        let value = var.and_then(|v| v.value.clone());
        // `EnvVarProcessor`: an undefined variable takes the parameter `env(NAME)`, if any,
        // before `default:` is considered.
        let env_param = if var.is_none() {
            self.param(&format!("env({name})"), depth)
        } else {
            None
        };
        let outcome = match var.map(|v| &v.source) {
            Some(VarSource::Process) => EnvOutcome::Process,
            Some(VarSource::File { .. }) => EnvOutcome::File,
            None if fallback.is_some() || env_param.is_some() => EnvOutcome::Default,
            None => EnvOutcome::Unset,
        };
        let uses_fallback = env_param.is_none()
            && fallback.is_some()
            && match (&value, var) {
                (Some(v), Some(_)) => v.is_empty(),
                (None, Some(_)) => false,
                _ => true,
            };
        let mut node = if let Some(param) = env_param {
            param
        } else {
            self.env_value(&value, var, &fallback, &here, depth)
        };
        let processors = if uses_fallback {
            &pieces[..outer]
        } else {
            &pieces[..]
        };
        for processor in processors.iter().rev() {
            node.val = match (*processor, &node.val) {
                ("string", v) => v.clone(),
                ("trim", Val::Str(s)) => {
                    let t = s.as_str();
                    let start = t.len() - t.trim_start().len();
                    Val::Str(s.slice(start..t.trim_end().len().max(start)))
                }
                ("urlencode", Val::Str(s)) => Val::Str(s.map_text(url::urlencode(s.as_str()))),
                ("resolve", Val::Str(s)) => {
                    let inner = self.interpolate(s, here.clone(), None, depth + 1);
                    inner.val
                }
                _ => Val::Unknown,
            };
        }
        node.env = Some(EnvUse { name, outcome });
        Some(node)
    }

    /// The variable's value, or the `default:` fallback parameter when it is unset (or empty).
    fn env_value(
        &self,
        value: &Option<Traced>,
        var: Option<&crate::lint::env::EnvVar>,
        fallback: &Option<String>,
        here: &Origin,
        depth: usize,
    ) -> Node {
        match (value, var) {
            (Some(v), Some(var)) if !(fallback.is_some() && v.is_empty()) => Node {
                val: Val::Str(v.clone()),
                at: var.value_origin().unwrap_or_else(|| here.clone()),
                expr: here.clone(),
                key: None,
                env: None,
            },
            (None, Some(_)) => Node::new(Val::Unknown, here.clone()),
            _ => match &fallback {
                Some(p) if p.is_empty() => Node::new(Val::Null, here.clone()),
                Some(p) => self
                    .param(p, depth)
                    .unwrap_or_else(|| Node::new(Val::Null, here.clone())),
                None => Node::new(Val::Unknown, here.clone()),
            },
        }
    }
}

/// Whether this symfony/mailer decodes DSN credentials with `urldecode` (`+` becomes a
/// space): every version before symfony/symfony#53320, released in 5.4.35, 6.3.12, 6.4.3 and
/// 7.0.3 (6.0 to 6.2 never got it).
pub fn mailer_decodes_plus_as_space(mailer: crate::lint::version::Version) -> bool {
    match (mailer.major, mailer.minor) {
        (..=4, _) => true,
        (5, _) => !mailer.at_least(5, 4, 35),
        (6, ..=3) => !mailer.at_least(6, 3, 12),
        (6, 4) => !mailer.at_least(6, 4, 3),
        (7, 0) => !mailer.at_least(7, 0, 3),
        _ => false,
    }
}

/// The transports a DSN string defines (several with `failover(...)`/`roundrobin(...)`).
fn from_dsn(app: &App, name: &str, default: bool, node: &Node) -> Vec<Transport> {
    let Some(text) = node.str() else {
        return Vec::new();
    };
    let composite = dsn::split_composite(text);
    let several = composite.dsns.len() > 1;
    composite
        .dsns
        .iter()
        .enumerate()
        .map(|(i, range)| {
            // A lone DSN with trailing text is kept whole, so that the text is checked too.
            let range = if several || composite.garbage.is_none() {
                range.clone()
            } else {
                0..text.len()
            };
            let member = node.sub(
                range.clone(),
                Val::Str(node.traced().expect("str").slice(range.clone())),
            );
            let label = if several {
                format!("{name}[{i}]")
            } else {
                name.to_string()
            };
            transport(app, &label, default, &member)
        })
        .collect()
}

fn transport(app: &App, name: &str, default: bool, member: &Node) -> Transport {
    let text = member.str().unwrap_or_default().to_string();
    let traced = member.traced().cloned().unwrap_or_default();
    let mut t = Transport {
        name: name.to_string(),
        default,
        kind: Kind::Other,
        engine: Engine::SymfonyMailer,
        scheme: text.split("://").next().unwrap_or_default().to_string(),
        decl: member.clone(),
        endpoint: None,
        username: None,
        password: None,
        region: None,
        options: Vec::new(),
        dsn: Some(member.clone()),
        ses_options: None,
    };
    let Ok(d) = dsn::parse_symfony(&text) else {
        return t;
    };
    let part = |r: &Range<usize>, val: Val| member.sub(r.clone(), val);
    // Older symfony/mailer decodes with `urldecode`, which turns `+` into a space.
    let plus_is_space = app
        .mailer_version
        .as_ref()
        .is_some_and(|p| mailer_decodes_plus_as_space(p.version));
    let decoded = |r: &Range<usize>| {
        let raw = &text[r.clone()];
        let decoded = if plus_is_space {
            url::urldecode(raw)
        } else {
            url::rawurldecode(raw)
        };
        let slice = traced.slice(r.clone());
        part(
            r,
            Val::Str(if decoded == raw {
                slice
            } else {
                slice.map_text(decoded)
            }),
        )
    };
    t.scheme = text[d.scheme.clone()].to_string();
    t.kind = match t.scheme.as_str() {
        "smtp" | "smtps" => Kind::Smtp,
        "ses+smtp" | "ses+smtps" => Kind::SesSmtp,
        "ses" | "ses+https" | "ses+api" => Kind::SesApi,
        _ => Kind::Other,
    };
    t.username = d.user.as_ref().map(decoded);
    t.password = d.password.as_ref().map(decoded);
    t.options = d
        .options
        .iter()
        .map(|p| {
            let slice = traced.slice(p.value_span.clone());
            let raw = &text[p.value_span.clone()];
            let val = if p.value == raw {
                slice
            } else {
                slice.map_text(p.value.clone())
            };
            (p.name.clone(), part(&p.value_span, Val::Str(val)))
        })
        .collect();
    t.region = t.option("region").cloned();
    t.endpoint = endpoint(app, &t, &d, member, &text);
    t
}

fn endpoint(app: &App, t: &Transport, d: &Dsn, member: &Node, text: &str) -> Option<Endpoint> {
    let host_text = &text[d.host.clone()];
    let host_node = member.sub(
        d.host.clone(),
        Val::Str(member.traced()?.slice(d.host.clone())),
    );
    let port_node = d
        .port
        .as_ref()
        .map(|(p, r)| member.sub(r.clone(), Val::Int(i64::from(*p))));
    match t.kind {
        Kind::Smtp => {
            let smtps = t.scheme == "smtps";
            let port = d.port.as_ref().map_or(0, |p| p.0);
            let (tls, reason, tls_node) = if smtps {
                (
                    Tls::Implicit,
                    "the scheme is smtps".to_string(),
                    Some(member.sub(d.scheme.clone(), Val::Unknown)),
                )
            } else if port == 465 {
                (
                    Tls::Implicit,
                    "Symfony Mailer uses TLS from the start on port 465".into(),
                    port_node.clone(),
                )
            } else if t.option("auto_tls").and_then(Node::boolean) == Some(false) {
                (
                    Tls::None,
                    "auto_tls=false, so STARTTLS is never sent".into(),
                    t.option("auto_tls").cloned(),
                )
            } else if port == 0 && host_text != "localhost" {
                // EsmtpTransport: no port (and not localhost) means TLS from the start on 465.
                (
                    Tls::Implicit,
                    "with no port, Symfony Mailer connects to 465 with TLS from the start".into(),
                    None,
                )
            } else {
                (
                    Tls::StartTls,
                    "Symfony Mailer upgrades with STARTTLS on ports other than 465".into(),
                    None,
                )
            };
            let port = match (port, tls) {
                (0, Tls::Implicit) => 465,
                (0, _) => 25,
                (port, _) => port,
            };
            Some(Endpoint {
                host: host_text.to_string(),
                host_node: Some(host_node),
                region_node: None,
                port,
                port_node,
                tls,
                tls_reason: reason,
                tls_node,
            })
        }
        Kind::SesSmtp => {
            // Custom hosts from 6.1, a custom port from 8.1; TLS from the start always.
            let custom_host = host_text != "default" && app.amazon_mailer_at_least(6, 1, 0);
            let region = t
                .region
                .as_ref()
                .and_then(Node::text)
                .filter(|r| !r.is_empty());
            let host = if custom_host {
                host_text.to_string()
            } else {
                format!(
                    "email-smtp.{}.amazonaws.com",
                    region.unwrap_or_else(|| "eu-west-1".into())
                )
            };
            let port_honoured = app.amazon_mailer_at_least(8, 1, 0);
            let (port, port_node) = match (&d.port, port_honoured) {
                (Some((p, _)), true) => (*p, port_node),
                _ => (465, None),
            };
            Some(Endpoint {
                host,
                host_node: Some(host_node),
                region_node: if custom_host { None } else { t.region.clone() },
                port,
                port_node,
                tls: Tls::Implicit,
                tls_reason: format!("{} always uses TLS from the start", t.scheme),
                tls_node: None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_app(files: &[(&str, &str)]) -> App {
        crate::lint::testing::load(files)
    }

    /// Parameters `a1` to `a{levels}`, each naming the one before `width` times.
    fn fanning_parameters(first: &str, levels: usize, width: usize) -> String {
        let mut yaml = format!("parameters:\n    a0: '{first}'\n");
        for i in 1..=levels {
            let refs = format!("%a{}%", i - 1).repeat(width);
            yaml.push_str(&format!("    a{i}: '{refs}'\n"));
        }
        yaml.push_str(&format!(
            "framework:\n    mailer:\n        dsn: 'smtp://u:p@h?x=%a{levels}%'\n"
        ));
        yaml
    }

    #[test]
    fn parameter_expansion_is_bounded_in_size_and_work() {
        // 16 bytes, times 40 per level: a3 passes 64 KiB (1.1 KB of YAML, gigabytes expanded).
        let app = load_app(&[(
            "config/packages/mailer.yaml",
            &fanning_parameters("abcdefghijklmnop", 6, 40),
        )]);
        assert_eq!(app.env.too_large.len(), 1, "{:?}", app.env.too_large);
        let (at, message) = &app.env.too_large[0];
        assert!(
            message.starts_with("a3: the value grows past 64 KiB"),
            "{message}"
        );
        assert_eq!(app.files.line_of(at), 5);
        // The DSN is unknown, so no transport is checked on a guess.
        assert!(app.transports.is_empty());
        // Empty values never grow, but 40^8 references would never finish.
        let app = load_app(&[(
            "config/packages/mailer.yaml",
            &fanning_parameters("", 8, 40),
        )]);
        assert_eq!(app.env.too_large.len(), 1, "{:?}", app.env.too_large);
        assert!(app.env.too_large[0].1.contains("more than 10000 steps"));
    }

    #[test]
    fn a_default_fallback_skips_the_processors_it_replaces() {
        let yaml = "parameters:\n    fb: 'ses+smtp://AKIAIOSFODNN7EXAMPLE:pw@default?region=eu-west-1'\nframework:\n    mailer:\n        dsn: '%env(default:fb:urlencode:UNSET_DSN)%'\n";
        let app = load_app(&[("config/packages/mailer.yaml", yaml)]);
        let t = &app.transports[0];
        assert_eq!(
            t.kind,
            Kind::SesSmtp,
            "urlencode would have broken the scheme"
        );
    }

    #[test]
    fn an_undefined_env_var_takes_the_env_parameter() {
        let yaml = "parameters:\n    env(MAILER_DSN): 'ses+smtp://AKIAIOSFODNN7EXAMPLE:pw@default?region=eu-west-1'\nframework:\n    mailer:\n        dsn: '%env(MAILER_DSN)%'\n";
        let app = load_app(&[("config/packages/mailer.yaml", yaml)]);
        let t = &app.transports[0];
        assert_eq!(t.kind, Kind::SesSmtp);
        assert_eq!(t.region.as_ref().unwrap().str(), Some("eu-west-1"));
        let dsn = t.dsn.as_ref().unwrap();
        assert_eq!(dsn.env.as_ref().unwrap().outcome, EnvOutcome::Default);
        // A defined variable wins over the parameter.
        let app = load_app(&[
            ("config/packages/mailer.yaml", yaml),
            (".env", "MAILER_DSN=null://null\n"),
        ]);
        assert_ne!(app.transports.first().map(|t| t.kind), Some(Kind::SesSmtp));
    }

    #[test]
    fn parameters_env_processors_and_urlencode() {
        let app = load_app(&[
            (
                "config/packages/mailer.yaml",
                "parameters:\n    mailer_dsn: 'ses+smtp://%env(SES_USER)%:%env(urlencode:SES_PASS)%@default?region=%env(default:region:SES_REGION)%'\n    region: eu-west-1\nframework:\n    mailer:\n        dsn: '%mailer_dsn%'\n",
            ),
            (
                ".env",
                "SES_USER=AKIAIOSFODNN7EXAMPLE\nSES_PASS=BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF\n",
            ),
        ]);
        let t = &app.transports[0];
        assert_eq!(t.kind, Kind::SesSmtp);
        assert_eq!(
            t.username.as_ref().unwrap().str(),
            Some("AKIAIOSFODNN7EXAMPLE")
        );
        // urlencode then rawurldecode gives the password back.
        let password = t.password.as_ref().unwrap();
        assert_eq!(
            password.str(),
            Some("BKVmjjMDFk/qqw8EROW99bjCS65PF8WKvK5bSr4Y6EqF")
        );
        // ...and it still points at the .env line that sets it.
        let env_text = app.files.text(password.at.file);
        assert!(
            env_text[password.at.span.clone()].starts_with("BKVmjj"),
            "{:?}",
            password.at
        );
        assert_eq!(t.region.as_ref().unwrap().str(), Some("eu-west-1"));
        assert_eq!(
            t.endpoint.as_ref().unwrap().host,
            "email-smtp.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn dsn_and_transports_together_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config/packages/mailer.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            &path,
            "framework:\n    mailer:\n        dsn: 'null://null'\n        transports:\n            main: 'null://null'\n",
        )
        .unwrap();
        let process = std::collections::HashMap::new();
        let app = load(&LoadContext {
            root: dir.path(),
            app_env: crate::lint::env::AppEnv {
                name: "prod".into(),
                source: crate::lint::env::AppEnvSource::Flag,
            },
            process: &process,
            client: None,
        });
        assert_eq!(app.errors.len(), 1);
        assert!(app.errors[0].message.contains("cannot be used together"));
        assert_eq!(app.errors[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn failover_dsns_are_one_transport_each() {
        let app = load_app(&[(
            "config/packages/mailer.yaml",
            "framework:\n    mailer:\n        dsn: 'failover(ses+smtp://A:B@default smtps://C:D@email-smtp.us-east-1.amazonaws.com)'\n",
        )]);
        let names: Vec<(&str, Kind)> = app
            .transports
            .iter()
            .map(|t| (t.name.as_str(), t.kind))
            .collect();
        assert_eq!(
            names,
            vec![("main[0]", Kind::SesSmtp), ("main[1]", Kind::Smtp)]
        );
        let e = app.transports[1].endpoint.as_ref().unwrap();
        assert_eq!((e.port, e.tls), (465, Tls::Implicit));
    }

    #[test]
    fn env_directories_and_headers() {
        let app = load_app(&[
            (
                "config/packages/mailer.yaml",
                "framework:\n    mailer:\n        dsn: 'null://null'\n",
            ),
            (
                "config/packages/prod/mailer.yaml",
                "framework:\n    mailer:\n        dsn: 'smtp://u:p@email-smtp.eu-west-1.amazonaws.com:587'\n        headers:\n            From: 'Shop <shop@example.com>'\n            X-SES-CONFIGURATION-SET: { value: tx }\n",
            ),
        ]);
        assert_eq!(app.transports[0].kind, Kind::Smtp);
        assert_eq!(
            app.from.as_ref().unwrap().str(),
            Some("Shop <shop@example.com>")
        );
        let set = app
            .headers
            .iter()
            .find(|(n, _)| n == "X-SES-CONFIGURATION-SET")
            .unwrap();
        assert_eq!(set.1.str(), Some("tx"));
    }

    #[test]
    fn mailer_versions_that_decode_plus_as_space() {
        let v = |t: &str| crate::lint::version::Version::parse(t).unwrap();
        for (version, plus_is_space) in [
            ("5.4.34", true),
            ("5.4.35", false),
            ("6.2.14", true),
            ("6.3.12", false),
            ("6.4.2", true),
            ("6.4.3", false),
            ("7.0.2", true),
            ("7.0.3", false),
            ("7.1.0", false),
        ] {
            assert_eq!(
                mailer_decodes_plus_as_space(v(version)),
                plus_is_space,
                "{version}"
            );
        }
    }
}
