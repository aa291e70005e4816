//! Attachments sent with a new ticket or a reply: checked against the admins' limits, then stored
//! with the message in its transaction.
use crate::backend::db::messages;
use crate::domain::AttachmentRef;

use crate::backend::db::Tx;
use crate::backend::storage::{display_name, StagedFile, Storage};
use crate::domain::Limits;
use crate::error::AppError;
use chrono::{DateTime, Utc};

/// Files received with a message: where they are staged and the files themselves.
pub struct Uploads<'a> {
    pub storage: &'a Storage,
    pub files: Vec<StagedFile>,
}

/// Checks what can be checked before any write: how many files, and that each one's content
/// is an allowed type (415 otherwise). Sizes were enforced while the bytes arrived.
pub(crate) fn check_uploads(
    uploads: &Option<Uploads<'_>>,
    limits: &Limits,
) -> Result<(), AppError> {
    let Some(uploads) = uploads else {
        return Ok(());
    };
    if uploads.files.len() as i64 > limits.max_attachments {
        return Err(AppError::validation("attachments", "too_many"));
    }
    for file in uploads.files.iter() {
        let allowed = file
            .content_type()
            .is_some_and(|t| type_allowed(t, &file.name, &limits.allowed_types));
        if !allowed {
            return Err(AppError::UnsupportedMediaType);
        }
        if file.size as i64 > limits.max_attachment_bytes {
            return Err(AppError::PayloadTooLarge);
        }
    }
    Ok(())
}

/// Whether a sniffed content type is among the extensions admins allow (plain text by the
/// name's extension: `txt` and `log` are both plain text).
pub fn type_allowed(content_type: &str, name: &str, allowed: &[String]) -> bool {
    let has = |ext: &str| crate::domain::extension_allowed(allowed, ext);
    match content_type {
        "image/png" => has("png"),
        "image/jpeg" => has("jpeg"),
        "image/gif" => has("gif"),
        "image/webp" => has("webp"),
        "application/pdf" => has("pdf"),
        "application/zip" => has("zip"),
        "application/json" => has("json"),
        t if t.starts_with("text/csv") => has("csv"),
        t if t.starts_with("text/plain") => has(&crate::domain::file_extension(name)),
        _ => false,
    }
}

/// Moves each file to its final place (fsynced) and records it on the message, inside the
/// transaction. Keys of moved files go to `persisted`, so a failure can delete them again.
pub(crate) async fn store_uploads(
    tx: &mut Tx,
    uploads: Option<Uploads<'_>>,
    ticket_id: i64,
    message_id: i64,
    now: DateTime<Utc>,
    persisted: &mut Vec<String>,
) -> Result<Vec<AttachmentRef>, AppError> {
    let Some(Uploads { storage, files }) = uploads else {
        return Ok(Vec::new());
    };
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let content_type = file.content_type().ok_or(AppError::UnsupportedMediaType)?;
        let name = crate::backend::storage::name_for(content_type, &display_name(&file.name));
        let size = i64::try_from(file.size).map_err(|_| AppError::PayloadTooLarge)?;
        let sha256 = file.sha256_hex();
        let key = file
            .persist(storage)
            .await
            .map_err(|e| AppError::from(anyhow::anyhow!("cannot store an attachment: {e}")))?;
        persisted.push(key.clone());
        let id = messages::insert_attachment(
            tx.conn(),
            &messages::NewAttachment {
                ticket_id,
                message_id,
                storage_key: &key,
                file_name: &name,
                content_type,
                size_bytes: size,
                sha256: &sha256,
                created_at: now,
            },
        )
        .await?;
        stored.push(AttachmentRef {
            id,
            name,
            size,
            content_type: content_type.to_owned(),
        });
    }
    Ok(stored)
}

impl From<messages::AttachmentRow> for AttachmentRef {
    fn from(a: messages::AttachmentRow) -> Self {
        AttachmentRef {
            id: a.id,
            name: a.file_name,
            size: a.size_bytes,
            content_type: a.content_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::type_allowed;

    #[test]
    fn file_types_follow_the_admins_list() {
        let only = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let images = only(&["png", "jpg"]);
        assert!(type_allowed("image/png", "a.png", &images));
        assert!(
            type_allowed("image/jpeg", "foto.jpeg", &images),
            "jpg and jpeg are one type"
        );
        assert!(!type_allowed("application/pdf", "a.pdf", &images));
        let logs = only(&["log"]);
        assert!(type_allowed("text/plain; charset=utf-8", "erro.log", &logs));
        assert!(!type_allowed(
            "text/plain; charset=utf-8",
            "nota.txt",
            &logs
        ));
        assert!(!type_allowed("text/html", "x.log", &logs));
    }
}

/// What a request that carries a message may send: checked before its body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadAllowance {
    /// Files per message (the admins' current limit).
    pub max_files: usize,
    /// Bytes per file (the admins' current limit).
    pub max_file_bytes: u64,
}

impl UploadAllowance {
    /// The most a whole request may carry: every file at its limit, the text part and the
    /// multipart framing.
    pub fn max_body_bytes(&self, text_part_limit: usize) -> u64 {
        (self.max_files as u64)
            .saturating_mul(self.max_file_bytes)
            .saturating_add(text_part_limit as u64)
            .saturating_add(64 * 1024)
    }
}

/// Where a message with files is going.
pub enum UploadTarget<'a> {
    NewTicket,
    /// A reply to the ticket with this number (`TKT-000042` or `42`).
    Reply(&'a str),
}

/// Whether `user` may send a message to `target` at all, and with how many and how large files.
/// Called before a body is read, so that a person who may not write there (or a made-up ticket)
/// costs no upload: 403/404/409 as the write itself would answer.
pub async fn upload_allowance(
    db: &crate::backend::Db,
    user: &crate::domain::CurrentUser,
    target: UploadTarget<'_>,
) -> Result<UploadAllowance, AppError> {
    match target {
        UploadTarget::NewTicket => {
            if user.organization.is_none() || !user.can_open_tickets {
                return Err(AppError::Forbidden);
            }
        }
        UploadTarget::Reply(id) => {
            let mut c = db.acquire().await?;
            let state =
                crate::backend::services::access::state_in_scope(c.conn(), user, id).await?;
            if !crate::backend::services::access::customer_may_act(user, &state) {
                return Err(AppError::Forbidden);
            }
        }
    }
    let limits = crate::backend::services::settings::limits(db).await?;
    Ok(UploadAllowance {
        max_files: usize::try_from(limits.max_attachments.max(0)).unwrap_or(0),
        max_file_bytes: u64::try_from(limits.max_attachment_bytes.max(0)).unwrap_or(0),
    })
}
