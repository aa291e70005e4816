//! Demo data (`chamado demo`, `chamado serve --demo`): the organizations, people and tickets of the
//! README's sign-in table, and the help-center corpus in `demo/kb/` (embedded in the binary).
//! Loaded only into an empty database, in one transaction.

use crate::backend::db::messages;
use crate::domain::HistoryField;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use include_dir::{include_dir, Dir};

use crate::backend::db::{departments, organizations, ticket_types, tickets, users, workspace, Tx};
use crate::backend::services::{defaults, help_center};
use crate::backend::{kb, password, Db};
use crate::domain::{Language, Plan, Priority, Role, TicketStatus};
use crate::error::AppError;

static KB: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../demo/kb");

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "chamado-demo";

/// A demo account (the README's sign-in table).
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub organization: Option<&'static str>,
    pub may_open_tickets: bool,
    pub departments: &'static [&'static str],
    /// The editor right (writes help-center articles).
    pub edits_articles: bool,
}

/// Canned responses of the demo: `(department, title, body)`; no department is every one.
const DEMO_CANNED: &[(Option<&str>, &str, &str)] = &[
    (
        None,
        "Saudação",
        "Olá, {{cliente.primeiro_nome}}! Obrigado por falar com a gente sobre o {{ticket.id}}.",
    ),
    (
        None,
        "Encerramento",
        "Ficamos à disposição, {{cliente.primeiro_nome}}. Se precisar, é só responder este chamado.\n\n{{agente.nome}}",
    ),
    (
        Some("Técnico"),
        "Pedir prints e passos",
        "Olá, {{cliente.nome}}! Para reproduzirmos o problema do {{ticket.id}}, envie prints da tela e os passos que levaram ao erro, por favor.",
    ),
    (
        Some("Vendas"),
        "Proposta comercial",
        "Olá, {{cliente.primeiro_nome}}! Segue a proposta para a {{organizacao.nome}}. Qualquer dúvida, estou por aqui.",
    ),
];

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        email: "admin@chamado.local",
        name: "Admin Chamado",
        role: Role::Admin,
        organization: None,
        may_open_tickets: false,
        departments: &[],
        edits_articles: false,
    },
    DemoUser {
        email: "lider@chamado.local",
        name: "Lia Líder",
        role: Role::Lead,
        organization: None,
        may_open_tickets: false,
        departments: &[],
        edits_articles: false,
    },
    DemoUser {
        email: "ana@chamado.local",
        name: "Ana Souza",
        role: Role::Agent,
        organization: None,
        may_open_tickets: false,
        departments: &["Técnico"],
        edits_articles: true,
    },
    DemoUser {
        email: "caio@chamado.local",
        name: "Caio Ramos",
        role: Role::Agent,
        organization: None,
        may_open_tickets: false,
        departments: &["Técnico"],
        edits_articles: false,
    },
    DemoUser {
        email: "bruno@chamado.local",
        name: "Bruno Lima",
        role: Role::Agent,
        organization: None,
        may_open_tickets: false,
        departments: &["Vendas", "Geral"],
        edits_articles: false,
    },
    DemoUser {
        email: "carla@acme.com.br",
        name: "Carla Mendes",
        role: Role::OrgAdmin,
        organization: Some("Acme Ltda"),
        may_open_tickets: true,
        departments: &[],
        edits_articles: false,
    },
    DemoUser {
        email: "diego@acme.com.br",
        name: "Diego Alves",
        role: Role::Customer,
        organization: Some("Acme Ltda"),
        may_open_tickets: true,
        departments: &[],
        edits_articles: false,
    },
    DemoUser {
        email: "elisa@acme.com.br",
        name: "Elisa Rocha",
        role: Role::Customer,
        organization: Some("Acme Ltda"),
        may_open_tickets: false,
        departments: &[],
        edits_articles: false,
    },
    DemoUser {
        email: "fabio@paoquente.com.br",
        name: "Fábio Nunes",
        role: Role::OrgAdmin,
        organization: Some("Padaria Pão Quente"),
        may_open_tickets: true,
        departments: &[],
        edits_articles: false,
    },
    DemoUser {
        email: "gabi@testegratis.com.br",
        name: "Gabi Teixeira",
        role: Role::Customer,
        organization: Some("Teste Grátis"),
        may_open_tickets: false,
        departments: &[],
        edits_articles: false,
    },
];

