//! "E-mails enviados": every mail Chamado composed, where its delivery stands with the relay's
//! answer, the whole text of one, and "send again". Without an SMTP relay the mail is kept here.

use super::admin_page;
use super::AdminTabs;

use crate::api::{get_outbound_email, get_outbox, ResendEmail};
use crate::components::{format_time, load_error, query_string, FormError, Loading};
use crate::domain::{OutboundEmailPage, OutboundEmailView, OUTBOUND_STATES};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/admin/emails`.
#[component]
pub fn EmailsPage() -> impl IntoView {
    let i18n = use_i18n();
    admin_page(
        Signal::derive(move || t_string!(i18n, admin.emails).to_string()),
        |user| view! { <Emails may_resend=user.may_administer() /> },
    )
}

pub(crate) fn state_label(i18n: leptos_i18n::I18nContext<Locale>, state: &str) -> String {
    match state {
        "queued" => t_string!(i18n, admin.email_state_queued),
        "sent" => t_string!(i18n, admin.email_state_sent),
        "kept" => t_string!(i18n, admin.email_state_kept),
        "failed" => t_string!(i18n, admin.email_state_failed),
        "bounced" => t_string!(i18n, admin.email_state_bounced),
        "suppressed" => t_string!(i18n, admin.email_state_suppressed),
        other => return other.to_owned(),
    }
    .to_string()
}

#[component]
fn Emails(may_resend: bool) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = move |key: &str| query.with(|q| q.get(key)).unwrap_or_default();
    let filters = move || {
        query.with(|q| {
            (
                q.get("situacao").filter(|s| !s.is_empty()),
                q.get("antes").and_then(|b| b.parse::<i64>().ok()),
            )
        })
    };
    let page = Resource::new(filters, |(state, before)| get_outbox(state, before));
    let shown = move || query.with(|q| q.get("id").and_then(|i| i.parse::<i64>().ok()));
    view! {
        <section class="page admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">{t!(i18n, admin.emails)}</h1>
            <AdminTabs current="/admin/emails" />
            {move || shown().map(|id| view! { <EmailDetail id may_resend /> })}
            <form method="get" action="/admin/emails" class="toolbar__filters">
                <div class="field">
                    <label for="email-state">{t!(i18n, admin.email_state)}</label>
                    <select id="email-state" name="situacao">
                        <option value="">{t!(i18n, admin.all)}</option>
                        {OUTBOUND_STATES.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s selected=move || current("situacao") == s>{move || state_label(i18n, s)}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button" data-testid="email-filter">{t!(i18n, admin.filter)}</button>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let state = current("situacao");
                    page.await.map_or_else(load_error, |page| view! { <EmailList page state /> }.into_any())
                })}
            </Transition>
        </section>
    }
}

/// The relay's state, a page of mails and the link to older ones.
#[component]
fn EmailList(page: OutboundEmailPage, state: String) -> impl IntoView {
    let i18n = use_i18n();
    let relay = if page.relay_configured {
        view! { <p class="muted" data-testid="relay">{t!(i18n, admin.emails_relay_on)}</p> }
            .into_any()
    } else {
        view! { <p class="notice" data-testid="relay">{t!(i18n, admin.emails_relay_off)}</p> }
            .into_any()
    };
    let filter = Some(state).filter(|s| !s.is_empty());
    let older = page.next_before.map(|before| {
        let href = format!(
            "/admin/emails?{}",
            query_string([
                ("antes", Some(before.to_string())),
                ("situacao", filter.clone())
            ])
        );
        view! { <p><a href=href>{t!(i18n, admin.older)}</a></p> }
    });
    let rows = page.items.into_iter().map(|m| {
        let href = format!(
            "/admin/emails?{}",
            query_string([("id", Some(m.id.to_string())), ("situacao", filter.clone())])
        );
        let st = m.state.clone();
        view! {
            <tr data-state=m.state.clone() data-kind=m.kind.clone()>
                <td><time datetime=m.created_at.to_rfc3339()>{format_time(m.created_at)}</time></td>
                <td>{m.to_name.clone()} <br/><span class="muted">{m.to_address.clone()}</span></td>
                <td><a href=href>{m.subject.clone()}</a></td>
                <td><span class=format!("badge badge--{}", m.state)>{move || state_label(i18n, &st)}</span></td>
                <td class="muted">{m.smtp_response.clone().filter(|_| m.state != "kept").unwrap_or_default()}</td>
            </tr>
        }
    }).collect_view();
    let empty = rows.is_empty();
    view! {
        {relay}
        {if empty {
            view! { <p class="muted">{t!(i18n, admin.emails_empty)}</p> }.into_any()
        } else {
            view! {
                <table class="table" data-testid="emails">
                    <thead><tr>
                        <th scope="col">{t!(i18n, admin.when)}</th>
                        <th scope="col">{t!(i18n, admin.email_to)}</th>
                        <th scope="col">{t!(i18n, admin.email_subject)}</th>
                        <th scope="col">{t!(i18n, admin.email_state)}</th>
                        <th scope="col">{t!(i18n, admin.email_answer)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        }}
        {older}
    }
}

#[component]
fn EmailDetail(id: i64, may_resend: bool) -> impl IntoView {
    let i18n = use_i18n();
    let resend = ServerAction::<ResendEmail>::new();
    let mail = Resource::new(
        move || (id, resend.version().get()),
        |(id, _)| get_outbound_email(id),
    );
    let error = Signal::derive(move || {
        resend
            .value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    });
    let resent = move || resend.value().with(|v| matches!(v, Some(Ok(_))));
    view! {
        <article class="card email" aria-labelledby="email-heading" data-testid="email">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match mail.await {
                        Err(e) => load_error(e),
                        Ok(m) => view! { <EmailBody m may_resend resend /> }.into_any(),
                    }
                })}
            </Transition>
            <FormError error />
            <p role="status" class="muted">{move || resent().then(|| t_string!(i18n, admin.email_resent).to_string())}</p>
        </article>
    }
}

#[component]
fn EmailBody(
    m: OutboundEmailView,
    may_resend: bool,
    resend: ServerAction<ResendEmail>,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = m.summary.clone();
    let state = s.state.clone();
    let id = s.id;
    view! {
        <h2 id="email-heading">{s.subject.clone()}</h2>
        <dl class="facts">
            <dt>{t!(i18n, admin.email_to)}</dt>
            <dd>{format!("{} <{}>", s.to_name, s.to_address)}</dd>
            <dt>{t!(i18n, admin.email_state)}</dt>
            <dd>{move || state_label(i18n, &state)}</dd>
            <dt>{t!(i18n, admin.email_attempts)}</dt>
            <dd>{s.attempts}</dd>
            {s.smtp_response.clone().filter(|_| s.state != "kept").map(|answer| view! {
                <dt>{t!(i18n, admin.email_answer)}</dt>
                <dd>{answer}</dd>
            })}
        </dl>
        <pre class="email__text" data-testid="email-text">{m.text_body.clone()}</pre>
        <details>
            <summary>{t!(i18n, admin.email_headers)}</summary>
            <dl class="facts email__headers">
                <dt>"Message-ID"</dt><dd>{m.message_id.clone()}</dd>
                {m.in_reply_to.clone().map(|v| view! { <dt>"In-Reply-To"</dt><dd>{v}</dd> })}
                {m.references.clone().map(|v| view! { <dt>"References"</dt><dd>{v}</dd> })}
                {m.reply_to.clone().map(|v| view! { <dt>"Reply-To"</dt><dd>{v}</dd> })}
            </dl>
        </details>
        {match (may_resend, m.resendable) {
            (true, true) => view! {
                <ActionForm action=resend>
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button" data-testid="resend">{t!(i18n, admin.email_resend)}</button>
                </ActionForm>
            }.into_any(),
            (true, false) => view! { <p class="muted">{t!(i18n, admin.email_not_resendable)}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}
