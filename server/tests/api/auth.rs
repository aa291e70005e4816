//! Sign-in, sessions, the account API and the security floor of issue 3.

use std::time::Instant;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{
    cookie_pair, demo_app, set_session_cookie, spawn_app_with, SpawnOptions, PASSWORD,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_sets_a_safe_session_cookie_and_me_answers_as_the_api_says() {
    // Arrange
    let app = demo_app().await;
    let browser = app.browser();
    // Act
    let response = browser.sign_in("carla@acme.com.br", PASSWORD).await;
    // Assert
    assert_eq!(response.status(), 200);
    let cookie = set_session_cookie(&response).expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not mark the cookie Secure: {cookie}"
    );
    let me: Value = browser.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "carla@acme.com.br");
    assert_eq!(me["role"], "org_admin");
    assert_eq!(me["language"], "pt-BR");
    assert_eq!(me["organization"]["name"], "Acme Ltda");
    assert_eq!(me["organization"]["plan"], "enterprise");
    assert_eq!(me["can_open_tickets"], true);
    assert!(me["departments"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn me_reflects_role_plan_and_grant() {
    let app = demo_app().await;
    let cases = [
        ("diego@acme.com.br", "customer", true, "en"),
        ("elisa@acme.com.br", "customer", false, "pt-BR"),
        ("gabi@testegratis.com.br", "customer", false, "pt-BR"),
        ("fabio@paoquente.com.br", "org_admin", true, "pt-BR"),
        ("ana@chamado.local", "agent", false, "pt-BR"),
    ];
    for (email, role, can_open, language) in cases {
        let me: Value = app
            .signed_in(email)
            .await
            .get("/api/v1/me")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], role, "{email}");
        assert_eq!(me["can_open_tickets"], can_open, "{email}");
        assert_eq!(me["language"], language, "{email}");
    }
    let ana: Value = app
        .signed_in("ana@chamado.local")
        .await
        .get("/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ana["organization"], Value::Null);
    assert_eq!(ana["departments"][0]["name"], "Técnico");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_callers_get_401_in_their_language() {
    let app = demo_app().await;
    let response = app.get_with_language("/api/v1/me", "en").await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["title"], "You need to sign in to continue.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_unknown_email_answer_identically_and_in_similar_time() {
    let app = demo_app().await;
    let browser = app.browser();
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let mut bodies = Vec::new();
    for _ in 0..4 {
        let started = Instant::now();
        let r = browser
            .sign_in("diego@acme.com.br", "not-the-password!")
            .await;
        wrong.push(started.elapsed());
        assert_eq!(r.status(), 401);
        bodies.push(r.text().await.unwrap());
        let started = Instant::now();
        let r = browser
            .sign_in("nobody@acme.com.br", "not-the-password!")
            .await;
        unknown.push(started.elapsed());
        assert_eq!(r.status(), 401);
        bodies.push(r.text().await.unwrap());
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "answers differ: {bodies:?}"
    );
    wrong.sort();
    unknown.sort();
    let (w, u) = (wrong[2].as_secs_f64(), unknown[2].as_secs_f64());
    // Both run one argon2 verification; only a missing verification would make them differ by far.
    assert!(
        w / u < 3.0 && u / w < 3.0,
        "median wrong {w:.3}s vs unknown {u:.3}s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_id_rotates_at_sign_in_and_dies_at_sign_out() {
    let app = demo_app().await;
    let browser = app.browser();
    let first = cookie_pair(
        &set_session_cookie(&browser.sign_in("diego@acme.com.br", PASSWORD).await).unwrap(),
    );
    let second = cookie_pair(
        &set_session_cookie(&browser.sign_in("diego@acme.com.br", PASSWORD).await).unwrap(),
    );
    assert_ne!(first, second, "session id must change at sign-in");

    let with_cookie = |cookie: String| {
        let client = app.client.clone();
        let url = app.url("/api/v1/me");
        async move {
            client
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        with_cookie(first.clone()).await,
        401,
        "the pre-rotation id must be dead"
    );
    assert_eq!(with_cookie(second.clone()).await, 200);

    let out = browser.send(Method::DELETE, "/api/v1/session", None).await;
    assert_eq!(out.status(), 204);
    assert_eq!(
        with_cookie(second).await,
        401,
        "a signed-out session must be dead server-side"
    );
    assert_eq!(browser.get("/api/v1/me").await.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_per_account_after_ten_failures() {
    let app = demo_app().await;
    let browser = app.browser();
    for attempt in 1..=10 {
        let r = browser
            .sign_in("diego@acme.com.br", "wrong-password-xx")
            .await;
        assert_eq!(r.status(), 401, "attempt {attempt}");
    }
    let blocked = browser.sign_in("diego@acme.com.br", PASSWORD).await;
    assert_eq!(blocked.status(), 429, "even the right password waits");
    let retry: u64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let body: Value = blocked.json().await.unwrap();
    assert_eq!(body["status"], 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_throttled_per_address_across_accounts() {
    let app = demo_app().await;
    let browser = app.browser();
    for i in 0..10 {
        let r = browser
            .sign_in(&format!("guess{i}@acme.com.br"), "wrong-password-xx")
            .await;
        assert_eq!(r.status(), 401);
    }
    assert_eq!(
        browser
            .sign_in("carla@acme.com.br", PASSWORD)
            .await
            .status(),
        429
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_writes_are_refused_and_change_nothing() {
    let app = demo_app().await;
    let browser = app.signed_in("diego@acme.com.br").await;
    let evil = browser
        .client
        .patch(browser.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .json(&json!({"name": "Hacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    let no_origin = browser
        .client
        .patch(browser.url("/api/v1/me"))
        .json(&json!({"name": "Hacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), 403);
    let fetch_cross = browser
        .client
        .post(browser.url("/api/fn/me/profile"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("name", "Hacked"), ("language", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_cross.status(), 403);
    let me: Value = browser.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["name"], "Diego Alves");
    assert_eq!(me["language"], "en");
    // The same write from the site itself goes through.
    let ok = browser
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"name": "Diego A."})),
        )
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = demo_app().await;
    let page = app.get("/").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script must carry the CSP nonce"
    );
    for path in ["/api/v1/me", "/healthz", "/api/openapi.json", "/nao-existe"] {
        let r = app.get(path).await;
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert!(
            r.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
    // Personal data is never stored by a browser or proxy; a visitor's public page may be.
    let diego = app.signed_in("diego@acme.com.br").await;
    for path in ["/api/v1/me", "/api/v1/tickets", "/chamados", "/"] {
        let r = diego.get(path).await;
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    assert!(app.get("/").await.headers().get("cache-control").is_none());
    assert!(
        app.get("/")
            .await
            .headers()
            .get("strict-transport-security")
            .is_none(),
        "no HSTS over plain http"
    );
    let https = crate::helpers::spawn_app_with(crate::helpers::SpawnOptions {
        public_url: Some("https://suporte.example.com".to_owned()),
        ..Default::default()
    })
    .await;
    assert_eq!(
        https.get("/healthz").await.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_validates_and_ends_other_sessions() {
    let app = demo_app().await;
    let laptop = app.signed_in("diego@acme.com.br").await;
    let phone = app.signed_in("diego@acme.com.br").await;
    let token = crate::helpers::api_token(&laptop).await;
    let token_works = || async {
        let response = app.get_as("/api/v1/me", &token).await;
        response.status()
    };
    assert_eq!(token_works().await, 200);

    let wrong = laptop
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"password": {"current": "nope-nope-nope", "new": "uma-senha-nova-boa"}})),
        )
        .await;
    assert_eq!(wrong.status(), 422);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "password.current");
    assert_eq!(body["errors"][0]["code"], "wrong_password");
    assert_eq!(
        body["errors"][0]["message"], "Wrong current password.",
        "diego reads English"
    );

    let short = laptop
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"name": "Novo Nome", "password": {"current": PASSWORD, "new": "curta"}})),
        )
        .await;
    assert_eq!(short.status(), 422);
    let me: Value = laptop.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(
        me["name"], "Diego Alves",
        "an invalid request changes nothing"
    );

    let ok = laptop
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"password": {"current": PASSWORD, "new": "uma-senha-nova-boa"}})),
        )
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        laptop.get("/api/v1/me").await.status(),
        200,
        "this session stays signed in"
    );
    assert_eq!(
        phone.get("/api/v1/me").await.status(),
        401,
        "other sessions end"
    );
    assert_eq!(
        token_works().await,
        401,
        "API tokens end with the old password"
    );
    assert_eq!(
        app.browser()
            .sign_in("diego@acme.com.br", PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.browser()
            .sign_in("diego@acme.com.br", "uma-senha-nova-boa")
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stored_hash_is_never_accepted_as_a_password() {
    let app = demo_app().await;
    let id = app.user_id("carla@acme.com.br").await;
    let hash = {
        let mut c = app.db.acquire().await.unwrap();
        app::backend::db::users::find_password_hash(c.conn(), id)
            .await
            .unwrap()
            .unwrap()
    };
    assert!(hash.starts_with("$argon2id$"));
    assert_eq!(
        app.browser()
            .sign_in("carla@acme.com.br", &hash)
            .await
            .status(),
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_are_shown_once_stored_hashed_and_revocable() {
    let app = demo_app().await;
    let browser = app.signed_in("diego@acme.com.br").await;
    // From a session, the password is asked again: missing or wrong, no token.
    for (body, code) in [
        (json!({"name": "CI"}), "required"),
        (
            json!({"name": "CI", "password": "not-my-password"}),
            "wrong_password",
        ),
    ] {
        let refused = browser
            .send(Method::POST, "/api/v1/me/tokens", Some(body))
            .await;
        assert_eq!(refused.status(), 422);
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(
            crate::helpers::field_codes(&problem),
            [("password".to_owned(), code.to_owned())]
        );
    }
    let created = browser
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "CI", "password": PASSWORD})),
        )
        .await;
    assert_eq!(created.status(), 201);
    // Guessing the password there counts like guessing at sign-in: 10 wrong, then 429.
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let guess = json!({"name": "CI", "password": "not-my-password"});
        let r = browser
            .send(Method::POST, "/api/v1/me/tokens", Some(guess))
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        9,
        "{statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let created: Value = created.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("chm_"));

    // Bearer calls need no cookie and no Origin.
    let me = app.get_as("/api/v1/me", &token).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["email"], "diego@acme.com.br");
    let bearer_write = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .json(&json!({"language": "pt-BR"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer_write.status(), 200);

    // Listed without the secret; the database keeps only a hash.
    let list = browser.get("/api/v1/me/tokens").await.text().await.unwrap();
    assert!(list.contains("\"CI\"") && !list.contains(&token));
    let stored = app.texts("SELECT token_hash FROM api_tokens", None).await;
    assert_eq!(stored, vec![app::backend::secrets::hash(&token)]);

    // Someone else cannot revoke it; its owner can, and it stops working at once.
    let id = created["id"].as_i64().unwrap();
    let other = app.signed_in("carla@acme.com.br").await;
    assert_eq!(
        other
            .send(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        browser
            .send(Method::DELETE, &format!("/api/v1/me/tokens/{id}"), None)
            .await
            .status(),
        204
    );
    let after = app.get_as("/api/v1/me", &token).await;
    assert_eq!(after.status(), 401);
    let bogus = app.get_as("/api/v1/me", "chm_nope").await;
    assert_eq!(bogus.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_get_problems_never_500() {
    let app = demo_app().await;
    let browser = app.signed_in("diego@acme.com.br").await;
    let broken = browser
        .client
        .patch(browser.url("/api/v1/me"))
        .header("origin", &browser.base)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    assert_eq!(broken.headers()["content-type"], "application/problem+json");
    let wrong_type = browser
        .client
        .patch(browser.url("/api/v1/me"))
        .header("origin", &browser.base)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let wrong_shape = browser
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"language": "klingon"})),
        )
        .await;
    assert_eq!(wrong_shape.status(), 422);
    let no_fields = browser
        .send(Method::POST, "/api/v1/session", Some(json!({"email": 3})))
        .await;
    assert_eq!(no_fields.status(), 422);
    let bad_fn_args = browser.server_fn("me/profile", &[("nome", "x")]).await;
    assert_eq!(bad_fn_args.status(), 400);
    let unknown_fn = browser.server_fn("does/not/exist", &[]).await;
    assert!(
        unknown_fn.status().is_client_error(),
        "{}",
        unknown_fn.status()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_the_session_cookie_is_secure() {
    let app = spawn_app_with(SpawnOptions {
        demo: true,
        public_url: Some("https://suporte.example.com.br".to_owned()),

        ..Default::default()
    })
    .await;
    let response = app.browser().sign_in("diego@acme.com.br", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = set_session_cookie(&response).expect("session cookie");
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

/// A session read by another instance is trusted for at most a second (issue 20): a sign-out
/// or a deactivation on one instance ends the session on the other within that time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_or_deactivation_reaches_the_other_instance_within_a_second() {
    let app = demo_app().await;
    let other = app.second_instance().await;
    let admin = app.signed_in("admin@chamado.local").await;
    for (email, end) in [
        ("diego@acme.com.br", "sign-out"),
        ("ana@chamado.local", "deactivation"),
    ] {
        let signed = app.browser().sign_in(email, PASSWORD).await;
        let cookie = cookie_pair(&set_session_cookie(&signed).expect("session cookie"));
        let me_on = |app: &crate::helpers::TestApp| {
            let request = app
                .client
                .get(app.url("/api/v1/me"))
                .header("cookie", &cookie);
            async move { request.send().await.unwrap().status().as_u16() }
        };
        // Both instances know the session (the other one now keeps it in memory).
        assert_eq!(me_on(&app).await, 200);
        assert_eq!(me_on(&other).await, 200);
        assert_eq!(me_on(&other).await, 200);
        let ended = match end {
            "sign-out" => app
                .client
                .delete(app.url("/api/v1/session"))
                .header("cookie", &cookie)
                .header("origin", app.url(""))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            _ => {
                let id = app.user_id(email).await;
                admin
                    .send(Method::DELETE, &format!("/api/v1/admin/users/{id}"), None)
                    .await
                    .status()
                    .as_u16()
            }
        };
        assert!(ended == 200 || ended == 204, "{end}: {ended}");
        let started = Instant::now();
        assert_eq!(me_on(&app).await, 401, "{end}: at once where it happened");
        while me_on(&other).await != 401 {
            assert!(
                started.elapsed().as_millis() < 1500,
                "{end}: still signed in on the other instance after {:?}",
                started.elapsed()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}
