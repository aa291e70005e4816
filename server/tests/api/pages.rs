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
