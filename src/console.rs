//! The console and redirected output on Windows.
//!
//! On a console, Rust writes UTF-16 and Chinese shows correctly whatever the code page. Piped or
//! redirected (`| more`, `| findstr 检查员`, `> 进度.txt`), the bytes go out as they are, and the
//! programs reading them on a Chinese Windows expect the console's code page (936, GBK). So when
//! standard output or error is not a console but a console is attached, the program's own UTF-8
//! output is passed through a pipe and re-encoded into the console's code page.
//! `AUDIT_OUTPUT_ENCODING` chooses otherwise: `utf-8` (no change), `gbk`, `gb18030`, `big5`, or
//! `console` (the default just described).
//!
//! A reader that goes away (`| more`, then q) ends the program quietly, with exit code 0, as a
//! closed pipe does on Linux, instead of a panic.

use encoding_rs::Encoding;

/// The environment variable choosing the encoding of redirected output.
pub const ENCODING_VAR: &str = "AUDIT_OUTPUT_ENCODING";

/// What `AUDIT_OUTPUT_ENCODING` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The console's code page (the default).
    Console,
    /// Leave the UTF-8 as it is.
    Utf8,
    /// This encoding.
    Encoding(&'static Encoding),
}

/// Read the variable's value (`None`: not set). An unknown name means the default.
pub fn choice(value: Option<&str>) -> Choice {
    let Some(v) = value.map(|v| v.trim().to_ascii_lowercase()) else {
        return Choice::Console;
    };
    match v.as_str() {
        "" | "console" | "auto" => Choice::Console,
        "utf-8" | "utf8" | "65001" => Choice::Utf8,
        _ => match v.parse::<u32>().ok().and_then(code_page_encoding) {
            Some(e) => Choice::Encoding(e),
            None => Encoding::for_label(v.as_bytes())
                .map(|e| {
                    if e == encoding_rs::UTF_8 {
                        Choice::Utf8
                    } else {
                        Choice::Encoding(e)
                    }
                })
                .unwrap_or(Choice::Console),
        },
    }
}

/// The encoding of a Windows code page, where re-encoding is needed and known (65001, UTF-8, and
/// the OEM code pages of Western systems such as 437 are left alone).
pub fn code_page_encoding(cp: u32) -> Option<&'static Encoding> {
    Some(match cp {
        936 => encoding_rs::GBK,
        54936 => encoding_rs::GB18030,
        950 => encoding_rs::BIG5,
        932 => encoding_rs::SHIFT_JIS,
        949 => encoding_rs::EUC_KR,
        866 => encoding_rs::IBM866,
        874 => encoding_rs::WINDOWS_874,
        1250 => encoding_rs::WINDOWS_1250,
        1251 => encoding_rs::WINDOWS_1251,
        1252 => encoding_rs::WINDOWS_1252,
        1253 => encoding_rs::WINDOWS_1253,
        1254 => encoding_rs::WINDOWS_1254,
        1255 => encoding_rs::WINDOWS_1255,
        1256 => encoding_rs::WINDOWS_1256,
        1257 => encoding_rs::WINDOWS_1257,
        1258 => encoding_rs::WINDOWS_1258,
        _ => return None,
    })
}

/// Re-encode UTF-8 text arriving in pieces: keeps an incomplete character for the next piece.
pub struct Recoder {
    encoding: &'static Encoding,
    pending: Vec<u8>,
}

impl Recoder {
    /// A recoder into `encoding`.
    pub fn new(encoding: &'static Encoding) -> Recoder {
        Recoder {
            encoding,
            pending: Vec::new(),
        }
    }

    /// The bytes to write for `input` (and whatever was pending); with `last`, everything.
    pub fn push(&mut self, input: &[u8], last: bool) -> Vec<u8> {
        self.pending.extend_from_slice(input);
        let upto = if last {
            self.pending.len()
        } else {
            complete_prefix(&self.pending)
        };
        let text = String::from_utf8_lossy(&self.pending[..upto]).into_owned();
        self.pending.drain(..upto);
        encode_lossy(self.encoding, &text)
    }
}