/// `(name, plan, members see each other's tickets)`.
pub const DEMO_ORGANIZATIONS: &[(&str, Plan, bool)] = &[
    ("Acme Ltda", Plan::Enterprise, true),
    ("Padaria Pão Quente", Plan::Startup, false),
    ("Teste Grátis", Plan::Trial, false),
];

struct TicketTemplate {
    subject: &'static str,
    type_key: &'static str,
    department: &'static str,
    priority: Priority,
    message: &'static str,
    reply: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

const TEMPLATES: &[TicketTemplate] = &[
    TicketTemplate {
        subject: "Webhook de pedidos retornando 401 em PROD",
        type_key: "incidente",
        department: "Técnico",
        priority: Priority::High,
        message: "Desde as 10h o webhook de pedidos responde 401 em produção. Nada mudou do nosso lado.",
        reply: "Identificamos que o segredo do webhook foi rotacionado. Gere um novo segredo em Integrações → Webhooks e atualize o seu endpoint.",
        fields: &[("ambiente", "PROD"), ("pipeline", "pedidos-erp")],
    },
    TicketTemplate {
        subject: "Dúvida sobre limite de mensagens do WhatsApp",
        type_key: "duvida",
        department: "Geral",
        priority: Priority::Low,
        message: "Qual é o limite diário de conversas iniciadas pela empresa no nosso número?",
        reply: "O limite depende do nível do número na Meta. Veja o artigo 'Limites de envio do WhatsApp' na central de ajuda.",
        fields: &[("produto", "WhatsApp")],
    },
    TicketTemplate {
        subject: "Bot não responde depois da publicação",
        type_key: "incidente",
        department: "Técnico",
        priority: Priority::Critical,
        message: "Publicamos a nova versão do bot e ele parou de responder todos os clientes.",
        reply: "A versão publicada estava sem o fluxo inicial. Restauramos a versão anterior; pode testar?",
        fields: &[("ambiente", "PROD")],
    },
    TicketTemplate {
        subject: "Segunda via do boleto de outubro",
        type_key: "duvida",
        department: "Vendas",
        priority: Priority::Low,
        message: "Preciso da segunda via do boleto de outubro, o original venceu.",
        reply: "Enviamos a segunda via para o e-mail financeiro cadastrado.",
        fields: &[],
    },
    TicketTemplate {
        subject: "Erro 429 ao chamar a API de contatos",
        type_key: "bug",
        department: "Técnico",
        priority: Priority::Medium,
        message: "Recebemos 429 Too Many Requests mesmo fazendo poucas chamadas por minuto.",
        reply: "O limite é por token. Vimos três integrações usando o mesmo token; crie um token por integração.",
        fields: &[
            ("produto", "API REST"),
            ("impacto", "Médio"),
            ("comportamento_esperado", "Respostas 200 abaixo do limite documentado."),
            ("passos", "1. Chamar GET /contacts 30 vezes em um minuto. 2. Observar 429."),
        ],
    },
    TicketTemplate {
        subject: "Exportar relatórios de atendimento em CSV",
        type_key: "feature",
        department: "Geral",
        priority: Priority::Low,
        message: "Gostaríamos de exportar os relatórios de atendimento em CSV para o nosso BI.",
        reply: "Obrigado pela sugestão! Registramos para o time de produto.",
        fields: &[("produto", "Relatórios"), ("problema", "Hoje copiamos os números à mão para o BI.")],
    },
    TicketTemplate {
        subject: "Pipeline de faturamento sem memória",
        type_key: "incidente",
        department: "Técnico",
        priority: Priority::High,
        message: "O pipeline de faturamento falha com 'out of memory' ao processar o lote da noite.",
        reply: "O lote passou de 50 mil itens. Sugerimos paginar a leitura; enquanto isso aumentamos o limite.",
        fields: &[("ambiente", "PROD"), ("pipeline", "faturamento-noturno")],
    },
    TicketTemplate {
        subject: "Alterar o e-mail de login de um usuário",
        type_key: "tarefa",
        department: "Geral",
        priority: Priority::Low,
        message: "Um colaborador mudou de e-mail. Podem alterar o login dele?",
        reply: "Alteração feita. O colaborador recebe um e-mail para confirmar o novo endereço.",
        fields: &[],
    },
    TicketTemplate {
        subject: "Template de mensagem rejeitado pela Meta",
        type_key: "duvida",
        department: "Técnico",
        priority: Priority::Medium,
        message: "Nosso template de confirmação de pedido foi rejeitado sem motivo claro.",
        reply: "O template tinha variáveis no início do texto, o que a Meta recusa. Ajuste e reenvie.",
        fields: &[("produto", "WhatsApp")],
    },
    TicketTemplate {
        subject: "Mudança de plano para Enterprise",
        type_key: "duvida",
        department: "Vendas",
        priority: Priority::Medium,
        message: "Queremos migrar para o plano Enterprise no próximo ciclo. Como funciona?",
        reply: "A mudança vale a partir da próxima fatura. Nosso time comercial vai entrar em contato.",
        fields: &[],
    },
    TicketTemplate {
        subject: "App de vendas não sincroniza pedidos",
        type_key: "bug",
        department: "Técnico",
        priority: Priority::High,
        message: "Os pedidos feitos offline no app não sobem quando o vendedor volta a ter sinal.",
        reply: "Corrigimos a fila de sincronização na versão 4.2.1. Atualize o app e abra-o com internet.",
        fields: &[
            ("produto", "App de vendas"),
            ("impacto", "Alto"),
            ("comportamento_esperado", "Pedidos offline sincronizam ao reconectar."),
            ("passos", "1. Ativar modo avião. 2. Criar pedido. 3. Reconectar."),
        ],
    },
    TicketTemplate {
        subject: "Apoio na modelagem do fluxo de onboarding",
        type_key: "consultivo",
        department: "Técnico",
        priority: Priority::Medium,
        message: "Queremos uma sessão com especialistas para revisar nosso fluxo de onboarding de clientes.",
        reply: "Agendamos uma sessão para quinta-feira às 14h com o time de especialistas.",
        fields: &[("assistencia", "Revisão da arquitetura do fluxo de onboarding.")],
    },
    TicketTemplate {
        subject: "Conector HTTP com timeout intermitente",
        type_key: "incidente",
        department: "Técnico",
        priority: Priority::Medium,
        message: "O conector HTTP para o nosso ERP dá timeout em cerca de 5% das execuções.",
        reply: "O ERP demora mais de 30 s em alguns horários. Aumente o timeout do conector para 60 s.",
        fields: &[("ambiente", "TEST")],
    },
    TicketTemplate {
        subject: "Nota fiscal com CNPJ errado",
        type_key: "tarefa",
        department: "Vendas",
        priority: Priority::Medium,
        message: "A nota fiscal de novembro saiu com o CNPJ da matriz; deveria ser o da filial.",
        reply: "Cancelamos a nota e emitimos outra com o CNPJ da filial.",
        fields: &[],
    },
];

/// How many tickets the demo creates.
pub const DEMO_TICKETS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded {
        users: usize,
        tickets: usize,
        articles: usize,
    },
    /// The database already has users: nothing was written.
    SkippedNotEmpty,
}

