//! An in-memory Amazon SESv2 emulator speaking the real restJson1 wire protocol, for tests and
//! demos (moto lacks most of SESv2).
//!
//! Point the official SDK at [`Emulator::endpoint_url`]. State is kept per region (taken from
//! the SigV4 credential scope; signatures are not checked) for account `123456789012`.
//! Tests steer it through [`Control`]: verify identities, change the account, inject faults,
//! count calls. The same knobs are served over HTTP under `/_emulator/` (see `control_http`).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = sesform::emulator::Emulator::start().await?;
//! let url = emulator.endpoint_url(); // http://127.0.0.1:PORT
//! emulator.control().inject(sesform::emulator::Fault::throttle().only("GetAccount"))
//!     .expect("valid fault");
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```

mod control;
mod control_http;
mod errors;
mod faults;
mod ids;
mod local_http;
mod model;
mod operations;
mod pagination;
mod protocol;
mod routes;
pub mod sending;
mod server;
mod shape;
mod state;
mod validate;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use control::{AccountPatch, Control, ControlError, ReviewPatch};
pub use control_http::PREFIX as CONTROL_PREFIX;
pub use faults::{Fault, FaultKind, RateLimit, RateLimitStats};
pub use model::{
    Account, AccountDetails, ContactLanguage, EnforcementStatus, MailType, ReviewDetails,
    ReviewStatus, SendQuota, SuppressionAttributes, SuppressionListReason, VerificationStatus,
};
pub use routes::Operation;
pub use shape::Shape;
pub use state::{ACCOUNT_ID, CallRecord, DEFAULT_REGION, configuration_set_arn, identity_arn};

/// A running emulator on the current tokio runtime. Dropping it stops the server too.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    control: Control,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Starts on `127.0.0.1` with a free port.
    pub async fn start() -> io::Result<Self> {
        Self::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts on `addr`, which must be a loopback address: the emulator has no auth.
    pub async fn bind(addr: SocketAddr) -> io::Result<Self> {
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to listen on {addr}: the emulator only binds loopback addresses"),
            ));
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = state::SharedState::default();
        let (shutdown, stop) = oneshot::channel();
        let server = tokio::spawn(server::run(listener, state.clone(), stop));
        Ok(Self {
            addr,
            control: Control::new(state),
            shutdown: Some(shutdown),
            server: Some(server),
        })
    }

    /// Like [`Emulator::start`], on a runtime of its own in a background thread, for sync
    /// code (e.g. tests running the `sesform` binary). Stops when the handle is dropped.
    pub fn start_background() -> io::Result<BackgroundEmulator> {
        BackgroundEmulator::start()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for the SDK's `endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn control(&self) -> Control {
        self.control.clone()
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// An emulator served from its own thread; dropping the handle stops it and joins the thread.
#[derive(Debug)]
pub struct BackgroundEmulator {
    addr: SocketAddr,
    control: Control,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundEmulator {
    fn start() -> io::Result<Self> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sesform-emulator".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Emulator::start().await {
                        Ok(emulator) => {
                            let _ = ready_tx.send(Ok((emulator.local_addr(), emulator.control())));
                            // A dropped sender (handle dropped) stops the emulator as well.
                            let _ = stopped.await;
                            emulator.shutdown().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })?;
        let (addr, control) = ready_rx
            .recv()
            .map_err(|_| io::Error::other("the emulator thread exited before starting"))??;
        Ok(Self {
            addr,
            control,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn control(&self) -> Control {
        self.control.clone()
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
