//! Issue 2: the `passerelle` command itself — a real process, a real configuration file and a
//! real database. Mostly SQLite (each test spawns several processes); one run on PostgreSQL.
use std::{
    path::PathBuf,
    process::{Output, Stdio},
    time::Duration,
};

use passerelle::{accounts, config::Config};
use sea_orm::DatabaseConnection;
use tokio::io::AsyncWriteExt;

use crate::harness::{Backend, TestDb, eventually, test_config};

const BIN: &str = env!("CARGO_BIN_EXE_passerelle");

/// A temporary directory with a configuration file whose database is a SQLite file in it.
struct Cli {
    dir: tempfile::TempDir,
    config: PathBuf,
    db_url: String,
    /// Extra environment for every command (e.g. a PostgreSQL database URL).
    env: Vec<(String, String)>,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
        let config = dir.path().join("passerelle.toml");
        std::fs::write(
            &config,
            format!(
                "[instance]\ndomain = \"directory.test:8443\"\n\n[database]\nurl = \"{db_url}\"\nmax_connections = 2\n"
            ),
        )
        .unwrap();
        Cli {
            dir,
            config,
            db_url,
            env: Vec::new(),
        }
    }

    /// The same file, with the database given by `PASSERELLE__DATABASE__URL` instead.
    fn with_database_env(url: &str) -> Cli {
        let mut cli = Cli::new();
        cli.db_url = url.to_string();
        cli.env
            .push(("PASSERELLE__DATABASE__URL".into(), url.to_string()));
        cli
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.arg("--config").arg(&self.config).args(args);
        // The test process's own configuration must not leak into the command.
        for (k, _) in std::env::vars() {
            if k.starts_with("PASSERELLE") || k == "DATABASE_URL" || k == "RUST_LOG" {
                cmd.env_remove(k);
            }
        }
        cmd.env("NO_COLOR", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.current_dir(self.dir.path()).kill_on_drop(true);
        cmd
    }

    /// Run to completion with `stdin` piped in (or no stdin at all).
    async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = self.command(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = cmd.spawn().expect("spawn passerelle");
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().unwrap();
            pipe.write_all(input.as_bytes()).await.unwrap();
            drop(pipe);
        }
        let out = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("passerelle {args:?} did not finish"))
            .unwrap();
        Run::new(args, out)
    }

    async fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None).await
    }

    /// The configuration the commands see, for opening the same database from the test.
    fn config(&self) -> Config {
        test_config(&self.db_url)
    }

    async fn db(&self) -> DatabaseConnection {
        passerelle::db::connect(&self.config()).await.unwrap()
    }
}

