//! Reports and satisfaction (issue 7): customers rate closed tickets once; the report counts
//! tickets per day, response and resolution times, SLA compliance, ratings and deflection, and
//! exports each part as CSV.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{demo_app, Browser};

async fn open_ticket(browser: &Browser, subject: &str) -> String {
    crate::helpers::open_question(browser, "critical", subject, "Ajuda?").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_requester_rates_a_closed_ticket_once() {
    let app = demo_app().await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let diego = app.signed_in("diego@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let id = open_ticket(&carla, "Avaliar depois").await;
    let rating = |score: i64| Some(json!({"score": score, "comment": "Resolveu rápido."}));

    let (status, problem) = carla
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/rating"),
            rating(5),
        )
        .await;
    assert_eq!(status, 422, "open tickets are not rated yet: {problem}");
    assert_eq!(problem["errors"][0]["field"], "status");
    let (status, _) = carla.close_ticket(&id).await;
    assert_eq!(status, 200);

    let (status, problem) = carla
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/rating"),
            rating(7),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    let (status, _) = diego
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/rating"),
            rating(1),
        )
        .await;
    assert_eq!(status, 403, "only the requester rates");
    let (status, _) = ana
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/rating"),
            rating(5),
        )
        .await;
    assert_eq!(status, 403, "support does not rate itself");

    let (status, given) = carla
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/rating"),
            rating(4),
        )
        .await;
    assert_eq!(status, 201, "{given}");
    assert_eq!(given["score"], 4);
    let (status, problem) = carla
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{id}/rating"),
            rating(5),
        )
        .await;
    assert_eq!(status, 409, "{problem}");

    let (_, seen) = ana
        .call(Method::GET, &format!("/api/v1/tickets/{id}"), None)
        .await;
    assert_eq!(seen["rating"]["score"], 4);
    assert_eq!(seen["rating"]["comment"], "Resolveu rápido.");
    let (_, other) = diego
        .call(Method::GET, &format!("/api/v1/tickets/{id}"), None)
        .await;
    assert_eq!(
        other["rating"],
        Value::Null,
        "another member of the organization does not see it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_todays_tickets_times_sla_and_ratings() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let carla = app.signed_in("carla@acme.com.br").await;
    let ana = app.signed_in("ana@chamado.local").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::west_opt(3 * 3600).unwrap())
        .date_naive()
        .to_string();
    let range = format!("from={today}&to={today}");
    let (status, before) = admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/reports/tickets?{range}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{before}");

    let answered = open_ticket(&carla, "Responder e fechar").await;
    open_ticket(&carla, "Continua aberto").await;
    let (status, _) = ana
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{answered}/messages"),
            Some(json!({"body": "Feito."})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = carla.close_ticket(&answered).await;
    assert_eq!(status, 200);
    let (status, _) = carla
        .call(
            Method::POST,
            &format!("/api/v1/tickets/{answered}/rating"),
            Some(json!({"score": 5})),
        )
        .await;
    assert_eq!(status, 201);

    let (status, after) = admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/reports/tickets?{range}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{after}");
    let n = |v: &Value, k: &str| v[k].as_i64().unwrap();
    assert_eq!(n(&after, "opened"), n(&before, "opened") + 2);
    assert_eq!(n(&after, "closed"), n(&before, "closed") + 1);
    assert_eq!(after["days"].as_array().unwrap().len(), 1);
    assert_eq!(
        after["days"][0]["backlog"].as_i64().unwrap(),
        before["days"][0]["backlog"].as_i64().unwrap() + 1
    );
    assert_eq!(
        after["first_response"]["count"].as_i64().unwrap(),
        before["first_response"]["count"].as_i64().unwrap() + 1
    );
    assert!(after["first_response"]["median_minutes"].as_f64().is_some());
    let enterprise_critical = after["sla"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["plan"] == "enterprise" && s["priority"] == "critical")
        .cloned()
        .unwrap();
    assert!(enterprise_critical["tickets"].as_i64().unwrap() >= 2);
    assert_eq!(
        enterprise_critical["met"], enterprise_critical["tickets"],
        "nothing missed yet"
    );
    assert_eq!(
        after["satisfaction"]["ratings"],
        n(&before["satisfaction"], "ratings") + 1
    );
    assert_eq!(
        after["satisfaction"]["distribution"][4],
        before["satisfaction"]["distribution"][4].as_i64().unwrap() + 1
    );
    assert!(
        after.get("charts").is_none(),
        "the API answers data, not pictures"
    );

    // A quarter ending today is read by a table scan instead of the time indexes: its last
    // day is the same day, backlog included.
    let quarter_start = (chrono::Utc::now() - chrono::Duration::days(89))
        .with_timezone(&chrono::FixedOffset::west_opt(3 * 3600).unwrap())
        .date_naive();
    let (status, quarter) = admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/reports/tickets?from={quarter_start}&to={today}"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{quarter}");
    let days = quarter["days"].as_array().unwrap();
    assert_eq!(days.len(), 90);
    assert_eq!(days[89], after["days"][0], "{quarter}");
    assert!(n(&quarter, "opened") >= n(&after, "opened"));
    assert!(
        quarter["first_response"]["count"].as_i64().unwrap()
            >= after["first_response"]["count"].as_i64().unwrap()
    );

    // One department: Geral has none of today's tickets.
    let geral = admin.department("Geral").await;
    let (_, only) = admin
        .call(
            Method::GET,
            &format!("/api/v1/admin/reports/tickets?{range}&department_id={geral}"),
            None,
        )
        .await;
    assert_eq!(only["department"]["name"], "Geral");
    assert_eq!(only["opened"], 0);

    let csv = admin
        .get(&format!(
            "/api/v1/admin/reports/tickets.csv?{range}&part=days"
        ))
        .await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "date;opened;closed;backlog");
    assert!(lines[1].starts_with(&today), "{text}");
    let sla_csv = admin
        .get(&format!(
            "/api/v1/admin/reports/tickets.csv?{range}&part=sla"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        sla_csv
            .lines()
            .any(|l| l.starts_with("enterprise;critical;")),
        "{sla_csv}"
    );

    let (status, problem) = admin
        .call(
            Method::GET,
            "/api/v1/admin/reports/tickets?from=2026-11-21&to=2026-11-01",
            None,
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["code"], "before_from");
    assert_eq!(
        admin
            .get("/api/v1/admin/reports/tickets.csv?part=pizza")
            .await
            .status(),
        422
    );
    assert_eq!(ana.get("/api/v1/admin/reports/tickets").await.status(), 403);

    // The page's server function draws the charts.
    let page = admin
        .get(&format!(
            "/api/fn/reports/tickets?query[from]={today}&query[to]={today}"
        ))
        .await;
    assert_eq!(page.status(), 200);
    let body: Value = page.json().await.unwrap();
    let charts = body["charts"].as_array().unwrap();
    let daily = charts.iter().find(|c| c["key"] == "daily").unwrap();
    assert!(daily["svg"].as_str().unwrap().starts_with("<svg"));
    assert!(!daily["svg"].as_str().unwrap().contains("<script"));
}

