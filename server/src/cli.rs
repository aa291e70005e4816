//! `chamado serve | migrate | demo | user create | kb import`.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use clap::{Parser, Subcommand};

use app::backend::demo::{self, DemoOutcome};
use app::backend::services::{accounts, help_center};
use app::backend::{kb, Db};
use app::domain::{Language, Role};

use crate::command_errors::describe;
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
    /// Add a large, deterministic ticket load to a demo database (SQLite or PostgreSQL), for `bench/`.
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
        /// The editor right: this agent or lead writes help-center articles.
        #[arg(long)]
        editor: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Import Markdown articles with front matter from a folder (idempotent by slug).
    Import { dir: PathBuf },
    /// Time the help-center search, the ticket form's suggestions and index updates with a
    /// large corpus (the folder's articles and variants of them), in process, on SQLite.
    Bench {
        /// The labelled queries whose texts are searched, e.g. `../shared/kb/queries-dev.jsonl`.
        queries: PathBuf,
        /// The articles the corpus grows from (default: the folder of the queries file).
        #[arg(long)]
        kb: Option<PathBuf>,
        /// How many articles to index.
        #[arg(long, default_value_t = 10_000)]
        articles: usize,
        /// How many times each query runs.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Measure the help-center search against labelled queries (JSONL: q, lang, relevant,
    /// kind): recall@1, recall@3, MRR and how often a query nothing answers shows an article.
    Eval {
        /// One or more files of labelled queries, reported side by side, e.g.
        /// `../shared/kb/queries-dev.jsonl ../shared/kb/queries-dev2.jsonl`.
        #[arg(required = true)]
        queries: Vec<PathBuf>,
        /// The articles: a folder of Markdown files (default: the folder of the queries file).
        #[arg(long)]
        kb: Option<PathBuf>,
        /// Also list the queries that missed, with what ranked above the right article.
        #[arg(long)]
        verbose: bool,
        /// Try another display threshold (share of the query's words, weighted by rarity).
        #[arg(long)]
        min_coverage: Option<f32>,
        /// Try another cut-off relative to the best result's score.
        #[arg(long)]
        relative_floor: Option<f32>,
        /// Try another minimum evidence (score × coverage).
        #[arg(long)]
        min_evidence: Option<f32>,
        /// List every query with what it showed (coverage, score), not only the misses.
        #[arg(long)]
        all: bool,
        /// Write each query's candidates (lexical evidence and coverage before the display
        /// threshold, plain BM25, and with `--model` every article's cosine) as JSON lines, for
        /// studying fusion and the no-answer decision.
        #[arg(long)]
        dump: Option<PathBuf>,
        /// The embedding model file (`scripts/model.sh` prints its path).
        #[arg(long, env = "CHAMADO_EMBEDDING_MODEL")]
        model: Option<PathBuf>,
    },
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
            tracing::info!(%addr, database = %app::backend::db::redact_url(&global.database_url), "Chamado is listening");
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
            let made = app::backend::bench_data::generate(&db, tickets, Utc::now())
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
            editor,
        }) => {
            if editor && !role.is_staff() {
                anyhow::bail!("--editor is for agents, leads and admins");
            }
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
            if editor {
                let mut c = db.acquire().await?;
                app::backend::db::users::set_can_edit_articles(c.conn(), id, true, Utc::now())
                    .await?;
            }
            db.close().await;
            println!("user {id} created");
            Ok(())
        }
        Command::Kb(KbCommand::Eval {
            queries,
            kb: dir,
            verbose,
            min_coverage,
            relative_floor,
            min_evidence,
            all,
            dump,
            model,
        }) => {
            let defaults = app::backend::search::Tuning::default();
            let tuning = app::backend::search::Tuning {
                min_coverage: min_coverage.unwrap_or(defaults.min_coverage),
                relative_floor: relative_floor.unwrap_or(defaults.relative_floor),
                min_evidence: min_evidence.unwrap_or(defaults.min_evidence),
            };
            let listing = if all {
                crate::kb_eval::Listing::All
            } else if verbose {
                crate::kb_eval::Listing::Misses
            } else {
                crate::kb_eval::Listing::None
            };
            let dump = dump.map(|path| crate::kb_eval::Dump { path, model });
            crate::kb_eval::run(&global, &queries, dir, tuning, listing, dump).await
        }
        Command::Kb(KbCommand::Bench {
            queries,
            kb: dir,
            articles: count,
            rounds,
        }) => {
            let dir = dir
                .or_else(|| queries.parent().map(Path::to_path_buf))
                .unwrap_or_default();
            let text = std::fs::read_to_string(&queries)
                .with_context(|| format!("cannot read {}", queries.display()))?;
            let labelled = app::backend::search_eval::parse_queries(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", queries.display()))?;
            let base = kb::read_dir(&dir, Utc::now())?;
            let corpus = app::backend::bench_data::article_variants(&base, count);
            let scratch =
                std::env::temp_dir().join(format!("chamado-kb-bench-{}", std::process::id()));
            let options = GlobalOptions {
                database_url: format!("sqlite://{}/bench.db", scratch.display()),
                ..global.clone()
            };
            let outcome = crate::kb_bench::run(&options, &corpus, &labelled, rounds).await;
            let _ = std::fs::remove_dir_all(&scratch);
            outcome
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
