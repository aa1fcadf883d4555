//! PHP config files (`config/mail.php`, `config/services.php`, `.env.local.php`), read with
//! tree-sitter-php and evaluated as far as a config file needs: literals, arrays, `env()`
//! with Laravel's conversions, casts, `.`, `??`, `?:` and top-level `$variables`. Anything else
//! (a function call, a constant) evaluates to [`Val::Unknown`], which rules skip.
//!
//! - `parse`: tree-sitter-php within a time budget, and syntax errors where PHP reports them;
//! - `comments`: the comment spans, for suppressions;
//! - `eval`: the evaluator of a config file's `return [...]`;
//! - `env`: `env()` calls, with Laravel's conversions;
//! - `env_local`: `.env.local.php`, as env entries.

mod comments;
mod env;
mod env_local;
mod eval;
mod parse;

pub use comments::comments;
pub use env::laravel_env_value;
pub use env_local::eval_env_local_php;
pub use eval::{MAX_DEPTH, eval_config};
pub use parse::{MAX_ERROR_DEPTH, PhpError, parse};
