//! N rounds of what a Rust program's std::fs does: stat a file, stat a missing one
//! (ENOENT), read a small file whole, append a line to an open file (/dev/null): no disk
//! writes, so the run time does not depend on the file system's mood.
use std::env;
use std::fs;
use std::io::Write;

fn main() {
    let n: usize = env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(4000);
    let mut sink = fs::OpenOptions::new().write(true).open("/dev/null").expect("/dev/null");
    let mut total: u64 = 0;
    for i in 0..n {
        total += fs::metadata("/etc/passwd").map(|m| m.len()).unwrap_or(0);
        if fs::metadata("/nonexistent/renacer-bench").is_ok() {
            total += 1;
        }
        total += fs::read("/etc/hostname").map(|b| b.len() as u64).unwrap_or(0);
        writeln!(sink, "round {i}").expect("write");
    }
    println!("{total}");
}
