fn main() {
    std::process::exit(audit::run(std::env::args_os()));
}
