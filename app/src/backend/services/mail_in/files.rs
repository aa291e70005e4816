//! The files a mail brought, through the portal's limits and content sniffing: what passes is
//! staged for the message, what does not is listed with why (the message is taken anyway).

use crate::backend::mail::received::MailFile;
use crate::backend::services::tickets::type_allowed;
use crate::backend::storage::{StagedFile, Storage, UploadError};
use crate::domain::{Limits, RefusedFile};
use crate::error::AppError;

/// Stages the files that pass: at most the admins' number, each within their size and of a type
/// they allow judged by its bytes (an `.exe` named `.pdf` is refused).
pub async fn stage(
    storage: &Storage,
    files: &[MailFile],
    limits: &Limits,
) -> Result<(Vec<StagedFile>, Vec<RefusedFile>), AppError> {
    let mut staged = Vec::new();
    let mut refused = Vec::new();
    let max_bytes = u64::try_from(limits.max_attachment_bytes.max(0)).unwrap_or(0);
    for file in files {
        let refuse = |reason: &str| RefusedFile {
            name: file.name.clone(),
            reason: reason.to_owned(),
        };
        if staged.len() as i64 >= limits.max_attachments {
            refused.push(refuse("too_many"));
            continue;
        }
        let mut upload = storage.stage(&file.name, max_bytes).await.map_err(io)?;
        match upload.write(&file.bytes).await {
            Ok(()) => {}
            Err(UploadError::TooLarge) => {
                refused.push(refuse("too_large"));
                continue;
            }
            Err(UploadError::Io(e)) => return Err(io(e)),
        }
        upload.finish().await.map_err(io)?;
        let allowed = upload
            .content_type()
            .is_some_and(|t| type_allowed(t, &upload.name, &limits.allowed_types));
        if !allowed {
            refused.push(refuse("type_not_allowed"));
            continue;
        }
        staged.push(upload);
    }
    Ok((staged, refused))
}

fn io(error: std::io::Error) -> AppError {
    AppError::from(anyhow::anyhow!(error))
}