/// The length of `bytes` without an incomplete UTF-8 sequence at its end.
fn complete_prefix(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => {
            // Invalid bytes in the middle: hand everything over but a possible torn tail.
            let tail = bytes.len().saturating_sub(3);
            (tail..bytes.len())
                .rev()
                .find(|&i| bytes[i] >= 0xC0)
                .filter(|&i| std::str::from_utf8(&bytes[i..]).is_err())
                .unwrap_or(bytes.len())
        }
    }
}

/// `text` in `encoding`, with `?` for a character it cannot show.
pub fn encode_lossy(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let mut encoder = encoding.new_encoder();
    let mut out = Vec::with_capacity(text.len() + 8);
    let mut src = text;
    loop {
        let room = encoder
            .max_buffer_length_from_utf8_without_replacement(src.len())
            .unwrap_or(src.len() * 4 + 16);
        let start = out.len();
        out.resize(start + room, 0);
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(src, &mut out[start..], true);
        out.truncate(start + written);
        src = &src[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => return out,
            encoding_rs::EncoderResult::Unmappable(_) => out.push(b'?'),
            encoding_rs::EncoderResult::OutputFull => {}
        }
    }
}

/// Whether a panic message is std failing to print to a reader that went away.
pub fn is_closed_pipe_panic(msg: &str) -> bool {
    msg.starts_with("failed printing to std")
        && [
            "os error 232",
            "os error 233",
            "os error 109",
            "Broken pipe",
            "os error 32)",
        ]
        .iter()
        .any(|s| msg.contains(s))
}

/// Set up the console and output encoding; call [`finish`] before the process exits.
pub fn init() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if is_closed_pipe_panic(msg) {
            std::process::exit(0);
        }
        default_hook(info);
    }));
    #[cfg(windows)]
    win::init(choice(std::env::var(ENCODING_VAR).ok().as_deref()));
}

/// Write out everything still passing through the re-encoding pipes.
pub fn finish() {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(windows)]
    win::finish();
}

/// Whether this process is alone in a console that Windows made for it: started by a double
/// click in Explorer (or by dropping a file on it), not from cmd.exe or PowerShell.
pub fn own_console() -> bool {
    #[cfg(windows)]
    {
        win::own_console()
    }
    #[cfg(not(windows))]
    {
        false
    }
}

#[cfg(windows)]
mod win {
    use super::{code_page_encoding, Choice, Recoder};
    use std::ffi::c_void;
    use std::io::{Read, Write};
    use std::os::windows::io::FromRawHandle;
    use std::sync::Mutex;

    type Handle = *mut c_void;
    const STD_OUTPUT_HANDLE: u32 = -11i32 as u32;
    const STD_ERROR_HANDLE: u32 = -12i32 as u32;

    #[link(name = "kernel32")]
    extern "system" {
        fn GetStdHandle(id: u32) -> Handle;
        fn SetStdHandle(id: u32, h: Handle) -> i32;
        fn GetConsoleMode(h: Handle, mode: *mut u32) -> i32;
        fn GetConsoleOutputCP() -> u32;
        fn GetConsoleProcessList(list: *mut u32, count: u32) -> u32;
        fn CreatePipe(
            read: *mut Handle,
            write: *mut Handle,
            attrs: *const c_void,
            size: u32,
        ) -> i32;
        fn CloseHandle(h: Handle) -> i32;
    }

    struct Redirect {
        id: u32,
        original: usize,
        pipe_write: usize,
        thread: std::thread::JoinHandle<()>,
    }

    static REDIRECTS: Mutex<Vec<Redirect>> = Mutex::new(Vec::new());

    fn is_console(h: Handle) -> bool {
        let mut mode = 0;
        // SAFETY: GetConsoleMode only reads the handle and writes `mode`.
        unsafe { GetConsoleMode(h, &mut mode) != 0 }
    }

    /// Whether this process is alone on its console (started by a double click, not from a
    /// terminal), so the guided start applies and the window must wait before closing.
    pub fn own_console() -> bool {
        let mut pids = [0u32; 4];
        // SAFETY: the buffer holds 4 entries, as passed.
        let n = unsafe { GetConsoleProcessList(pids.as_mut_ptr(), 4) };
        n == 1
    }

