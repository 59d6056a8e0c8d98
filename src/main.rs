fn main() {
    reset_sigpipe();
    audit::console::init();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A double click (or a file dropped onto audit.exe) gets the guided start.
    let code = match audit::guided::wanted(&args) {
        Some(start) => audit::guided::run(start),
        None => audit::run(args),
    };
    audit::console::finish();
    std::process::exit(code);
}

/// Let `audit … | head` end quietly, as command-line tools do, instead of failing to print.
#[cfg(unix)]
fn reset_sigpipe() {
    unsafe extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: restoring the default disposition of SIGPIPE before any thread is started.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn reset_sigpipe() {}
