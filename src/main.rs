use std::process::ExitCode;

fn main() -> ExitCode {
    sesform::cli::main()
}
