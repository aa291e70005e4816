use app::backend::db::users;
use app::backend::services::accounts::{create_user, CreateUser};
use app::domain::{Language, Role};
use app::error::{AppError, FieldError};
use chrono::Utc;

use crate::helpers::{fresh_database, global_options};

fn input(email: &str, role: Role, organization: Option<&str>, password: &str) -> CreateUser {
    CreateUser {
        email: email.to_owned(),
        name: "Nova Pessoa".to_owned(),
        role,
        organization: organization.map(str::to_owned),
        password: password.to_owned(),
        language: Language::PtBr,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_a_user_normalises_the_email_and_hashes_the_password() {
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();
    let id = create_user(
        &db,
        input(
            "  Nova@Chamado.Local ",
            Role::Agent,
            None,
            "uma-senha-longa",
        ),
        Utc::now(),
    )
    .await
    .unwrap();
    let mut c = db.acquire().await.unwrap();
    let row = users::find_by_email(c.conn(), "nova@chamado.local")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.id, id);
    assert_eq!(row.role, "agent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_is_refused_field_by_field_and_writes_nothing() {
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();
    let result = create_user(
        &db,
        input("not-an-email", Role::Customer, None, "short"),
        Utc::now(),
    )
    .await;
    assert_eq!(
        result,
        Err(AppError::Validation {
            errors: vec![
                FieldError::new("email", "invalid_email"),
                FieldError::new("password", "too_short"),
                FieldError::new("organization", "required"),
            ]
        })
    );
    let mut c = db.acquire().await.unwrap();
    assert_eq!(users::count(c.conn()).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_can_only_be_used_once() {
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();
    create_user(
        &db,
        input("a@b.com.br", Role::Admin, None, "uma-senha-longa"),
        Utc::now(),
    )
    .await
    .unwrap();
    let again = create_user(
        &db,
        input("A@B.com.br", Role::Admin, None, "uma-senha-longa"),
        Utc::now(),
    )
    .await;
    assert_eq!(again, Err(AppError::validation("email", "taken")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_need_an_existing_organization() {
    let test_db = fresh_database().await;
    let db = server::startup::open_database(&global_options(&test_db))
        .await
        .unwrap();
    let result = create_user(
        &db,
        input(
            "c@d.com.br",
            Role::Customer,
            Some("Nenhuma"),
            "uma-senha-longa",
        ),
        Utc::now(),
    )
    .await;
    assert_eq!(
        result,
        Err(AppError::validation("organization", "not_found"))
    );
}