/// CSV exports open in a Brazilian spreadsheet (BOM, `;`, decimal comma; `,` and `.` for an
/// English reader) and what people typed cannot run there as a formula.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_exports_open_in_the_readers_spreadsheet_and_run_nothing() {
    let app = demo_app().await;
    let admin = app.signed_in("admin@chamado.local").await;
    let formula = "=HYPERLINK(\"http://evil.example\";\"x\")";
    let (status, body) = admin
        .call(
            Method::POST,
            "/api/v1/admin/departments",
            Some(json!({"name": formula})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    async fn audit(admin: &Browser) -> String {
        let response = admin.get("/api/v1/admin/audit.csv?entity=department").await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
    let text = audit(&admin).await;
    assert!(text.starts_with('\u{feff}'), "no byte-order mark");
    let row = text
        .lines()
        .find(|l| l.contains("HYPERLINK"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.contains(";\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"x\"\")\";"),
        "the typed name must be text, quoted for the `;` inside: {row}"
    );
    assert!(!text.contains(";=HYPERLINK"), "{text}");

    let (status, _) = admin
        .call(Method::PATCH, "/api/v1/me", Some(json!({"language": "en"})))
        .await;
    assert_eq!(status, 200);
    let text = audit(&admin).await;
    assert!(text
        .trim_start_matches('\u{feff}')
        .starts_with("at,actor_id,actor,"));
    let report = admin
        .get("/api/v1/admin/reports/tickets.csv?part=deflection")
        .await
        .text()
        .await
        .unwrap();
    let rate = report.lines().nth(1).and_then(|l| l.rsplit(',').next());
    assert!(
        rate.is_some_and(|r| r.contains('.') && r.len() == 5),
        "an English rate like 0.250: {report}"
    );
}