struct Run {
    args: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn new(args: &[&str], out: Output) -> Run {
        Run {
            args: args.join(" "),
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    fn ok(&self) -> &Run {
        assert_eq!(
            self.code,
            Some(0),
            "passerelle {} failed: {self}",
            self.args
        );
        self
    }

    /// Failed with `code`, and stderr mentions every one of `needles`.
    #[track_caller]
    fn fails(&self, code: i32, needles: &[&str]) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "passerelle {}: expected exit code {code}: {self}",
            self.args
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "passerelle {}: stderr does not mention {n:?}: {self}",
                self.args
            );
        }
        self
    }

    fn last_line(&self) -> &str {
        self.stdout
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

const PASSWORD: &str = "correct horse battery staple";

/// The whole administration workflow, run on one database; PostgreSQL as well as SQLite.
async fn admin_workflow(cli: &Cli) {
    let r = cli.run(&["migrate"]).await;
    r.ok();
    assert!(r.stdout.contains("up to date"), "{r}");
    // Idempotent.
    cli.run(&["migrate"]).await.ok();

    let r = cli
        .run(&[
            "org",
            "create",
            "lille",
            "--name",
            "Accueil Lille",
            "--summary",
            "Accueil et orientation des personnes exilées",
            "--language",
            "fr",
        ])
        .await;
    r.ok();
    assert!(r.stdout.contains("@lille@directory.test:8443"), "{r}");
    assert!(r.stdout.contains("/o/lille"), "{r}");

    let db = cli.db().await;
    let org = accounts::find_org(&db, "lille")
        .await
        .unwrap()
        .expect("org row");
    assert_eq!(org.name, "Accueil Lille");
    assert_eq!(org.default_language, "fr");
    let summary: passerelle::directory::model::LangMap =
        serde_json::from_str(&org.summary).unwrap();
    assert_eq!(
        summary.get("fr"),
        Some("Accueil et orientation des personnes exilées")
    );
    assert!(org.public_key_pem.contains("BEGIN PUBLIC KEY"));

    // A second organisation with the same slug is refused, and the first is untouched.
    cli.run(&["org", "create", "lille", "--name", "Autre"])
        .await
        .fails(1, &["lille", "exists"]);
    let again = accounts::find_org(&db, "lille").await.unwrap().unwrap();
    assert_eq!(again.name, "Accueil Lille");
    assert_eq!(again.id, org.id);

    cli.run(&["org", "create", "Bad Slug!", "--name", "Bad"])
        .await
        .fails(1, &["slug"]);
    assert!(
        accounts::find_org(&db, "Bad Slug!")
            .await
            .unwrap()
            .is_none()
    );

    // An administrator, password on stdin (and not echoed back).
    let r = cli
        .run_with_stdin(
            &["user", "create", "a@b.org", "--role", "admin"],
            Some(&format!("{PASSWORD}\n")),
        )
        .await;
    r.ok();
    assert!(r.stdout.contains("a@b.org"), "{r}");
    assert!(!r.stdout.contains(PASSWORD), "the password is echoed: {r}");
    assert!(!r.stdout.contains("shown once"), "{r}");
    let admin = accounts::find_user(&db, "a@b.org")
        .await
        .unwrap()
        .expect("user row");
    assert_eq!(admin.role, "admin");
    assert!(accounts::verify_password(&admin.password_hash, PASSWORD));
    assert!(!accounts::verify_password(
        &admin.password_hash,
        "wrong password"
    ));

    // An editor needs an organisation.
    cli.run_with_stdin(
        &["user", "create", "e@b.org", "--role", "editor"],
        Some(&format!("{PASSWORD}\n")),
    )
    .await
    .fails(1, &["org"]);
    assert!(accounts::find_user(&db, "e@b.org").await.unwrap().is_none());
    // ... and gets it with --org.
    cli.run_with_stdin(
        &[
            "user", "create", "e@b.org", "--role", "editor", "--org", "lille",
        ],
        Some(&format!("{PASSWORD}\n")),
    )
    .await
    .ok();
    let editor = accounts::find_user(&db, "e@b.org").await.unwrap().unwrap();
    assert_eq!(editor.organization_id, Some(org.id));

    // A new password from stdin replaces the old one; too short is refused naming the field.
    let new_password = "another long passphrase";
    cli.run_with_stdin(
        &["user", "set-password", "e@b.org"],
        Some(&format!("{new_password}\n")),
    )
    .await
    .ok();
    let editor = accounts::find_user(&db, "e@b.org").await.unwrap().unwrap();
    assert!(accounts::verify_password(
        &editor.password_hash,
        new_password
    ));
    assert!(!accounts::verify_password(&editor.password_hash, PASSWORD));
    cli.run_with_stdin(&["user", "set-password", "e@b.org"], Some("short\n"))
        .await
        .fails(1, &["password"]);
    cli.run_with_stdin(
        &["user", "set-password", "nobody@b.org"],
        Some(&format!("{new_password}\n")),
    )
    .await
    .fails(1, &["nobody@b.org"]);

    // Unknown role: a usage error from clap.
    cli.run(&["user", "create", "s@b.org", "--role", "superuser"])
        .await
        .fails(2, &["superuser"]);
    assert!(accounts::find_user(&db, "s@b.org").await.unwrap().is_none());

    // A token, printed as the last line, that authenticates as the user until revoked.
    let r = cli.run(&["token", "create", "a@b.org"]).await;
    r.ok();
    let token = r.last_line().to_string();
    assert!(!token.is_empty() && !token.contains(' '), "{r}");
    let user = accounts::authenticate_token(&db, &token)
        .await
        .unwrap()
        .expect("the printed token authenticates");
    assert_eq!(user.id, admin.id);
    assert!(
        accounts::authenticate_token(&db, &format!("{token}x"))
            .await
            .unwrap()
            .is_none()
    );

    let r = cli.run(&["token", "revoke", &token]).await;
    r.ok();
    assert!(r.stdout.contains("revoked 1"), "{r}");
    assert!(
        accounts::authenticate_token(&db, &token)
            .await
            .unwrap()
            .is_none(),
        "a revoked token still authenticates"
    );
    // Revoking it again: nothing left to revoke.
    cli.run(&["token", "revoke", &token]).await.fails(1, &[]);

    cli.run(&["token", "create", "nobody@b.org"])
        .await
        .fails(1, &["nobody@b.org"]);
    db.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_workflow_sqlite() {
    let cli = Cli::new();
    admin_workflow(&cli).await;
}

/// The database named by PASSERELLE__DATABASE__URL (a fresh PostgreSQL database) wins over the
/// SQLite file of the configuration file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_workflow_postgres() {
    let pg = TestDb::new(Backend::Postgres).await;
    let cli = Cli::with_database_env(&pg.url);
    admin_workflow(&cli).await;
    assert!(
        !cli.dir.path().join("cli.db").exists(),
        "the SQLite file of the configuration file was used instead of PostgreSQL"
    );
}

#[tokio::test]
async fn a_generated_password_is_printed_once() {
    let cli = Cli::new();
    // No stdin: the password is generated and shown.
    let r = cli
        .run(&["user", "create", "gen@b.org", "--role", "moderator"])
        .await;
    r.ok();
    let password = r
        .stdout
        .lines()
        .find_map(|l| l.split_once("(shown once):").map(|(_, p)| p.trim()))
        .unwrap_or_else(|| panic!("no generated password in the output: {r}"))
        .to_string();
    assert!(password.len() >= 20, "{password:?}");
    let db = cli.db().await;
    let user = accounts::find_user(&db, "gen@b.org")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, "moderator");
    assert!(accounts::verify_password(&user.password_hash, &password));
}

