//! `chamado bench-data --tickets N`: fills a demo database with a large, deterministic ticket
//! load for the benchmarks in `bench/` (SQLite or PostgreSQL). 200 more organizations with 5 customers each
//! share the tickets with Acme (one ticket in ten is Acme's, so Acme's people see a list of
//! 100,000 at a million); statuses, priorities, departments and dates are spread by integer
//! hashes of the row number, so two runs produce the same data. Every ticket gets its first
//! message and its history (created; answered and closed with their times), its plan's service
//! level (one in eight missed), and one closed ticket in four a rating; 5,000 admin changes
//! spread over the year fill the audit log. On SQLite the counter and text-index triggers run
//! for every row, as in production; on PostgreSQL they are switched off inside each batch's
//! transaction and what they keep is rebuilt set-based (a trigger per row takes minutes per
//! 100,000 tickets there: every row updates the same counter rows). SLA clocks are left stopped (no due times), so the server's watcher has nothing
//! to announce while a benchmark runs.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::backend::db::Pool;
use crate::backend::Db;
use crate::error::AppError;

pub const EXTRA_ORGANIZATIONS: i64 = 200;
pub const CUSTOMERS_PER_ORGANIZATION: i64 = 5;
const BATCH: i64 = 50_000;
/// Admin changes in the audit log (generated once).
pub const AUDIT_ROWS: i64 = 5_000;

/// What was generated.
#[derive(Debug, Clone, Copy)]
pub struct BenchData {
    pub tickets: i64,
    pub organizations: i64,
    pub customers: i64,
}

/// The ten subjects and ten first messages tickets are drawn from: each distinctive word
/// ("boleto", "fiscal", "WhatsApp" …) is in one subject or one message, so a search for it
/// matches about a tenth of the tickets (the text-search benchmark's ~10 %).
const SUBJECTS: [&str; 10] = [
    "Boleto vencido não aparece no portal",
    "Erro ao emitir nota fiscal",
    "Não consigo acessar minha conta",
    "Integração com o WhatsApp parou",
    "Relatório de vendas com valores errados",
    "Cobrança duplicada no cartão",
    "Aplicativo lento para abrir pedidos",
    "Dúvida sobre o plano Enterprise",
    "Exportação de planilha falha",
    "Usuário bloqueado após troca de senha",
];
const MESSAGES: [&str; 10] = [
    "Desde ontem a tela fica em branco quando clico em salvar.",
    "Aparece a mensagem de erro 500 e nada acontece.",
    "Já tentei limpar o cache do navegador e reiniciar o computador.",
    "O problema começou depois da atualização de segunda-feira.",
    "Preciso resolver hoje porque o fechamento do mês depende disso.",
    "Segue em anexo o print com a mensagem exibida.",
    "Outros colegas da equipe também estão com o mesmo problema.",
    "Funcionava normalmente na semana passada.",
    "Acontece no celular e também no computador do escritório.",
    "Gostaria de saber se existe alguma previsão de correção.",
];

/// PostgreSQL: the row triggers off for one bulk batch (in its transaction), and on again.
const BULK_TRIGGERS_OFF: [&str; 2] = [
    "ALTER TABLE tickets DISABLE TRIGGER USER",
    "ALTER TABLE ticket_messages DISABLE TRIGGER USER",
];
const BULK_TRIGGERS_ON: [&str; 2] = [
    "ALTER TABLE tickets ENABLE TRIGGER USER",
    "ALTER TABLE ticket_messages ENABLE TRIGGER USER",
];

