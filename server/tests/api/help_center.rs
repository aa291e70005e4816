//! Help-center search through the REST API (issue 6).

use serde_json::Value;

use crate::helpers::{demo_app, field_codes};

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
    let article = app::backend::kb::KbArticle {
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
    app::backend::services::help_center::import_articles(&app.db, std::slice::from_ref(&article))
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
    let upsert = app::backend::db::articles::ArticleUpsert {
        content: app::backend::db::articles::ArticleContent {
            slug: &article.slug,
            title: &article.title,
            lang: article.lang,
            category: &article.category,
            tags: &article.tags,
            body_markdown: &article.body_markdown,
            published: false,
        },
        updated_at: article.updated_at,
        // A write whose time is older than what the index saw (another instance's clock, a
        // transaction that waited for the lock) must be caught up all the same.
        changed_at: article.updated_at,
    };
    app::backend::db::articles::upsert_by_slug(c.conn(), &upsert)
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

/// Polls a search until `wanted(slugs)` holds, for at most a second.
async fn within_a_second(
    browser: &crate::helpers::Browser,
    path: &str,
    wanted: impl Fn(&[String]) -> bool,
) -> bool {
    let started = std::time::Instant::now();
    loop {
        let page: Value = browser.get(path).await.json().await.unwrap();
        if wanted(&slugs(&page)) {
            return true;
        }
        if started.elapsed() > std::time::Duration::from_secs(1) {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_drafts_publishes_and_deletes_an_article_and_others_may_not() {
    use reqwest::Method;
    let app = demo_app().await;
    let ana = app.signed_in("ana@chamado.local").await; // agent with the editor right
    let bruno = app.signed_in("bruno@chamado.local").await; // agent without it
    let lead = app.signed_in("lider@chamado.local").await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let visitor = app.browser();
    let draft = serde_json::json!({
        "title": "Emitir nota fiscal de serviço", "lang": "pt-BR", "category": "faturamento",
        "tags": ["nfs-e", " nota fiscal ", "NFS-e"],
        "body_markdown": "Abra **Faturamento → Notas** e clique em *Emitir*.\n\n<script>alert(1)</script>",
    });
    for (who, browser) in [("agent", &bruno), ("lead", &lead), ("customer", &diego)] {
        let r = browser
            .send(Method::POST, "/api/v1/admin/articles", Some(draft.clone()))
            .await;
        assert_eq!(r.status(), 403, "{who} may not write articles");
    }
    assert_eq!(diego.get("/api/v1/admin/articles").await.status(), 403);
    let before = app.number("SELECT COUNT(*) FROM articles").await;

    // Bad input: every problem at once, nothing written.
    let bad = ana
        .send(
            Method::POST,
            "/api/v1/admin/articles",
            Some(
                serde_json::json!({"title": " ", "slug": "Com Espaço", "lang": "pt-BR",
                "category": "", "body_markdown": "", "translation_of": "nao-existe"}),
            ),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.unwrap();
    let errors = field_codes(&problem);
    for expected in [
        ("title", "required"),
        ("category", "required"),
        ("body_markdown", "required"),
    ] {
        assert!(
            errors.contains(&(expected.0.into(), expected.1.into())),
            "{errors:?}"
        );
    }
    // Another article's slug, and the search page's, are taken.
    for slug in ["redefinir-senha", "busca"] {
        let taken = ana
            .send(
                Method::POST,
                "/api/v1/admin/articles",
                Some(
                    serde_json::json!({"title": "Outra", "slug": slug, "lang": "pt-BR",
                    "category": "faturamento", "body_markdown": "x"}),
                ),
            )
            .await;
        assert_eq!(taken.status(), 422);
        assert_eq!(
            field_codes(&taken.json().await.unwrap()),
            vec![("slug".to_owned(), "taken".to_owned())]
        );
    }
    assert_eq!(app.number("SELECT COUNT(*) FROM articles").await, before);

    // "Create an article from this ticket": the subject and the last support answer.
    let answered: (String, String) = {
        let id = app
            .number(
                // One Ana sees: her department's.
                "SELECT MIN(t.id) FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id \
                 JOIN users u ON u.id = m.author_id \
                 JOIN departments d ON d.id = t.department_id \
                 WHERE u.role = 'agent' AND NOT m.internal AND t.status <> 'open' \
                 AND d.name = 'Técnico'",
            )
            .await;
        let subject = app
            .texts("SELECT subject FROM tickets WHERE id = $1", Some(id))
            .await
            .remove(0);
        (format!("TKT-{id:06}"), subject)
    };
    let editor: Value = ana
        .get(&format!("/api/fn/help-center/editor?ticket={}", answered.0))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(editor[0], Value::Null, "a new article: {editor}");
    assert_eq!(editor[1]["title"], answered.1.as_str());
    let last_answer = app
        .texts(
            "SELECT m.body FROM ticket_messages m JOIN users u ON u.id = m.author_id \
             WHERE m.ticket_id = $1 AND u.role IN ('agent','lead','admin') AND NOT m.internal \
             ORDER BY m.id DESC",
            Some(answered.0[4..].parse().unwrap()),
        )
        .await
        .remove(0);
    assert_eq!(editor[1]["body_markdown"], last_answer.as_str());
    assert_eq!(editor[1]["published"], false);
    assert_eq!(
        bruno
            .get(&format!("/api/fn/help-center/editor?ticket={}", answered.0))
            .await
            .status(),
        403
    );

    // A draft: saved, slug from the title, tags tidied, not public.
    let created = ana
        .send(Method::POST, "/api/v1/admin/articles", Some(draft.clone()))
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["draft"]["slug"], "emitir-nota-fiscal-de-servico");
    assert_eq!(created["draft"]["published"], false);
    assert_eq!(
        created["draft"]["tags"],
        serde_json::json!(["nfs-e", "nota fiscal"])
    );
    let page = "/api/v1/articles/emitir-nota-fiscal-de-servico";
    assert_eq!(visitor.get(page).await.status(), 404);
    let search = "/api/v1/articles/search?lang=pt-BR&q=emitir+nota+fiscal";
    let listed: Value = lead
        .get("/api/v1/admin/articles?status=draft")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == id));

    // Published: searchable within a second, rendered without the script.
    let published = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/articles/{id}"),
            Some(serde_json::json!({"published": true})),
        )
        .await;
    assert_eq!(published.status(), 200);
    assert!(
        within_a_second(&visitor, search, |s| s.first().map(String::as_str)
            == Some("emitir-nota-fiscal-de-servico"))
        .await,
        "searchable within a second of publishing"
    );
    let article: Value = visitor.get(page).await.json().await.unwrap();
    let html = article["body_html"].as_str().unwrap();
    assert!(
        html.contains("<strong>Faturamento → Notas</strong>"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");

    // Renamed: the old address leaves the search, the new one comes in.
    let renamed = ana
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/articles/{id}"),
            Some(serde_json::json!({"slug": "nota-fiscal"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert!(
        within_a_second(&visitor, search, |s| s.first().map(String::as_str)
            == Some("nota-fiscal")
            && !s.contains(&"emitir-nota-fiscal-de-servico".to_owned()))
        .await
    );
    assert_eq!(
        bruno
            .send(
                Method::DELETE,
                &format!("/api/v1/admin/articles/{id}"),
                None
            )
            .await
            .status(),
        403
    );
    let deleted = ana
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/articles/{id}"),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    assert!(within_a_second(&visitor, search, |s| !s.contains(&"nota-fiscal".to_owned())).await);
    assert_eq!(
        visitor.get("/api/v1/articles/nota-fiscal").await.status(),
        404
    );
    assert_eq!(
        ana.get(&format!("/api/v1/admin/articles/{id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_lists_related_articles_and_the_sitemap() {
    use reqwest::Method;
    let app = demo_app().await;
    let visitor = app.browser();
    let vote = |helpful: bool| serde_json::json!({ "helpful": helpful });
    // Three visitors (a vote counts once per visitor).
    for helpful in [true, true, false] {
        let r = app
            .browser()
            .send(
                Method::POST,
                "/api/v1/articles/redefinir-senha/feedback",
                Some(vote(helpful)),
            )
            .await;
        assert_eq!(r.status(), 204);
    }
    let missing = visitor
        .send(
            Method::POST,
            "/api/v1/articles/nao-existe/feedback",
            Some(vote(true)),
        )
        .await;
    assert_eq!(missing.status(), 404);
    let malformed = visitor
        .send(
            Method::POST,
            "/api/v1/articles/redefinir-senha/feedback",
            Some(serde_json::json!({"helpful": "talvez"})),
        )
        .await;
    assert_eq!(malformed.status(), 422);
    assert_eq!(
        crate::hardening::votes_of(&app, "redefinir-senha").await,
        (2, 1)
    );

    // The public list pages through every published article of a language, once each.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = visitor
            .get(&format!(
                "/api/v1/articles?lang=pt-BR&limit=7&cursor={cursor}"
            ))
            .await
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["lang"], "pt-BR");
            seen.push(item["slug"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let published_pt = app
        .number("SELECT COUNT(*) FROM articles WHERE lang = 'pt-BR' AND status = 'published'")
        .await;
    assert_eq!(seen.len() as i64, published_pt);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    let billing: Value = visitor
        .get("/api/v1/articles?lang=pt-BR&category=faturamento")
        .await
        .json()
        .await
        .unwrap();
    assert!(billing["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["category"] == "faturamento"));
    assert_eq!(visitor.get("/api/v1/articles?lang=xx").await.status(), 422);

    // Related articles: others, never itself or its translation.
    let article: Value = visitor
        .get("/api/v1/articles/cancelar-assinatura")
        .await
        .json()
        .await
        .unwrap();
    let related = article["related"].as_array().unwrap();
    assert!(!related.is_empty() && related.len() <= 5, "{related:?}");
    assert!(related.iter().all(|r| r["slug"] != "cancelar-assinatura"));

    let sitemap = visitor.get("/sitemap.xml").await;
    assert_eq!(sitemap.status(), 200);
    assert!(sitemap.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/xml"));
    let xml = sitemap.text().await.unwrap();
    let urls = xml.matches("<url>").count() as i64;
    let published = app
        .number("SELECT COUNT(*) FROM articles WHERE status = 'published'")
        .await;
    assert_eq!(urls, published + 1, "the home and every published article");
    assert!(xml.contains("/ajuda/redefinir-senha</loc>"));
    assert!(xml.contains("hreflang=\"en\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ticket_form_suggests_articles_and_similar_tickets_and_counts_deflections() {
    use reqwest::Method;
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await; // Acme shares tickets
    let diego = app.signed_in("diego@acme.com.br").await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await; // another organization
    let geral = diego.department("Geral").await;
    let opened = carla
        .send(
            Method::POST,
            "/api/v1/tickets",
            Some(serde_json::json!({"type": "duvida", "department_id": geral,
                "priority": "low", "subject": "Webhook de faturas não recebe eventos",
                "message": "Desde ontem nada chega.", "fields": {}})),
        )
        .await;
    assert_eq!(opened.status(), 201);
    let carla_ticket: Value = opened.json().await.unwrap();

    let path = |attempt: &str| {
        format!("/api/v1/suggestions?q=webhook+nao+recebe+eventos&lang=pt-BR&attempt={attempt}")
    };
    let seen: Value = diego.get(&path("tentativa-1")).await.json().await.unwrap();
    let articles = seen["articles"].as_array().unwrap();
    assert!(!articles.is_empty() && articles.len() <= 3, "{seen}");
    assert_eq!(articles[0]["slug"], "webhook-nao-recebe-eventos");
    let similar = seen["similar_tickets"].as_array().unwrap();
    assert!(similar.len() <= 3);
    assert!(
        similar.iter().any(|t| t["id"] == carla_ticket["id"]),
        "{seen}"
    );
    // Without an attempt, nothing is recorded.
    let other: Value = fabio
        .get("/api/v1/suggestions?q=webhook+nao+recebe+eventos&lang=pt-BR")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        other["similar_tickets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["organization"]["name"] == "Padaria Pão Quente"),
        "never another organization's tickets: {other}"
    );
    assert_eq!(app.browser().get(&path("x")).await.status(), 401);
    assert_eq!(diego.get(&path("não%20vale")).await.status(), 422);

    let step = |attempt: &'static str, step: &'static str| {
        let diego = &diego;
        async move {
            diego
                .send(
                    Method::POST,
                    &format!("/api/v1/suggestions/{attempt}/steps"),
                    Some(serde_json::json!({ "step": step })),
                )
                .await
                .status()
        }
    };
    // Attempt 1: opened an article, left: a deflection.
    assert_eq!(step("tentativa-1", "opened").await, 204);
    assert_eq!(step("tentativa-1", "left").await, 204);
    // Attempt 2: opened an article, then opened the ticket anyway.
    diego.get(&path("tentativa-2")).await;
    assert_eq!(step("tentativa-2", "opened").await, 204);
    let anyway = diego
        .send(
            Method::POST,
            "/api/v1/tickets",
            Some(serde_json::json!({"type": "duvida", "department_id": geral,
                "priority": "low", "subject": "Webhook ainda sem eventos",
                "message": "O artigo não resolveu.", "fields": {},
                "deflection_attempt": "tentativa-2"})),
        )
        .await;
    assert_eq!(anyway.status(), 201);
    // Attempt 3: suggestions seen, nothing opened, left: not a deflection.
    diego.get(&path("tentativa-3")).await;
    assert_eq!(step("tentativa-3", "left").await, 204);
    assert_eq!(step("nunca-vista", "opened").await, 422);

    assert_eq!(
        diego.get("/api/v1/admin/reports/deflection").await.status(),
        403
    );
    let admin = app.signed_in("admin@chamado.local").await;
    let report: Value = admin
        .get("/api/v1/admin/reports/deflection")
        .await
        .json()
        .await
        .unwrap();
    let total = &report["total"];
    assert_eq!(total["suggestions_shown"], 3, "{report}");
    assert_eq!(total["articles_opened"], 2);
    assert_eq!(total["deflected"], 1);
    assert_eq!(total["submitted_anyway"], 1);
    assert!((total["deflection_rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    let weeks = report["weeks"].as_array().unwrap();
    assert_eq!(
        weeks
            .iter()
            .map(|w| w["deflected"].as_i64().unwrap())
            .sum::<i64>(),
        1
    );
    for bad in [
        "from=2026-13-01",
        "to=-262143-01-01",
        "to=%2B262142-12-31",
        "from=2026-11-20&to=2026-01-01",
    ] {
        assert_eq!(
            admin
                .get(&format!("/api/v1/admin/reports/deflection?{bad}"))
                .await
                .status(),
            422,
            "{bad}"
        );
    }
    // Refused before its dates are even read.
    assert_eq!(
        diego
            .get("/api/v1/admin/reports/deflection?to=-262143-01-01")
            .await
            .status(),
        403
    );
    // Support staff trying the form count nothing.
    let ana = app.signed_in("ana@chamado.local").await;
    let before = app.number("SELECT COUNT(*) FROM deflection_attempts").await;
    assert_eq!(ana.get(&path("equipe")).await.status(), 200);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM deflection_attempts").await,
        before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_edit_the_search_synonyms_and_every_search_uses_them() {
    use reqwest::Method;
    let app = demo_app().await;
    let visitor = app.browser();
    let search = "/api/v1/articles/search?lang=pt-BR&q=palavrachave";
    let none: Value = visitor.get(search).await.json().await.unwrap();
    assert!(slugs(&none).is_empty());
    let ana = app.signed_in("ana@chamado.local").await;
    let admin = app.signed_in("admin@chamado.local").await;
    let current: Value = ana
        .get("/api/v1/admin/synonyms")
        .await
        .json()
        .await
        .unwrap();
    assert!(current["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g == &serde_json::json!(["senha", "password"])));
    let mut groups = current["groups"].as_array().unwrap().clone();
    groups.push(serde_json::json!(["palavrachave", " senha ", ""]));
    let body = serde_json::json!({ "groups": groups });
    assert_eq!(
        ana.send(Method::PUT, "/api/v1/admin/synonyms", Some(body.clone()))
            .await
            .status(),
        403,
        "only admins edit synonyms"
    );
    let too_long = serde_json::json!({"groups": [["a".repeat(61), "b"]]});
    assert_eq!(
        admin
            .send(Method::PUT, "/api/v1/admin/synonyms", Some(too_long))
            .await
            .status(),
        422
    );
    let saved = admin
        .send(Method::PUT, "/api/v1/admin/synonyms", Some(body))
        .await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(
        saved["groups"].as_array().unwrap().last().unwrap(),
        &serde_json::json!(["palavrachave", "senha"])
    );
    assert!(
        within_a_second(&visitor, search, |s| s.first().map(String::as_str)
            == Some("redefinir-senha"))
        .await,
        "a new synonym applies within a second"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_whose_translation_goes_away_is_searchable_in_both_languages_again() {
    use reqwest::Method;
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let visitor = app.browser();
    let write = |body: Value| {
        let admin = &admin;
        async move {
            let r = admin
                .send(Method::POST, "/api/v1/admin/articles", Some(body))
                .await;
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    write(
        serde_json::json!({"title": "Exportar contatos em planilha", "slug": "exportar-contatos",
        "lang": "pt-BR", "category": "suporte", "published": true,
        "body_markdown": "Use Contatos → Exportar para baixar a planilha xlsxexport."}),
    )
    .await;
    let english = write(
        serde_json::json!({"title": "Export contacts to a spreadsheet",
        "slug": "export-contacts", "lang": "en", "category": "suporte", "published": true,
        "translation_of": "exportar-contatos",
        "body_markdown": "Use Contacts → Export to download the xlsxexport spreadsheet."}),
    )
    .await;
    let search = "/api/v1/articles/search?lang=en&q=xlsxexport";
    // Translated: English readers get the English article only.
    assert!(
        within_a_second(&visitor, search, |s| s == ["export-contacts"]).await,
        "the translation stands in for the original"
    );
    let deleted = admin
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/articles/{english}"),
            None,
        )
        .await;
    assert_eq!(deleted.status(), 204);
    // The original is searchable in English again (it has no translation any more).
    assert!(within_a_second(&visitor, search, |s| s == ["exportar-contatos"]).await);
}
