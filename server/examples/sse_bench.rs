//! The live-events benchmark of issue 5 (run by `bench/events.sh`): opens N event streams as
//! an agent, measures the server's resident memory with them idle, then creates tickets through
//! the API one at a time and measures, for every stream, the time from sending the request to
//! receiving its `ticket.created` event.
//!
//! `cargo run --release -p server --example sse_bench -- BASE AGENT_TOKEN CUSTOMER_TOKEN
//!  DEPARTMENT_ID SERVER_PID [CONNECTIONS=1000] [TICKETS=30]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::{mpsc, Mutex};

fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, agent, customer, department, pid, ..] = args.as_slice() else {
        eprintln!("usage: sse_bench BASE AGENT_TOKEN CUSTOMER_TOKEN DEPARTMENT_ID SERVER_PID [CONNECTIONS] [TICKETS]");
        std::process::exit(2);
    };
    let connections: usize = args.get(6).and_then(|v| v.parse().ok()).unwrap_or(1000);
    let tickets: usize = args.get(7).and_then(|v| v.parse().ok()).unwrap_or(30);
    let rss_before = rss_kib(pid);

    // Every stream reports (ticket id, arrival) to one collector.
    let (tx, mut rx) = mpsc::unbounded_channel::<(String, Instant)>();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..connections {
        let (client, tx, ready_tx) = (client.clone(), tx.clone(), ready_tx.clone());
        let url = format!("{base}/api/v1/events");
        let agent = agent.clone();
        tokio::spawn(async move {
            let response = client
                .get(url)
                .bearer_auth(agent)
                .send()
                .await
                .expect("open stream");
            assert_eq!(response.status(), 200);
            let mut body = response.bytes_stream();
            let mut buffer = String::new();
            let mut ready = false;
            while let Some(Ok(chunk)) = body.next().await {
                let at = Instant::now();
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                if !ready && buffer.contains(": connected") {
                    ready = true;
                    let _ = ready_tx.send(());
                }
                while let Some(end) = buffer.find("\n\n") {
                    let block: String = buffer.drain(..end + 2).collect();
                    if !block.contains("event: ticket.created") {
                        continue;
                    }
                    if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) {
                        let v: serde_json::Value =
                            serde_json::from_str(data.trim()).unwrap_or_default();
                        if let Some(id) = v["ticket_id"].as_str() {
                            let _ = tx.send((id.to_owned(), at));
                        }
                    }
                }
            }
        });
    }
    drop(ready_tx);
    for _ in 0..connections {
        ready_rx.recv().await.expect("a stream failed to open");
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_idle = rss_kib(pid);
    println!(
        "streams open: {connections}; server RSS {} MiB before, {} MiB with them idle",
        rss_before / 1024,
        rss_idle / 1024
    );

    let arrivals: Arc<Mutex<HashMap<String, Vec<Instant>>>> = Arc::default();
    {
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Some((id, at)) = rx.recv().await {
                arrivals.lock().await.entry(id).or_default().push(at);
            }
        });
    }
    let mut latencies_ms = Vec::new();
    let mut missing = 0usize;
    let mut peak_rss = rss_idle;
    for i in 0..tickets {
        let body = serde_json::json!({
            "type": "duvida", "department_id": department.parse::<i64>().unwrap(),
            "priority": "low", "subject": format!("Benchmark {i}"), "message": "Evento ao vivo",
        });
        let sent = Instant::now();
        let created: serde_json::Value = client
            .post(format!("{base}/api/v1/tickets"))
            .bearer_auth(customer)
            .json(&body)
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("created ticket");
        let id = created["id"].as_str().expect("ticket id").to_owned();
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got = arrivals.lock().await.get(&id).map_or(0, Vec::len);
            if got >= connections || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let seen = arrivals.lock().await.remove(&id).unwrap_or_default();
        missing += connections - seen.len().min(connections);
        latencies_ms.extend(
            seen.iter()
                .map(|at| at.duration_since(sent).as_secs_f64() * 1000.0),
        );
        peak_rss = peak_rss.max(rss_kib(pid));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    latencies_ms.sort_by(f64::total_cmp);
    println!(
        "tickets: {tickets}; deliveries: {} of {} (missing {missing})",
        latencies_ms.len(),
        tickets * connections
    );
    println!(
        "create → event on every stream: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&latencies_ms, 50.0),
        percentile(&latencies_ms, 99.0),
        latencies_ms.last().copied().unwrap_or(f64::NAN)
    );
    println!("server RSS peak during the run: {} MiB", peak_rss / 1024);
    std::process::exit(0);
}
