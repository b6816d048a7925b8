//! Throwaway PostgreSQL servers for tests: Debian's `postgresql` binaries, each cluster in a
//! temporary folder, listening on a loopback port and a socket in that folder, run as an
//! unprivileged user (`postgres` when the tests run as root, which `initdb` refuses, else the
//! caller). Nothing here touches a server the machine already runs.
//!
//! A [`Node`] can be stopped cleanly, killed as a machine loss would (SIGKILL of the postmaster
//! and every backend at once), restarted, cloned into a streaming standby with
//! `pg_basebackup`, and promoted. Shared by this crate's tests and the workspace's
//! (tests/store_pg.rs includes it by path).
#![allow(dead_code)] // each test binary uses a different part

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The folder of Debian's PostgreSQL binaries (the newest installed major version), or `None`
/// if `initdb` is on the PATH instead.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn tool(name: &str) -> PathBuf {
    bin_dir().map_or_else(|| PathBuf::from(name), |bin| bin.join(name))
}

pub fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Uid:")).map(|u| u.split_whitespace().next() == Some("0")))
        .unwrap_or(false)
}

/// The numeric uid and gid of `postgres`, which runs the servers when the tests run as root.
fn postgres_ids() -> (u32, u32) {
    let read = |flag: &str| -> u32 {
        let out = Command::new("id").args([flag, "postgres"]).output().expect("id");
        assert!(out.status.success(), "running as root needs the user postgres (Debian's postgresql package makes it)");
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("numeric id")
    };
    (read("-u"), read("-g"))
}

/// A PostgreSQL tool run as the unprivileged user.
fn pg(name: &str) -> Command {
    if running_as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool(name));
        c
    } else {
        Command::new(tool(name))
    }
}

fn run(mut command: Command, what: &str) -> Output {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e} (is Debian's postgresql installed?)"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// A folder the servers' user may write: a temporary folder, handed to `postgres` when root.
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::Builder::new().prefix("candour-pg-").tempdir().expect("tempdir");
        if running_as_root() {
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown");
        }
        Scratch { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A folder `name` in here that the servers' user owns (for WAL archives and backups).
    pub fn folder(&self, name: &str) -> PathBuf {
        let dir = self.path().join(name);
        std::fs::create_dir_all(&dir).expect("mkdir");
        if running_as_root() {
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown");
        }
        dir
    }
}

/// `program` run as the servers' user with `envs` set, Debian's PostgreSQL binaries first on the
/// PATH (`runuser` when root, which starts from a clean environment, so they are passed by `env`).
pub fn as_server_user(program: &Path, envs: &[(&str, String)]) -> Command {
    let path = format!(
        "{}:{}",
        bin_dir().map_or_else(String::new, |b| b.display().to_string()),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("env");
    if running_as_root() {
        c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "env"]);
    }
    c.arg(format!("PATH={path}"));
    c.args(envs.iter().map(|(k, v)| format!("{k}={v}")));
    c.arg(program).current_dir("/");
    c
}

