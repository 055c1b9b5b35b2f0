// Syscall sites for source-correlation tests (Rust): every line that makes a syscall of
// its own carries a marker "@site NAME ARG0" (the syscall and its first argument,
// unique per site).  Bad file descriptors (1000 + n) keep the calls harmless.  Shapes:
// direct FFI calls, std::fs::File methods (the syscall is made deep in std), a generic
// function, a trait object, a closure, a thread and an #[inline(never)] helper.
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::mem::ManuallyDrop;
use std::os::unix::io::FromRawFd;

extern "C" {
    fn close(fd: i32) -> i32;
    fn dup(fd: i32) -> i32;
}

fn fd(n: i32) -> i32 {
    1000 + n
}

fn file(n: i32) -> ManuallyDrop<File> {
    // ManuallyDrop: dropping would close(2) the bad descriptor (an event of its own)
    ManuallyDrop::new(unsafe { File::from_raw_fd(fd(n)) })
}

#[inline(never)]
fn via_ffi() -> i32 {
    unsafe { close(fd(1)) } // @site close 1001
}

fn write_std() -> bool {
    let mut f = file(2);
    f.write(b"x").is_err() // @site write 1002
}

fn generic<W: Write>(w: &mut W) -> bool {
    w.write(b"g").is_err() // @site write 1009
}

fn main() {
    let mut ok = 0;
    ok += via_ffi();
    ok += write_std() as i32;
    let f = file(3);
    ok += f.sync_all().is_err() as i32; // @site fsync 1003
    let mut buf = [0u8; 4];
    let mut g = file(4);
    ok += g.read(&mut buf).is_err() as i32; // @site read 1004
    let mut h = file(5);
    ok += h.seek(SeekFrom::Start(0)).is_err() as i32; // @site lseek 1005
    let k = file(6);
    ok += k.try_clone().is_err() as i32; // @site fcntl 1006
    let t = std::thread::spawn(|| {
        let mut f = file(7);
        f.write(b"t").is_err() // @site write 1007
    });
    ok += t.join().unwrap() as i32;
    let c = |n: i32| {
        let mut f = file(n);
        f.write(b"c").is_err() // @site write 1008
    };
    ok += c(8) as i32;
    let mut gf = file(9);
    ok += generic(&mut *gf) as i32;
    let mut df = file(10);
    let w: &mut dyn Write = &mut *df;
    ok += w.write(b"d").is_err() as i32; // @site write 1010
    ok += unsafe { dup(fd(12)) }; // @site dup 1012
    let tf = file(13);
    ok += tf.set_len(0).is_err() as i32; // @site ftruncate 1013
    std::process::exit(if ok > 0 { 0 } else { 1 });
}