/// PostgreSQL: the ticket and queue counters counted again over every ticket (as the
/// migrations that made them first fill them).
const POSTGRES_COUNTERS_REBUILT: [&str; 4] = [
    "DELETE FROM ticket_counters",
    "INSERT INTO ticket_counters (scope, scope_id, total, n_open, n_answered, n_closed, n_high) \
     SELECT s.scope, s.scope_id, COUNT(*), COUNT(*) FILTER (WHERE t.status = 'open'), \
            COUNT(*) FILTER (WHERE t.status = 'answered'), \
            COUNT(*) FILTER (WHERE t.status = 'closed'), COUNT(*) FILTER (WHERE t.priority_rank >= 3) \
     FROM tickets t \
     CROSS JOIN LATERAL (VALUES ('all', 0::BIGINT), ('organization', t.organization_id), \
                                ('requester', t.requester_id), ('department', t.department_id)) \
         AS s (scope, scope_id) \
     GROUP BY s.scope, s.scope_id",
    "DELETE FROM queue_counters",
    "INSERT INTO queue_counters (department_id, assignee_id, n_active, n_escalated, n_sla_risk) \
     SELECT department_id, COALESCE(assignee_id, 0), COUNT(*), \
            COUNT(*) FILTER (WHERE escalated_at IS NOT NULL), \
            COUNT(*) FILTER (WHERE sla_state IN ('at_risk', 'breached')) \
     FROM tickets WHERE status IN ('open', 'answered') \
     GROUP BY department_id, COALESCE(assignee_id, 0)",
];

/// The SQL that differs between the two databases' dialects.
struct Dialect {
    postgres: bool,
}

impl Dialect {
    /// A write transaction (SQLite's takes the write lock at once: a transaction that reads
    /// first cannot wait for a running server's writers when it starts writing).
    fn begin(&self) -> &'static str {
        if self.postgres {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        }
    }

    /// `i` from `$1` to `$2`.
    fn series(&self) -> &'static str {
        if self.postgres {
            "WITH n(i) AS (SELECT generate_series(CAST($1 AS BIGINT), CAST($2 AS BIGINT)))"
        } else {
            "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)"
        }
    }

    /// The time `seconds` (an SQL expression) before `$param`, stored as each database stores
    /// times.
    fn before(&self, param: &str, seconds: &str) -> String {
        if self.postgres {
            format!("(CAST({param} AS TIMESTAMPTZ) - ({seconds}) * INTERVAL '1 second')")
        } else {
            format!(
                "strftime('%Y-%m-%dT%H:%M:%f+00:00', {param}, '-' || ({seconds}) || ' seconds')"
            )
        }
    }

    /// The `index`-th (an SQL expression, from 0) of a list of texts or numbers.
    fn pick(&self, list: &[String], index: &str) -> String {
        if self.postgres {
            format!("(ARRAY[{}])[({index}) + 1]", list.join(", "))
        } else {
            format!(
                "json_extract('[{}]', '$[' || ({index}) || ']')",
                list.join(", ").replace('\'', "\"")
            )
        }
    }
}

fn quoted(texts: &[&str]) -> Vec<String> {
    texts
        .iter()
        .map(|t| format!("'{}'", t.replace('\'', "''")))
        .collect()
}

