use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{
    get_ticket, get_ticket_tools, ChangeTicket, CloseTicket, EscalateTicket, ReopenTicket,
    ReplyToTicket,
};
use crate::components::{
    format_time, priority_label, status_label, AttachmentList, AttachmentPicker, EmailOrigin,
    FieldMessage, FormError, Loading, PageTitle, RequireUser, SlaBadge,
};
use crate::domain::{
    char_count, AttachmentRef, CurrentUser, MessageChannel, TicketDetail, TicketStatus,
};
use crate::error::AppError;

/// What the reply box keeps across live refreshes of the page (a draft is never lost when an
/// answer arrives while the customer types).
#[derive(Clone, Copy)]
struct Draft {
    text: RwSignal<String>,
    files: AttachmentList,
    error: RwSignal<Option<AppError>>,
    sending: RwSignal<bool>,
    refresh: RwSignal<u32>,
    /// Bumped by live events; announced to screen readers.
    live: RwSignal<u32>,
    /// Support: an internal note instead of a reply.
    internal: RwSignal<bool>,
    /// When the reply box was last typed in (ms), for "replying" presence.
    typed_at: RwSignal<f64>,
    /// The newest message the author had seen when they began typing: a send is held if
    /// someone else wrote after it (even if the page showed it live meanwhile).
    seen: RwSignal<i64>,
    /// The newest message on screen.
    latest: RwSignal<i64>,
    presence: super::ticket_support::Presence,
    clock: RwSignal<f64>,
}
use crate::i18n::*;

/// One ticket: the conversation oldest first, reply, close, reopen with a reason, escalate.
#[component]
pub fn TicketPage() -> impl IntoView {
    view! { <RequireUser children=|user| view! { <Ticket user /> } /> }
}

