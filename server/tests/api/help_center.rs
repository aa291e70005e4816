//! Help-center search through the REST API (issue 6).

use serde_json::Value;

use crate::helpers::demo_app;

fn slugs(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|h| h["slug"].as_str().expect("slug").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_forgives_accents_typos_and_word_forms_and_admits_when_nothing_answers() {
    let app = demo_app().await;
    let visitor = app.browser();
    for (q, expected) in [
        ("webook nao recebe", "webhook-nao-recebe-eventos"),
        ("como cancelar a assinatura", "cancelar-assinatura"),
        ("cancelamento da assinatura", "cancelar-assinatura"),
        ("esqueci a senah", "redefinir-senha"),
    ] {
        let response = visitor
            .get(&format!(
                "/api/v1/articles/search?lang=pt-BR&q={}",
                q.replace(' ', "+")
            ))
            .await;
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        assert_eq!(
            slugs(&page).first().map(String::as_str),
            Some(expected),
            "{q}"
        );
        let first = &page["items"][0];
        assert!(first["score"].as_f64().unwrap() > 0.0);
        assert!(first["snippet"].is_string());
    }
    let none: Value = visitor
        .get("/api/v1/articles/search?lang=pt-BR&q=vagas+de+emprego")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(slugs(&none), Vec::<String>::new());
    // Without `lang`, the request's language decides; English finds the English article.
    let en: Value = app
        .get_with_language("/api/v1/articles/search?q=how+do+i+reset+my+password", "en")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(en["items"][0]["lang"], "en");
    // Bad input: a clear error or an empty answer, never a 500.
    let unknown = visitor.get("/api/v1/articles/search?q=senha&lang=fr").await;
    assert_eq!(unknown.status(), 422);
    for q in ["", "%20%20", "%22%27%25_%F0%9F%98%80", &"a".repeat(5000)] {
        let r = visitor.get(&format!("/api/v1/articles/search?q={q}")).await;
        assert_eq!(r.status(), 200, "{q}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_article_is_searchable_within_a_second_and_a_withdrawn_one_leaves() {
    let app = demo_app().await;
    let visitor = app.browser();
    let article = app::server::kb::KbArticle {
        slug: "pix-automatico".into(),
        title: "Pagar a fatura com Pix Automático".into(),
        lang: app::domain::Language::PtBr,
        category: "faturamento".into(),
        tags: vec!["pix".into()],
        // An import keeps the file's revision date, older than every demo article's.
        updated_at: chrono::Utc::now() - chrono::Duration::days(3650),
        translation_of: None,
        body_markdown: "Autorize o **Pix Automático** no app do seu banco.".into(),
    };
    let search = "/api/v1/articles/search?lang=pt-BR&q=pix+automatico";
    let before: Value = visitor.get(search).await.json().await.unwrap();
    assert!(!slugs(&before).contains(&"pix-automatico".to_owned()));
    app::server::services::help_center::import_articles(&app.db, std::slice::from_ref(&article))
        .await
        .unwrap();
    let published = std::time::Instant::now();
    let found = loop {
        let page: Value = visitor.get(search).await.json().await.unwrap();
        if slugs(&page).first().map(String::as_str) == Some("pix-automatico") {
            break true;
        }
        if published.elapsed() > std::time::Duration::from_secs(1) {
            break false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(found, "searchable within a second of publishing");

    // Back to draft: gone from search.
    let mut c = app.db.acquire().await.unwrap();
    let upsert = app::server::db::articles::ArticleUpsert {
        slug: &article.slug,
        title: &article.title,
        lang: article.lang,
        category: &article.category,
        tags: &article.tags,
        body_markdown: &article.body_markdown,
        published: false,
        updated_at: article.updated_at,
        changed_at: chrono::Utc::now(),
    };
    app::server::db::articles::upsert_by_slug(c.conn(), &upsert)
        .await
        .unwrap();
    drop(c);
    let withdrawn = std::time::Instant::now();
    let gone = loop {
        let page: Value = visitor.get(search).await.json().await.unwrap();
        if !slugs(&page).contains(&"pix-automatico".to_owned()) {
            break true;
        }
        if withdrawn.elapsed() > std::time::Duration::from_secs(1) {
            break false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(gone, "a draft leaves the search within a second");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_reads_rendered_with_its_translation_and_drafts_are_not_found() {
    let app = demo_app().await;
    let visitor = app.browser();
    let response = visitor.get("/api/v1/articles/redefinir-senha").await;
    assert_eq!(response.status(), 200);
    let article: Value = response.json().await.unwrap();
    assert_eq!(article["lang"], "pt-BR");
    assert_eq!(article["category"], "conta-e-acesso");
    let html = article["body_html"].as_str().unwrap();
    assert!(html.contains("<ol>") && html.contains("<strong>"), "{html}");
    assert!(
        !html.contains("<h1>"),
        "the title is the page's own heading"
    );
    let translations = article["translations"].as_array().unwrap();
    assert_eq!(translations.len(), 1);
    assert_eq!(translations[0]["lang"], "en");
    let other = translations[0]["slug"].as_str().unwrap();
    let english: Value = visitor
        .get(&format!("/api/v1/articles/{other}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(english["translations"][0]["slug"], "redefinir-senha");

    let missing = visitor.get("/api/v1/articles/nao-existe").await;
    assert_eq!(missing.status(), 404);
    let problem: Value = missing.json().await.unwrap();
    assert!(problem["title"].is_string());
}
