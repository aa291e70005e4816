//! The defaults of a fresh installation (PRODUCT.md): departments Técnico, Vendas, Geral and the
//! ticket types of the seeds. They are ordinary data that admins edit afterwards, so they are
//! written only into empty tables.

use chrono::{DateTime, Utc};

use crate::backend::db::{departments, ticket_types};
use crate::backend::Db;
use crate::domain::{Plan, Priority};
use crate::error::AppError;

pub const DEPARTMENTS: &[&str] = &["Técnico", "Vendas", "Geral"];

struct FieldSpec {
    key: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
    options: &'static [&'static str],
}

const fn field(
    key: &'static str,
    label: &'static str,
    kind: &'static str,
    required: bool,
) -> FieldSpec {
    FieldSpec {
        key,
        label,
        kind,
        required,
        options: &[],
    }
}

struct TypeSpec {
    key: &'static str,
    name: &'static str,
    description: &'static str,
    enterprise_only: bool,
    default_priority: Option<Priority>,
    fields: &'static [FieldSpec],
}

const PAID_PLANS: &[Plan] = &[
    Plan::Startup,
    Plan::Lite,
    Plan::Plus,
    Plan::Super,
    Plan::Enterprise,
];

const TYPES: &[TypeSpec] = &[
    TypeSpec {
        key: "duvida",
        name: "Dúvida",
        description: "Perguntas sobre o uso da plataforma ou de um recurso.",
        enterprise_only: false,
        default_priority: Some(Priority::Low),
        fields: &[field("produto", "Produto", "text", false)],
    },
    TypeSpec {
        key: "tarefa",
        name: "Tarefa",
        description:
            "Pedidos para a equipe executar algo por você (configuração, ajuste, liberação).",
        enterprise_only: false,
        default_priority: Some(Priority::Low),
        fields: &[],
    },
    TypeSpec {
        key: "incidente",
        name: "Incidente",
        description: "Algo parou de funcionar: falha, erro ou indisponibilidade.",
        enterprise_only: false,
        default_priority: Some(Priority::High),
        fields: &[
            field("pipeline", "Nome do pipeline", "text", false),
            field("projeto", "Projeto", "text", false),
            FieldSpec {
                key: "ambiente",
                label: "Ambiente",
                kind: "select",
                required: true,
                options: &["PROD", "TEST"],
            },
            field("pipeline_key", "Pipeline key", "text", false),
            field("mensagem_erro", "Mensagem de erro", "long_text", false),
            field("ocorrido_em", "Data e hora do erro", "datetime", false),
            field(
                "comportamento_esperado",
                "Comportamento esperado",
                "long_text",
                false,
            ),
            field(
                "comportamento_atual",
                "Comportamento atual",
                "long_text",
                false,
            ),
        ],
    },
    TypeSpec {
        key: "bug",
        name: "Bug",
        description: "Um comportamento errado do produto que você consegue reproduzir.",
        enterprise_only: false,
        default_priority: Some(Priority::Medium),
        fields: &[
            field("produto", "Produto", "text", true),
            FieldSpec {
                key: "impacto",
                label: "Impacto",
                kind: "select",
                required: true,
                options: &["Baixo", "Médio", "Alto"],
            },
            field(
                "comportamento_esperado",
                "Comportamento esperado",
                "long_text",
                true,
            ),
            field("passos", "Passos para reproduzir", "long_text", true),
        ],
    },
    TypeSpec {
        key: "feature",
        name: "Solicitar feature",
        description: "Uma melhoria ou um recurso que falta na plataforma.",
        enterprise_only: false,
        default_priority: Some(Priority::Low),
        fields: &[
            field("produto", "Produto", "text", true),
            field(
                "problema",
                "Qual problema a funcionalidade resolve?",
                "long_text",
                true,
            ),
            field(
                "casos_de_uso",
                "Exemplos de casos de uso",
                "long_text",
                false,
            ),
        ],
    },
    TypeSpec {
        key: "consultivo",
        name: "Suporte consultivo",
        description:
            "Apoio do time de especialistas em uma etapa do seu projeto (somente Enterprise).",
        enterprise_only: true,
        default_priority: Some(Priority::Medium),
        fields: &[field(
            "assistencia",
            "Que tipo de assistência você precisa?",
            "long_text",
            true,
        )],
    },
];

/// The business calendar of a fresh installation: São Paulo, Monday to Friday 09:00–18:00,
/// without the national holidays of 2026 and 2027.
pub const BUSINESS_CALENDAR: &str = "Horário comercial (São Paulo)";
/// Around the clock.
pub const ALWAYS_CALENDAR: &str = "24x7";

