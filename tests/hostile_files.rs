//! Files a hostile (or unlucky) lesson folder may hold, through the real
//! binary: pipes and devices where files should be, links out of the
//! folder, a sparse file of gigabytes, a lesson named by its bare file
//! name. Each is refused with a message, at once and in little memory;
//! none hangs.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use nntutor::lesson::idx::write_u8;

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nntutor-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data")).unwrap();
    dir
}

/// Runs the binary in `dir`; fails the test if it has not finished in 20 s
/// (a read that blocks would never finish).
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_STATE_HOME", dir.join("state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`nntutor {}` hangs", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

const READS_DATA: &str = "id = \"reads\"\ntitle = \"Reads\"\n[given]\nX = { file = \"data/x.idx\" }\n[[steps]]\ntitle = \"s\"\nlet = \"s = sum(X)\"\n";

#[test]
fn a_lesson_named_by_its_bare_file_name_reads_its_data() {
    let dir = folder("bare");
    std::fs::write(dir.join("lesson.toml"), READS_DATA).unwrap();
    std::fs::write(dir.join("data/x.idx"), write_u8(&[3], &[1, 2, 3])).unwrap();
    let out = run_in(&dir, &["check", "lesson.toml"]);
    assert!(out.status.success(), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn pipes_where_files_should_be_are_refused_at_once() {
    let dir = folder("fifo");
    // A FIFO as a data file: `check` used to wait for a writer forever.
    std::fs::write(dir.join("lesson.toml"), READS_DATA).unwrap();
    mkfifo(&dir.join("data/x.idx"));
    let out = run_in(&dir, &["check", "lesson.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("4:14") && said.contains("not a regular file"),
        "{said}"
    );
    // A FIFO named like a lesson in a lessons folder: list, check and the
    // menu read every lesson file.
    let lessons = dir.join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    mkfifo(&lessons.join("pipe.toml"));
    let l = lessons.to_str().unwrap();
    let out = run_in(&dir, &["list", "--lessons", l]);
    assert!(out.status.success());
    assert!(
        text(&out).contains("pipe.toml: it is not a regular file"),
        "{}",
        text(&out)
    );
    let out = run_in(&dir, &["check", "--lessons", l]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn links_out_of_a_lessons_folder_are_not_followed() {
    let dir = folder("links");
    let lessons = dir.join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    // A secret beside the folder, and a link named like a lesson to it: its
    // first lines used to appear in the error snippet.
    std::fs::write(dir.join("secret"), "root:SECRET-HASH:19000::\n").unwrap();
    std::os::unix::fs::symlink(dir.join("secret"), lessons.join("shadow.toml")).unwrap();
    // A link to /dev/zero grew to gigabytes.
    std::os::unix::fs::symlink("/dev/zero", lessons.join("zero.toml")).unwrap();
    let l = lessons.to_str().unwrap();
    for args in [vec!["list", "--lessons", l], vec!["check", "--lessons", l]] {
        let out = run_in(&dir, &args);
        let said = text(&out);
        assert!(!said.contains("SECRET-HASH"), "{said}");
        assert!(
            said.contains("shadow.toml: it leads outside its folder"),
            "{said}"
        );
        assert!(
            said.contains("zero.toml: it leads outside its folder"),
            "{said}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_sparse_file_of_gigabytes_is_refused_by_its_header() {
    let dir = folder("sparse");
    std::fs::write(dir.join("lesson.toml"), READS_DATA).unwrap();
    // A header for 3 bytes, then 3 GB of holes: read whole, it took 3 GB.
    let file = std::fs::File::create(dir.join("data/x.idx")).unwrap();
    std::io::Write::write_all(&mut &file, &write_u8(&[3], &[1, 2, 3])).unwrap();
    file.set_len(3_000_000_000).unwrap();
    let out = run_in(&dir, &["check", "lesson.toml"]);
    let said = text(&out);
    assert!(
        said.contains("longer than its header says: 3 unsigned bytes end at byte 11, but it has 3000000000 bytes"),
        "{said}"
    );
    // And in little memory: the largest child this test waited for.
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes into the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        assert_eq!(
            unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
            0
        );
        assert!(usage.ru_maxrss < 500_000, "{} KB", usage.ru_maxrss);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn idx_files_with_a_zero_dimension_are_refused() {
    let dir = folder("zero");
    std::fs::write(dir.join("lesson.toml"), READS_DATA).unwrap();
    std::fs::write(dir.join("data/x.idx"), write_u8(&[0, 3], &[])).unwrap();
    let out = run_in(&dir, &["check", "lesson.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("dimension 1 of 0×3 is 0"),
        "{}",
        text(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_named_as_a_lesson_says_so() {
    let dir = folder("dir");
    let out = run_in(&dir, &["check", "data"]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("data: it is a folder, not a lesson; `nntutor check --lessons data`"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = folder("latin1");
    // "caf\xe9.toml": Latin-1, not UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.toml");
    std::fs::write(dir.join(name), "id = \"cafe\"\ntitle = \"Caf\u{e9}\"\n[given]\nx = 2\n[[steps]]\ntitle = \"s\"\nlet = \"y = x * x\"\nexpect = { y = 4 }\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nntutor"))
        .arg("check")
        .arg(name)
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok      cafe"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_lesson_with_a_built_in_id_is_not_listed_twice() {
    let dir = folder("twin");
    let lessons = dir.join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(
        lessons.join("mine.toml"),
        "id = \"softmax\"\ntitle = \"My softmax\"\n[[steps]]\ntitle = \"s\"\n",
    )
    .unwrap();
    let out = run_in(&dir, &["list", "--lessons", lessons.to_str().unwrap()]);
    let said = text(&out);
    assert_eq!(said.matches("softmax ").count(), 1, "{said}");
    assert!(
        said.contains("mine.toml: its id `softmax` is taken by builtin:lessons/softmax.toml"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
