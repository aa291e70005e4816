use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{get_ticket, CloseTicket, EscalateTicket, ReopenTicket, ReplyToTicket};
use crate::components::{
    format_time, priority_label, status_label, FieldMessage, FormError, PageTitle, RequireUser,
};
use crate::domain::{char_count, CurrentUser, TicketDetail, TicketStatus, MESSAGE_MAX_CHARS};
use crate::i18n::*;

/// One ticket: the conversation oldest first, reply, close, reopen with a reason, escalate.
#[component]
pub fn TicketPage() -> impl IntoView {
    view! { <RequireUser children=|user| view! { <Ticket user /> } /> }
}

#[component]
fn Ticket(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reply = ServerAction::<ReplyToTicket>::new();
    let close = ServerAction::<CloseTicket>::new();
    let reopen = ServerAction::<ReopenTicket>::new();
    let escalate = ServerAction::<EscalateTicket>::new();
    let detail = Resource::new(
        move || {
            (
                id(),
                reply.version().get(),
                close.version().get(),
                reopen.version().get(),
                escalate.version().get(),
            )
        },
        |(id, ..)| get_ticket(id),
    );
    let error = Signal::derive(move || {
        close
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reopen.value().get().and_then(Result::err))
    });
    let staff = user.role.is_staff();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, home.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <TicketView detail staff reply close reopen escalate error /> }.into_any(),
                    Err(e) => view! { <section class="page"><FormError error=Signal::derive(move || Some(e.clone())) /></section> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TicketView(
    detail: TicketDetail,
    staff: bool,
    reply: ServerAction<ReplyToTicket>,
    close: ServerAction<CloseTicket>,
    reopen: ServerAction<ReopenTicket>,
    escalate: ServerAction<EscalateTicket>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let ticket = detail.ticket;
    let id = ticket.id.clone();
    let status = ticket.status;
    let priority = ticket.priority;
    let title = format!("{} · {}", ticket.id, ticket.subject);
    let read = if staff {
        detail.read.by_requester_at
    } else {
        detail.read.by_support_at
    };
    let text = RwSignal::new(String::new());
    let reply_error = Signal::derive(move || reply.value().get().and_then(Result::err));
    let escalate_error = Signal::derive(move || escalate.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            text.set(String::new());
        }
    });
    view! {
        <PageTitle text=Signal::derive(move || title.clone()) />
        <article class="page ticket" aria-labelledby="ticket-title">
            <p><a href="/chamados">"← " {t!(i18n, tickets.back)}</a></p>
            <h1 id="ticket-title"><span class="ticket__id">{ticket.id.clone()}</span> " " {ticket.subject.clone()}</h1>
            <ul class="ticket__facts">
                <li><span class=format!("badge badge--{}", status.as_str()) data-testid="ticket-status">{move || status_label(i18n, status)}</span></li>
                <li><span class=format!("badge badge--{}", priority.as_str())>{move || priority_label(i18n, priority)}</span></li>
                <li>{ticket.department.name.clone()}</li>
                <li>{ticket.requester.name.clone()} " · " {ticket.organization.name.clone()}</li>
                {ticket.escalated.then(|| view! { <li><span class="badge badge--escalated">{t!(i18n, tickets.escalated)}</span></li> })}
            </ul>
            {read.map(|at| {
                let time = format_time(at);
                view! {
                    <p class="read-receipt" data-testid="read-receipt">
                        {move || {
                            let time = time.clone();
                            if staff {
                                t_string!(i18n, tickets.read_by_requester, time).to_string()
                            } else {
                                t_string!(i18n, tickets.read_by_support, time).to_string()
                            }
                        }}
                    </p>
                }
            })}
            {(!detail.related.is_empty()).then(|| view! {
                <p class="related" data-testid="related">
                    {t!(i18n, tickets.related)} ": "
                    {detail.related.iter().map(|r| view! { <a href=format!("/chamados/{r}")>{r.clone()}</a> " " }).collect_view()}
                </p>
            })}
            <h2>{t!(i18n, tickets.conversation)}</h2>
            <ol class="conversation">
                {detail.messages.into_iter().map(|m| view! {
                    <li class=if m.internal { "message message--internal" } else { "message" }>
                        <p class="message__meta">
                            <strong>{m.author.map(|a| a.name).unwrap_or_default()}</strong>
                            " · " <time datetime=m.created_at.to_rfc3339()>{format_time(m.created_at)}</time>
                            {m.internal.then(|| view! { " · " <span class="badge">{t!(i18n, tickets.internal)}</span> })}
                        </p>
                        <p class="message__body">{m.body}</p>
                    </li>
                }).collect_view()}
            </ol>
            <FormError error />
            {if status == TicketStatus::Closed {
                let id = id.clone();
                view! {
                    <section class="card" aria-labelledby="reopen-heading">
                        <p>{t!(i18n, tickets.closed_notice)}</p>
                        <h2 id="reopen-heading">{t!(i18n, tickets.reopen_title)}</h2>
                        <ActionForm action=reopen attr:class="form">
                            <input type="hidden" name="id" value=id />
                            <div class="field">
                                <label for="reopen-reason">{t!(i18n, tickets.reopen_reason)}</label>
                                <textarea id="reopen-reason" name="reason" rows="3" required></textarea>
                            </div>
                            <button type="submit" class="button button--primary">{t!(i18n, tickets.reopen)}</button>
                        </ActionForm>
                        <p><a href=format!("/chamados/novo?relacionado={}", ticket.id)>{t!(i18n, tickets.new_related)}</a></p>
                    </section>
                }.into_any()
            } else {
                let (id_reply, id_close, id_escalate) = (id.clone(), id.clone(), id.clone());
                view! {
                    <section class="card" aria-labelledby="reply-heading">
                        <h2 id="reply-heading">{t!(i18n, tickets.reply_label)}</h2>
                        <ActionForm action=reply attr:class="form">
                            <input type="hidden" name="id" value=id_reply />
                            <div class="field">
                                <label for="reply-body">{t!(i18n, tickets.message)}</label>
                                <textarea id="reply-body" name="body" rows="5" required aria-describedby="reply-count reply-body-msg"
                                    prop:value=move || text.get()
                                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                                <span id="reply-count" class=move || { if char_count(&text.get()) > MESSAGE_MAX_CHARS && !staff { "hint hint--over" } else { "hint" } } aria-live="polite">
                                    {move || { let count = char_count(&text.get()); t_string!(i18n, tickets.characters, count).to_string() }}
                                </span>
                                <FieldMessage error=reply_error field="body" id="reply-body-msg" />
                            </div>
                            <FormError error=crate::components::non_field_error(reply_error) />
                            <button type="submit" class="button button--primary">{t!(i18n, tickets.send)}</button>
                        </ActionForm>
                        <ActionForm action=close attr:class="form form--inline">
                            <input type="hidden" name="id" value=id_close />
                            <button type="submit" class="button">{t!(i18n, tickets.close)}</button>
                        </ActionForm>
                    </section>
                    {(!staff && !ticket.escalated).then(|| view! {
                        <section class="card" aria-labelledby="escalate-heading">
                            <h2 id="escalate-heading">{t!(i18n, tickets.escalate_title)}</h2>
                            <p class="muted">{t!(i18n, tickets.escalate_intro)}</p>
                            <ActionForm action=escalate attr:class="form">
                                <input type="hidden" name="id" value=id_escalate />
                                <div class="field">
                                    <label for="escalate-reason">{t!(i18n, tickets.escalate_reason)}</label>
                                    <textarea id="escalate-reason" name="reason" rows="3" required aria-describedby="escalate-reason-msg"></textarea>
                                    <FieldMessage error=escalate_error field="reason" id="escalate-reason-msg" />
                                </div>
                                <button type="submit" class="button">{t!(i18n, tickets.escalate)}</button>
                            </ActionForm>
                        </section>
                    })}
                }.into_any()
            }}
        </article>
    }
}
