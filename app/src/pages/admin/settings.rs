//! Limits and the priority texts of the new-ticket form.
use super::admin_page;
use super::AdminTabs;
use crate::components::saved_status;

use crate::components::{
    load_error, non_field_error, priority_label, FieldMessage, FormError, Loading,
};
use crate::domain::{CurrentUser, Role};
use crate::i18n::*;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// `/admin/configuracoes`: limits and the priorities' labels and guidance.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.settings).to_string()),
        |user| view! { <Settings user /> },
    )
}

#[component]
fn Settings(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let writes = user.role == Role::Admin;
    let save_limits = ServerAction::<crate::api::SaveLimits>::new();
    let save_texts = ServerAction::<crate::api::SavePriorities>::new();
    let data = Resource::new(|| (), |_| crate::api::get_admin_settings());
    let limits_error = Signal::derive(move || save_limits.value().get().and_then(Result::err));
    let texts_error = Signal::derive(move || save_texts.value().get().and_then(Result::err));
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.settings)}</h1>
            <AdminTabs current="/admin/configuracoes" />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => load_error(e),
                        Ok((limits, texts)) => {
                            let number = |v: i64| RwSignal::new(v.to_string());
                            let message = number(limits.message_max_chars);
                            let email_message = number(limits.email_message_max_chars);
                            let files = number(limits.max_attachments);
                            let megabytes = RwSignal::new(format!("{:.1}", limits.max_attachment_bytes as f64 / 1_048_576.0));
                            let auto_close = number(limits.auto_close_days);
                            let reopen = number(limits.reopen_window_days);
                            let types = RwSignal::new(limits.allowed_types.iter().cloned().collect::<BTreeSet<String>>());
                            let submit_limits = move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                let n = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().ok();
                                let bytes = megabytes.get_untracked().trim().replace(',', ".").parse::<f64>().ok()
                                    .map(|mb| (mb * 1_048_576.0).round() as i64);
                                save_limits.dispatch(crate::api::SaveLimits {
                                    input: crate::domain::LimitsInput {
                                        message_max_chars: n(message).or(Some(-1)),
                                        max_attachments: n(files).or(Some(-1)),
                                        max_attachment_bytes: bytes.or(Some(-1)),
                                        allowed_types: Some(types.get_untracked().into_iter().collect()),
                                        auto_close_days: n(auto_close).or(Some(-1)),
                                        reopen_window_days: n(reopen).or(Some(-1)),
                                        email_message_max_chars: n(email_message).or(Some(-1)),
                                    },
                                });
                            };
                            let rows: Vec<_> = texts.into_iter().map(|t| (t.priority, RwSignal::new(t.label_pt), RwSignal::new(t.label_en), RwSignal::new(t.guidance_pt), RwSignal::new(t.guidance_en))).collect();
                            let rows = StoredValue::new(rows);
                            let submit_texts = move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                let input = rows.with_value(|rows| rows.iter().map(|(p, a, b, c, d)| crate::domain::PriorityText {
                                    priority: *p,
                                    label_pt: a.get_untracked(),
                                    label_en: b.get_untracked(),
                                    guidance_pt: c.get_untracked(),
                                    guidance_en: d.get_untracked(),
                                }).collect());
                                save_texts.dispatch(crate::api::SavePriorities { input });
                            };
                            let limit_field = move |id: &'static str, field: &'static str, label: String, value: RwSignal<String>, hint: Option<String>| {
                                let msg = format!("{id}-msg");
                                let hint_id = format!("{id}-hint");
                                let described = format!("{hint_id} {msg}");
                                view! {
                                    <div class="field">
                                        <label for=id>{label}</label>
                                        <input id=id type="text" inputmode="decimal" prop:value=value readonly=!writes
                                            on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=described />
                                        {hint.map(|h| view! { <span class="hint" id=hint_id.clone()>{h}</span> })}
                                        <FieldMessage error=limits_error field=field id=msg />
                                    </div>
                                }
                            };
                            view! {
                                <form class="form card" on:submit=submit_limits aria-labelledby="limits-heading">
                                    <h2 id="limits-heading">{t!(i18n, admin.limits)}</h2>
                                    <div class="form__row">
                                        {limit_field("limit-message", "message_max_chars", t_string!(i18n, admin.message_max_chars).to_string(), message, Some(t_string!(i18n, admin.message_max_chars_hint).to_string()))}
                                        {limit_field("limit-email-message", "email_message_max_chars", t_string!(i18n, admin.email_message_max_chars).to_string(), email_message, Some(t_string!(i18n, admin.email_message_max_chars_hint).to_string()))}
                                        {limit_field("limit-files", "max_attachments", t_string!(i18n, admin.max_attachments).to_string(), files, None)}
                                        {limit_field("limit-size", "max_attachment_bytes", t_string!(i18n, admin.max_attachment_mb).to_string(), megabytes, Some(t_string!(i18n, admin.max_attachment_mb_hint).to_string()))}
                                    </div>
                                    <fieldset class="field" aria-describedby="limit-types-msg">
                                        <legend>{t!(i18n, admin.allowed_types)}</legend>
                                        <div class="rating__options">
                                            {crate::domain::ATTACHMENT_EXTENSIONS.iter().map(|ext| {
                                                let ext = (*ext).to_owned();
                                                let input_id = format!("limit-type-{ext}");
                                                let for_id = input_id.clone();
                                                let e1 = ext.clone();
                                                let e2 = ext.clone();
                                                view! {
                                                    <label class="check" for=for_id>
                                                        <input type="checkbox" id=input_id disabled=!writes prop:checked=move || types.with(|t| t.contains(&e1))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                let e = e2.clone();
                                                                types.update(|t| { if on { t.insert(e); } else { t.remove(&e); } });
                                                            } />
                                                        " " {ext}
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </div>
                                        <FieldMessage error=limits_error field="allowed_types" id="limit-types-msg" />
                                    </fieldset>
                                    <div class="form__row">
                                        {limit_field("limit-autoclose", "auto_close_days", t_string!(i18n, admin.auto_close_days).to_string(), auto_close, None)}
                                        {limit_field("limit-reopen", "reopen_window_days", t_string!(i18n, admin.reopen_window_days).to_string(), reopen, None)}
                                    </div>
                                    <FormError error=non_field_error(limits_error) />
                                    {writes.then(|| view! {
                                        <button type="submit" class="button button--primary" disabled=move || save_limits.pending().get()>{t!(i18n, admin.save)}</button>
                                    })}
                                    {saved_status(i18n, move || matches!(save_limits.value().get(), Some(Ok(_))))}
                                </form>
                                <form class="form card" on:submit=submit_texts aria-labelledby="priorities-heading">
                                    <h2 id="priorities-heading">{t!(i18n, admin.priorities)}</h2>
                                    <p class="hint">{t!(i18n, admin.priorities_hint)}</p>
                                    {rows.get_value().into_iter().enumerate().map(|(i, (p, label_pt, label_en, guidance_pt, guidance_en))| {
                                        let field = move |suffix: &'static str, label: String, value: RwSignal<String>, long: bool| {
                                            let id = format!("priority-{}-{suffix}", p.as_str());
                                            let for_id = id.clone();
                                            let msg = format!("{id}-msg");
                                            let described = msg.clone();
                                            view! {
                                                <div class="field">
                                                    <label for=for_id>{label}</label>
                                                    {if long {
                                                        view! { <textarea id=id rows="2" maxlength="300" readonly=!writes prop:value=value
                                                            on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=described></textarea> }.into_any()
                                                    } else {
                                                        view! { <input id=id type="text" maxlength="40" readonly=!writes prop:value=value
                                                            on:input=move |ev| value.set(event_target_value(&ev)) aria-describedby=described /> }.into_any()
                                                    }}
                                                    <FieldMessage error=texts_error field=format!("priorities[{i}].{suffix}") id=msg />
                                                </div>
                                            }
                                        };
                                        view! {
                                            <fieldset class="field">
                                                <legend>{move || priority_label(i18n, p)}</legend>
                                                <div class="form__row">
                                                    {field("label_pt", t_string!(i18n, admin.label_pt).to_string(), label_pt, false)}
                                                    {field("label_en", t_string!(i18n, admin.label_en).to_string(), label_en, false)}
                                                </div>
                                                {field("guidance_pt", t_string!(i18n, admin.guidance_pt).to_string(), guidance_pt, true)}
                                                {field("guidance_en", t_string!(i18n, admin.guidance_en).to_string(), guidance_en, true)}
                                            </fieldset>
                                        }
                                    }).collect_view()}
                                    <FormError error=non_field_error(texts_error) />
                                    {writes.then(|| view! {
                                        <button type="submit" class="button button--primary" disabled=move || save_texts.pending().get()>{t!(i18n, admin.save)}</button>
                                    })}
                                    {saved_status(i18n, move || matches!(save_texts.value().get(), Some(Ok(_))))}
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