#[component]
fn Ticket(user: CurrentUser) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reply = ServerAction::<ReplyToTicket>::new();
    let close = ServerAction::<CloseTicket>::new();
    let reopen = ServerAction::<ReopenTicket>::new();
    let escalate = ServerAction::<EscalateTicket>::new();
    let change = ServerAction::<ChangeTicket>::new();
    let staff = user.is_staff();
    let me = user.id;
    let draft = Draft {
        text: RwSignal::new(String::new()),
        files: AttachmentList::new(),
        error: RwSignal::new(None),
        sending: RwSignal::new(false),
        refresh: RwSignal::new(0),
        live: RwSignal::new(0),
        internal: RwSignal::new(false),
        typed_at: RwSignal::new(0.0),
        seen: RwSignal::new(0),
        latest: RwSignal::new(0),
        presence: RwSignal::new(Vec::new()),
        clock: RwSignal::new(0.0),
    };
    // The page follows the ticket live: an answer, a status change or a read receipt about
    // this ticket refetches it (server-sent events, API.md `GET /api/v1/events`).
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let id = id_untracked(params);
            follow_live(id.clone(), draft, me);
            if staff {
                super::ticket_support::heartbeat(id, draft.text, draft.typed_at);
            }
        }
        let _ = me;
    });
    let detail = Resource::new(
        move || {
            (
                id(),
                draft.refresh.get(),
                reply.version().get(),
                close.version().get(),
                reopen.version().get(),
                escalate.version().get(),
                change.version().get(),
            )
        },
        |(id, ..)| get_ticket(id),
    );
    // The limits in force: the reply box counts to the admins' message length and the picker
    // checks files against their attachment limits.
    let limits = Resource::new(|| (), |_| crate::api::get_limits());
    // The support panel's choices and canned responses (support staff only).
    let tools = Resource::new(
        move || (id(), change.version().get(), staff),
        |(id, _, staff)| async move {
            if staff {
                get_ticket_tools(id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let error = Signal::derive(move || {
        close
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reopen.value().get().and_then(Result::err))
    });
    let writes_articles = user.may_write_articles();
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        let tools = tools.await.ok().flatten();
                        let limits = limits.await.ok();
                        let max_chars = limits
                            .clone()
                            .unwrap_or_default()
                            .message_max_chars_for(staff);
                        if let Some(limits) = &limits {
                            draft.files.set_rules(limits.into());
                        }
                        view! { <TicketView detail staff me writes_articles reply close reopen escalate change tools error draft max_chars /> }.into_any()
                    }
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
    me: i64,
    writes_articles: bool,
    reply: ServerAction<ReplyToTicket>,
    close: ServerAction<CloseTicket>,
    reopen: ServerAction<ReopenTicket>,
    escalate: ServerAction<EscalateTicket>,
    change: ServerAction<ChangeTicket>,
    tools: Option<crate::domain::TicketTools>,
    error: Signal<Option<crate::error::AppError>>,
    draft: Draft,
    /// The longest message a customer may write (the admins' limit).
    max_chars: usize,
) -> impl IntoView {
    use super::ticket_support::{CannedPicker, MergeAndLink, PresenceBar, SupportPanel};
    use crate::components::Timeline;
    let newest = detail.messages.iter().map(|m| m.id).max().unwrap_or(0);
    draft.latest.set(newest);
    if draft.text.with_untracked(String::is_empty) || draft.seen.get_untracked() == 0 {
        draft.seen.set(newest);
    }
    {
        let until =
            crate::components::now_ms() + crate::domain::PRESENCE_TTL_SECONDS as f64 * 1000.0;
        draft.presence.set(
            detail
                .presence
                .iter()
                .map(|p| (p.user.clone(), p.state, until))
                .collect(),
        );
    }
    let canned = StoredValue::new(tools.as_ref().map(|t| t.canned.clone()).unwrap_or_default());
    let tags = detail.tags.clone();
    let history = detail.history.clone();
    let merged_into = detail.merged_into.clone();
    let rating = detail.rating.clone();
    let field_values = detail.fields.clone();
    // Support's first public answer: when the first-response target was met (or missed).
    let first_answer = detail
        .messages
        .iter()
        .find(|m| {
            !m.internal
                && m.author
                    .as_ref()
                    .and_then(|a| a.role.parse::<crate::domain::Role>().ok())
                    .is_some_and(crate::domain::Role::is_staff)
        })
        .map(|m| m.created_at);
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
    // The reply box counts to the limit in force for this person (admins may change it).
    let max_chars = move || max_chars;
    let text = draft.text;
    let reply_error = Signal::derive(move || {
        draft
            .error
            .get()
            .or_else(|| reply.value().get().and_then(Result::err))
    });
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
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
                {(staff && ticket.sla.state.is_some()).then(|| view! { <li class="ticket__sla">{t!(i18n, sla.column)} ": " <SlaBadge sla=ticket.sla.clone() /></li> })}
                {ticket.assignee.clone().map(|a| view! { <li data-testid="ticket-assignee">{t!(i18n, dashboard.assignee)} ": " {a.name}</li> })}
                {tags.iter().map(|t| view! { <li><span class="tag">{t.clone()}</span></li> }).collect_view()}
            </ul>
            {staff.then(|| sla_due_line(i18n, &ticket.sla, first_answer))}
            {(!field_values.is_empty()).then(|| view! {
                <dl class="ticket__fields" data-testid="ticket-fields">
                    {field_values.into_iter().map(|f| view! { <dt>{f.label}</dt> <dd>{f.value}</dd> }).collect_view()}
                </dl>
            })}
            {merged_into.map(|target| view! {
                <p class="notice" data-testid="merged-into">{t!(i18n, support.merged_banner)} " " <a href=format!("/chamados/{target}")>{target.clone()}</a></p>
            })}
            {staff.then(|| view! { <PresenceBar presence=draft.presence clock=draft.clock /> })}
            {tools.clone().map(|tools| view! { <SupportPanel ticket=ticket.clone() tags=detail.tags.clone() tools me change /> })}
            {(writes_articles && status != TicketStatus::Open).then(|| view! {
                <p><a class="button" href=format!("/admin/artigos/novo?chamado={}", ticket.id)>{t!(i18n, help_admin.from_ticket)}</a></p>
            })}
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
            <p class="visually-hidden" aria-live="polite" data-testid="live-status">
                {move || (draft.live.get() > 0).then(|| t_string!(i18n, tickets.new_activity).to_string())}
            </p>
            <h2>{t!(i18n, tickets.conversation)}</h2>
            <ol class="conversation">
                {detail.messages.into_iter().map(|m| {
                    let by_email = m.email.clone().map(|email| view! { <EmailOrigin ticket_id=ticket.id.clone() message_id=m.id email /> });
                    view! {
                    <li class=if m.internal { "message message--internal" } else { "message" }>
                        <p class="message__meta">
                            <strong>{match m.author.map(|a| a.name) {
                                Some(name) => name,
                                None => t_string!(i18n, support.system).to_string(),
                            }}</strong>
                            " · " <time datetime=m.created_at.to_rfc3339()>{format_time(m.created_at)}</time>
                            {m.internal.then(|| view! { " · " <span class="badge">{t!(i18n, tickets.internal)}</span> })}
                            {(m.channel == MessageChannel::Email).then(|| view! { " · " <span class="badge" data-testid="via-email">{t!(i18n, tickets.via_email)}</span> })}
                        </p>
                        <p class="message__body">{m.body}</p>
                        {(!m.attachments.is_empty()).then(|| view! { <Files files=m.attachments /> })}
                        {by_email}
                    </li>
                }}).collect_view()}
            </ol>
            <FormError error />
            {(status == TicketStatus::Closed || rating.is_some()).then(|| view! {
                <RatingCard id=ticket.id.clone() rating=rating.clone() requester=ticket.requester.id == me />
            })}
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
                        {
                            let id_reply = StoredValue::new(id_reply);
                            let body = move || view! {
                                <input type="hidden" name="id" value=id_reply.get_value() />
                                <div class="field">
                                    <label for="reply-body">{t!(i18n, tickets.message)}</label>
                                    <textarea id="reply-body" name="body" rows="5" required aria-describedby="reply-count reply-body-msg"
                                        prop:value=move || text.get()
                                        on:input=move |ev| {
                                            text.set(event_target_value(&ev));
                                            draft.typed_at.set(crate::components::now_ms());
                                        }></textarea>
                                    <span id="reply-count" class=move || { if char_count(&text.get()) > max_chars() { "hint hint--over" } else { "hint" } } aria-live="polite">
                                        {move || { let count = char_count(&text.get()); let max = max_chars(); t_string!(i18n, tickets.characters, count, max).to_string() }}
                                    </span>
                                    <FieldMessage error=reply_error field="body" id="reply-body-msg" />
                                </div>
                                {staff.then(|| view! {
                                    <CannedPicker canned=canned.get_value() text />
                                    <div class="field field--check">
                                        <input id="reply-internal" name="internal" type="checkbox" data-testid="internal-note"
                                            prop:checked=move || draft.internal.get()
                                            on:change=move |ev| draft.internal.set(event_target_checked(&ev)) />
                                        <label for="reply-internal">{t!(i18n, support.internal_note)}</label>
                                    </div>
                                })}
                                <AttachmentPicker list=draft.files error=reply_error id="reply-attachments" />
                                <FormError error=crate::components::non_field_error(reply_error) />
                                <button type="submit" class="button button--primary" disabled=move || draft.sending.get()>
                                    {move || if draft.sending.get() { t_string!(i18n, tickets.sending).to_string() } else { t_string!(i18n, tickets.send).to_string() }}
                                </button>
                            };
                            move || if hydrated.get() {
                                view! {
                                    <form class="form" novalidate=true on:submit=move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        #[cfg(feature = "hydrate")]
                                        send_reply(&id_reply.get_value(), draft);
                                    }>{body()}</form>
                                }.into_any()
                            } else {
                                view! { <ActionForm action=reply attr:class="form">{body()}</ActionForm> }.into_any()
                            }
                        }
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
            {(staff && !history.is_empty()).then(|| view! { <Timeline history /> })}
            {(staff && status != TicketStatus::Closed).then(|| view! { <MergeAndLink id=id.clone() /> })}
        </article>
    }
}

