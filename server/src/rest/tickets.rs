//! Tickets (API.md "Tickets"): catalog, create, list, one ticket, counters.

use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use chrono::Utc;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use app::backend::services::tickets::{UploadAllowance, UploadTarget, Uploads};
use app::backend::storage::{StagedFile, Storage, UploadError};
use app::domain::{MAX_ATTACHMENTS_BOUND, MAX_ATTACHMENT_BYTES_BOUND};

use app::backend::services::tickets::{self, ListParams, NewTicketInput, TicketDetail, TicketPage};
use app::backend::AppState;
use app::domain::{NamedRef, TicketStats, TicketSummary, TicketTypeInfo};
use app::error::AppError;

use super::auth::Caller;
use super::json::ApiJson;
use super::problem::Problem;

/// Active departments.
#[utoipa::path(get, path = "/api/v1/departments", tag = "tickets", responses(
    (status = 200, description = "Departments", body = Vec<NamedRef>),
    (status = 401, description = "Not signed in", body = Problem)))]
pub async fn departments(
    State(state): State<AppState>,
    _signed_in: Caller,
) -> Result<ApiJson<Vec<NamedRef>>, Problem> {
    tickets::departments(&state.db)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// The ticket types the caller may open, with their fields.
#[utoipa::path(get, path = "/api/v1/ticket-types", tag = "tickets", responses(
    (status = 200, description = "Types", body = Vec<TicketTypeInfo>)))]
pub async fn ticket_types(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<Vec<TicketTypeInfo>>, Problem> {
    tickets::ticket_types_for(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// The most bytes any request to the routes with attachments may carry (every file at the largest
/// limit admins may choose). The limit in force is lower and checked per request, before the
/// body is read: see [`read_body`].
pub const UPLOAD_BODY_LIMIT: usize =
    MAX_ATTACHMENTS_BOUND * MAX_ATTACHMENT_BYTES_BOUND as usize + (1 << 20);

/// The most the JSON of a message may take, alone or as the `ticket`/`message` part: the longest
/// message (10,000 characters) in any script, escaped.
pub const TEXT_PART_LIMIT: usize = 128 * 1024;

/// `multipart/form-data` for a new ticket: `ticket` holds the JSON of the plain request.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct NewTicketMultipart {
    /// The JSON body of the plain request (`NewTicketInput`).
    ticket: String,
    /// Up to 5 files of at most 10 MiB: png, jpg, gif, webp, pdf, txt, log, csv, json, zip.
    #[schema(value_type = Vec<String>, format = Binary)]
    attachment: Vec<Vec<u8>>,
}

/// `multipart/form-data` for a reply: `message` holds the JSON of the plain request.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MessageMultipart {
    /// The JSON body of the plain request (`MessageRequest`).
    message: String,
    #[schema(value_type = Vec<String>, format = Binary)]
    attachment: Vec<Vec<u8>>,
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::Malformed {
            code: "invalid_multipart".to_owned(),
        }
    }
}

fn too_large() -> Problem {
    Problem::from(AppError::PayloadTooLarge)
}

/// Reads a JSON body, or a multipart body whose `json_part` holds the JSON and whose
/// `attachment` parts are files streamed to staging. Nothing is read before the caller's right to
/// write there was checked (`allowance`); a body announced larger than the allowance is refused
/// at once (413, the connection closed), the JSON (alone or as a part) may take at most
/// [`TEXT_PART_LIMIT`], and each file at most the admins' current limit, while it streams.
async fn read_body<T: DeserializeOwned>(
    storage: &Storage,
    request: Request,
    json_part: &str,
    allowance: UploadAllowance,
) -> Result<(T, Vec<StagedFile>), Problem> {
    let multipart = is_multipart(request.headers());
    let cap = if multipart {
        allowance.max_body_bytes(TEXT_PART_LIMIT)
    } else {
        TEXT_PART_LIMIT as u64
    };
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > cap) {
        let mut problem = too_large();
        problem.close_connection = true;
        return Err(problem);
    }
    let (parts, body) = request.into_parts();
    let limited = axum::body::Body::new(http_body_util::Limited::new(
        body,
        usize::try_from(cap).unwrap_or(usize::MAX),
    ));
    let request = Request::from_parts(parts, limited);
    if !multipart {
        let ApiJson(value) = ApiJson::<T>::from_request(request, &()).await?;
        return Ok((value, Vec::new()));
    }
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|_| {
        Problem::from(AppError::Malformed {
            code: "invalid_multipart".to_owned(),
        })
    })?;
    match read_parts(&mut multipart, storage, json_part, allowance).await {
        Ok((json, files)) => {
            let json =
                json.ok_or_else(|| Problem::from(AppError::validation(json_part, "required")))?;
            if crate::security::json_has_nul(&json) {
                return Err(Problem::from(AppError::Malformed {
                    code: "invalid_characters".to_owned(),
                }));
            }
            let value = serde_json::from_slice::<T>(&json)
                .map_err(|_| Problem::from(AppError::validation(json_part, "invalid")))?;
            Ok((value, files))
        }
        Err(error) => {
            // Read what is left (at most the allowance) so the client gets the answer instead of
            // a reset connection.
            while let Ok(Some(mut field)) = multipart.next_field().await {
                while let Ok(Some(_)) = field.chunk().await {}
            }
            Err(Problem::from(error))
        }
    }
}