const HOLIDAYS: &[&str] = &[
    "2026-01-01",
    "2026-02-16",
    "2026-02-17",
    "2026-04-03",
    "2026-04-21",
    "2026-05-01",
    "2026-06-04",
    "2026-09-07",
    "2026-10-12",
    "2026-11-02",
    "2026-11-15",
    "2026-11-20",
    "2026-12-25",
    "2027-01-01",
    "2027-02-08",
    "2027-02-09",
    "2027-03-26",
    "2027-04-21",
    "2027-05-01",
    "2027-05-27",
    "2027-09-07",
    "2027-10-12",
    "2027-11-02",
    "2027-11-15",
    "2027-11-20",
    "2027-12-25",
];

/// Targets per plan and priority (critical, high, medium, low): first response and resolution
/// in working minutes, and whether they run around the clock (otherwise business hours; a
/// business day is 9 hours, 540 minutes).
/// First response and resolution minutes, and whether around the clock.
type Targets = (i64, i64, bool);

const POLICIES: &[(Plan, [Targets; 4])] = &[
    (
        Plan::Startup,
        [
            (240, 1080, false),
            (540, 2160, false),
            (1080, 3240, false),
            (1620, 5400, false),
        ],
    ),
    (
        Plan::Lite,
        [
            (180, 900, false),
            (480, 1620, false),
            (960, 2700, false),
            (1080, 4320, false),
        ],
    ),
    (
        Plan::Plus,
        [
            (120, 720, false),
            (240, 1620, false),
            (540, 2160, false),
            (1080, 3240, false),
        ],
    ),
    (
        Plan::Super,
        [
            (60, 480, true),
            (180, 1080, false),
            (480, 1620, false),
            (540, 2700, false),
        ],
    ),
    (
        Plan::Enterprise,
        [
            (60, 240, true),
            (120, 720, true),
            (240, 1080, false),
            (480, 2160, false),
        ],
    ),
];

async fn ensure_service_levels(
    tx: &mut crate::backend::db::Tx,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::backend::db::sla;
    use sqlx::types::Json;
    if !sla::calendars(tx.conn()).await?.is_empty() {
        return Ok(());
    }
    let holidays = HOLIDAYS
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect::<Vec<chrono::NaiveDate>>();
    let business = sla::CalendarRow {
        id: 0,
        name: BUSINESS_CALENDAR.to_owned(),
        time_zone: "America/Sao_Paulo".to_owned(),
        week: Json(
            (0..7)
                .map(|d| if d < 5 { vec![[540, 1080]] } else { Vec::new() })
                .collect(),
        ),
        holidays: Json(holidays),
        active: true,
    };
    let always = sla::CalendarRow {
        id: 0,
        name: ALWAYS_CALENDAR.to_owned(),
        time_zone: "America/Sao_Paulo".to_owned(),
        week: Json(vec![vec![[0, 1440]]; 7]),
        holidays: Json(Vec::new()),
        active: true,
    };
    let business_id = sla::insert_calendar(tx.conn(), &business, now).await?;
    let always_id = sla::insert_calendar(tx.conn(), &always, now).await?;
    let priorities = [
        Priority::Critical,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];
    for (plan, targets) in POLICIES {
        for (priority, (first, resolution, around_the_clock)) in priorities.iter().zip(targets) {
            let policy = sla::PolicyWrite {
                plan: plan.as_str(),
                priority: priority.as_str(),
                first_response_minutes: *first,
                resolution_minutes: *resolution,
                calendar_id: if *around_the_clock {
                    always_id
                } else {
                    business_id
                },
                active: true,
            };
            sla::insert_policy(tx.conn(), &policy, now).await?;
        }
    }
    Ok(())
}

/// Writes the default departments, ticket types, calendars and service levels into empty
/// tables. Idempotent.
pub async fn ensure(db: &Db, now: DateTime<Utc>) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    if departments::list(tx.conn()).await?.is_empty() {
        for name in DEPARTMENTS {
            departments::insert(tx.conn(), name, now).await?;
        }
    }
    if ticket_types::list_keys(tx.conn()).await?.is_empty() {
        for (position, spec) in (1_i64..).zip(TYPES) {
            let new = ticket_types::NewTicketType {
                key: spec.key,
                name: spec.name,
                description: spec.description,
                position,
                default_priority: spec.default_priority,
            };
            let type_id = ticket_types::insert(tx.conn(), &new, now).await?;
            for (position, f) in (1_i64..).zip(spec.fields) {
                let field = ticket_types::NewField {
                    key: f.key,
                    label: f.label,
                    kind: f.kind,
                    required: f.required,
                    options: f.options,
                    position,
                };
                ticket_types::insert_field(tx.conn(), type_id, &field).await?;
            }
            let plans: &[Plan] = if spec.enterprise_only {
                &[Plan::Enterprise]
            } else {
                PAID_PLANS
            };
            for plan in plans {
                ticket_types::allow_plan(tx.conn(), type_id, *plan).await?;
            }
        }
    }
    ensure_service_levels(&mut tx, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Keys of the default ticket types, for the demo data and tests.
pub fn default_type_keys() -> impl Iterator<Item = &'static str> {
    TYPES.iter().map(|t| t.key)
}
