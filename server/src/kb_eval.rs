//! `chamado kb eval`: Chamado's help-center ranking and a plain BM25 over the same articles,
//! measured on one or more labelled query sets, side by side (tune on one set, check on the
//! other), with a per-kind breakdown and, for each miss, what ranked above the right article.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;

use app::backend::search::{PlainBm25, SearchDoc, SearchIndex, Synonyms, Tuning};
use app::backend::search_eval::{self, EvalReport, Figures, LabelledQuery, Ranking};
use app::backend::services::help_center;
use app::backend::{kb, markdown};

use crate::command_errors::describe;
use crate::config::GlobalOptions;
use crate::startup::open_database;

/// Where to write the candidates of every query, and the model for their cosines.
#[derive(Debug, Clone)]
pub struct Dump {
    pub path: PathBuf,
    pub model: Option<PathBuf>,
}

/// Which queries to list after the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    None,
    Misses,
    All,
}

pub async fn run(
    global: &GlobalOptions,
    query_files: &[PathBuf],
    dir: Option<PathBuf>,
    tuning: Tuning,
    listing: Listing,
    dump: Option<Dump>,
) -> anyhow::Result<()> {
    let dir = dir
        .or_else(|| query_files.first()?.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let articles = kb::read_dir(&dir, Utc::now())?;
    let mut sets = Vec::new();
    for path in query_files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let labelled = search_eval::parse_queries(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        sets.push((name, labelled));
    }
    let index = SearchIndex::with_tuning(tuning)?;
    index.set_synonyms(Synonyms::defaults());
    // The articles take the path they take in production (import, then the index's catch-up
    // from the table), in a scratch database removed afterwards.
    let scratch = std::env::temp_dir().join(format!("chamado-kb-eval-{}", std::process::id()));
    let scratch_options = GlobalOptions {
        database_url: format!("sqlite://{}/eval.db", scratch.display()),
        ..global.clone()
    };
    let indexed = async {
        let db = open_database(&scratch_options).await?;
        help_center::import_articles(&db, &articles)
            .await
            .map_err(describe)?;
        let mut mark = help_center::SearchMark::default();
        help_center::sync_search(&db, &index, &mut mark)
            .await
            .map_err(describe)?;
        db.close().await;
        anyhow::Ok(())
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    indexed?;
    let docs: Vec<SearchDoc> = articles
        .iter()
        .map(|a| SearchDoc {
            slug: a.slug.clone(),
            title: a.title.clone(),
            lang: a.lang,
            category: a.category.clone(),
            tags: a.tags.clone(),
            body_text: markdown::to_text(&a.body_markdown),
            visible_in: vec![a.lang],
        })
        .collect();
    let plain = PlainBm25::new(&docs)?;
    if let Some(dump) = &dump {
        write_dump(dump, &index, &plain, &docs, &sets)?;
    }

    let mut reports = Vec::new();
    for (name, labelled) in &sets {
        let ours = search_eval::evaluate(&index as &dyn Ranking, labelled)?;
        let baseline = search_eval::evaluate(&plain as &dyn Ranking, labelled)?;
        reports.push((name.as_str(), ours, baseline));
    }
    println!(
        "{} articles; each set: Chamado's ranking | a plain BM25 over the same articles",
        articles.len()
    );
    print!("{}", table(&reports));
    if listing != Listing::None {
        for (name, ours, _) in &reports {
            print!("{}", queries(name, ours, listing));
        }
    }
    Ok(())
}

/// One JSON line per query: its labels, Chamado's lexical candidates before the display
/// threshold, the plain BM25's, and (with a model) the cosine of every article.
fn write_dump(
    dump: &Dump,
    index: &SearchIndex,
    plain: &PlainBm25,
    docs: &[SearchDoc],
    sets: &[(String, Vec<LabelledQuery>)],
) -> anyhow::Result<()> {
    use app::backend::search::semantic;
    use serde_json::json;
    use std::io::Write;
    let model = dump.model.as_deref().map(semantic::load).transpose()?;
    let mut vectors = Vec::new();
    if let Some(model) = &model {
        let started = std::time::Instant::now();
        for d in docs {
            vectors.push(semantic::article_vector(
                model,
                &d.title,
                &d.tags,
                &d.body_text,
            )?);
        }
        eprintln!(
            "{} articles embedded in {:.1} s",
            docs.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(&dump.path)
            .with_context(|| format!("cannot write {}", dump.path.display()))?,
    );
    let mut query_time = std::time::Duration::ZERO;
    for (set, labelled) in sets {
        for q in labelled {
            let lang = app::domain::Language::from_tag(&q.lang).unwrap_or_default();
            let lexical: Vec<_> = index
                .candidates(&q.q, lang, 20)?
                .into_iter()
                .map(|c| json!({"slug": c.slug, "lang": c.lang.code(), "evidence": c.evidence, "coverage": c.coverage}))
                .collect();
            let bm25: Vec<_> = plain
                .search(&q.q, 20)?
                .into_iter()
                .map(|(slug, score)| json!({"slug": slug, "score": score}))
                .collect();
            let cosines: Vec<_> = match &model {
                Some(model) => {
                    let started = std::time::Instant::now();
                    let v = semantic::query_vector(model, &q.q)?;
                    query_time += started.elapsed();
                    docs.iter()
                        .zip(&vectors)
                        .map(|(d, a)| json!({"slug": d.slug, "lang": d.lang.code(), "cos": semantic::cosine(&v, a)}))
                        .collect()
                }
                None => Vec::new(),
            };
            let line = json!({
                "set": set, "q": q.q, "lang": q.lang, "kind": q.kind, "relevant": q.relevant,
                "lexical": lexical, "bm25": bm25, "semantic": cosines,
            });
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    if model.is_some() {
        let n: usize = sets.iter().map(|(_, l)| l.len()).sum();
        eprintln!(
            "{n} queries embedded, {:.1} ms each on average",
            query_time.as_secs_f64() * 1000.0 / n.max(1) as f64
        );
    }
    Ok(())
}

/// The side-by-side table: a row per figure, two columns (Chamado | BM25) per query set.
fn table(reports: &[(&str, EvalReport, EvalReport)]) -> String {
    let mut out = String::new();
    let mut row = |label: &str, cells: Vec<String>| {
        out.push_str(&format!("{label:<34}"));
        for c in cells {
            out.push_str(&format!("{c:>22}"));
        }
        out.push('\n');
    };
    row(
        "",
        reports.iter().map(|(n, _, _)| (*n).to_owned()).collect(),
    );
    // Figures end where the per-kind rows' query counts begin.
    let pair = |a: f64, b: f64| format!("{a:.3} | {b:.3}     ");
    let figures = |f: fn(&Figures) -> f64| -> Vec<String> {
        reports
            .iter()
            .map(|(_, o, b)| pair(f(&o.answerable), f(&b.answerable)))
            .collect()
    };
    row(
        "queries (answerable + no answer)",
        reports
            .iter()
            .map(|(_, o, _)| format!("{} + {}     ", o.answerable.queries, o.no_answer))
            .collect(),
    );
    row("recall@1", figures(|f| f.recall_at_1));
    row("recall@3", figures(|f| f.recall_at_3));
    row("MRR", figures(|f| f.mrr));
    row(
        "no-answer queries showing articles",
        reports
            .iter()
            .map(|(_, o, b)| pair(o.no_answer_shown, b.no_answer_shown))
            .collect(),
    );
    let mut kinds: Vec<&String> = reports
        .iter()
        .flat_map(|(_, o, _)| o.by_kind.keys())
        .collect();
    kinds.sort();
    kinds.dedup();
    row("by kind (then the number of queries)", Vec::new());
    for (label, f) in [
        (
            "recall@3",
            (|f: &Figures| f.recall_at_3) as fn(&Figures) -> f64,
        ),
        ("MRR", |f: &Figures| f.mrr),
    ] {
        for kind in &kinds {
            row(
                &format!("{label} {kind}"),
                reports
                    .iter()
                    .map(
                        |(_, o, b)| match (o.by_kind.get(*kind), b.by_kind.get(*kind)) {
                            (Some(o), Some(b)) => {
                                format!("{}{:>5}", pair(f(o), f(b)).trim_end(), o.queries)
                            }
                            _ => "-".to_owned(),
                        },
                    )
                    .collect(),
            );
        }
    }
    out
}

/// The misses of one set (or every query), each with the rank of the right article and what
/// ranked above it.
fn queries(set: &str, report: &EvalReport, listing: Listing) -> String {
    let mut out = String::new();
    let describe_query = |q: &LabelledQuery| format!("[{set} {}] {:?}", q.kind, q.q);
    let shown_list = |shown: &[search_eval::Shown]| {
        shown
            .iter()
            .map(|s| format!("{} ({})", s.slug, s.detail))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if listing == Listing::All {
        for (q, shown) in &report.details {
            out.push_str(&format!(
                "{} expects {:?}; shown: {}\n",
                describe_query(q),
                q.relevant,
                shown_list(shown)
            ));
        }
        return out;
    }
    for m in &report.misses {
        let where_ = match (m.query.relevant.is_empty(), m.rank) {
            (true, _) => "nothing answers it; shown".to_owned(),
            (false, Some(r)) => format!("expects {:?}, ranked {r}; above it", m.query.relevant),
            (false, None) => format!("expects {:?}, not shown; shown", m.query.relevant),
        };
        out.push_str(&format!(
            "miss {} {where_}: {}\n",
            describe_query(&m.query),
            shown_list(&m.above)
        ));
    }
    out
}
