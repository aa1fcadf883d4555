//! The HTTP/1.1 server: accept loop and the per-request pipeline
//! (route -> record -> fault -> operation -> response).
//!
//! hyper is used directly rather than through a framework because a dropped-connection fault
//! needs the service to fail, which makes hyper close the socket without writing a response.

use std::time::Duration;

use hyper::body::Incoming;
use hyper::header::AUTHORIZATION;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use super::control_http;
use super::errors::ApiError;
use super::faults::FaultAction;
use super::local_http;
use super::operations;
use super::protocol::{self, ApiRequest, HttpResponse};
use super::routes::{self, NoRoute};
use super::sending;
use super::shape;
use super::state::{CallRecord, SharedState, lock};

/// Serves until `shutdown` fires (or its sender is dropped), then aborts open connections.
pub async fn run(listener: TcpListener, state: SharedState, mut shutdown: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, state.clone()));
                }
                // Typically EMFILE: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn serve_connection(stream: TcpStream, state: SharedState) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |request| handle(request, state.clone()));
    // An error here is the client going away or an injected drop; neither needs reporting.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Returned by the service to make hyper drop the connection unanswered.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    request: Request<Incoming>,
    state: SharedState,
) -> Result<HttpResponse, DropConnection> {
    if control_http::is_control_path(request.uri().path()) {
        return Ok(control_http::handle(request, &state).await);
    }
    if local_http::is_local_path(request.uri().path()) {
        return Ok(local_http::handle(request, &state).await);
    }
    let authorization = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let region = protocol::region_from_authorization(authorization);
    let path = request.uri().path().to_owned();
    let routed = routes::resolve(request.method(), &path);
    let record = CallRecord {
        seq: 0,
        operation: routed
            .as_ref()
            .map_or("Unknown", |(operation, _)| operation.name())
            .to_owned(),
        region: region.clone(),
        method: request.method().to_string(),
        path,
        status: None,
    };
    let (seq, fault) = {
        let mut state = lock(&state);
        let fault = match &routed {
            Ok((operation, _)) => state.faults.take(*operation),
            Err(_) => None,
        };
        // The rate limit applies where no injected fault already answers.
        let fault = match (&routed, &mut state.rate_limit) {
            (Ok(_), Some(bucket)) if fault.is_none() => (!bucket.take(std::time::Instant::now()))
                .then(|| FaultAction::Respond(super::errors::ApiError::too_many_requests())),
            _ => fault,
        };
        (state.begin_call(record), fault)
    };
    let finish = |response: HttpResponse| {
        lock(&state).end_call(seq, response.status().as_u16());
        response
    };

    let (operation, params) = match routed {
        Ok(found) => found,
        Err(no_route) => {
            let mut error =
                ApiError::unknown_operation(request.method().as_str(), request.uri().path());
            if no_route == NoRoute::MethodNotAllowed {
                error.status = StatusCode::METHOD_NOT_ALLOWED;
            }
            return Ok(finish(protocol::error_response(&error)));
        }
    };
    match fault {
        Some(FaultAction::DropConnection) => return Err(DropConnection),
        Some(FaultAction::Respond(error)) => return Ok(finish(protocol::error_response(&error))),
        Some(FaultAction::Delay(delay)) => tokio::time::sleep(delay).await,
        None => {}
    }

    let query = protocol::parse_query(request.uri().query());
    let body = match protocol::read_body(request.into_body()).await {
        Ok(body) => body,
        Err(error) => return Ok(finish(protocol::error_response(&error))),
    };
    let api_request = ApiRequest {
        region,
        params,
        query,
        body,
    };
    let (result, publications) = {
        let mut state = lock(&state);
        let shape = state.shape;
        let region = state.region(&api_request.region);
        let result = operations::dispatch(operation, &api_request, region).map(|mut output| {
            shape::reshape(shape, operation, &mut output);
            output
        });
        (result, std::mem::take(&mut region.outbox.pending))
    };
    if !publications.is_empty() {
        tokio::spawn(sending::deliver(state.clone(), publications));
    }
    Ok(finish(match result {
        Ok(output) => protocol::json_response(StatusCode::OK, &output),
        Err(error) => protocol::error_response(&error),
    }))
}
