use crate::helpers::{backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_ok() {
    // Arrange
    let app = spawn_app().await;
    // Act
    let response = app.get("/healthz").await;
    // Assert
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_reports_the_backend_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], backend().name());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_answers_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    // Not public: without the scrape token (or with a wrong one) there is no such page.
    assert_eq!(app.get("/metrics").await.status(), 404);
    let wrong = app.get_as("/metrics", "guess").await;
    assert_eq!(wrong.status(), 404);
    let response = app.get_as("/metrics", crate::helpers::METRICS_TOKEN).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("axum_http_requests_total"), "{text}");
    assert!(text.contains("endpoint=\"/healthz\""), "{text}");
    assert!(
        text.contains("axum_http_requests_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        text.contains("chamado_db_pool_in_use_connections"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_document_describes_the_operations_routes() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/healthz", "/readyz", "/api/openapi.json"] {
        assert!(doc["paths"][path]["get"].is_object(), "missing {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_api_paths_answer_a_translated_problem_document() {
    let app = spawn_app().await;

    let pt = app.get("/api/v1/nothing-here").await;
    assert_eq!(pt.status(), 404);
    assert_eq!(pt.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = pt.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert_eq!(body["title"], "Não encontrado.");

    let en = app
        .get_with_language("/api/v1/nothing-here", "en-US,en;q=0.9")
        .await;
    let body: serde_json::Value = en.json().await.unwrap();
    assert_eq!(body["title"], "Not found.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stops_gracefully_when_asked() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    let addr = app.addr;
    app.stop().await.expect("clean stop");
    assert!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .is_err(),
        "still listening after stop"
    );
}