/// The demo help-center articles embedded in the binary.
pub fn demo_articles(now: DateTime<Utc>) -> Result<Vec<kb::KbArticle>, kb::KbError> {
    let mut files: Vec<_> = KB
        .files()
        .filter(|f| f.path().extension().is_some_and(|e| e == "md"))
        .filter(|f| f.path() != Path::new("README.md"))
        .collect();
    files.sort_by_key(|f| f.path());
    files
        .into_iter()
        .map(|f| {
            let text = f.contents_utf8().ok_or_else(|| kb::KbError::Invalid {
                path: f.path().to_path_buf(),
                message: "not UTF-8".to_owned(),
            })?;
            kb::parse_article(f.path(), text, now)
        })
        .collect()
}

/// Loads the demo data into an empty database.
pub async fn load(db: &Db, now: DateTime<Utc>) -> Result<DemoOutcome, AppError> {
    defaults::ensure(db, now).await?;
    let mut tx = db.begin().await?;
    if users::count(tx.conn()).await? > 0 {
        return Ok(DemoOutcome::SkippedNotEmpty);
    }
    let password_hash = password::hash(DEMO_PASSWORD.to_owned()).await?;

    let mut org_ids = Vec::new();
    for (name, plan, shares_tickets) in DEMO_ORGANIZATIONS {
        let org = organizations::NewOrganization {
            name,
            plan: *plan,
            shares_tickets: *shares_tickets,
        };
        org_ids.push((*name, organizations::insert(tx.conn(), &org, now).await?));
    }
    let org_id = |name: &str| org_ids.iter().find(|(n, _)| *n == name).map(|(_, id)| *id);
    let department_ids = departments::list(tx.conn()).await?;
    let department_id = |name: &str| {
        department_ids
            .iter()
            .find(|(_, n)| n == name)
            .map(|(id, _)| *id)
    };

    let mut user_ids = Vec::new();
    for demo_user in DEMO_USERS {
        let organization_id = demo_user.organization.and_then(org_id);
        let language = if demo_user.email.starts_with("diego") {
            Language::En
        } else {
            Language::PtBr
        };
        let new = users::NewUser {
            email: demo_user.email,
            name: demo_user.name,
            role: demo_user.role,
            organization_id,
            can_open_tickets: demo_user.may_open_tickets,
            language,
            password_hash: Some(&password_hash),
        };
        let id = users::insert(tx.conn(), &new, now).await?;
        if demo_user.edits_articles {
            users::set_can_edit_articles(tx.conn(), id, true, now).await?;
        }
        for dept in demo_user.departments {
            if let Some(dept_id) = department_id(dept) {
                departments::add_member(tx.conn(), dept_id, id).await?;
            }
        }
        user_ids.push((demo_user.email, id, organization_id));
    }

    // The technical queue hands new tickets to Ana and Caio in turn.
    if let Some(tecnico) = department_id("Técnico") {
        workspace::set_round_robin(tx.conn(), tecnico, true, now).await?;
    }
    for (department, title, body) in DEMO_CANNED {
        let department = department.and_then(department_id);
        let author = user_ids.first().map_or(0, |(_, id, _)| *id);
        workspace::canned_insert(tx.conn(), department, title, body, author, now).await?;
    }

    // The support address of the demo: mail posted to `POST /api/v1/inbound-email` with its
    // token (admins make one in "Caixas de entrada") opens tickets in Geral.
    if let Some(geral) = department_id("Geral") {
        let mailbox = crate::backend::mail::inbox::MailboxFields {
            name: "Suporte".to_owned(),
            address: "suporte@chamado.local".to_owned(),
            department_id: geral,
            imap_host: None,
            imap_port: None,
            imap_security: "tls".to_owned(),
            imap_user: None,
            imap_folder: "INBOX".to_owned(),
            active: true,
        };
        let unknown_token = crate::backend::secrets::hash(&crate::backend::secrets::generate(""));
        crate::backend::mail::inbox::insert_mailbox(tx.conn(), &mailbox, None, &unknown_token, now)
            .await?;
    }

    let type_ids = ticket_types::list_keys(tx.conn()).await?;
    let tickets_made = load_tickets(&mut tx, now, &user_ids, &department_ids, &type_ids).await?;

    let articles = demo_articles(now).map_err(|e| {
        tracing::error!(error = %e, "embedded demo article is invalid");
        AppError::Internal
    })?;
    let report = help_center::import_articles_in(&mut tx, &articles).await?;
    tx.commit().await?;
    Ok(DemoOutcome::Loaded {
        users: DEMO_USERS.len(),
        tickets: tickets_made,
        articles: report.articles,
    })
}

