//! A PostgreSQL cluster of one test's own, which the test may stop and start again: the shared
//! cluster of `scripts/with-postgres.sh` serves every other test at once and must stay up.
//! Debian's binaries (`/usr/lib/postgresql/*/bin`), run as `postgres` when the tests run as root.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use crate::smtp::free_port;

pub struct OwnPostgres {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
}

fn newest_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's postgresql package (scripts/with-postgres.sh installs it)")
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("pg_ctl").exists())
        .collect();
    found.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().expect("a PostgreSQL version with pg_ctl")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

/// `program args…`, as `postgres` when we are root; panics unless it succeeds.
fn run(program: &Path, args: &[&str]) {
    let mut command = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let status = command
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("running a PostgreSQL program");
    assert!(status.success(), "{} {args:?} failed", program.display());
}

impl OwnPostgres {
    /// A new cluster on a free loopback port, started.
    pub fn start() -> Self {
        let bin = newest_bin();
        let dir = std::env::temp_dir().join(format!("mm-own-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a directory for the cluster");
        if is_root() {
            let status = Command::new("chown")
                .args(["postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let data = dir.join("data");
        run(
            &bin.join("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        let cluster = Self {
            bin,
            dir,
            port: free_port(),
        };
        cluster.start_again();
        cluster
    }

    /// The URL of database `name`, created if it is new.
    pub fn database(&self, name: &str) -> String {
        let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", self.port);
        let status = Command::new("psql")
            .args([
                admin.as_str(),
                "-q",
                "-c",
                &format!("CREATE DATABASE {name}"),
            ])
            .status()
            .expect("psql");
        assert!(status.success(), "creating {name}");
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Stops it as a crash would (`immediate`: connections cut, no checkpoint).
    pub fn crash(&self) {
        run(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    /// Starts it (again) on its port, returning once it accepts connections.
    pub fn start_again(&self) {
        let options = format!(
            "-h 127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        run(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                self.dir.join("data").to_str().unwrap(),
                "-l",
                self.dir.join("log").to_str().unwrap(),
                "-w",
                "-o",
                &options,
                "start",
            ],
        );
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let mut command = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"));
            c
        } else {
            Command::new(self.bin.join("pg_ctl"))
        };
        let _ = command
            .args([
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "stop",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