    /// Pass redirected standard output and error through a pipe re-encoded as `choice` says
    /// (the console's code page by default; see the module doc); a console is left alone.
    pub fn init(choice: Choice) {
        // SAFETY: plain queries.
        let cp = unsafe { GetConsoleOutputCP() };
        let encoding = match choice {
            Choice::Utf8 => return,
            Choice::Encoding(e) => e,
            Choice::Console => match code_page_encoding(cp) {
                Some(e) if cp != 0 => e,
                _ => return,
            },
        };
        for id in [STD_OUTPUT_HANDLE, STD_ERROR_HANDLE] {
            // SAFETY: GetStdHandle has no preconditions.
            let original = unsafe { GetStdHandle(id) };
            if original.is_null() || original as isize == -1 || is_console(original) {
                continue;
            }
            let (mut r, mut w): (Handle, Handle) = (std::ptr::null_mut(), std::ptr::null_mut());
            // SAFETY: both out-pointers are valid; default security, default size.
            if unsafe { CreatePipe(&mut r, &mut w, std::ptr::null(), 0) } == 0 {
                continue;
            }
            // SAFETY: `w` is the pipe's write end just created.
            unsafe { SetStdHandle(id, w) };
            let (r_addr, orig_addr) = (r as usize, original as usize);
            let is_stdout = id == STD_OUTPUT_HANDLE;
            let thread = std::thread::spawn(move || {
                // SAFETY: this thread alone owns the read end; the original handle stays open
                // for the process (it is not closed here).
                let mut from = unsafe { std::fs::File::from_raw_handle(r_addr as Handle) };
                let mut to = std::mem::ManuallyDrop::new(unsafe {
                    std::fs::File::from_raw_handle(orig_addr as Handle)
                });
                let mut recoder = Recoder::new(encoding);
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = from.read(&mut buf).unwrap_or(0);
                    let bytes = recoder.push(&buf[..n], n == 0);
                    if !bytes.is_empty() && to.write_all(&bytes).is_err() && is_stdout {
                        // The reader went away (`| more`, then q): end quietly.
                        std::process::exit(0);
                    }
                    if n == 0 {
                        return;
                    }
                }
            });
            if let Ok(mut list) = REDIRECTS.lock() {
                list.push(Redirect {
                    id,
                    original: orig_addr,
                    pipe_write: w as usize,
                    thread,
                });
            }
        }
    }

    /// Flush and close what `init` redirected, so a pipe's reader sees every byte.
    pub fn finish() {
        let list = match REDIRECTS.lock() {
            Ok(mut l) => std::mem::take(&mut *l),
            Err(_) => return,
        };
        for r in list {
            // SAFETY: restoring the handle saved in `init`, then closing our pipe's write end
            // so the thread sees the end of the output.
            unsafe {
                SetStdHandle(r.id, r.original as Handle);
                CloseHandle(r.pipe_write as Handle);
            }
            let _ = r.thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_and_code_pages() {
        assert_eq!(choice(None), Choice::Console);
        assert_eq!(choice(Some("UTF-8")), Choice::Utf8);
        assert_eq!(choice(Some("gbk")), Choice::Encoding(encoding_rs::GBK));
        assert_eq!(choice(Some("936")), Choice::Encoding(encoding_rs::GBK));
        assert_eq!(choice(Some("nonsense")), Choice::Console);
        assert_eq!(code_page_encoding(936), Some(encoding_rs::GBK));
        assert_eq!(code_page_encoding(65001), None);
        assert_eq!(code_page_encoding(437), None);
    }

    #[test]
    fn pieces_split_inside_a_character_are_recoded_whole() {
        let text = "检查员01 合格率 ✓\n".as_bytes();
        let mut r = Recoder::new(encoding_rs::GBK);
        let mut out = Vec::new();
        for chunk in text.chunks(2) {
            out.extend(r.push(chunk, false));
        }
        out.extend(r.push(&[], true));
        let (back, _, _) = encoding_rs::GBK.decode(&out);
        assert_eq!(back, "检查员01 合格率 ?\n");
    }

    #[test]
    fn a_closed_pipe_is_recognised() {
        assert!(is_closed_pipe_panic(
            "failed printing to stdout: The pipe is being closed. (os error 232)"
        ));
        assert!(is_closed_pipe_panic(
            "failed printing to stdout: No process is on the other end of the pipe. (os error 233)"
        ));
        assert!(!is_closed_pipe_panic("index out of bounds"));
    }
}