async fn load_tickets(
    tx: &mut Tx,
    now: DateTime<Utc>,
    user_ids: &[(&str, i64, Option<i64>)],
    department_ids: &[(i64, String)],
    type_ids: &[(i64, String)],
) -> Result<usize, AppError> {
    let user = |email: &str| {
        user_ids
            .iter()
            .find(|(e, _, _)| *e == email)
            .map(|(_, id, org)| (*id, *org))
    };
    let (Some(ana), Some(bruno)) = (user("ana@chamado.local"), user("bruno@chamado.local")) else {
        return Err(AppError::Internal);
    };
    // Requesters in rotation; the consultive type is Enterprise-only (Acme).
    let acme = ["carla@acme.com.br", "diego@acme.com.br"];
    let rotation = [
        "carla@acme.com.br",
        "diego@acme.com.br",
        "fabio@paoquente.com.br",
        "diego@acme.com.br",
    ];
    let mut made = 0;
    for i in 0..DEMO_TICKETS {
        let template = &TEMPLATES[i % TEMPLATES.len()];
        let email = if template.type_key == "consultivo" {
            acme[i % 2]
        } else {
            rotation[i % rotation.len()]
        };
        let (Some((requester_id, Some(organization_id))), Some(department_id), Some(type_id)) = (
            user(email),
            department_ids
                .iter()
                .find(|(_, n)| n == template.department)
                .map(|(id, _)| *id),
            type_ids
                .iter()
                .find(|(_, k)| k == template.type_key)
                .map(|(id, _)| *id),
        ) else {
            return Err(AppError::Internal);
        };
        let agent_id = if template.department == "Técnico" {
            ana.0
        } else {
            bruno.0
        };
        // Oldest first, spread over about two months, at varied hours.
        let created_at =
            now - Duration::hours(((DEMO_TICKETS - i) as i64) * 36 + (i as i64 * 7) % 11);
        // 0: new; 1, 4: answered; 2: customer replied after an answer; 3: closed.
        let stage = i % 5;
        let fields: serde_json::Map<String, serde_json::Value> = template
            .fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect();
        let fields = serde_json::Value::Object(fields);
        let ticket_id = tickets::insert(
            tx.conn(),
            &tickets::NewTicket {
                subject: template.subject,
                ticket_type_id: type_id,
                department_id,
                priority: template.priority,
                status: TicketStatus::Open,
                requester_id,
                organization_id,
                assignee_id: (stage != 0).then_some(agent_id),
                fields: &fields,
                created_at,
            },
        )
        .await?;
        let message = |author_id, body, at| messages::NewMessage {
            ticket_id,
            author_id: Some(author_id),
            body,
            internal: false,
            channel: crate::domain::MessageChannel::Portal,
            created_at: at,
        };
        messages::insert_message(
            tx.conn(),
            &message(requester_id, template.message, created_at),
        )
        .await?;
        tickets::insert_history(
            tx.conn(),
            ticket_id,
            Some(requester_id),
            HistoryField::Created,
            None,
            Some("open"),
            created_at,
        )
        .await?;

        let mut times = tickets::TicketTimes {
            status: TicketStatus::Open,
            updated_at: created_at,
            last_reply_at: None,
            first_response_at: None,
            closed_at: None,
            read_by_support_at: None,
            read_by_requester_at: None,
        };
        if stage != 0 {
            let assigned_at = created_at + Duration::minutes(20);
            tickets::insert_history(
                tx.conn(),
                ticket_id,
                Some(agent_id),
                HistoryField::Assignee,
                None,
                Some(&agent_id.to_string()),
                assigned_at,
            )
            .await?;
            let note_at = created_at + Duration::minutes(35);
            messages::insert_message(
                tx.conn(),
                &messages::NewMessage {
                    internal: true,
                    ..message(
                        agent_id,
                        "Nota interna: verificar os registros do cliente antes de responder.",
                        note_at,
                    )
                },
            )
            .await?;
            let replied_at = created_at + Duration::minutes(50 + (i as i64 % 7) * 30);
            messages::insert_message(tx.conn(), &message(agent_id, template.reply, replied_at))
                .await?;
            tickets::insert_history(
                tx.conn(),
                ticket_id,
                Some(agent_id),
                HistoryField::Status,
                Some("open"),
                Some("answered"),
                replied_at,
            )
            .await?;
            times = tickets::TicketTimes {
                status: TicketStatus::Answered,
                updated_at: replied_at,
                last_reply_at: Some(replied_at),
                first_response_at: Some(replied_at),
                read_by_support_at: Some(created_at + Duration::minutes(15)),
                read_by_requester_at: (stage != 4).then_some(replied_at + Duration::minutes(40)),
                ..times
            };
            if stage == 2 || stage == 3 {
                let answered_back_at = replied_at + Duration::hours(3);
                let body = if stage == 2 {
                    "Obrigado. Fizemos o que foi sugerido, mas o problema voltou hoje cedo."
                } else {
                    "Funcionou, obrigado! Pode encerrar."
                };
                messages::insert_message(tx.conn(), &message(requester_id, body, answered_back_at))
                    .await?;
                tickets::insert_history(
                    tx.conn(),
                    ticket_id,
                    Some(requester_id),
                    HistoryField::Status,
                    Some("answered"),
                    Some("open"),
                    answered_back_at,
                )
                .await?;
                times.status = TicketStatus::Open;
                times.updated_at = answered_back_at;
                times.last_reply_at = Some(answered_back_at);
                times.read_by_support_at = Some(answered_back_at + Duration::minutes(10));
                if stage == 3 {
                    let closed_at = answered_back_at + Duration::hours(1);
                    tickets::insert_history(
                        tx.conn(),
                        ticket_id,
                        Some(requester_id),
                        HistoryField::Status,
                        Some("open"),
                        Some("closed"),
                        closed_at,
                    )
                    .await?;
                    times.status = TicketStatus::Closed;
                    times.updated_at = closed_at;
                    times.closed_at = Some(closed_at);
                }
            }
        }
        tickets::set_times(tx.conn(), ticket_id, &times).await?;
        crate::backend::services::sla::refresh(tx.conn(), ticket_id, now).await?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_corpus_parses_completely() {
        let articles = demo_articles(Utc::now()).expect("demo corpus parses");
        assert_eq!(articles.len(), 90);
        assert_eq!(
            articles.iter().filter(|a| a.lang == Language::En).count(),
            20
        );
        assert_eq!(
            articles
                .iter()
                .filter(|a| a.translation_of.is_some())
                .count(),
            12
        );
    }

    #[test]
    fn demo_accounts_match_the_readme_table() {
        let readme = include_str!("../../../README.md");
        let rows: Vec<&str> = readme
            .lines()
            .filter(|l| {
                l.starts_with("| ") && l.split(" | ").next().is_some_and(|c| c.contains('@'))
            })
            .collect();
        assert_eq!(DEMO_USERS.len(), rows.len(), "{rows:?}");
        for user in DEMO_USERS {
            assert!(
                rows.iter().any(|r| r.starts_with(&format!(
                    "| {} | {} |",
                    user.email,
                    user.role.as_str()
                ))),
                "{} missing from the README's demo sign-ins",
                user.email
            );
        }
        assert!(DEMO_USERS
            .iter()
            .any(|u| u.email == "elisa@acme.com.br" && !u.may_open_tickets));
    }

    #[test]
    fn demo_password_meets_the_length_floor() {
        assert!(DEMO_PASSWORD.chars().count() >= 12);
    }

    #[test]
    fn every_template_uses_a_default_type_and_department() {
        let keys: Vec<_> = defaults::default_type_keys().collect();
        for t in TEMPLATES {
            assert!(keys.contains(&t.type_key), "{}", t.type_key);
            assert!(
                defaults::DEPARTMENTS.contains(&t.department),
                "{}",
                t.department
            );
        }
    }
}