fn numbers(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

/// Adds `tickets` tickets (and their organizations and customers the first time) to a
/// database that holds the demo data, on either backend.
pub async fn generate(db: &Db, tickets: i64, now: DateTime<Utc>) -> Result<BenchData, AppError> {
    match db.pool() {
        Pool::Sqlite(pool) => {
            let now_text = now.to_rfc3339_opts(SecondsFormat::Micros, false);
            fill(pool, Dialect { postgres: false }, tickets, now_text).await
        }
        Pool::Postgres(pool) => fill(pool, Dialect { postgres: true }, tickets, now).await,
    }
}

async fn fill<DB, T>(
    pool: &sqlx::Pool<DB>,
    dialect: Dialect,
    tickets: i64,
    now: T,
) -> Result<BenchData, AppError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> <DB as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> T: sqlx::Encode<'q, DB> + sqlx::Type<DB> + Clone + Send + Sync,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'r> i64: sqlx::Decode<'r, DB>,
    for<'r> String: sqlx::Decode<'r, DB>,
    for<'r> (i64,): sqlx::FromRow<'r, DB::Row>,
    for<'r> (String,): sqlx::FromRow<'r, DB::Row>,
    for<'r> (i64, i64, String): sqlx::FromRow<'r, DB::Row>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let mut tx = pool.begin_with(dialect.begin()).await?;
    let acme: Option<i64> =
        sqlx::query_scalar("SELECT id FROM organizations WHERE name = 'Acme Ltda'")
            .fetch_optional(&mut *tx)
            .await?;
    let acme = acme.ok_or_else(|| AppError::Malformed {
        code: "bench_data_needs_demo".to_owned(),
    })?;
    let acme_plan = sqlx::query_scalar::<_, String>("SELECT plan FROM organizations WHERE id = $1")
        .bind(acme)
        .fetch_one(&mut *tx)
        .await?;
    let acme_people: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE organization_id = $1 AND can_open_tickets ORDER BY id",
    )
    .bind(acme)
    .fetch_all(&mut *tx)
    .await?;
    let existing: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM organizations WHERE name LIKE 'Carga %'")
            .fetch_one(&mut *tx)
            .await?;
    if existing == 0 {
        for n in 1..=EXTRA_ORGANIZATIONS {
            let plan = if n % 3 == 0 { "enterprise" } else { "startup" };
            let shares = if n % 2 == 0 { "TRUE" } else { "FALSE" };
            let org: i64 = sqlx::query_scalar(&format!(
                "INSERT INTO organizations (name, plan, shares_tickets, active, created_at, updated_at) \
                 VALUES ($1, $2, {shares}, TRUE, $3, $3) RETURNING id"
            ))
            .bind(format!("Carga {n:03}"))
            .bind(plan)
            .bind(now.clone())
            .fetch_one(&mut *tx)
            .await?;
            for c in 1..=CUSTOMERS_PER_ORGANIZATION {
                sqlx::query(
                    "INSERT INTO users (email, name, role, organization_id, can_open_tickets, language, \
                     password_hash, active, away, created_at, updated_at) \
                     VALUES ($1, $2, 'customer', $3, TRUE, 'pt-BR', NULL, TRUE, FALSE, $4, $4)",
                )
                .bind(format!("cliente{c}@carga{n:03}.example"))
                .bind(format!("Cliente {c} da Carga {n:03}"))
                .bind(org)
                .bind(now.clone())
                .execute(&mut *tx)
                .await?;
            }
        }
        // A year of admin changes (one every ~105 minutes), by the demo's admin.
        sqlx::query(&format!(
            r#"
            {series}
            INSERT INTO audit_log (actor_id, entity, entity_id, entity_name, action, field,
                                   old_value, new_value, created_at)
            SELECT (SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1),
                   CASE i % 3 WHEN 0 THEN 'department' WHEN 1 THEN 'user' ELSE 'organization' END,
                   CAST(i % 50 + 1 AS TEXT), 'Registro ' || (i % 50 + 1), 'update', 'name',
                   'Nome ' || i, 'Nome ' || (i + 1), {at}
            FROM n"#,
            series = dialect.series(),
            at = dialect.before("$3", "i * 6307"),
        ))
        .bind(1_i64)
        .bind(AUDIT_ROWS)
        .bind(now.clone())
        .execute(&mut *tx)
        .await?;
    }
    // The generated customers, in id order with their organization.
    let customers: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT u.id, u.organization_id, o.plan FROM users u JOIN organizations o ON o.id = u.organization_id \
         WHERE o.name LIKE 'Carga %' ORDER BY u.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let ids = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql).fetch_all(pool);
    let departments = ids("SELECT id FROM departments WHERE active ORDER BY id").await?;
    let types =
        ids("SELECT id FROM ticket_types WHERE key IN ('duvida', 'tarefa', 'bug') ORDER BY id")
            .await?;
    let agents =
        ids("SELECT id FROM users WHERE role IN ('agent', 'lead') AND active ORDER BY id").await?;
    if customers.is_empty()
        || departments.is_empty()
        || types.is_empty()
        || acme_people.is_empty()
        || agents.is_empty()
    {
        return Err(AppError::Malformed {
            code: "bench_data_needs_demo".to_owned(),
        });
    }
    // A lookup table from a row number to its requester: the SQL picks by modulo.
    sqlx::query("CREATE TABLE IF NOT EXISTS bench_people (slot INTEGER PRIMARY KEY, user_id BIGINT, organization_id BIGINT, plan TEXT)")
        .execute(pool)
        .await?;
    let mut tx = pool.begin_with(dialect.begin()).await?;
    sqlx::query("DELETE FROM bench_people")
        .execute(&mut *tx)
        .await?;
    let mut slots: Vec<(i64, i64, &str)> = Vec::new();
    for (i, (user, org, plan)) in customers.iter().enumerate() {
        // One slot in ten is Acme's.
        if i % 9 == 0 {
            slots.push((acme_people[(i / 9) % acme_people.len()], acme, &acme_plan));
        }
        slots.push((*user, *org, plan));
    }
    for (slot, (user, org, plan)) in slots.iter().enumerate() {
        sqlx::query(
            "INSERT INTO bench_people (slot, user_id, organization_id, plan) VALUES ($1, $2, $3, $4)",
        )
        .bind(slot as i64)
        .bind(*user)
        .bind(*org)
        .bind(*plan)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let slots = slots.len() as i64;
    // A ticket is created up to a year ago (`age` seconds), closed or answered half-way to
    // now, first answered after between 1/40 and 1/4 of that.
    let priority = "CASE (i * 7) % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' ELSE 'critical' END";
    let status =
        "CASE (i * 13) % 10 WHEN 0 THEN 'answered' WHEN 1 THEN 'answered' WHEN 2 THEN 'answered' \
                  WHEN 3 THEN 'closed' WHEN 4 THEN 'closed' WHEN 5 THEN 'closed' ELSE 'open' END";
    let age = "((i * 7919) % 31536000)";
    let at = |offset: &str| dialect.before("$3", offset);
    let sql = format!(
        r#"
        {series}
        INSERT INTO tickets (subject, ticket_type_id, department_id, priority, priority_rank, status,
                             requester_id, organization_id, fields, created_at, updated_at,
                             last_reply_at, closed_at, first_response_at, sla_policy_id,
                             sla_breached_at)
        SELECT {subject},
               {ticket_type},
               {department},
               {priority},
               (i * 7) % 4 + 1,
               {status},
               p.user_id, p.organization_id, '{{}}',
               {created},
               {half},
               {half},
               CASE WHEN (i * 13) % 10 IN (3, 4, 5) THEN {half} END,
               CASE WHEN (i * 13) % 10 BETWEEN 0 AND 5 THEN {first} END,
               sp.id,
               CASE WHEN sp.id IS NOT NULL AND i % 8 = 0 THEN {created_plus_two_hours} END
        FROM n JOIN bench_people p ON p.slot = i % {slots}
        LEFT JOIN sla_policies sp ON sp.plan = p.plan AND sp.priority = {priority} AND sp.active
        "#,
        series = dialect.series(),
        subject = dialect.pick(&quoted(&SUBJECTS), "i % 10"),
        ticket_type = dialect.pick(&numbers(&types), &format!("(i * 31) % {}", types.len())),
        department = dialect.pick(
            &numbers(&departments),
            &format!("(i * 17) % {}", departments.len())
        ),
        created = at(age),
        half = at(&format!("{age} / 2")),
        first = at(&format!("{age} - {age} / 2 * (i % 10 + 1) / 40")),
        created_plus_two_hours = at(&format!(
            "CASE WHEN {age} > 7200 THEN {age} - 7200 ELSE 0 END"
        )),
    );
    // Each new ticket's first message (one of ten, and its number, so one ticket can be found
    // by a word of its own) and history: created by its requester; answered by an agent at the
    // first response; closed by the requester.
    let message = format!(
        "INSERT INTO ticket_messages (ticket_id, author_id, body, internal, channel, created_at) \
         SELECT id, requester_id, {text} || ' Protocolo ' || id || '.', FALSE, 'portal', created_at \
         FROM tickets WHERE id > $1",
        text = dialect.pick(&quoted(&MESSAGES), "(id * 3) % 10"),
    );
    let history = format!(
        r#"
        INSERT INTO ticket_history (ticket_id, actor_id, field, old_value, new_value, created_at)
        SELECT id, requester_id, 'created', NULL, 'open', created_at FROM tickets WHERE id > $1
        UNION ALL
        SELECT id, {agent}, 'status', 'open', 'answered', first_response_at
        FROM tickets WHERE id > $1 AND first_response_at IS NOT NULL
        UNION ALL
        SELECT id, requester_id, 'status', 'answered', 'closed', closed_at
        FROM tickets WHERE id > $1 AND closed_at IS NOT NULL"#,
        agent = dialect.pick(&numbers(&agents), &format!("id % {}", agents.len())),
    );
    let mut done = 0;
    while done < tickets {
        let first = done + 1;
        let last = (done + BATCH).min(tickets);
        let mut tx = pool.begin_with(dialect.begin()).await?;
        if dialect.postgres {
            for sql in BULK_TRIGGERS_OFF {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
        }
        let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM tickets")
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(&sql)
            .bind(first)
            .bind(last)
            .bind(now.clone())
            .execute(&mut *tx)
            .await?;
        sqlx::query(&message).bind(before).execute(&mut *tx).await?;
        sqlx::query(&history).bind(before).execute(&mut *tx).await?;
        // One closed ticket in four rated, when it closed.
        sqlx::query(
            "INSERT INTO ticket_ratings (ticket_id, user_id, score, comment, created_at) \
             SELECT id, requester_id, 1 + (id * 7) % 5, \
                    CASE WHEN id % 20 = 0 THEN 'Atendimento de carga ' || id ELSE '' END, closed_at \
             FROM tickets WHERE id > $1 AND closed_at IS NOT NULL AND id % 4 = 0",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        if dialect.postgres {
            // What the switched-off triggers keep: the new tickets' text documents, and the
            // counters over every ticket.
            sqlx::query(
                "INSERT INTO ticket_search (ticket_id, document) \
                 SELECT id, ticket_document(id) FROM tickets WHERE id > $1",
            )
            .bind(before)
            .execute(&mut *tx)
            .await?;
            for sql in POSTGRES_COUNTERS_REBUILT
                .into_iter()
                .chain(BULK_TRIGGERS_ON)
            {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        done = last;
    }
    sqlx::query("DROP TABLE bench_people").execute(pool).await?;
    if !dialect.postgres {
        // After a bulk load, the text index in one segment (housekeeping keeps it at a few).
        sqlx::query("INSERT INTO ticket_text (ticket_text) VALUES ('optimize')")
            .execute(pool)
            .await?;
    }
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(BenchData {
        tickets,
        organizations: EXTRA_ORGANIZATIONS,
        customers: customers.len() as i64,
    })
}

/// `count` help-center articles for the search benchmark: the given ones, then variants of
/// them (another slug and title, paragraphs in another order, a sentence of words drawn from
/// the whole corpus) until there are `count`. Deterministic.
pub fn article_variants(
    base: &[crate::backend::kb::KbArticle],
    count: usize,
) -> Vec<crate::backend::kb::KbArticle> {
    let mut out: Vec<_> = base.iter().take(count).cloned().collect();
    if base.is_empty() {
        return out;
    }
    let vocabulary: Vec<&str> = base
        .iter()
        .flat_map(|a| a.body_markdown.split_whitespace())
        .filter(|w| w.chars().all(char::is_alphabetic) && w.chars().count() > 3)
        .collect();
    let mut i = out.len();
    while out.len() < count {
        let a = &base[i % base.len()];
        let h = |k: usize| ((i * 2_654_435_761 + k * 40_503) >> 7) % vocabulary.len().max(1);
        let mut paragraphs: Vec<&str> = a.body_markdown.split("\n\n").collect();
        let rotate = i % paragraphs.len().max(1);
        paragraphs.rotate_left(rotate);
        let extra: Vec<&str> = (0..12).map(|k| vocabulary[h(k)]).collect();
        let mut v = a.clone();
        v.slug = format!("{}-{i}", a.slug);
        v.title = format!("{} ({} {})", a.title, vocabulary[h(99)], i);
        v.body_markdown = format!("{}\n\n{}.", paragraphs.join("\n\n"), extra.join(" "));
        v.translation_of = None;
        out.push(v);
        i += 1;
    }
    out
}
