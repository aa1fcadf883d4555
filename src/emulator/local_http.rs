//! What local SES did, for people and tests (like Mailpit's API and UI, LocalStack's
//! `/_aws/ses`): `GET /_local/messages` (JSON), `DELETE /_local/messages` (clear),
//! `GET /_local/messages/{seq}/raw` (the message as received), and a read-only HTML page at
//! `/` rendered on the server from the same records (no scripts, no outside assets).

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::json;

use super::protocol::{self, HttpResponse};
use super::sending::{self, Record};
use super::state::{SharedState, lock};

pub const PREFIX: &str = "/_local";

pub fn is_local_path(path: &str) -> bool {
    path == "/"
        || path
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Every record of every region, in arrival order.
pub fn records(state: &SharedState) -> Vec<Record> {
    let state = lock(state);
    let mut records: Vec<Record> = state
        .regions()
        .flat_map(|(_, region)| region.outbox.records.iter().cloned())
        .collect();
    records.sort_by_key(|r| r.seq);
    records
}

pub async fn handle(request: Request<Incoming>, state: &SharedState) -> HttpResponse {
    let path = request.uri().path().trim_end_matches('/').to_owned();
    let method = request.method().clone();
    match (method, path.as_str()) {
        (Method::GET, "") => html_response(&page(&records(state))),
        (Method::GET, "/_local/messages") => {
            let records = records(state);
            let refs: Vec<&Record> = records.iter().collect();
            protocol::json_response(StatusCode::OK, &sending::records_json(&refs))
        }
        (Method::DELETE, "/_local/messages") => {
            for region in lock(state).regions_mut() {
                region.outbox.records.clear();
            }
            protocol::json_response(StatusCode::OK, &json!({}))
        }
        (Method::GET, other) => {
            let seq = other
                .strip_prefix("/_local/messages/")
                .and_then(|rest| rest.strip_suffix("/raw"))
                .and_then(|seq| seq.parse::<u64>().ok());
            match seq.and_then(|seq| records(state).into_iter().find(|r| r.seq == seq)) {
                Some(record) => {
                    let mut response = Response::new(Full::new(Bytes::from(record.data)));
                    response
                        .headers_mut()
                        .insert(CONTENT_TYPE, HeaderValue::from_static("message/rfc822"));
                    response
                }
                None => not_found(other),
            }
        }
        (method, other) => not_found(&format!("{method} {other}")),
    }
}

fn not_found(what: &str) -> HttpResponse {
    protocol::json_response(
        StatusCode::NOT_FOUND,
        &json!({"error": format!("no local endpoint {what}")}),
    )
}

fn html_response(body: &str) -> HttpResponse {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())));
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page: one table row per message, newest first, with its events.
pub fn page(records: &[Record]) -> String {
    let mut rows = String::new();
    for record in records.iter().rev() {
        let events: Vec<String> = record
            .events
            .iter()
            .map(|e| {
                let to = if e.destinations.is_empty() {
                    "local record".to_string()
                } else {
                    e.destinations.join(", ")
                };
                format!(
                    "<li class=\"event\">{} <small>&rarr; {}</small></li>",
                    escape(e.event_type),
                    escape(&to)
                )
            })
            .collect();
        rows.push_str(&format!(
            "<tr class=\"message {status}\" id=\"m{seq}\"><td>{seq}</td><td>{at}</td><td>{channel}</td>\
             <td>{from}</td><td>{to}</td><td class=\"subject\">{subject}</td><td>{set}</td>\
             <td><code>{reply}</code></td><td><ul>{events}</ul></td>\
             <td><a href=\"/_local/messages/{seq}/raw\">raw</a></td></tr>\n",
            status = record.status,
            seq = record.seq,
            at = escape(&record.received_at),
            channel = match record.channel {
                sending::Channel::Smtp => "SMTP",
                sending::Channel::Api => "API",
            },
            from = escape(&record.envelope.from),
            to = escape(&record.envelope.to.join(", ")),
            subject = escape(record.subject.as_deref().unwrap_or("")),
            set = escape(record.configuration_set.as_deref().unwrap_or("")),
            reply = escape(&record.reply),
            events = events.join(""),
        ));
    }
    if rows.is_empty() {
        rows.push_str("<tr><td colspan=\"10\">No messages yet.</td></tr>\n");
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>sesform local: {count} messages</title>\
         <style>body{{font-family:sans-serif;margin:1em}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #ccc;padding:4px;vertical-align:top;font-size:14px}}\
         tr.rejected{{background:#fee}}ul{{margin:0;padding-left:1em}}</style></head>\
         <body><h1>sesform local</h1>\
         <p>{count} messages. JSON: <a href=\"/_local/messages\">/_local/messages</a>. Reload to refresh.</p>\
         <table><thead><tr><th>#</th><th>received</th><th>via</th><th>from</th><th>to</th>\
         <th>subject</th><th>configuration set</th><th>reply</th><th>events</th><th></th></tr></thead>\
         <tbody>\n{rows}</tbody></table></body></html>\n",
        count = records.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_and_escaping() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/_local/messages"));
        assert!(!is_local_path("/_localx"));
        assert!(!is_local_path("/v2/email/account"));
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
        assert!(page(&[]).contains("No messages yet."));
    }
}