#[cfg(feature = "hydrate")]
fn id_untracked(params: Memo<leptos_router::params::ParamsMap>) -> String {
    params.with_untracked(|p| p.get("id").unwrap_or_default())
}

/// The files of a message, as downloads.
#[component]
fn Files(files: Vec<AttachmentRef>) -> impl IntoView {
    view! {
        <ul class="message__files">
            {files.into_iter().map(|f| view! {
                <li>
                    <a href=format!("/api/v1/attachments/{}", f.id) download=f.name.clone() data-testid="attachment-link">{f.name.clone()}</a>
                    " " <span class="muted">{format_size(f.size)}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

fn format_size(bytes: i64) -> String {
    let bytes = bytes.max(0) as u64;
    if bytes >= 1 << 20 {
        format!("({:.1} MB)", bytes as f64 / (1 << 20) as f64)
    } else {
        format!("({} KB)", bytes.div_ceil(1 << 10).max(1))
    }
}

/// Posts the reply as multipart (the JSON in `message`, then the files) with upload progress.
#[cfg(feature = "hydrate")]
fn send_reply(id: &str, draft: Draft) {
    let Ok(body) = web_sys::FormData::new() else {
        return;
    };
    let message = serde_json::json!({
        "body": draft.text.get_untracked(),
        "internal": draft.internal.get_untracked(),
        "seen_message_id": draft.seen.get_untracked(),
    });
    if body
        .append_with_str("message", &message.to_string())
        .is_err()
        || draft.files.append_to(&body).is_err()
    {
        return;
    }
    draft.sending.set(true);
    draft.error.set(None);
    let files = draft.files;
    let sent = crate::components::post_multipart(
        &format!("/api/v1/tickets/{id}/messages"),
        &body,
        move |loaded, total| files.set_progress(loaded, total),
        move |status, text| {
            draft.sending.set(false);
            if status == 201 {
                draft.text.set(String::new());
                draft.internal.set(false);
                draft.files.clear();
                draft.refresh.update(|n| *n += 1);
            } else {
                // Held: someone else wrote meanwhile. The page shows it; the draft stays, and
                // the next send goes (the author has been told).
                if status == 409 {
                    draft.seen.set(draft.latest.get_untracked());
                    draft.refresh.update(|n| *n += 1);
                }
                draft.files.set_progress(0.0, 1.0);
                draft.error.set(Some(AppError::from_problem(status, &text)));
            }
        },
    );
    if sent.is_err() {
        draft.sending.set(false);
        draft.error.set(Some(AppError::from_problem(0, "")));
    }
}

/// Follows the event stream: an answer, a status change or a read receipt about this ticket
/// refetches it; support staff also see who else is on it (`presence`).
#[cfg(feature = "hydrate")]
fn follow_live(id: String, draft: Draft, me: i64) {
    use crate::components::{follow_events, now_ms, LiveEvent};
    use crate::domain::TicketNumber;
    use std::time::Duration;
    let Some(number) = TicketNumber::parse(&id) else {
        return;
    };
    draft.clock.set(now_ms());
    if let Ok(handle) =
        set_interval_with_handle(move || draft.clock.set(now_ms()), Duration::from_secs(5))
    {
        on_cleanup(move || handle.clear());
    }
    let kinds = ["message.created", "ticket.updated", "presence", "resync"];
    follow_events(&kinds, move |event: LiveEvent| {
        if event.kind == "resync" {
            draft.refresh.update(|n| *n += 1);
            return;
        }
        let about_this = event
            .ticket_id
            .as_deref()
            .and_then(TicketNumber::parse)
            .is_some_and(|n| n == number);
        if !about_this {
            return;
        }
        if event.kind == "presence" {
            if let Some(change) = event.presence().filter(|c| c.who.id != me) {
                draft.presence.update(|list| change.apply(list));
            }
            return;
        }
        draft.refresh.update(|n| *n += 1);
        draft.live.update(|n| *n += 1);
    });
}

/// "Primeira resposta até … · Solução até …" for support staff; once support has answered,
/// when it did and whether that was in time.
fn sla_due_line(
    i18n: leptos_i18n::I18nContext<Locale>,
    sla: &crate::domain::TicketSla,
    first_answer: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<impl IntoView> {
    let due = sla.first_response_due;
    let first = match first_answer {
        Some(at) => {
            let time = format_time(at);
            Some(if due.is_some_and(|due| at > due) {
                t_string!(i18n, sla.first_response_missed, time).to_string()
            } else {
                t_string!(i18n, sla.first_response_met, time).to_string()
            })
        }
        None => due.map(|due| {
            let time = format_time(due);
            t_string!(i18n, sla.first_response_due, time).to_string()
        }),
    };
    let resolution = sla.resolution_due.map(format_time);
    (first.is_some() || resolution.is_some()).then(|| {
        let separator = first.is_some() && resolution.is_some();
        view! {
            <p class="muted ticket__due" data-testid="sla-due">
                {first.map(|text| view! { <span>{text}</span> })}
                {separator.then_some(" · ")}
                {resolution.map(|time| view! { <span>{t!(i18n, sla.resolution_due, time)}</span> })}
            </p>
        }
    })
}

/// Satisfaction: the requester rates a closed ticket once (1–5, optional comment); afterwards
/// they and support see the rating.
#[component]
fn RatingCard(
    id: String,
    rating: Option<crate::domain::TicketRating>,
    requester: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let rate = ServerAction::<crate::api::RateTicket>::new();
    let id = StoredValue::new(id);
    let error = Signal::derive(move || rate.value().get().and_then(Result::err));
    let done = move || rate.value().get().and_then(Result::ok);
    let status = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if done().is_some() {
            if let Some(el) = status.get() {
                let _ = el.focus();
            }
        }
    });
    let given = move |r: &crate::domain::TicketRating| {
        let score = r.score;
        let comment = r.comment.clone();
        view! {
            <p data-testid="rating">{t!(i18n, rating.given, score)}</p>
            {(!comment.is_empty()).then(|| view! { <blockquote class="rating__comment">{comment}</blockquote> })}
        }
    };
    match rating {
        Some(r) => view! { <section class="card rating" aria-label=move || t_string!(i18n, rating.title).to_string()>{given(&r)}</section> }.into_any(),
        None if requester => view! {
            <section class="card rating" aria-labelledby="rating-heading">
                <h2 id="rating-heading">{t!(i18n, rating.title)}</h2>
                <Show when=move || done().is_none() fallback=move || view! {
                    <p tabindex="-1" node_ref=status role="status" data-testid="rating-thanks">{t!(i18n, rating.thanks)}</p>
                    {done().map(|r| given(&r))}
                }>
                    <ActionForm action=rate attr:class="form">
                        <input type="hidden" name="id" value=id.get_value() />
                        <fieldset class="field rating__scores" aria-describedby="rating-hint rating-score-msg">
                            <legend>{t!(i18n, rating.score)}</legend>
                            <p class="hint" id="rating-hint">{t!(i18n, rating.score_hint)}</p>
                            <div class="rating__options">
                                {(1..=5).map(|n| {
                                    let input_id = format!("rating-{n}");
                                    let for_id = input_id.clone();
                                    view! {
                                        <label class="check" for=for_id>
                                            <input type="radio" id=input_id name="score" value=n.to_string() required />
                                            " " {n}
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                            <FieldMessage error field="score" id="rating-score-msg" />
                        </fieldset>
                        <div class="field">
                            <label for="rating-comment">{t!(i18n, rating.comment)}</label>
                            <textarea id="rating-comment" name="comment" rows="3" maxlength="1000" aria-describedby="rating-comment-msg"></textarea>
                            <FieldMessage error field="comment" id="rating-comment-msg" />
                        </div>
                        <FormError error=crate::components::non_field_error(error) />
                        <button type="submit" class="button button--primary" disabled=move || rate.pending().get()>{t!(i18n, rating.submit)}</button>
                    </ActionForm>
                </Show>
            </section>
        }.into_any(),
        None => ().into_any(),
    }
}
