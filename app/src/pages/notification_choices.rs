//! Preferências › Notificações: each kind of notification one's role gets, by e-mail and in the
//! bell; each switch saves at once.

use leptos::prelude::*;

use crate::api::{get_notification_choices, SetNotificationChoice};
use crate::components::{load_error, notification_kind_label, FormError, Loading};
use crate::domain::NotificationChoice;
use crate::i18n::*;

#[component]
pub fn NotificationChoices() -> impl IntoView {
    let i18n = use_i18n();
    let choices = Resource::new(|| (), |_| get_notification_choices());
    let save = ServerAction::<SetNotificationChoice>::new();
    let saved = move || save.value().with(|v| matches!(v, Some(Ok(_))));
    let failed = Signal::derive(move || {
        save.value()
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
    });
    view! {
        <section class="page card" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">{t!(i18n, notifications.preferences_title)}</h2>
            <p class="muted">{t!(i18n, notifications.preferences_intro)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match choices.await {
                        Err(e) => load_error(e),
                        Ok(list) => view! {
                            <table class="table notification-choices" data-testid="notification-choices">
                                <thead><tr>
                                    <th scope="col">{t!(i18n, notifications.kind)}</th>
                                    <th scope="col">{t!(i18n, notifications.by_email)}</th>
                                    <th scope="col">{t!(i18n, notifications.in_app)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|c| view! { <ChoiceRow choice=c save /> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
            <p role="status" class="muted">
                {move || saved().then(|| t_string!(i18n, notifications.saved).to_string())}
            </p>
            <FormError error=failed />
        </section>
    }
}

#[component]
fn ChoiceRow(
    choice: NotificationChoice,
    save: ServerAction<SetNotificationChoice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = choice.kind;
    let email = RwSignal::new(choice.email);
    let in_app = RwSignal::new(choice.in_app);
    let name = move || notification_kind_label(i18n, kind);
    let send = move || {
        save.dispatch(SetNotificationChoice {
            kind,
            email: email.get_untracked(),
            in_app: in_app.get_untracked(),
        });
    };
    view! {
        <tr data-kind=kind.as_str()>
            <th scope="row">{name}</th>
            <td>
                <input type="checkbox" name=format!("{}-email", kind.as_str())
                    aria-label=move || format!("{}: {}", t_string!(i18n, notifications.by_email), name())
                    checked=move || email.get() prop:checked=move || email.get()
                    on:change=move |e| { email.set(event_target_checked(&e)); send(); } />
            </td>
            <td>
                <input type="checkbox" name=format!("{}-in-app", kind.as_str())
                    aria-label=move || format!("{}: {}", t_string!(i18n, notifications.in_app), name())
                    checked=move || in_app.get() prop:checked=move || in_app.get()
                    on:change=move |e| { in_app.set(event_target_checked(&e)); send(); } />
            </td>
        </tr>
    }
}