async fn read_parts(
    multipart: &mut Multipart,
    storage: &Storage,
    json_part: &str,
    allowance: UploadAllowance,
) -> Result<(Option<Vec<u8>>, Vec<StagedFile>), AppError> {
    let mut json = None;
    let mut files: Vec<StagedFile> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == json_part {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                if bytes.len() + chunk.len() > TEXT_PART_LIMIT {
                    return Err(AppError::PayloadTooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            json = Some(bytes);
        } else if name == "attachment" {
            if files.len() >= allowance.max_files {
                return Err(AppError::validation("attachments", "too_many"));
            }
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut staged = storage
                .stage(&file_name, allowance.max_file_bytes)
                .await
                .map_err(|e| AppError::from(anyhow::anyhow!("cannot stage an upload: {e}")))?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                staged.write(&chunk).await.map_err(|e| match e {
                    UploadError::TooLarge => AppError::PayloadTooLarge,
                    UploadError::Io(e) => AppError::from(anyhow::anyhow!("upload: {e}")),
                })?;
            }
            staged
                .finish()
                .await
                .map_err(|e| AppError::from(anyhow::anyhow!("upload: {e}")))?;
            files.push(staged);
        } else {
            return Err(AppError::validation(name, "unknown_field"));
        }
    }
    Ok((json, files))
}

/// Open a ticket: JSON, or `multipart/form-data` with a `ticket` part holding that JSON and up
/// to 5 `attachment` parts (each ≤ 10 MiB, checked by content: 413 when too large, 415 when not
/// an allowed type, 422 for a sixth). The message has at most 1000 characters (Unicode scalar
/// values). With an `Idempotency-Key` header, a retry with the same key answers the ticket the
/// first request created instead of opening a duplicate.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets",
    request_body(content(
        (NewTicketInput = "application/json"),
        (NewTicketMultipart = "multipart/form-data"))),
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string per intended ticket")),
    responses(
    (status = 201, description = "Created", body = TicketSummary),
    (status = 403, description = "The caller may not open tickets (plan or grant)", body = Problem),
    (status = 413, description = "An attachment is larger than 10 MiB", body = Problem),
    (status = 415, description = "An attachment is not an allowed type", body = Problem),
    (status = 422, description = "Invalid fields, e.g. message too_long, attachments too_many", body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    request: Request,
) -> Result<(StatusCode, ApiJson<TicketSummary>), Problem> {
    let allowance =
        tickets::upload_allowance(&state.db, &caller.user, UploadTarget::NewTicket).await?;
    let (input, files): (NewTicketInput, _) =
        read_body(&state.storage, request, "ticket", allowance).await?;
    let uploads = (!files.is_empty()).then_some(Uploads {
        storage: &state.storage,
        files,
    });
    let ticket = tickets::NewTicket {
        input,
        channel: caller.channel(),
        uploads,
        idempotency_key: headers.get("idempotency-key").and_then(|v| v.to_str().ok()),
    };
    let (ticket, _created) =
        tickets::create_ticket(&state.db, &caller.user, ticket, Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(ticket)))
}

