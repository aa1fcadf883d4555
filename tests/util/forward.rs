//! A fault-injecting HTTP forwarder between sesform and moto, on a loopback port: each request
//! (an AWS call: IAM and SNS query protocol, SSM JSON) is shown to a rule, which lets it through, lets it
//! through but answers 500 as if the answer were lost, answers it itself (a stale read), or holds
//! it unanswered forever (so a test can kill sesform at that exact call).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A call as the rule sees it: its `Action` and all its form parameters.
#[derive(Debug, Clone)]
pub struct Call {
    pub action: String,
    pub params: Vec<(String, String)>,
}

impl Call {
    /// Whether any parameter has this value (e.g. a tag key).
    pub fn mentions(&self, value: &str) -> bool {
        self.params.iter().any(|(_, v)| v == value)
    }

    /// The value of the tag `key` a TagUser call sets.
    pub fn tag_value(&self, key: &str) -> Option<&str> {
        let (name, _) = self
            .params
            .iter()
            .find(|(n, v)| n.ends_with(".Key") && v == key)?;
        let value_name = format!("{}.Value", name.trim_end_matches(".Key"));
        self.params
            .iter()
            .find(|(n, _)| *n == value_name)
            .map(|(_, v)| v.as_str())
    }
}

pub enum Verdict {
    Forward,
    /// Forward (so the upstream acts), then answer 500 as a lost answer looks.
    AnswerLost,
    /// Never answer.
    Hold,
    /// Answer 200 with this XML body, without forwarding (a stale read, say).
    Answer(&'static str),
}

type Rule = Box<dyn FnMut(&Call) -> Verdict + Send>;

pub struct Forwarder {
    addr: SocketAddr,
    held: Arc<AtomicUsize>,
    calls: Arc<Mutex<Vec<String>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Forwarder {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`) under `rule`.
    pub fn start(upstream: &str, rule: impl FnMut(&Call) -> Verdict + Send + 'static) -> Forwarder {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("a loopback upstream");
        assert!(upstream.ip().is_loopback(), "loopback only");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let held = Arc::new(AtomicUsize::new(0));
        let calls = Arc::new(Mutex::new(Vec::new()));
        let rule: Arc<Mutex<Rule>> = Arc::new(Mutex::new(Box::new(rule)));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (held2, calls2) = (held.clone(), calls.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let serve = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        let (rule, held, calls) = (rule.clone(), held2.clone(), calls2.clone());
                        tokio::spawn(async move {
                            let service = hyper::service::service_fn(move |request| {
                                handle(request, upstream, rule.clone(), held.clone(), calls.clone())
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                                .await;
                        });
                    }
                };
                tokio::select! {
                    _ = serve => {}
                    _ = stopped => {}
                }
            });
        });
        Forwarder {
            addr,
            held,
            calls,
            stop: Some(stop),
        }
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Actions seen so far, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// Waits until a call is being held; panics after `timeout`.
    pub fn wait_held(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.held.load(Ordering::SeqCst) == 0 {
            assert!(
                Instant::now() < deadline,
                "no call held; calls: {:?}",
                self.calls()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn handle(
    request: hyper::Request<hyper::body::Incoming>,
    upstream: SocketAddr,
    rule: Arc<Mutex<Rule>>,
    held: Arc<AtomicUsize>,
    calls: Arc<Mutex<Vec<String>>>,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    // Query protocol (IAM, SNS): the Action parameter; JSON protocol (SSM): X-Amz-Target.
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.rsplit('.').next())
        .map(str::to_string);
    let call = Call {
        action: params
            .iter()
            .find(|(n, _)| n == "Action")
            .map(|(_, v)| v.clone())
            .or(target)
            .unwrap_or_default(),
        params,
    };
    calls.lock().unwrap().push(call.action.clone());
    let verdict = (rule.lock().unwrap())(&call);
    if let Verdict::Hold = verdict {
        held.fetch_add(1, Ordering::SeqCst);
        std::future::pending::<()>().await;
    }
    if let Verdict::Answer(xml) = verdict {
        return Ok(hyper::Response::builder()
            .status(200)
            .header("content-type", "text/xml")
            .body(Full::new(Bytes::from_static(xml.as_bytes())))
            .unwrap());
    }
    let answer = forward(&parts, &body, upstream).await?;
    if let Verdict::AnswerLost = verdict {
        return Ok(hyper::Response::builder()
            .status(500)
            .header("content-type", "text/xml")
            .body(Full::new(Bytes::from_static(
                b"<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>injected: the answer was lost</Message></Error><RequestId>lost</RequestId></ErrorResponse>",
            )))
            .unwrap());
    }
    Ok(answer)
}

/// Sends the request to `upstream` over HTTP/1.0 and returns its answer.
async fn forward(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    upstream: SocketAddr,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let mut head = format!(
        "{} {} HTTP/1.0\r\n",
        parts.method,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    for (name, value) in &parts.headers {
        if matches!(
            name.as_str(),
            "connection" | "keep-alive" | "transfer-encoding" | "content-length"
        ) {
            continue;
        }
        head.push_str(&format!(
            "{name}: {}\r\n",
            value.to_str().unwrap_or_default()
        ));
    }
    head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut stream = tokio::net::TcpStream::connect(upstream).await?;
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let header_text = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = header_text.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let mut response = hyper::Response::builder().status(status);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            if !matches!(
                name.as_str(),
                "connection" | "keep-alive" | "transfer-encoding" | "content-length"
            ) {
                response = response.header(name, value.trim());
            }
        }
    }
    Ok(response
        .body(Full::new(Bytes::copy_from_slice(&answer[split + 4..])))
        .unwrap())
}