/// Runs `command`, panicking with its output unless it succeeds.
pub fn succeed(command: Command, what: &str) -> Output {
    run(command, what)
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

/// One PostgreSQL server: its data folder and port. Stopped (immediately) when dropped.
#[derive(Debug)]
pub struct Node {
    pub data: PathBuf,
    pub port: u16,
}

impl Node {
    /// A new cluster in `scratch/<name>`, started, with a superuser `candour` trusted on
    /// loopback (and for replication), `fsync` on as the store demands.
    pub fn primary(scratch: &Scratch, name: &str) -> Node {
        let data = scratch.path().join(name);
        let mut initdb = pg("initdb");
        initdb.arg("-D").arg(&data).args(["-U", "candour", "-A", "trust", "--no-instructions", "-E", "UTF8"]);
        run(initdb, "initdb");
        let node = Node { data, port: free_port() };
        node.configure("");
        node.start();
        node
    }

    /// A streaming standby of `primary` in `scratch/<name>`: a base backup taken with
    /// `pg_basebackup -R -X stream` (which writes `standby.signal` and `primary_conninfo`),
    /// started on a port of its own.
    pub fn standby_of(primary: &Node, scratch: &Scratch, name: &str) -> Node {
        Node::standby_with(primary, scratch, name, "", None)
    }

    /// [`Node::standby_of`] with `settings` (a `postgresql.conf` fragment's text) before this
    /// server's own, and the name it gives the primary (`application_name`, which the primary's
    /// `synchronous_standby_names` lists), set as deploy/postgresql/README.md sets it.
    pub fn standby_with(
        primary: &Node,
        scratch: &Scratch,
        name: &str,
        settings: &str,
        application_name: Option<&str>,
    ) -> Node {
        let data = scratch.path().join(name);
        let mut backup = pg("pg_basebackup");
        backup
            .args(["-h", "127.0.0.1", "-p", &primary.port.to_string(), "-U", "candour", "-D"])
            .arg(&data)
            .args(["-R", "-X", "stream", "-c", "fast"]);
        run(backup, "pg_basebackup");
        let node = Node { data, port: free_port() };
        if let Some(application_name) = application_name {
            let auto = node.data.join("postgresql.auto.conf");
            let text = std::fs::read_to_string(&auto).expect("postgresql.auto.conf");
            assert!(text.contains("primary_conninfo = '"), "pg_basebackup -R wrote primary_conninfo");
            let named = text
                .replace("primary_conninfo = '", &format!("primary_conninfo = 'application_name={application_name} "));
            std::fs::write(&auto, named).expect("write postgresql.auto.conf");
        }
        node.append(settings);
        // The copied configuration names the primary's port: this one's own settings go last.
        node.configure("");
        node.start();
        node
    }

    /// Appends `settings` (a `postgresql.conf` fragment's text) as they are; the server reads
    /// them at its next start or reload, and later settings of the same name win.
    pub fn append(&self, settings: &str) {
        let conf = self.data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push('\n');
        text.push_str(settings);
        std::fs::write(&conf, text).expect("write postgresql.conf");
    }

    /// Waits until a standby streams to this server as synchronous.
    pub fn wait_for_synchronous_standby(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let state = self.sql("SELECT coalesce(string_agg(sync_state, ','), '') FROM pg_stat_replication");
            if state.split(',').any(|s| s == "sync") {
                return;
            }
            assert!(Instant::now() < deadline, "no standby became synchronous: {state:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A server restored from the plain base backup `backup`, replaying the WAL in `wal_archive`
    /// as a read-only standby with no primary (the restore drill of deploy/postgresql/README.md).
    pub fn restored_from(scratch: &Scratch, name: &str, backup: &Path, wal_archive: &Path) -> Node {
        let data = scratch.path().join(name);
        let mut copy = as_server_user(Path::new("cp"), &[]);
        copy.arg("-a").arg(backup).arg(&data);
        run(copy, "copy the base backup");
        let node = Node { data, port: free_port() };
        node.configure(&format!(
            "restore_command = 'cp {}/%f %p'\nprimary_conninfo = ''\narchive_mode = off\nhot_standby = on",
            wal_archive.display()
        ));
        let mut signal = as_server_user(Path::new("touch"), &[]);
        signal.arg(node.data.join("standby.signal"));
        run(signal, "standby.signal");
        node.start();
        node
    }

    /// Restarts the server cleanly (for settings that need it, such as `archive_mode`).
    pub fn restart(&self) {
        let mut restart = pg("pg_ctl");
        restart
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(self.data.join("server.log"))
            .args(["-w", "-m", "fast", "restart"]);
        run(restart, "pg_ctl restart");
    }

    /// Appends the settings every test server has, then `extra`; the last setting of a name wins.
    fn configure(&self, extra: &str) {
        let conf = self.data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str(&format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\nfsync = on\n\
             max_connections = 60\nshared_buffers = 32MB\nlog_min_messages = warning\n{extra}\n",
            self.port,
            self.data.display()
        ));
        std::fs::write(&conf, text).expect("write postgresql.conf");
    }

    /// Adds settings and reloads them into the running server.
    pub fn set(&self, settings: &str) {
        self.configure(settings);
        let mut reload = pg("pg_ctl");
        reload.arg("-D").arg(&self.data).arg("reload");
        run(reload, "pg_ctl reload");
    }

    /// Makes every commit wait for a standby's flush (`synchronous_standby_names = '*'`, with
    /// `synchronous_commit = on`), and waits until a standby is streaming as synchronous.
    pub fn require_synchronous_standby(&self) {
        self.set("synchronous_standby_names = '*'\nsynchronous_commit = on");
        self.wait_for_synchronous_standby();
    }

    pub fn start(&self) {
        let mut start = pg("pg_ctl");
        start.arg("-D").arg(&self.data).arg("-l").arg(self.data.join("server.log")).args(["-w", "-t", "60", "start"]);
        run(start, "pg_ctl start");
    }

    /// `pg_ctl stop -m immediate`: every process quits at once, no checkpoint, as after a
    /// power cut; the next start recovers from the WAL.
    pub fn stop_immediate(&self) {
        let mut stop = pg("pg_ctl");
        stop.arg("-D").arg(&self.data).args(["-m", "immediate", "-w", "stop"]);
        let _ = stop.output();
    }

    /// The machine is lost: SIGKILL to the postmaster and every backend, as one process group
    /// (pg_ctl starts the postmaster in a session of its own).
    pub fn kill(&self) {
        let pid = std::fs::read_to_string(self.data.join("postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next().and_then(|l| l.trim().parse::<i32>().ok()));
        let Some(pid) = pid else { return };
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        // Wait until no process of that group is left.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        // The postmaster's own file says it runs; a start after a kill must not trust it.
        let _ = std::fs::remove_file(self.data.join("postmaster.pid"));
    }

    /// Promotes a standby to primary and waits until it takes writes.
    pub fn promote(&self) {
        let mut promote = pg("pg_ctl");
        promote.arg("-D").arg(&self.data).args(["-w", "-t", "60", "promote"]);
        run(promote, "pg_ctl promote");
    }

    /// The store's connection string for this server.
    pub fn url(&self) -> String {
        format!("postgres://candour@127.0.0.1:{}/postgres", self.port)
    }

    /// A new, empty database on this server, and its connection string: one per test, so
    /// tests on one server do not see each other's rows.
    pub fn database(&self, name: &str) -> String {
        self.sql(&format!("CREATE DATABASE {name}"));
        format!("postgres://candour@127.0.0.1:{}/{name}", self.port)
    }

    /// One statement through `psql`, its output unaligned.
    pub fn sql(&self, statement: &str) -> String {
        self.sql_in("postgres", statement)
    }

    pub fn sql_in(&self, database: &str, statement: &str) -> String {
        let mut psql = Command::new(tool("psql"));
        psql.args(["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1"]).args([
            "-p",
            &self.port.to_string(),
            "-U",
            "candour",
            "-d",
            database,
            "-c",
            statement,
        ]);
        String::from_utf8_lossy(&run(psql, statement).stdout).trim().to_owned()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop_immediate();
    }
}
