//! How a command-line command reports an application error: one line an operator can act on.

use app::error::AppError;

/// Turns a service error into a line for the terminal (English: operators read logs in English).
pub(crate) fn describe(error: AppError) -> anyhow::Error {
    match error {
        AppError::Validation { errors } => {
            let fields: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.code))
                .collect();
            anyhow::anyhow!("invalid input ({})", fields.join(", "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}
