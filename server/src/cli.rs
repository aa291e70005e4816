//! `chamado serve | migrate | demo | user create | kb import`.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};

use app::domain::{Language, Role};
use app::error::AppError;
use app::server::demo::{self, DemoOutcome};
use app::server::services::{accounts, help_center};
use app::server::{kb, Db};

use crate::config::{GlobalOptions, ServeOptions};
use crate::startup::{open_database, shutdown_signal, Application};

#[derive(Debug, Parser)]
#[command(
    name = "chamado",
    version,
    about = "Chamado: a self-hosted customer-support portal"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (migrations run first).
    Serve(ServeOptions),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo data into an empty database.
    Demo,
    /// Add a large, deterministic ticket load to a demo database (SQLite), for `bench/`.
    BenchData {
        /// How many tickets to add.
        #[arg(long, default_value_t = 1_000_000)]
        tickets: i64,
    },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the help-center knowledge base.
    #[command(subcommand)]
    Kb(KbCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from the first line of standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// customer, org_admin, agent, lead or admin.
        #[arg(long)]
        role: Role,
        /// Organization name (customers and organization admins).
        #[arg(long)]
        organization: Option<String>,
        /// pt-BR or en.
        #[arg(long, default_value = "pt-BR", value_parser = parse_language)]
        language: Language,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Import Markdown articles with front matter from a folder (idempotent by slug).
    Import { dir: PathBuf },
}

fn parse_language(s: &str) -> Result<Language, String> {
    Language::from_tag(s).ok_or_else(|| format!("unsupported language {s:?} (pt-BR or en)"))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let global = cli.global;
    match cli.command {
        Command::Serve(serve) => {
            let db = open_database(&global).await?;
            if serve.demo {
                report_demo(&db).await?;
            }
            let app = Application::build(&serve, &global, db).await?;
            let addr = app.local_addr()?;
            tracing::info!(%addr, database = %app::server::db::redact_url(&global.database_url), "Chamado is listening");
            println!("Chamado: http://{addr}");
            app.run_until_stopped(shutdown_signal()).await
        }
        Command::Migrate => {
            open_database(&global).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let db = open_database(&global).await?;
            report_demo(&db).await?;
            db.close().await;
            Ok(())
        }
        Command::BenchData { tickets } => {
            let db = open_database(&global).await?;
            let started = std::time::Instant::now();
            let made = app::server::bench_data::generate(&db, tickets, Utc::now())
                .await
                .map_err(describe)?;
            db.close().await;
            println!(
                "{} tickets added for {} customers in {} organizations in {:.1} s",
                made.tickets,
                made.customers,
                made.organizations,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::User(UserCommand::Create {
            email,
            name,
            role,
            organization,
            language,
            password_stdin: _,
        }) => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let db = open_database(&global).await?;
            let input = accounts::CreateUser {
                email,
                name,
                role,
                organization,
                password,
                language,
            };
            let id = accounts::create_user(&db, input, Utc::now())
                .await
                .map_err(describe)?;
            db.close().await;
            println!("user {id} created");
            Ok(())
        }
        Command::Kb(KbCommand::Import { dir }) => {
            let articles = kb::read_dir(&dir, Utc::now())?;
            let db = open_database(&global).await?;
            let report = help_center::import_articles(&db, &articles)
                .await
                .map_err(describe)?;
            db.close().await;
            println!(
                "{} articles imported, {} translations linked",
                report.articles, report.translations_linked
            );
            Ok(())
        }
    }
}

async fn report_demo(db: &Db) -> anyhow::Result<()> {
    match demo::load(db, Utc::now()).await.map_err(describe)? {
        DemoOutcome::Loaded {
            users,
            tickets,
            articles,
        } => {
            println!("demo data loaded: {users} users, {tickets} tickets, {articles} articles");
        }
        DemoOutcome::SkippedNotEmpty => {
            println!("demo data not loaded: the database already has users")
        }
    }
    println!("demo sign-ins (password {:?}):", demo::DEMO_PASSWORD);
    for user in demo::DEMO_USERS {
        println!(
            "  {:<26} {:<10} {}",
            user.email,
            user.role.as_str(),
            user.organization.unwrap_or("—")
        );
    }
    Ok(())
}

/// Turns a service error into a line for the terminal (English: operators read logs in English).
fn describe(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation { errors } => {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.code))
                .collect();
            anyhow::anyhow!("invalid input ({})", fields.join(", "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}
