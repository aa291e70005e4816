use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::domain::{HelpCenterHome, Language};
use crate::error::AppError;

/// The public help-center home (categories and recent articles) in one language.
#[server(prefix = "/api/fn", endpoint = "help-center/home", input = GetUrl)]
pub async fn get_help_center_home(lang: Language) -> Result<HelpCenterHome, AppError> {
    use crate::server::{app_state, services::help_center};
    let state = app_state()?;
    help_center::home(&state.db, lang).await
}

/// A published article, rendered and sanitised.
#[server(prefix = "/api/fn", endpoint = "help-center/article", input = GetUrl)]
pub async fn get_article(slug: String) -> Result<crate::domain::ArticleView, AppError> {
    use crate::server::{app_state, services::help_center};
    let state = app_state()?;
    help_center::article(&state.db, &slug).await
}

/// Help-center search (the search page and, later, suggestions while typing).
#[server(prefix = "/api/fn", endpoint = "help-center/search", input = GetUrl)]
pub async fn search_articles(
    q: String,
    lang: Language,
) -> Result<crate::domain::ArticleHits, AppError> {
    use crate::server::{app_state, services::help_center};
    let state = app_state()?;
    help_center::search(&state.search, &q, lang, 10)
}
