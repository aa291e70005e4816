//! An organization admin manages members; invitation and password-reset links.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{json, Value};

use app::backend::services::auth::{self, PURPOSE_INVITATION, PURPOSE_PASSWORD_RESET};
use app::backend::services::organization;

use crate::helpers::{demo_app, TestApp, PASSWORD};

async fn current(app: &TestApp, email: &str) -> app::domain::CurrentUser {
    let id = app.user_id(email).await;
    let mut c = app.db.acquire().await.unwrap();
    auth::current_user(c.conn(), id).await.unwrap().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_admin_sees_only_their_own_members() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let emails = member_emails(&carla).await;
    assert_eq!(
        emails,
        [
            "carla@acme.com.br",
            "diego@acme.com.br",
            "elisa@acme.com.br"
        ]
    );
    let diego = app.signed_in("diego@acme.com.br").await;
    assert_eq!(
        diego.get("/api/v1/organization/members").await.status(),
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn granting_the_right_to_open_tickets_changes_what_the_member_may_do() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let elisa = app.signed_in("elisa@acme.com.br").await;
    let elisa_id = app.user_id("elisa@acme.com.br").await;
    let before: Value = elisa.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(before["can_open_tickets"], false);

    let granted = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{elisa_id}"),
            Some(json!({"can_open_tickets": true})),
        )
        .await;
    assert_eq!(granted.status(), 200);
    let after: Value = elisa.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(after["can_open_tickets"], true);

    let withdrawn = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{elisa_id}"),
            Some(json!({"can_open_tickets": false})),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);
    let again: Value = elisa.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(again["can_open_tickets"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_organizations_member_answers_exactly_like_a_missing_one() {
    let app = demo_app().await;
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let elisa_id = app.user_id("elisa@acme.com.br").await;
    let foreign = fabio
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{elisa_id}"),
            Some(json!({"can_open_tickets": true})),
        )
        .await;
    let missing = fabio
        .send(
            Method::PATCH,
            "/api/v1/organization/members/999999",
            Some(json!({"can_open_tickets": true})),
        )
        .await;
    assert_eq!(foreign.status(), 404);
    assert_eq!(missing.status(), 404);
    assert_eq!(foreign.text().await.unwrap(), missing.text().await.unwrap());
    let elisa: Value = app
        .signed_in("elisa@acme.com.br")
        .await
        .get("/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(elisa["can_open_tickets"], false, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivating_a_member_ends_their_sessions_and_tokens_at_once() {
    let app = demo_app().await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let token: Value = diego
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(json!({"name": "script", "password": crate::helpers::PASSWORD})),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_owned();
    let diego_id = app.user_id("diego@acme.com.br").await;

    let carla = app.signed_in("carla@acme.com.br").await;
    let r = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{diego_id}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(r.status(), 200);

    assert_eq!(diego.get("/api/v1/me").await.status(), 401);
    assert_eq!(
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        app.browser()
            .sign_in("diego@acme.com.br", PASSWORD)
            .await
            .status(),
        401
    );

    let me = app.user_id("carla@acme.com.br").await;
    let own = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{me}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(own.status(), 422, "an admin cannot lock themselves out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_link_sets_the_password_once_and_expires() {
    let app = demo_app().await;
    let carla = current(&app, "carla@acme.com.br").await;
    let now = Utc::now();
    let invitation = invited(
        organization::invite_member(
            &app.db,
            &carla,
            "nova@acme.com.br",
            "Nova Pessoa",
            false,
            now,
        )
        .await,
    );
    assert!(invitation.member.pending_invitation);
    let secret = invitation
        .link_path
        .trim_start_matches("/convite/")
        .to_owned();

    // The invitee cannot sign in before accepting.
    assert_eq!(
        app.browser().sign_in("nova@acme.com.br", "").await.status(),
        401
    );
    // The page offers the form; the link expires after 7 days.
    let page = { app.get(&invitation.link_path).await.text().await.unwrap() };
    assert!(page.contains("Aceitar convite"));
    assert!(auth::link_is_live(
        &app.db,
        PURPOSE_INVITATION,
        &secret,
        now + Duration::days(6)
    )
    .await
    .unwrap());
    assert!(!auth::link_is_live(
        &app.db,
        PURPOSE_INVITATION,
        &secret,
        now + Duration::days(8)
    )
    .await
    .unwrap());

    let browser = app.browser();
    let form = [
        ("purpose", "invitation"),
        ("token", secret.as_str()),
        ("password", "minha-senha-nova"),
        ("confirm", "minha-senha-nova"),
    ];
    let accepted = browser.server_fn("auth/set-password", &form).await;
    assert!(accepted.status().is_success(), "{}", accepted.status());
    let me: Value = browser.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["email"], "nova@acme.com.br");
    assert_eq!(me["can_open_tickets"], false);

    let reused = app.browser().server_fn("auth/set-password", &form).await;
    assert_eq!(reused.status(), 409, "single use");
    assert_eq!(
        app.browser()
            .sign_in("nova@acme.com.br", "minha-senha-nova")
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_reset_link_works_once_and_ends_old_sessions() {
    let app = demo_app().await;
    let old = app.signed_in("fabio@paoquente.com.br").await;
    let token = crate::helpers::api_token(&old).await;
    let path = auth::request_password_reset(&app.db, "FABIO@paoquente.com.br", Utc::now())
        .await
        .unwrap()
        .unwrap();
    let secret = path.trim_start_matches("/redefinir-senha/").to_owned();
    assert!(
        auth::request_password_reset(&app.db, "ninguem@x.com.br", Utc::now())
            .await
            .unwrap()
            .is_none()
    );

    let browser = app.browser();
    let mismatch = browser
        .server_fn(
            "auth/set-password",
            &[
                ("purpose", "password_reset"),
                ("token", &secret),
                ("password", "senha-nova-longa"),
                ("confirm", "outra-senha-longa"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), 422);
    let done = browser
        .server_fn(
            "auth/set-password",
            &[
                ("purpose", "password_reset"),
                ("token", &secret),
                ("password", "senha-nova-longa"),
                ("confirm", "senha-nova-longa"),
            ],
        )
        .await;
    assert!(done.status().is_success(), "{}", done.status());
    assert_eq!(
        old.get("/api/v1/me").await.status(),
        401,
        "sessions from before the reset end"
    );
    let by_token = app.get_as("/api/v1/me", &token).await;
    assert_eq!(by_token.status(), 401, "so do API tokens");
    assert_eq!(
        app.browser()
            .sign_in("fabio@paoquente.com.br", PASSWORD)
            .await
            .status(),
        401
    );
    assert_eq!(
        app.browser()
            .sign_in("fabio@paoquente.com.br", "senha-nova-longa")
            .await
            .status(),
        200
    );
    assert!(
        !auth::link_is_live(&app.db, PURPOSE_PASSWORD_RESET, &secret, Utc::now())
            .await
            .unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_functions_refuse_visitors_with_401() {
    let app = demo_app().await;
    let browser = app.browser();
    let r = browser
        .server_fn(
            "organization/members/can-open-tickets",
            &[("member_id", "1"), ("value", "true")],
        )
        .await;
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["kind"], "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inviting_a_pending_member_again_replaces_the_link() {
    let app = demo_app().await;
    let carla = current(&app, "carla@acme.com.br").await;
    let now = Utc::now();
    let first = invited(
        organization::invite_member(&app.db, &carla, "nova@acme.com.br", "Nova", false, now).await,
    );
    let second = invited(
        organization::invite_member(&app.db, &carla, "nova@acme.com.br", "Nova", false, now).await,
    );
    assert_eq!(first.member.id, second.member.id, "no duplicate account");
    let old = first.link_path.trim_start_matches("/convite/");
    let new = second.link_path.trim_start_matches("/convite/");
    assert!(!auth::link_is_live(&app.db, PURPOSE_INVITATION, old, now)
        .await
        .unwrap());
    assert!(auth::link_is_live(&app.db, PURPOSE_INVITATION, new, now)
        .await
        .unwrap());
    // A member who accepted is one already; another organization's address is not invited.
    let member =
        organization::invite_member(&app.db, &carla, "diego@acme.com.br", "D", false, now).await;
    assert_eq!(
        member.err(),
        Some(app::error::AppError::validation("email", "already_member"))
    );
    let fabio = current(&app, "fabio@paoquente.com.br").await;
    let foreign =
        organization::invite_member(&app.db, &fabio, "nova@acme.com.br", "Nova", false, now).await;
    assert!(matches!(
        foreign,
        Ok(organization::InvitationOutcome::NotInvited)
    ));
}

fn invited(
    outcome: Result<organization::InvitationOutcome, app::error::AppError>,
) -> organization::Invitation {
    match outcome {
        Ok(organization::InvitationOutcome::Invited(invitation)) => invitation,
        _ => panic!("not invited"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_does_not_tell_who_has_an_account_elsewhere() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let mut answers = Vec::new();
    for email in [
        "fabio@paoquente.com.br",
        "admin@chamado.local",
        "pessoa-nova@acme.com.br",
    ] {
        let response = carla
            .send(
                Method::POST,
                "/api/v1/organization/members",
                Some(json!({"name": "Alguém", "email": email})),
            )
            .await;
        let status = response.status().as_u16();
        let mut body: Value = response.json().await.unwrap();
        assert_eq!(body["email"], email);
        body["email"] = json!("…");
        answers.push((status, body));
    }
    assert_eq!(
        answers[0], answers[2],
        "another tenant's address answers like a new one"
    );
    assert_eq!(
        answers[1], answers[2],
        "support's address answers like a new one"
    );
    assert_eq!(answers[2].0, 202);
    // Nothing happened to the outsiders; the new person is a member.
    let fabio = app.signed_in("fabio@paoquente.com.br").await;
    let me: Value = fabio.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["organization"]["name"], "Padaria Pão Quente");
    let emails = member_emails(&carla).await;
    assert!(emails.contains(&"pessoa-nova@acme.com.br".to_owned()));
    assert!(!emails.contains(&"fabio@paoquente.com.br".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_admin_cannot_reactivate_whom_support_deactivated() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let elisa = app.user_id("elisa@acme.com.br").await;
    let diego = app.user_id("diego@acme.com.br").await;
    let support_sets = |active: bool| {
        let admin = &admin;
        async move {
            let (status, _) = admin
                .call(
                    Method::PATCH,
                    &format!("/api/v1/admin/users/{elisa}"),
                    Some(json!({ "active": active })),
                )
                .await;
            assert_eq!(status, 200);
        }
    };
    support_sets(false).await;
    let refused = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{elisa}"),
            Some(json!({"active": true})),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(
        crate::helpers::field_codes(&problem),
        [("active".to_owned(), "deactivated_by_support".to_owned())]
    );
    // Deactivating again first does not wipe out who deactivated the account.
    let again = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{elisa}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(again.status(), 200);
    let refused = carla
        .send(
            Method::PATCH,
            &format!("/api/v1/organization/members/{elisa}"),
            Some(json!({"active": true})),
        )
        .await;
    assert_eq!(refused.status(), 422, "still support's to undo");
    assert_eq!(
        app.browser()
            .sign_in("elisa@acme.com.br", PASSWORD)
            .await
            .status(),
        401,
        "still deactivated"
    );
    // Whom the organization admin deactivated, they may reactivate.
    let off_and_on = |member: i64| {
        let carla = &carla;
        async move {
            for active in [false, true] {
                let r = carla
                    .send(
                        Method::PATCH,
                        &format!("/api/v1/organization/members/{member}"),
                        Some(json!({"active": active})),
                    )
                    .await;
                assert_eq!(r.status(), 200);
            }
        }
    };
    off_and_on(diego).await;
    // Support reactivates; then the organization admin manages the account again.
    support_sets(true).await;
    off_and_on(elisa).await;
}

/// The e-mail addresses on an organization admin's member list, in its order.
async fn member_emails(admin: &crate::helpers::Browser) -> Vec<String> {
    let members: Vec<Value> = admin
        .get("/api/v1/organization/members")
        .await
        .json()
        .await
        .unwrap();
    members
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_owned())
        .collect()
}