#[tokio::test]
async fn an_unknown_config_key_exits_2_naming_it() {
    let cli = Cli::new();
    let text = std::fs::read_to_string(&cli.config).unwrap();
    std::fs::write(
        &cli.config,
        format!("{text}\n[federation]\nallow_insecur = true\n"),
    )
    .unwrap();
    cli.run(&["migrate"])
        .await
        .fails(2, &["allow_insecur", "federation"]);
    assert!(
        !cli.dir.path().join("cli.db").exists(),
        "a database was created despite the bad configuration"
    );
}

#[tokio::test]
async fn a_bad_config_value_exits_2_naming_the_key() {
    let cli = Cli::new();
    let r = cli
        .command(&["migrate"])
        .env("PASSERELLE__SERVER__BIND", "not-an-address")
        .output()
        .await
        .unwrap();
    let r = Run::new(&["migrate"], r);
    r.fails(2, &["server.bind"]);
}

#[tokio::test]
async fn a_missing_config_file_exits_2() {
    let cli = Cli::new();
    let missing = cli.dir.path().join("missing.toml");
    let out = tokio::process::Command::new(BIN)
        .arg("--config")
        .arg(&missing)
        .arg("migrate")
        .env_remove("PASSERELLE_CONFIG")
        .output()
        .await
        .unwrap();
    Run::new(&["--config", "missing.toml", "migrate"], out)
        .fails(2, &["missing.toml", "does not exist"]);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

async fn read_all(pipe: Option<impl tokio::io::AsyncRead + Unpin>) -> String {
    use tokio::io::AsyncReadExt;
    let mut s = String::new();
    if let Some(mut p) = pipe {
        let _ = p.read_to_string(&mut s).await;
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_health_checks_and_stops_on_sigterm() {
    let cli = Cli::new();
    let port = free_port();
    let mut child = cli
        .command(&["serve"])
        .env("PASSERELLE__SERVER__BIND", format!("127.0.0.1:{port}"))
        .env("PASSERELLE__INSTANCE__DOMAIN", format!("localhost:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = tokio::spawn(read_all(child.stdout.take()));
    let stderr = tokio::spawn(read_all(child.stderr.take()));

    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let health = eventually(60, || {
        let client = client.clone();
        let url = format!("{base}/healthz");
        async move {
            let r = client.get(&url).send().await.ok()?;
            Some((r.status(), r.text().await.ok()?))
        }
    })
    .await;
    let Some((status, body)) = health else {
        let _ = child.start_kill();
        panic!(
            "serve never answered /healthz: {}\n{}",
            stdout.await.unwrap(),
            stderr.await.unwrap()
        );
    };
    assert_eq!(status, 200);
    assert_eq!(body.trim(), "ok");
    let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    // The instance serves its actor on the configured domain.
    let actor: serde_json::Value = client
        .get(format!("{base}/actor"))
        .header("Accept", "application/activity+json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actor["id"], format!("http://localhost:{port}/actor"));

    let pid = child.id().expect("pid").to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("serve did not stop within 10 s of SIGTERM")
        .unwrap();
    let out = strip_ansi(&format!(
        "{}\n{}",
        stdout.await.unwrap(),
        stderr.await.unwrap()
    ));
    assert_eq!(status.code(), Some(0), "{out}");
    assert!(
        out.contains(&format!("listening on http://127.0.0.1:{port}")),
        "{out}"
    );
    assert!(out.contains(&format!("http://localhost:{port}/")), "{out}");
    assert!(out.contains("user create"), "{out}");
    assert!(out.contains("--role admin"), "{out}");
    // The port is free again.
    assert!(std::net::TcpListener::bind(("127.0.0.1", port)).is_ok());
}
