//! The defaults of a fresh installation (PRODUCT.md): departments Técnico, Vendas, Geral and the
//! ticket types of the seeds. They are ordinary data that admins edit afterwards, so they are
//! written only into empty tables.

use chrono::{DateTime, Utc};

use crate::domain::{Plan, Priority};
use crate::error::AppError;
use crate::server::db::{departments, ticket_types};
use crate::server::Db;

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

/// Writes the default departments and ticket types into empty tables. Idempotent.
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
    tx.commit().await?;
    Ok(())
}

/// Keys of the default ticket types, for the demo data and tests.
pub fn default_type_keys() -> impl Iterator<Item = &'static str> {
    TYPES.iter().map(|t| t.key)
}
