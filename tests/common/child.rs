//! Child processes under a time limit: a hung child fails its test instead of hanging the
//! suite. Shared by the workspace's tests and the core crate's (included by path).
#![allow(dead_code)]

/// Runs a child process to the end, failing the test if it takes longer than `limit` (the child
/// is killed): a hung child must never hang the suite.
pub fn output_within(mut cmd: std::process::Command, limit: std::time::Duration) -> std::process::Output {
    use std::process::Stdio;
    // As `Command::output` does: no stdin, so a child that asks for input ends rather than waits.
    let child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the child starts");
    wait_within(child, limit)
}

/// Waits for a started child (its output piped) to finish, at most `limit`; kills it and fails
/// the test after that.
pub fn wait_within(child: std::process::Child, limit: std::time::Duration) -> std::process::Output {
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(limit) {
        Ok(output) => output.expect("the child's output"),
        Err(_) => {
            let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("child process {pid} did not finish within {limit:?}");
        }
    }
}
