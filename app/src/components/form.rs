use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;

/// The translated message of an error for a whole form (`role="alert"`).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            let locale = i18n.get_locale();
            let text = match &e {
                AppError::Validation { errors } if !errors.is_empty() => errors
                    .iter()
                    .map(|f| f.message(locale))
                    .collect::<Vec<_>>()
                    .join(" "),
                other => other.title(locale),
            };
            view! { <p class="form-error" role="alert">{text}</p> }
        })
    }
}

/// Field-level messages for one field name, linked to its input with `aria-describedby`.
#[component]
pub fn FieldMessage(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The field's name in the errors; a signal where it moves (a row of a list).
    #[prop(into)]
    field: Signal<String>,
    #[prop(into)] id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let message = move || match error.get() {
        Some(AppError::Validation { errors }) => {
            let locale = i18n.get_locale();
            let field = field.get();
            let text: Vec<String> = errors
                .iter()
                .filter(|e| e.field == field)
                .map(|e| e.message(locale))
                .collect();
            (!text.is_empty()).then(|| text.join(" "))
        }
        _ => None,
    };
    view! { <span class="field-message" id=id>{message}</span> }
}

/// The part of an error a form shows at its foot: everything but field-level validation,
/// which [`FieldMessage`] shows beside each field.
pub fn non_field_error(error: Signal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || {
        error
            .get()
            .filter(|e| !matches!(e, AppError::Validation { .. }))
    })
}