/// Tickets the caller may see, newest activity first by default, keyset-paginated.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets",
    params(
        ("status" = Option<String>, Query, description = "Comma list: open,answered,closed"),
        ("priority" = Option<String>, Query, description = "low, medium, high or critical"),
        ("department_id" = Option<i64>, Query),
        ("type" = Option<String>, Query, description = "Ticket type key"),
        ("assignee" = Option<String>, Query, description = "me, none or a user id"),
        ("organization_id" = Option<i64>, Query),
        ("escalated" = Option<bool>, Query, description = "true: only escalated tickets"),
        ("sla_risk" = Option<bool>, Query, description = "true: only tickets whose service level is at risk or breached"),
        ("tag" = Option<String>, Query, description = "Only tickets with this tag"),
        ("q" = Option<String>, Query, description = "Matches the id, the subject and message text"),
        ("sort" = Option<String>, Query, description = "-updated_at (default), created_at, -priority, sla_due (soonest due first)"),
        ("limit" = Option<i64>, Query, description = "1 to 100, default 50"),
        ("cursor" = Option<String>, Query, description = "next_cursor of the previous page")),
    responses(
        (status = 200, description = "A page", body = TicketPage),
        (status = 422, description = "Invalid filter", body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<ApiJson<TicketPage>, Problem> {
    let params: ListParams = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default())
        .map_err(|_| {
            Problem::from(AppError::Malformed {
                code: "invalid_query".to_owned(),
            })
        })?;
    let (filter, sort, cursor, limit) = params.parse(&caller.user)?;
    tickets::list_tickets(
        &state.db,
        &caller.user,
        filter,
        sort,
        cursor.as_deref(),
        limit,
    )
    .await
    .map(ApiJson)
    .map_err(Problem::from)
}

/// One ticket with its conversation. Another organization's ticket answers 404 like a missing one.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets",
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "The ticket", body = TicketDetail),
        (status = 404, description = "No such ticket, or not visible to the caller", body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<ApiJson<TicketDetail>, Problem> {
    tickets::get_ticket(&state.db, &caller.user, &id)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

/// Counters over what the caller may see.
#[utoipa::path(get, path = "/api/v1/stats/tickets", tag = "tickets", responses(
    (status = 200, description = "Counters", body = TicketStats)))]
pub async fn stats(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<ApiJson<TicketStats>, Problem> {
    tickets::stats(&state.db, &caller.user)
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageRequest {
    pub body: String,
    /// Support only: a note customers never see.
    #[serde(default)]
    pub internal: bool,
    /// Support: the newest message id on the author's screen. If someone else wrote since,
    /// the send is held with 409 `new_reply_arrived` (review, then send again).
    #[serde(default)]
    pub seen_message_id: Option<i64>,
}

/// Reply (or, for support, add an internal note): JSON, or multipart with a `message` part
/// holding that JSON and up to 5 `attachment` parts. A support answer makes the ticket
/// `answered`; a customer reply makes it `open` again.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "tickets",
    request_body(content(
        (MessageRequest = "application/json"),
        (MessageMultipart = "multipart/form-data"))),
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 201, description = "Created", body = app::backend::services::tickets::MessageView),
        (status = 409, description = "The ticket is closed (reopen it first), or new_reply_arrived", body = Problem),
        (status = 413, description = "An attachment is larger than 10 MiB", body = Problem),
        (status = 415, description = "An attachment is not an allowed type", body = Problem),
        (status = 422, description = "Empty or too long", body = Problem)))]
pub async fn reply(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    request: Request,
) -> Result<(StatusCode, ApiJson<tickets::MessageView>), Problem> {
    let allowance =
        tickets::upload_allowance(&state.db, &caller.user, UploadTarget::Reply(&id)).await?;
    let (body, files): (MessageRequest, _) =
        read_body(&state.storage, request, "message", allowance).await?;
    let uploads = (!files.is_empty()).then_some(Uploads {
        storage: &state.storage,
        files,
    });
    let message = tickets::NewReply {
        body: &body.body,
        internal: body.internal,
        channel: caller.channel(),
        seen_message_id: body.seen_message_id,
        uploads,
    };
    let message = tickets::reply(&state.db, &caller.user, &id, message, Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(message)))
}

/// Change a ticket. Customers may only close their own; support changes status, priority,
/// type, department and assignee (each change goes to the history).
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", request_body = tickets::TicketUpdate,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "Updated", body = TicketSummary),
        (status = 403, description = "Not allowed to make this change", body = Problem)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<tickets::TicketUpdate>,
) -> Result<ApiJson<TicketSummary>, Problem> {
    tickets::update_ticket(&state.db, &caller.user, &id, update, Utc::now())
        .await
        .map(ApiJson)
        .map_err(Problem::from)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

/// Reopen a closed ticket with a reason (within 30 days of closing).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/reopen", tag = "tickets", request_body = ReasonRequest,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 200, description = "Reopened", body = TicketSummary),
        (status = 409, description = "Not closed, or closed more than 30 days ago (reopen_window_passed)", body = Problem)))]
pub async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<ApiJson<TicketSummary>, Problem> {
    tickets::reopen(
        &state.db,
        &caller.user,
        &id,
        &body.reason,
        caller.channel(),
        Utc::now(),
    )
    .await
    .map(ApiJson)
    .map_err(Problem::from)
}

