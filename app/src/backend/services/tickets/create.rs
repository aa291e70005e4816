//! Opening a ticket: its first message, custom fields, attachments, history, clock and events commit
//! together, or nothing does.
use super::form::field_info;
use super::uploads::check_uploads;
use super::uploads::store_uploads;
use super::uploads::Uploads;
use crate::backend::db::messages;
use crate::domain::NewTicketInput;

use crate::backend::db::tickets::{self};
use crate::backend::db::{departments, ticket_types, workspace};
use crate::backend::events::begin_write;
use crate::backend::events::{self, Audience, EventKind};
use crate::backend::services::access::summary_in;
use crate::backend::Db;
use crate::domain::text_within;
use crate::domain::{
    validate_field_value, CurrentUser, Limits, TicketField, TicketNumber, TicketScope,
    TicketStatus, TicketSummary, SUBJECT_MAX_CHARS,
};
use crate::error::{AppError, FieldError};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Opens a ticket: the ticket, its first message and a history row in one transaction.
pub async fn create_ticket(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    channel: &str,
    now: DateTime<Utc>,
) -> Result<TicketSummary, AppError> {
    create_ticket_once(db, user, input, channel, None, now)
        .await
        .map(|(ticket, _)| ticket)
}

/// [`create_ticket`] with an optional `Idempotency-Key`: a retry with the same key returns the
/// ticket the first request created (`false` in the answer's second place) instead of a copy.
/// The key is claimed inside the same transaction, so concurrent retries cannot both create.
pub async fn create_ticket_once(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    channel: &str,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(TicketSummary, bool), AppError> {
    create_ticket_with_files(db, user, input, None, channel, idempotency_key, now).await
}

/// [`create_ticket_once`] with attachments: the ticket, its first message, the files, a history
/// row and the events commit together; on any failure nothing is left, files included.
pub async fn create_ticket_with_files(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    uploads: Option<Uploads<'_>>,
    channel: &str,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(TicketSummary, bool), AppError> {
    let key = idempotency_key.map(str::trim).filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.len() > 200) {
        return Err(AppError::validation("idempotency_key", "too_long"));
    }
    if let Some(key) = key {
        let mut c = db.acquire().await?;
        if let Some(existing) = tickets::idempotency_ticket(c.conn(), user.id, key).await? {
            return Ok((
                summary_in(c.conn(), &TicketScope::of(user), existing).await?,
                false,
            ));
        }
    }
    let limits = crate::backend::services::settings::limits(db).await?;
    check_uploads(&uploads, &limits)?;
    let storage = uploads.as_ref().map(|u| u.storage);
    let mut persisted = Vec::new();
    let outcome = create_ticket_in_tx(
        db,
        user,
        input,
        uploads,
        channel,
        key,
        &limits,
        now,
        &mut persisted,
    )
    .await;
    if outcome.is_err() {
        if let Some(storage) = storage {
            storage.remove(&persisted).await;
        }
    } else {
        events::wake();
    }
    match outcome {
        Ok(ticket) => Ok((ticket, true)),
        // A concurrent request with the same key won: answer with its ticket once it exists.
        Err(AppError::Conflict { code }) if code == "idempotency_key_in_use" => {
            let mut c = db.acquire().await?;
            match key {
                Some(key) => match tickets::idempotency_ticket(c.conn(), user.id, key).await? {
                    Some(existing) => Ok((
                        summary_in(c.conn(), &TicketScope::of(user), existing).await?,
                        false,
                    )),
                    None => Err(AppError::Conflict { code }),
                },
                None => Err(AppError::Conflict { code }),
            }
        }
        Err(other) => Err(other),
    }
}

#[allow(clippy::too_many_arguments)]
async fn create_ticket_in_tx(
    db: &Db,
    user: &CurrentUser,
    input: NewTicketInput,
    uploads: Option<Uploads<'_>>,
    channel: &str,
    idempotency_key: Option<&str>,
    limits: &Limits,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<TicketSummary, AppError> {
    let organization = match (&user.organization, user.can_open_tickets) {
        (Some(org), true) => org.clone(),
        _ => return Err(AppError::Forbidden),
    };
    let mut errors = Vec::new();
    let subject = input.subject.trim().to_owned();
    if let Err(code) = text_within(&subject, SUBJECT_MAX_CHARS) {
        errors.push(FieldError::new("subject", code));
    }
    let message = limits
        .message_text(user.is_staff(), &input.message)
        .unwrap_or_else(|code| {
            errors.push(FieldError::new("message", code));
            String::new()
        });
    let attempt = input
        .deflection_attempt
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let mut tx = begin_write(db).await?;
    if let Some(key) = idempotency_key {
        if !tickets::claim_idempotency_key(tx.conn(), user.id, key, now).await? {
            // Another request with this key committed first (or is committing): point at it.
            return Err(AppError::Conflict {
                code: "idempotency_key_in_use".to_owned(),
            });
        }
    }
    let allowed = ticket_types::list_for_plan(tx.conn(), Some(organization.plan)).await?;
    let ticket_type = allowed.into_iter().find(|t| t.key == input.type_key);
    if ticket_type.is_none() {
        errors.push(FieldError::new("type", "not_allowed"));
    }
    let department_ok = departments::list_active(tx.conn())
        .await?
        .iter()
        .any(|(id, _)| *id == input.department_id);
    if !department_ok {
        errors.push(FieldError::new("department_id", "not_found"));
    }
    let mut fields = Map::new();
    if let Some(t) = &ticket_type {
        let definitions: Vec<TicketField> = ticket_types::fields_of(tx.conn(), t.id)
            .await?
            .into_iter()
            .map(field_info)
            .collect();
        for key in input.fields.keys() {
            if !definitions.iter().any(|d| &d.key == key) {
                errors.push(FieldError::new(format!("fields.{key}"), "unknown_field"));
            }
        }
        for definition in &definitions {
            let value = input.fields.get(&definition.key).filter(|v| !is_blank(v));
            match value {
                None if definition.required => errors.push(FieldError::new(
                    format!("fields.{}", definition.key),
                    "required",
                )),
                None => {}
                Some(v) => match validate_field_value(definition, v) {
                    Ok(clean) => {
                        fields.insert(definition.key.clone(), clean);
                    }
                    Err(code) => {
                        errors.push(FieldError::new(format!("fields.{}", definition.key), code))
                    }
                },
            }
        }
    }
    let scope = TicketScope::of(user);
    let related = match input
        .related
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => None,
        Some(text) => match TicketNumber::parse(text) {
            Some(number)
                if tickets::find_summary(tx.conn(), &scope, number.0)
                    .await?
                    .is_some() =>
            {
                Some(number.0)
            }
            _ => {
                errors.push(FieldError::new("related", "not_found"));
                None
            }
        },
    };
    let (Some(ticket_type), true) = (ticket_type, errors.is_empty()) else {
        return Err(AppError::Validation { errors });
    };
    let fields = Value::Object(fields);
    let number = tickets::insert(
        tx.conn(),
        &tickets::NewTicket {
            subject: &subject,
            ticket_type_id: ticket_type.id,
            department_id: input.department_id,
            priority: input.priority,
            status: TicketStatus::Open,
            requester_id: user.id,
            organization_id: organization.id,
            assignee_id: None,
            fields: &fields,
            created_at: now,
        },
    )
    .await?;
    let message_id = messages::insert_message(
        tx.conn(),
        &messages::NewMessage {
            ticket_id: number,
            author_id: Some(user.id),
            body: &message,
            internal: false,
            channel,
            created_at: now,
        },
    )
    .await?;
    store_uploads(&mut tx, uploads, number, message_id, now, persisted).await?;
    tickets::insert_history(
        tx.conn(),
        number,
        Some(user.id),
        "created",
        None,
        Some(TicketStatus::Open.as_str()),
        now,
    )
    .await?;
    if workspace::round_robin(tx.conn(), input.department_id).await? {
        // Inside the serialised writing transaction: concurrent tickets see each other's pick.
        if let Some(agent) = workspace::take_next_agent(tx.conn(), input.department_id).await? {
            workspace::assign(tx.conn(), number, agent).await?;
            let agent = agent.to_string();
            tickets::insert_history(tx.conn(), number, None, "assignee", None, Some(&agent), now)
                .await?;
        }
    }
    crate::backend::services::sla::refresh(tx.conn(), number, now).await?;
    if let Some(key) = idempotency_key {
        tickets::set_idempotency_ticket(tx.conn(), user.id, key, number).await?;
    }
    if let Some(attempt) = &attempt {
        // The form's suggestions did not answer: the attempt ends with this ticket.
        crate::backend::services::deflection::record_submitted(
            tx.conn(),
            user,
            attempt,
            number,
            now,
        )
        .await?;
    }
    if let Some(related) = related {
        tickets::insert_link(tx.conn(), number, related, user.id, now).await?;
        let old = TicketNumber(related).to_string();
        tickets::insert_history(
            tx.conn(),
            number,
            Some(user.id),
            "related",
            None,
            Some(&old),
            now,
        )
        .await?;
    }
    let summary = summary_in(tx.conn(), &TicketScope::of(user), number).await?;
    let who = Audience {
        ticket_id: number,
        requester_id: user.id,
        organization_id: organization.id,
        department_id: input.department_id,
        staff_only: false,
    };
    let data = serde_json::json!({
        "status": summary.status,
        "priority": summary.priority,
        "subject": summary.subject,
    });
    events::record(tx.conn(), EventKind::TicketCreated, who, data, now).await?;
    events::record(
        tx.conn(),
        EventKind::StatsChanged,
        who,
        serde_json::json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}
