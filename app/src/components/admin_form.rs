//! Pieces of the administration's list-and-form pages: the edit column of a table, the name
//! field, a checkbox, and the foot of a form (error, Save, "New …", "Saved.").
use leptos::html::Input;
use leptos::prelude::*;

use super::{non_field_error, FieldMessage, FormError};
use crate::error::AppError;
use crate::i18n::*;

/// The header of a table's edit column (for screen readers only), when the user may edit.
pub fn edit_column(i18n: leptos_i18n::I18nContext<Locale>, writes: bool) -> impl IntoView {
    writes.then(|| view! { <th scope="col"><span class="visually-hidden">{t!(i18n, admin.edit)}</span></th> })
}

/// A row's "Edit" button, labelled "Edit {what}", when the user may edit.
pub fn edit_cell(
    i18n: leptos_i18n::I18nContext<Locale>,
    writes: bool,
    what: &str,
    open: impl Fn() + 'static,
) -> impl IntoView {
    let label = format!("{} {what}", t_string!(i18n, admin.edit));
    writes.then(|| view! {
        <td><button type="button" class="button" aria-label=label on:click=move |_| open()>{t!(i18n, admin.edit)}</button></td>
    })
}

/// An admin form (a card) under its heading, when the user may edit (`writes`): `edit`'s
/// text while it edits a saved item (`editing`), else `new`'s. `heading` is the heading's
/// id, which labels the form.
#[component]
pub fn EditForm<F>(
    writes: bool,
    heading: &'static str,
    editing: RwSignal<Option<i64>>,
    edit: fn(leptos_i18n::I18nContext<Locale>) -> String,
    new: fn(leptos_i18n::I18nContext<Locale>) -> String,
    on_submit: F,
    children: Children,
) -> impl IntoView
where
    F: FnMut(leptos::ev::SubmitEvent) + 'static,
{
    let i18n = use_i18n();
    writes.then(|| view! {
        <form class="form card" on:submit=on_submit aria-labelledby=heading>
            <h2 id=heading>{move || if editing.get().is_some() { edit(i18n) } else { new(i18n) }}</h2>
            {children()}
        </form>
    })
}

/// The required "Name" text field of an admin form; its message is `{id}-msg`.
#[component]
pub fn NameField(
    id: &'static str,
    maxlength: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The input, to focus when the form opens.
    #[prop(optional)]
    input: NodeRef<Input>,
) -> impl IntoView {
    let i18n = use_i18n();
    let msg = format!("{id}-msg");
    view! {
        <div class="field">
            <label for=id>{t!(i18n, admin.name)}</label>
            <input id=id node_ref=input type="text" required maxlength=maxlength prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=msg.clone() />
            <FieldMessage error field="name" id=msg />
        </div>
    }
}

/// A checkbox with its text, bound to a flag.
#[component]
pub fn Check(value: RwSignal<bool>, children: Children) -> impl IntoView {
    view! {
        <label class="check"><input type="checkbox" prop:checked=value on:change=move |ev| value.set(event_target_checked(&ev)) />
            " " {children()}</label>
    }
}

/// Focuses a form's first input (when it opens on a row, or empty for a new one).
pub fn focus(input: NodeRef<Input>) {
    if let Some(el) = input.get() {
        let _ = el.focus();
    }
}

/// Once a save succeeds the form goes on editing what it saved (a creation becomes an edit):
/// `saved` is the save action's value, `id` the saved item's id.
pub fn edit_what_was_saved<T: Send + Sync + 'static>(
    editing: RwSignal<Option<i64>>,
    saved: MappedSignal<Option<Result<T, AppError>>>,
    id: fn(&T) -> i64,
) {
    Effect::new(move |_| {
        if let Some(saved_id) = saved.with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).map(id)) {
            editing.set(Some(saved_id));
        }
    });
}

/// "Salvo." after a successful save, announced politely.
pub fn saved_status(
    i18n: leptos_i18n::I18nContext<Locale>,
    saved: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <p role="status" class="muted">
            {move || saved().then(|| t_string!(i18n, admin.saved).to_string())}
        </p>
    }
}

/// The foot of an admin form: the error that belongs to no field, Save (disabled while
/// saving), a button to start a new one while editing (its text the children), and "Salvo.".
#[component]
pub fn FormFoot(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(into)] saved: Signal<bool>,
    #[prop(into)] editing: Signal<bool>,
    #[prop(into)] on_new: Callback<()>,
    children: ChildrenFn,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <FormError error=non_field_error(error) />
        <div class="form__actions">
            <button type="submit" class="button button--primary" disabled=move || pending.get()>{t!(i18n, admin.save)}</button>
            <Show when=move || editing.get()><button type="button" class="button" on:click=move |_| on_new.run(())>{children()}</button></Show>
        </div>
        {saved_status(i18n, move || saved.get())}
    }
}

/// The `<option>`s of a department choice, the one in `selected` selected.
pub fn department_options(
    departments: Vec<crate::domain::NamedRef>,
    selected: RwSignal<i64>,
) -> impl IntoView {
    departments
        .into_iter()
        .map(|d| {
            let id = d.id;
            view! { <option value=id.to_string() selected=move || selected.get() == id>{d.name}</option> }
        })
        .collect_view()
}
