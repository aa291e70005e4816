use crate::helpers::{spawn_app, spawn_app_with, SpawnOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_is_server_rendered_in_portuguese_by_default() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("lang=\"pt-BR\""), "html lang missing");
    assert!(html.contains("Como podemos ajudar?"));
    assert!(html.contains("Central de ajuda"));
    // Categories come from the help-center data, with counts.
    assert!(html.contains("Conta e acesso"), "category missing");
    assert!(html.contains("8 artigos"), "plural count");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_follows_accept_language_before_sign_in() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let html = app
        .get_with_language("/", "en-GB,en;q=0.9")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("lang=\"en\""));
    assert!(html.contains("How can we help?"));
    assert!(html.contains("Account and access"));
    assert!(html.contains("4 articles"), "plural count");
    assert!(html.contains("1 article<"), "singular count");
    // Only English articles are listed in English.
    assert!(!html.contains("Como podemos ajudar?"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_cookie_wins_over_accept_language() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let html = app
        .client
        .get(app.url("/"))
        .header("accept-language", "en")
        .header("cookie", "i18n_pref_locale=pt-BR")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Como podemos ajudar?"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_help_center_says_so() {
    let app = spawn_app().await;
    let html = app.get("/").await.text().await.unwrap();
    assert!(html.contains("Ainda não há artigos publicados neste idioma."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_answer_404_with_a_translated_page() {
    let app = spawn_app().await;
    let response = app.get("/nao/existe").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("Página não encontrada"));
    assert!(
        html.contains("<title>Página não encontrada · Chamado</title>"),
        "title"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "br");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_center_pages_render_for_search_engines_and_without_javascript() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    // The home has a search form that works as a plain GET.
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains(r#"action="/ajuda/busca""#), "search form");
    assert!(home.contains(r#"href="/ajuda/"#), "article links");
    // An article: title, description, canonical link, sanitised body, translation link.
    let response = app.get("/ajuda/redefinir-senha").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>Esqueci minha senha: como criar uma nova · Chamado</title>"));
    assert!(html.contains(r#"<meta name="description" content="Se você não lembra a senha"#));
    assert!(html.contains(r#"<link href="/ajuda/redefinir-senha" rel="canonical">"#));
    assert!(html.contains("<strong>Esqueci minha senha</strong>"));
    assert!(html.contains(r#"hreflang="en""#), "link to the translation");
    // Results with highlighted words; an honest empty answer; a missing article is a 404.
    let results = app
        .get("/ajuda/busca?q=esqueci+a+senah")
        .await
        .text()
        .await
        .unwrap();
    assert!(results.contains(r#"href="/ajuda/redefinir-senha""#));
    assert!(results.contains("<mark>"));
    let none = app
        .get("/ajuda/busca?q=vagas+de+emprego")
        .await
        .text()
        .await
        .unwrap();
    // (Leptos marks interpolated text with `<!>` comments.)
    assert!(none
        .replace("<!>", "")
        .contains("Nenhum artigo responde a “vagas de emprego”."));
    let missing = app.get("/ajuda/nao-existe").await;
    assert_eq!(missing.status(), 404);
    assert!(missing
        .text()
        .await
        .unwrap()
        .contains("Artigo não encontrado"));
    // The article page asks "Was this helpful?" with a form that posts without JavaScript,
    // and links related articles.
    assert!(html.contains(r#"action="/api/fn/help-center/feedback""#));
    assert!(html.contains(r#"name="helpful" value="true""#));
    assert!(html.contains("Artigos relacionados"));
    // A category page lists its articles, with breadcrumbs and a canonical link; an empty or
    // unknown category is a 404.
    let category = app.get("/ajuda/categoria/faturamento").await;
    assert_eq!(category.status(), 200);
    let category = category.text().await.unwrap();
    assert!(category.contains(r#"<link href="/ajuda/categoria/faturamento" rel="canonical">"#));
    assert!(category.contains(r#"href="/ajuda/cancelar-assinatura""#));
    assert!(
        !category.contains(r#"href="/ajuda/redefinir-senha""#),
        "another category's"
    );
    assert_eq!(app.get("/ajuda/categoria/nao-existe").await.status(), 404);
    // The home links each category.
    assert!(home.contains(r#"href="/ajuda/categoria/faturamento""#));
}

/// A signed-in person's pages render their data on the server (the server functions behind
/// them find the application state even after waiting for the session), so the browser
/// hydrates the same page instead of an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_in_pages_render_their_data_on_the_server() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let (id, subject) = {
        let rows = app
            .texts(
                "SELECT t.subject FROM tickets t JOIN users u ON u.id = t.requester_id \
                 WHERE u.email = 'carla@acme.com.br' ORDER BY t.id",
                None,
            )
            .await;
        let id = app
            .number(
                "SELECT MIN(t.id) FROM tickets t JOIN users u ON u.id = t.requester_id \
                 WHERE u.email = 'carla@acme.com.br'",
            )
            .await;
        (format!("TKT-{id:06}"), rows[0].clone())
    };
    for path in [
        "/chamados".to_owned(),
        format!("/chamados/{id}"),
        "/chamados/novo".to_owned(),
    ] {
        // Several times: a lost context showed up only some of the time, as a resource
        // resolved on the server with an internal error (`__RESOLVED_RESOURCES[…] =
        // "{\"Err\":{\"kind\":\"internal\"}}"`) that the browser then hydrated.
        for _ in 0..3 {
            let html = carla.get(&path).await.text().await.unwrap();
            assert!(
                !html.contains(r#"\"kind\":\"internal\""#),
                "{path} resolved a resource with an internal error on the server"
            );
            if path != "/chamados/novo" {
                assert!(
                    html.replace("<!>", "").contains(subject.as_str()),
                    "{path} without the ticket"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administration_pages_render_for_admins_and_leads_only() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        ..Default::default()
    })
    .await;
    let admin = app.signed_in("admin@chamado.local").await;
    let lead = app.signed_in("lider@chamado.local").await;
    let agent = app.signed_in("ana@chamado.local").await;
    // Each page with something only its data can show, rendered on the server.
    for (path, expected) in [
        ("/admin/departamentos", "Caio Ramos"),
        ("/admin/pessoas", "carla@acme.com.br"),
        ("/admin/organizacoes", "Padaria Pão Quente"),
        ("/admin/tipos", "Suporte consultivo"),
        ("/admin/sla", "Horário comercial (São Paulo)"),
        (
            "/admin/configuracoes",
            "Indisponibilidade total em produção",
        ),
        ("/admin/auditoria", "TKT-0000"),
        ("/admin/relatorios", "data-testid=\"chart-daily\""),
    ] {
        let html = admin.get(path).await.text().await.unwrap();
        assert!(
            !html.contains(r#"\"kind\":\"internal\""#),
            "{path}: internal error"
        );
        assert!(html.contains(expected), "{path} without {expected:?}");
        let as_lead = lead.get(path).await.text().await.unwrap();
        assert!(as_lead.contains(expected), "{path}: leads read it");
        let as_agent = agent.get(path).await.text().await.unwrap();
        assert!(!as_agent.contains(expected), "{path}: agents do not");
        assert!(
            as_agent.contains("Você não tem permissão"),
            "{path}: agents are told why"
        );
    }

    // The audit log reads in the admin's language: field names, yes/no and statuses, never
    // the identifiers the rows keep.
    let created = admin
        .send(
            reqwest::Method::POST,
            "/api/v1/admin/departments",
            Some(serde_json::json!({"name": "Plantão", "agent_ids": []})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let id = created.json::<serde_json::Value>().await.unwrap()["id"].clone();
    let changed = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/admin/departments/{id}"),
            Some(serde_json::json!({"round_robin": true})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let html = admin
        .get("/admin/auditoria?entity=department")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Rodízio: não → sim"), "{html}");
    assert!(!html.contains("round_robin:"), "identifiers shown");
    let html = admin
        .get("/admin/auditoria?entity=ticket")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Status: Aberto → Respondido"), "{html}");
    assert!(
        !html.contains("status: open"),
        "ticket fields by identifier"
    );
}

/// Applications starting while another renders pages never stall a page: generating the route
/// list suppresses resource loads in the whole process (leptos-rs/leptos#4773), so it happens
/// once per process (`server::render::routes`), not once per application.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_applications_start_in_the_process() {
    let app = crate::helpers::demo_app().await;
    let starting = tokio::spawn(async {
        for _ in 0..16 {
            drop(spawn_app().await);
        }
    });
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("client");
    let mut rendered = 0;
    while !starting.is_finished() {
        let response = client
            .get(app.url("/"))
            .send()
            .await
            .expect("every page is answered");
        assert_eq!(response.status(), 200);
        let html = response.text().await.expect("body");
        assert!(html.contains("Como podemos ajudar?") && html.contains("</html>"));
        rendered += 1;
    }
    starting.await.expect("applications started");
    assert!(
        rendered > 0,
        "no page was rendered while applications started"
    );
}
