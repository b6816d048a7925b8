//! `candour serve` as the README runs it: the example defaults, from the repository's root.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the relay when the test ends, however it ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `candour serve` on the example defaults from the repository's root, on a free loopback port,
/// its data in `data`, logging at `log`, its stderr piped to the test.
fn serve_on_loopback(data: &std::path::Path, log: &str) -> Child {
    Child(
        Command::new(env!("CARGO_BIN_EXE_candour"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.join("d"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("CANDOUR_CONFIG")
            .env("CANDOUR_LOG", log)
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts"),
    )
}

#[test]
fn serve_runs_on_the_example_defaults_and_print_config_shows_them() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(["serve", "--print-config"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CANDOUR_LISTEN")
        .env_remove("CANDOUR_DATA")
        .env_remove("CANDOUR_CONFIG");
    let out = common::output_within(cmd, std::time::Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for expected in
        ["listen = \"127.0.0.1:8080\"", "data = \"./candour-data\"", "directory = \"keys-example/directory.json\""]
    {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }

    let data = tempfile::tempdir().expect("tmp");
    let mut child = serve_on_loopback(data.path(), "info");
    let stderr = child.0.stderr.take().expect("stderr");
    // Read on a thread, so a relay that never says where it listens fails the test in a minute
    // rather than hanging it.
    let (told, listening) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("candour relay listening on ") {
                let _ = told.send(rest.split(' ').next().unwrap_or_default().to_owned());
            }
        }
    });
    let addr = listening.recv_timeout(std::time::Duration::from_secs(60)).expect("relay printed its address");
    // A plain HTTP/1.1 request over a socket: no client library between the test and the relay.
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    s.write_all(b"GET /v1/directory HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("write");
    let mut response = Vec::new();
    s.read_to_end(&mut response).expect("read");
    let served = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keys-example/directory.json"))
        .expect("directory");
    assert!(response.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&response));
    assert!(response.ends_with(&served), "the directory is served byte for byte");
}

/// The relay keeps serving when whatever reads its log goes away (a pipe closed, a journal
/// restarted): it used to panic on the next log line, reporting on stderr that stderr failed.
#[test]
fn serve_keeps_serving_when_its_log_reader_goes_away() {
    let data = tempfile::tempdir().expect("tmp");
    let mut child = serve_on_loopback(data.path(), "debug");
    let stderr = child.0.stderr.take().expect("stderr");
    let (told, listening) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Only the first line, then the pipe closes.
        let line = BufReader::new(stderr).lines().next().and_then(Result::ok).unwrap_or_default();
        let _ = told.send(line);
    });
    let line = listening.recv_timeout(std::time::Duration::from_secs(60)).expect("the relay said where it listens");
    let addr = line.strip_prefix("candour relay listening on ").and_then(|r| r.split(' ').next()).expect("address");
    std::thread::sleep(std::time::Duration::from_millis(500));
    use std::io::{Read, Write};
    for _ in 0..3 {
        let mut s = std::net::TcpStream::connect(addr).expect("the relay still listens");
        s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("write");
        let mut response = Vec::new();
        s.read_to_end(&mut response).expect("read");
        assert!(response.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&response));
    }
    assert!(child.0.try_wait().expect("status").is_none(), "the relay is still running");
}
