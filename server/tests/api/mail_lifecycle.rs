//! Notifications over a ticket's life (issue 17): round-robin assignment, closing with the rating
//! link, reopening, missed targets, the auto-close warning, and what the clean-up prunes.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::demo_app;
use crate::smtp::{about, demo_app_mailing_to, open_question, reply, SmtpSink, DUE_NOW};
use crate::tickets::open;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_are_warned_once_a_day_before_their_answered_ticket_closes() {
    use app::backend::services::tickets::warn_before_auto_close;
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let subject = "Aviso de encerramento (correio 7)";
    let id = open_question(&diego, subject, "Oi").await;
    let bruno = app.signed_in("bruno@chamado.local").await;
    reply(&bruno, &id, "Feito, confirme por favor.", false).await;
    // Six days after the answer (of seven), not before.
    let soon = chrono::Utc::now() + chrono::Duration::days(6) + chrono::Duration::minutes(1);
    let number: i64 = id.trim_start_matches("TKT-").parse().expect("number");
    let warned_sql = format!(
        "SELECT CASE WHEN auto_close_warned_at IS NULL THEN 'no' ELSE 'yes' END \
         FROM tickets WHERE id = {number}"
    );
    // (The demo's older answered tickets are warned now; this one is not yet.)
    warn_before_auto_close(&app.db, chrono::Utc::now())
        .await
        .expect("warnings");
    assert_eq!(app.texts(&warned_sql, None).await, ["no"]);
    assert!(
        warn_before_auto_close(&app.db, soon)
            .await
            .expect("warnings")
            >= 1
    );
    assert_eq!(app.texts(&warned_sql, None).await, ["yes"]);
    // The notices were written for that future instant: make them due now.
    app.execute(DUE_NOW).await;
    let warned = sink
        .wait_for(1, |r| {
            about(subject)(r) && r.text().contains("closes automatically")
        })
        .await;
    assert_eq!(warned[0].to(), "diego@acme.com.br");
    // Once per waiting period.
    assert_eq!(
        warn_before_auto_close(&app.db, soon)
            .await
            .expect("warnings"),
        0
    );
    // The customer's reply and a new answer start a new period.
    reply(&diego, &id, "Ainda não funcionou.", false).await;
    reply(&bruno, &id, "Tente agora.", false).await;
    assert_eq!(
        warn_before_auto_close(&app.db, soon)
            .await
            .expect("warnings"),
        1
    );
    app.execute(DUE_NOW).await;
    sink.wait_for(2, |r| {
        about(subject)(r) && r.text().contains("closes automatically")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_old_mails_and_old_notifications_are_pruned() {
    use app::backend::jobs;
    use app::backend::mail::{bell, outbox};
    use app::domain::NotificationKind;
    let app = demo_app().await;
    let diego = app.user_id("diego@acme.com.br").await;
    let now = chrono::Utc::now();
    let long_ago = now - chrono::Duration::days(100);
    let week_ago = now - chrono::Duration::days(8);
    let mut tx = app.db.begin().await.unwrap();
    for at in [long_ago, now] {
        let mail = outbox::NewEmail {
            kind: "support_answered".to_owned(),
            to_address: "diego@acme.com.br".to_owned(),
            to_name: "Diego".to_owned(),
            subject: format!("poda {at}"),
            message_id: format!("<poda-{}@acme.test>", at.timestamp_nanos_opt().unwrap_or(0)),
            ..Default::default()
        };
        let id = outbox::insert(tx.conn(), &mail, at).await.unwrap();
        outbox::record_attempt(tx.conn(), id, outbox::SENT, "250 ok", at)
            .await
            .unwrap();
        bell::insert(
            tx.conn(),
            diego,
            NotificationKind::SupportAnswered,
            None,
            &json!({}),
            at,
        )
        .await
        .unwrap();
    }
    // A queued mail is never pruned, however old.
    let waiting = outbox::NewEmail {
        kind: "support_answered".to_owned(),
        to_address: "diego@acme.com.br".to_owned(),
        subject: "poda fila".to_owned(),
        message_id: "<poda-fila@acme.test>".to_owned(),
        ..Default::default()
    };
    outbox::insert(tx.conn(), &waiting, long_ago).await.unwrap();
    for (kind, at) in [("poda", week_ago), ("poda", now)] {
        jobs::enqueue(tx.conn(), kind, &json!({}), at)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    for at in [week_ago, now] {
        let job = jobs::claim(&app.db, &["poda"], at)
            .await
            .unwrap()
            .expect("job");
        jobs::finish(&app.db, &job, at).await.unwrap();
    }
    server::startup::prune_old_rows(&app.db).await;
    let subjects = app
        .texts(
            "SELECT subject FROM outbound_emails WHERE subject LIKE 'poda%' ORDER BY id",
            None,
        )
        .await;
    assert_eq!(subjects, [format!("poda {now}"), "poda fila".to_owned()]);
    // (This test's notifications carry no data; the demo's have their ticket's.)
    let sql =
        format!("SELECT COUNT(*) FROM notifications WHERE user_id = {diego} AND data = '{{}}'");
    assert_eq!(
        app.number(&sql).await,
        1,
        "the old one is gone, the new one kept"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM jobs WHERE kind = 'poda'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_robin_closing_reopening_and_missed_targets_are_mailed() {
    let sink = SmtpSink::start();
    let app = demo_app_mailing_to(&sink).await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let tecnico = diego.department("Técnico").await;
    let mut body = crate::tickets::bug(tecnico, "O relatório não abre.");
    let subject = "Relatório em branco (correio 8)";
    body["subject"] = json!(subject);
    let created = open(&diego, body).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.expect("ticket")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Técnico distributes by round-robin: the agent it chose hears it was them.
    let assigned = sink
        .wait_for(1, |r| {
            about(subject)(r) && r.text().contains("distribuição automática")
        })
        .await;
    let agent = assigned[0].to();
    assert!(
        ["ana@chamado.local", "caio@chamado.local"].contains(&agent.as_str()),
        "{agent}"
    );

    // Support closes: the customer gets the rating link; then reopens and gets the confirmation.
    let support = app.signed_in(&agent).await;
    let (status, _) = support.close_ticket(&id).await;
    assert_eq!(status, 200);
    let closed = sink
        .wait_for(1, |r| about(subject)(r) && r.text().contains("was closed"))
        .await;
    assert_eq!(closed[0].to(), "diego@acme.com.br");
    assert!(closed[0]
        .text()
        .contains(&format!("/chamados/{id}#avaliacao")));
    let (status, _) = diego
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/reopen"),
            Some(json!({"reason": "Voltou a falhar."})),
        )
        .await;
    assert_eq!(status, 200);
    let reopened = sink
        .wait_for(1, |r| {
            about(subject)(r) && r.text().contains("was reopened")
        })
        .await;
    assert_eq!(reopened[0].to(), "diego@acme.com.br");

    // A month later every target is missed: the leads hear once.
    app::backend::services::sla::advance_clocks(
        &app.db,
        chrono::Utc::now() + chrono::Duration::days(30),
    )
    .await
    .expect("clocks");
    app.execute(DUE_NOW).await;
    let breached = sink
        .wait_for(1, |r| about(subject)(r) && r.to() == "lider@chamado.local")
        .await;
    assert!(
        breached[0].text().contains("perdeu o prazo"),
        "{}",
        breached[0].text()
    );
}
