use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the document title to "<page> · Chamado"; `text` is reactive so it follows the language.
#[component]
pub fn PageTitle(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! { <Title text=move || format!("{} · Chamado", text.get()) /> }
}