/// Escalate with a justification: the ticket is flagged for the leads.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/escalations", tag = "tickets", request_body = ReasonRequest,
    params(("id" = String, Path, description = "TKT-000042 or 42")),
    responses(
        (status = 201, description = "Escalated", body = tickets::Escalation),
        (status = 409, description = "The ticket is closed", body = Problem)))]
pub async fn escalate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<(StatusCode, ApiJson<tickets::Escalation>), Problem> {
    let escalation =
        tickets::escalate(&state.db, &caller.user, &id, &body.reason, Utc::now()).await?;
    Ok((StatusCode::CREATED, ApiJson(escalation)))
}

/// Download an attachment. Always `Content-Disposition: attachment` with `nosniff` and a
/// sandboxing CSP, so no uploaded file is ever rendered as a page of this site.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "tickets",
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The file"),
        (status = 404, description = "No such attachment, or not visible to the caller", body = Problem)))]
pub async fn attachment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::response::Response, Problem> {
    use axum::response::IntoResponse;
    let not_found = || Problem::from(AppError::not_found(app::error::Entity::Attachment));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let file = tickets::attachment(&state.db, &caller.user, id).await?;
    let handle = state
        .storage
        .open(&file.storage_key)
        .await
        .map_err(|error| {
            tracing::error!(%error, id, "attachment file missing from storage");
            not_found()
        })?;
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(handle));
    let disposition = content_disposition(&file.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_LENGTH, file.size_bytes.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-cache".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266).
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn disposition_keeps_unicode_names_safely() {
        assert_eq!(
            super::content_disposition("relatório final.pdf"),
            "attachment; filename=\"relat_rio final.pdf\"; filename*=UTF-8''relat%C3%B3rio%20final%2Epdf"
        );
    }
}

#[cfg(test)]
mod fuzz {
    //! Multipart bodies as an attacker would send them (property tests, proptest): whatever the
    //! bytes, reading answers a value or a 4xx problem, never panics, and keeps no more files or
    //! bytes than allowed. A longer run: `PROPTEST_CASES=20000 cargo test -p server --lib fuzz`.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, serde::Deserialize)]
    struct Body {
        #[allow(dead_code)]
        body: String,
    }

    fn part() -> impl Strategy<Value = Vec<u8>> {
        let name = prop::sample::select(vec!["message", "attachment", "other", ""]);
        let file = prop::sample::select(vec![
            "",
            "; filename=\"a.pdf\"",
            "; filename=\"../../x\"",
            "; filename",
        ]);
        let content = prop_oneof![
            Just(b"{\"body\":\"oi\"}".to_vec()),
            Just(b"%PDF-1.4 ...".to_vec()),
            Just(b"{\"body\":\"\\u0000\"}".to_vec()),
            prop::collection::vec(any::<u8>(), 0..300),
            (0usize..3000).prop_map(|n| vec![b'x'; n]),
        ];
        (name, file, content, any::<bool>()).prop_map(|(name, file, content, headers)| {
            let mut part =
                format!("--b0undary\r\ncontent-disposition: form-data; name=\"{name}\"{file}\r\n")
                    .into_bytes();
            if headers {
                part.extend_from_slice(b"content-type: application/octet-stream\r\n");
            }
            part.extend_from_slice(b"\r\n");
            part.extend(content);
            part.extend_from_slice(b"\r\n");
            part
        })
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::collection::vec(part(), 0..5),
            any::<bool>(),
            prop::collection::vec(any::<u8>(), 0..40),
        )
            .prop_map(|(parts, closed, noise)| {
                let mut body: Vec<u8> = parts.concat();
                if closed {
                    body.extend_from_slice(b"--b0undary--\r\n");
                } else {
                    body.extend(noise);
                }
                body
            })
    }

    proptest! {
        #[test]
        fn fuzz_multipart_bodies_are_read_or_refused(bytes in body(), announce in any::<bool>()) {
            let dir = tempfile::tempdir().expect("temp dir");
            let storage = Storage::new(dir.path());
            let allowance = UploadAllowance { max_files: 2, max_file_bytes: 1000 };
            let mut request = axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/tickets/1/messages")
                .header("content-type", "multipart/form-data; boundary=b0undary");
            if announce {
                request = request.header("content-length", bytes.len());
            }
            let request = request.body(axum::body::Body::from(bytes)).expect("request");
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            let outcome = runtime.block_on(read_body::<Body>(&storage, request, "message", allowance));
            match outcome {
                Ok((_, files)) => {
                    prop_assert!(files.len() <= allowance.max_files);
                    prop_assert!(files.iter().all(|f| f.size <= allowance.max_file_bytes));
                }
                Err(problem) => prop_assert!((400..500).contains(&problem.status), "{problem:?}"),
            }
        }
    }
}
