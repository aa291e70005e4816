//! The `chamado` binary as an operator runs it.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::fresh_database;

/// Starts `cmd` on the database at `url` with its standard streams piped (to write a
/// password to it and read what it says).
fn spawn_piped(cmd: &mut Command, url: &str) -> Child {
    cmd.env("DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn chamado() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chamado"));
    cmd.env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_database_url_fails_fast_with_one_line() {
    let out = chamado()
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://x@y/z")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: DATABASE_URL must start with sqlite: or postgres://"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_postgres_fails_fast_and_hides_the_password() {
    let started = Instant::now();
    let out = chamado()
        .args(["migrate"])
        .env(
            "DATABASE_URL",
            "postgres://chamado:segredo@127.0.0.1:1/chamado",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "cannot connect to the postgres database at postgres://chamado:***@127.0.0.1:1/chamado"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("segredo"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_create_reads_the_password_from_stdin() {
    let db = fresh_database().await;
    let mut child = spawn_piped(
        chamado().args([
            "user",
            "create",
            "--email",
            "op@chamado.local",
            "--name",
            "Operadora",
            "--role",
            "admin",
            "--password-stdin",
        ]),
        &db.url,
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"uma-senha-bem-longa\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created"));

    // The same e-mail again is refused with the field and code.
    let mut again = spawn_piped(
        chamado().args([
            "user",
            "create",
            "--email",
            "OP@chamado.local",
            "--name",
            "Outra",
            "--role",
            "admin",
            "--password-stdin",
        ]),
        &db.url,
    );
    again
        .stdin
        .take()
        .unwrap()
        .write_all(b"uma-senha-bem-longa\n")
        .unwrap();
    let out = again.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("email: taken"));

    // `--editor` grants an agent the right to write articles; a customer cannot have it.
    for (email, role, ok) in [
        ("autora@chamado.local", "agent", true),
        ("cliente@exemplo.com.br", "customer", false),
    ] {
        let mut child = spawn_piped(
            chamado()
                .args([
                    "user", "create", "--email", email, "--name", "Pessoa", "--role", role,
                ])
                .args(if role == "customer" {
                    &["--organization", "Acme"][..]
                } else {
                    &[]
                })
                .args(["--editor", "--password-stdin"]),
            &db.url,
        );
        // The refused one may exit before reading its standard input.
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"uma-senha-bem-longa\n");
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.success(),
            ok,
            "{role}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let db = app::backend::Db::connect(&db.url, Default::default())
        .await
        .unwrap();
    let mut c = db.acquire().await.unwrap();
    let id = app::backend::db::users::find_by_email(c.conn(), "autora@chamado.local")
        .await
        .unwrap()
        .unwrap()
        .id;
    let user = app::backend::services::auth::current_user(c.conn(), id)
        .await
        .unwrap()
        .unwrap();
    assert!(user.may_write_articles());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_exits_zero_on_sigterm() {
    let db = fresh_database().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = chamado()
        .args(["serve"])
        .env("DATABASE_URL", &db.url)
        .env("CHAMADO_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", db.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/readyz")).await {
            if r.status() == 200 {
                break;
            }
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}
