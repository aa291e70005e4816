use leptos::prelude::*;

use crate::api::{list_members, InviteMember, SetMemberActive, SetMemberCanOpenTickets};
use crate::components::{
    load_error, non_field_error, role_label, FieldMessage, FormError, Loading, PageTitle,
    RequireUser,
};
use crate::domain::{CurrentUser, Member, Role};
use crate::i18n::*;

/// An organization admin's page: members, the right to open tickets, invitations.
#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || t_string!(i18n, members.title).to_string()) />
        <RequireUser children=|user| {
            if user.role == Role::OrgAdmin {
                view! { <Members user /> }.into_any()
            } else {
                let i18n = use_i18n();
                view! { <p class="page">{t!(i18n, members.only_org_admin)}</p> }.into_any()
            }
        } />
    }
}

#[component]
fn Members(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let invite = ServerAction::<InviteMember>::new();
    let grant = ServerAction::<SetMemberCanOpenTickets>::new();
    let activate = ServerAction::<SetMemberActive>::new();
    let members = Resource::new(
        move || {
            (
                invite.version().get(),
                grant.version().get(),
                activate.version().get(),
            )
        },
        |_| list_members(),
    );
    let invite_error = Signal::derive(move || invite.value().get().and_then(Result::err));
    let change_error = Signal::derive(move || {
        grant
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| activate.value().get().and_then(Result::err))
    });
    let me = user.id;
    let organization = user.organization.map(|o| o.name).unwrap_or_default();
    view! {
        <section class="page">
            <h1>{t!(i18n, members.title)}</h1>
            <p class="muted">{organization} " — " {t!(i18n, members.intro)}</p>
            <FormError error=change_error />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(list) => view! {
                            <table class="table" data-testid="members">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, members.name)}</th>
                                    <th scope="col">{t!(i18n, members.email)}</th>
                                    <th scope="col">{t!(i18n, members.role)}</th>
                                    <th scope="col">{t!(i18n, members.status)}</th>
                                    <th scope="col">{t!(i18n, members.can_open)}</th>
                                    <th scope="col">{t!(i18n, members.actions)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| view! { <MemberRow member=m me grant activate /> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => load_error(e),
                    }
                })}
            </Transition>
        </section>
        <section class="page card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t!(i18n, members.invite_title)}</h2>
            <ActionForm action=invite attr:class="form" attr:novalidate="true">
                <div class="field">
                    <label for="invite-name">{t!(i18n, members.name)}</label>
                    <input id="invite-name" name="name" type="text" required aria-describedby="invite-name-msg" />
                    <FieldMessage error=invite_error field="name" id="invite-name-msg" />
                </div>
                <div class="field">
                    <label for="invite-email">{t!(i18n, members.email)}</label>
                    <input id="invite-email" name="email" type="email" required aria-describedby="invite-email-msg" />
                    <FieldMessage error=invite_error field="email" id="invite-email-msg" />
                </div>
                <div class="field field--check">
                    <input id="invite-can-open" name="can_open_tickets" type="checkbox" value="on" />
                    <label for="invite-can-open">{t!(i18n, members.invite_can_open)}</label>
                </div>
                <FormError error=non_field_error(invite_error) />
                {move || invite.value().get().and_then(Result::ok).map(|m| {
                    let email = m.email.clone();
                    view! { <p class="notice" role="status">{t!(i18n, members.invite_sent, email = move || email.clone())}</p> }
                })}
                <button type="submit" class="button button--primary">{t!(i18n, members.invite_submit)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn MemberRow(
    member: Member,
    me: i64,
    grant: ServerAction<SetMemberCanOpenTickets>,
    activate: ServerAction<SetMemberActive>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = member.id;
    let can_open = member.can_open_tickets;
    let active = member.active;
    let is_me = member.id == me;
    let is_customer = member.role == Role::Customer;
    let role = member.role;
    let pending = member.pending_invitation;
    let name = member.name.clone();
    let name_for_grant = name.clone();
    let name_for_active = name.clone();
    view! {
        <tr data-member=member.email.clone()>
            <td>{member.name.clone()} {is_me.then(|| view! { " " <span class="muted">{t!(i18n, members.you)}</span> })}</td>
            <td>{member.email.clone()}</td>
            <td>{move || role_label(i18n, role)}</td>
            <td>
                {move || if pending {
                    t_string!(i18n, members.pending)
                } else if active {
                    t_string!(i18n, members.active)
                } else {
                    t_string!(i18n, members.inactive)
                }}
            </td>
            <td>{move || if role == Role::OrgAdmin || can_open { t_string!(i18n, members.yes) } else { t_string!(i18n, members.no) }}</td>
            <td>
                <div class="actions">
                <Show when=move || is_customer>
                    {
                        let name = name_for_grant.clone();
                        view! {
                            <button type="button" class="button"
                                aria-label=move || format!("{}: {}", if can_open { t_string!(i18n, members.withdraw) } else { t_string!(i18n, members.grant) }, name)
                                on:click=move |_| { grant.dispatch(SetMemberCanOpenTickets { member_id: id, value: !can_open }); }>
                                {move || if can_open { t_string!(i18n, members.withdraw) } else { t_string!(i18n, members.grant) }}
                            </button>
                        }
                    }
                </Show>
                <Show when=move || !is_me>
                    {
                        let name = name_for_active.clone();
                        view! {
                            <button type="button" class=if active { "button button--danger" } else { "button" }
                                aria-label=move || format!("{}: {}", if active { t_string!(i18n, members.deactivate) } else { t_string!(i18n, members.reactivate) }, name)
                                on:click=move |_| { activate.dispatch(SetMemberActive { member_id: id, active: !active }); }>
                                {move || if active { t_string!(i18n, members.deactivate) } else { t_string!(i18n, members.reactivate) }}
                            </button>
                        }
                    }
                </Show>
                </div>
            </td>
        </tr>
    }
}
