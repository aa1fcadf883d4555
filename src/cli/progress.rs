//! Progress on standard error while sesform reads live state, applies and waits: an indicatif
//! spinner on a terminal, plain lines now and then without one (CI logs), nothing with `-q`.
//! The request log (`--debug`) takes the terminal's place: its lines and a spinner would mix.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::GlobalArgs;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A spinner line redrawn in place (standard error is a terminal).
    Spinner,
    /// A plain line every `SESFORM_PROGRESS_INTERVAL` seconds (default 10).
    Lines,
    Off,
}

impl Mode {
    pub fn of(global: &GlobalArgs) -> Mode {
        if global.quiet {
            Mode::Off
        } else if std::io::stderr().is_terminal() && !super::log::enabled(global) {
            Mode::Spinner
        } else {
            Mode::Lines
        }
    }
}

/// Seconds between plain progress lines (`SESFORM_PROGRESS_INTERVAL`, for tests and CI).
fn line_interval() -> Duration {
    std::env::var("SESFORM_PROGRESS_INTERVAL")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0 && v.is_finite())
        .map_or(Duration::from_secs(10), Duration::from_secs_f64)
}

/// One task's progress display.
pub struct Progress {
    mode: Mode,
    bar: Option<ProgressBar>,
    interval: Duration,
    last_line: std::sync::Mutex<Option<Instant>>,
    started: Instant,
    /// Whether a plain line was printed (then a closing line is too).
    pub printed: std::sync::atomic::AtomicBool,
}

impl Progress {
    pub fn new(mode: Mode) -> Progress {
        let bar = (mode == Mode::Spinner).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {wide_msg}")
                    .expect("a valid template")
                    .tick_chars("|/-\\ "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            mode,
            bar,
            interval: line_interval(),
            last_line: std::sync::Mutex::new(None),
            started: Instant::now(),
            printed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The current state: redrawn on a terminal; printed as a line when the interval passed.
    pub fn set(&self, message: &str) {
        match self.mode {
            Mode::Spinner => {
                if let Some(bar) = &self.bar {
                    bar.set_message(message.to_string());
                }
            }
            Mode::Lines => {
                let mut last = self.last_line.lock().unwrap_or_else(|e| e.into_inner());
                let since = last.unwrap_or(self.started).elapsed();
                if since >= self.interval {
                    *last = Some(Instant::now());
                    self.printed
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                    eprintln!("{message}");
                }
            }
            Mode::Off => {}
        }
    }

    /// Runs `print` with the spinner cleared, so what it writes is not drawn over.
    pub fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Runs `work`, refreshing the display with `describe()` while it runs.
    pub async fn during<T>(
        &self,
        work: impl std::future::Future<Output = T>,
        describe: impl Fn() -> String,
    ) -> T {
        if self.mode == Mode::Off {
            return work.await;
        }
        let tick = match self.mode {
            Mode::Spinner => Duration::from_millis(100),
            _ => self.interval.min(Duration::from_secs(1)),
        };
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done,
                _ = tokio::time::sleep(tick) => self.set(&describe()),
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
