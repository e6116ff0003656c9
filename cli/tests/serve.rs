//! `wallet-partner serve` over real HTTP on loopback: the binary is started by the test, a
//! webhook (axum) answers 500 to the first delivery of one callback in five, and every payment
//! of every scenario ends where the scenario table says, each transition applied once, with the
//! retries in the delivery log. Bad input gets the platform's answers; the secret never shows.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use tokio::io::{AsyncBufReadExt, BufReader};
use wallet_partner::{Action, Payment, Project, Refund, SecretKey, StateKind};

mod support;
use support::order;

const SECRET: &str = "serve-secret-\u{20b9}-never-printed";

struct Served {
    child: tokio::process::Child,
    base: String,
}

async fn start(callback_url: &str, extra: &[&str]) -> Served {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wallet-partner"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--project-id",
            "48039",
            "--callback-url",
            callback_url,
            "--time-scale",
            "1000",
            "--seed",
            "7",
        ])
        .args(extra)
        .env("WALLET_PARTNER_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start wallet-partner serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("serve printed its address in time")
        .unwrap()
        .expect("a line");
    let base = line
        .strip_prefix("listening on ")
        .expect("listening on http://…")
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    assert!(!line.contains(SECRET));
    Served { child, base }
}

/// The merchant's webhook: stores every body; the first delivery of every fifth distinct
/// callback is answered 500.
#[derive(Default)]
struct Hook {
    received: Vec<Vec<u8>>,
    seen: HashMap<Vec<u8>, u32>,
    distinct: u32,
}

async fn webhook() -> (String, Arc<Mutex<Hook>>) {
    webhook_failing(5).await
}

/// The webhook, failing the first delivery of every `every`-th distinct callback (0: never).
async fn webhook_failing(every: u32) -> (String, Arc<Mutex<Hook>>) {
    let hook = Arc::new(Mutex::new(Hook::default()));
    let state = Arc::clone(&hook);
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let state = Arc::clone(&state);
            async move {
                let mut h = state.lock().unwrap();
                let body = body.to_vec();
                let first = !h.seen.contains_key(&body);
                if first {
                    h.distinct += 1;
                }
                let n = h.distinct;
                *h.seen.entry(body.clone()).or_default() += 1;
                if first && every > 0 && n % every == 0 {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                h.received.push(body);
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), hook)
}

async fn send(client: &reqwest::Client, req: wallet_partner::HttpRequest) -> (u16, Vec<u8>) {
    let mut r = client.post(&req.url).body(req.body);
    for (k, v) in req.headers {
        r = r.header(k, v);
    }
    let resp = r.send().await.expect("the server answers");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.unwrap().to_vec())
}

/// The server's delivery log (`GET /__sandbox/events`).
async fn events(client: &reqwest::Client, base: &str) -> serde_json::Value {
    json(
        client
            .get(format!("{base}/__sandbox/events"))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn json(r: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

/// Applies every callback received so far; returns how many transitions it made.
fn apply_received(
    project: &Project,
    hook: &Mutex<Hook>,
    payments: &mut HashMap<String, Payment>,
    now: u64,
) -> usize {
    let bodies = std::mem::take(&mut hook.lock().unwrap().received);
    let mut moved = 0;
    for body in bodies {
        let cb = project.verify_callback(&body).expect("a signed callback");
        let p = payments
            .get_mut(&cb.payment.id.to_string())
            .expect("a payment of ours");
        let before = p.version();
        let step = p.apply(project, &cb, now).expect("applies");
        assert!(step
            .actions
            .contains(&Action::AnswerCallback { http_status: 200 }));
        moved += usize::from(p.version() != before);
    }
    moved
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_over_http_with_retries() {
    let (hook_url, hook) = webhook().await;
    let served = start(&hook_url, &["--partner-auto-ms", "2000"]).await;
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&served.base);
    let client = reqwest::Client::new();

    // 10 payments of each ending: 00 succeeds after the redirect, 13 is declined, 42 is
    // processing then succeeds, 77 is declined by the partner, 31 succeeds (its refund fails).
    let endings = [
        (0, StateKind::Succeeded),
        (13, StateKind::Declined),
        (42, StateKind::Succeeded),
        (77, StateKind::Declined),
        (31, StateKind::Succeeded),
    ];
    let mut payments = HashMap::new();
    let mut expected = HashMap::new();
    for i in 0..50u64 {
        let (ending, want) = endings[(i % 5) as usize];
        let id = format!("http-{i}");
        let mut p = Payment::new(&project, order(&id, 10_000 + i * 100 + ending)).unwrap();
        let (status, body) = send(&client, p.start_gate_sale(&project, 1).unwrap()).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let _accepted = p.on_response(&project, status, &body, 2).unwrap();
        payments.insert(id.clone(), p);
        expected.insert(id, want);
    }
    let mut transitions = 0;
    for _ in 0..200 {
        transitions += apply_received(&project, &hook, &mut payments, 3);
        if payments.iter().all(|(id, p)| p.kind() == expected[id]) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (id, p) in &payments {
        assert_eq!(p.kind(), expected[id], "{id}");
    }

    // Full refunds of the succeeded ones: those ending in 31 are declined (3283) and stay
    // succeeded; the others end refunded.
    let mut refunds = 0;
    for (id, p) in payments.iter_mut() {
        if p.kind() != StateKind::Succeeded {
            continue;
        }
        let (status, body) = send(
            &client,
            p.refund(&project, &Refund::new("returned"), 4).unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{id}: {}", String::from_utf8_lossy(&body));
        let _accepted = p.on_response(&project, status, &body, 5).unwrap();
        refunds += 1;
    }
    assert_eq!(refunds, 30);
    for _ in 0..200 {
        transitions += apply_received(&project, &hook, &mut payments, 6);
        let done = payments.iter().all(|(id, p)| match p.kind() {
            StateKind::RefundPending => false,
            k => id.ends_with("31") == (k == StateKind::Succeeded) || k == StateKind::Declined,
        });
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (id, p) in &payments {
        let want = match expected[id] {
            StateKind::Declined => StateKind::Declined,
            _ if p.order().amount.paise() % 100 == 31 => StateKind::Succeeded,
            _ => StateKind::Refunded,
        };
        assert_eq!(p.kind(), want, "{id}");
    }
    assert!(transitions >= 100, "{transitions} transitions");

    // The delivery log shows the retries: every callback answered 500 once was delivered again.
    let log = events(&client, &served.base).await;
    let attempts = log["attempts"].as_array().unwrap();
    let failed = attempts.iter().filter(|a| a["http_status"] == 500).count();
    let retried = attempts
        .iter()
        .filter(|a| a["attempt"].as_u64() > Some(1) && a["http_status"] == 200)
        .count();
    assert!(failed >= 20, "{failed} deliveries answered 500");
    assert_eq!(
        failed, retried,
        "each 500 was followed by a successful retry"
    );
    drop(served);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_the_platforms_answers_and_no_secret_shows() {
    let (hook_url, _hook) = webhook().await;
    let mut served = start(&hook_url, &[]).await;
    let client = reqwest::Client::new();
    let sale = format!("{}/v2/payment/wallet-partner/sale", served.base);
    let post = |body: Vec<u8>| {
        client
            .post(&sale)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };

    let r = post(b"{not json".to_vec()).await.unwrap();
    assert_eq!(r.status(), 422);
    let v = json(r).await;
    assert_eq!(v["code"], "2003");

    let forged =
        br#"{"general":{"project_id":48039,"payment_id":"f-1","signature":"AAAA"}}"#.to_vec();
    let v = json(post(forged).await.unwrap()).await;
    assert_eq!(v["code"], "3261");

    let huge = vec![b' '; 10 * 1024 * 1024];
    let status = post(huge).await.map(|r| r.status().as_u16()).unwrap_or(0);
    assert!(status == 413 || status == 0, "a 10 MB body: {status}");

    // The server still works afterwards.
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&served.base);
    let mut p = Payment::new(&project, order("after-bad-input", 10_000)).unwrap();
    let (status, _) = send(&client, p.start_gate_sale(&project, 1).unwrap()).await;
    assert_eq!(status, 200);
    let (status, body) = send(
        &client,
        p.start_gate_sale(&project, 1)
            .unwrap_or_else(|_| wallet_partner::request::gate_sale(&project, p.order()).unwrap()),
    )
    .await;
    assert_eq!(
        (
            status,
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["code"].clone()
        ),
        (400, serde_json::json!("3041"))
    );

    served.child.start_kill().unwrap();
    let out = served.child.wait_with_output().await.unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains(SECRET),
        "the secret appeared in the server's output"
    );
}

/// A fresh directory for one test's `--state` file: the directory, and the file's path.
fn state_file(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("wp-serve-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json").to_str().unwrap().to_owned();
    (dir, state)
}

/// With `--state FILE`, a SIGKILL loses nothing: started again with the same file, the server
/// delivers every callback still pending, continuing the attempt count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_callbacks_survive_sigkill() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let accept = Arc::new(AtomicBool::new(false));
    let got: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let (a, g) = (Arc::clone(&accept), Arc::clone(&got));
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let (a, g) = (Arc::clone(&a), Arc::clone(&g));
            async move {
                if !a.load(Ordering::SeqCst) {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                g.lock().unwrap().push(body.to_vec());
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (dir, state) = state_file("state");
    let flags = ["--state", state.as_str(), "--partner-auto-ms", "200"];
    // --time-scale 1000 from start(): the first retry 10 ms later, then ~84 ms, ... a few
    // seconds before the 10th; kill it while retries are still pending.
    let mut first = start(&hook, &flags).await;
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&first.base);
    let client = reqwest::Client::new();
    let mut p = Payment::new(&project, order("kill-1", 10_000)).unwrap();
    let (status, body) = send(&client, p.start_gate_sale(&project, 1).unwrap()).await;
    assert_eq!(status, 200);
    let _accepted = p.on_response(&project, status, &body, 2).unwrap();
    // Wait until both callbacks (redirect, then success) were refused at least once.
    for _ in 0..200 {
        let log = events(&client, &first.base).await;
        let kinds: std::collections::HashSet<String> = log["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["http_status"] == 503)
            .map(|a| a["callback"].as_str().unwrap().to_owned())
            .collect();
        if kinds.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.child.start_kill().unwrap(); // SIGKILL
    first.child.wait().await.unwrap();
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(!saved.contains(SECRET), "the state file holds no secret");
    assert!(saved.contains("kill-1"));

    accept.store(true, Ordering::SeqCst);
    let second = start(&hook, &flags).await;
    let mut delivered = Vec::new();
    for _ in 0..400 {
        delivered.extend(std::mem::take(&mut *got.lock().unwrap()));
        if delivered.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        delivered.len(),
        2,
        "both pending callbacks arrived after the restart"
    );
    for body in &delivered {
        let cb = project.verify_callback(body).unwrap();
        let _step = p.apply(&project, &cb, 3).unwrap();
    }
    assert_eq!(p.kind(), StateKind::Succeeded);
    let log = events(&client, &second.base).await;
    let resumed = log["attempts"].as_array().unwrap();
    assert!(
        resumed.iter().all(|a| a["attempt"].as_u64() >= Some(2)),
        "attempts continue: {resumed:?}"
    );
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Faults on purpose, one payment each, through `POST /__sandbox/trigger`: a dropped callback
/// never arrives (logged as status 0), a duplicated one arrives twice, out of order the redirect
/// arrives after the result, a forced scenario overrides the amount table, and a Gate 500 is
/// answered without the sale being made (a retry then succeeds).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_purpose() {
    let (hook_url, hook) = webhook_failing(0).await;
    let served = start(&hook_url, &["--partner-auto-ms", "2000"]).await;
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&served.base);
    let client = reqwest::Client::new();
    let trigger = |body: serde_json::Value| {
        client
            .post(format!("{}/__sandbox/trigger", served.base))
            .body(body.to_string())
            .send()
    };
    for (pid, t) in [
        (
            "f-drop",
            serde_json::json!({"payment_id": "f-drop", "fault": "drop_callback"}),
        ),
        (
            "f-dup",
            serde_json::json!({"payment_id": "f-dup", "fault": "duplicate_callback"}),
        ),
        (
            "f-order",
            serde_json::json!({"payment_id": "f-order", "fault": "out_of_order"}),
        ),
        (
            "f-scenario",
            serde_json::json!({"payment_id": "f-scenario", "scenario": "decline"}),
        ),
        (
            "f-500",
            serde_json::json!({"payment_id": "f-500", "fault": "gate500"}),
        ),
    ] {
        let r = trigger(t).await.unwrap();
        assert_eq!(r.status(), 200, "{pid}");
    }
    let bad = trigger(serde_json::json!({"payment_id": "x", "scenario": "teleport"}))
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let bad = trigger(serde_json::json!({"payment_id": "x", "fault": "explode"}))
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    let mut payments = HashMap::new();
    for pid in ["f-drop", "f-dup", "f-order", "f-scenario", "f-500"] {
        let mut p = Payment::new(&project, order(pid, 10_000)).unwrap();
        let sale = p.start_gate_sale(&project, 1).unwrap();
        let (mut status, mut body) = send(&client, sale.clone()).await;
        if pid == "f-500" {
            assert_eq!(status, 500, "the injected failure");
            (status, body) = send(&client, sale).await; // the same request again: now made
        }
        assert_eq!(status, 200, "{pid}: {}", String::from_utf8_lossy(&body));
        let _accepted = p.on_response(&project, status, &body, 2).unwrap();
        payments.insert(pid.to_owned(), p);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log = events(&client, &served.base).await;
    let attempts = log["attempts"].as_array().unwrap();
    let of = |pid: &str| -> Vec<(String, u64)> {
        attempts
            .iter()
            .filter(|a| a["payment_id"] == pid && a["http_status"] != 500)
            .map(|a| {
                (
                    a["callback"].as_str().unwrap().to_owned(),
                    a["http_status"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let redirect = "sale:awaiting redirect result".to_owned();
    let success = "sale:success".to_owned();
    let sorted = |mut v: Vec<(String, u64)>| {
        v.sort();
        v
    };
    assert_eq!(
        sorted(of("f-drop")),
        [(redirect.clone(), 0), (success.clone(), 200)],
        "the redirect dropped"
    );
    let dup = of("f-dup");
    assert_eq!(
        dup.iter()
            .filter(|(k, s)| *k == redirect && *s == 200)
            .count(),
        2,
        "{dup:?}"
    );
    assert_eq!(
        of("f-order"),
        [(success.clone(), 200), (redirect.clone(), 200)],
        "result first"
    );
    assert_eq!(of("f-scenario"), [("sale:decline".to_owned(), 200)]);
    assert_eq!(sorted(of("f-500")), [(redirect, 200), (success, 200)]);

    // Applied in the order they arrived, each payment still ends where its scenario says.
    let received = std::mem::take(&mut hook.lock().unwrap().received);
    for body in received {
        let cb = project.verify_callback(&body).unwrap();
        let p = payments.get_mut(cb.payment.id.as_str()).unwrap();
        let _step = p.apply(&project, &cb, 3).unwrap();
    }
    assert_eq!(payments["f-scenario"].kind(), StateKind::Declined);
    for pid in ["f-drop", "f-dup", "f-order", "f-500"] {
        assert_eq!(payments[pid].kind(), StateKind::Succeeded, "{pid}");
    }
}

/// The delivery log's `(callback, http_status)` pairs of one payment, in the order attempted.
fn attempts_of(log: &serde_json::Value, pid: &str) -> Vec<(String, u64)> {
    log["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["payment_id"] == pid)
        .map(|a| {
            (
                a["callback"].as_str().unwrap().to_owned(),
                a["http_status"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Slowloris: clients that trickle a request head or body are cut off after
/// `--client-timeout-ms` (the head: connection closed; the body: 408), while an ordinary client
/// is served meanwhile and afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_others_are_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (hook_url, _hook) = webhook_failing(0).await;
    let served = start(&hook_url, &["--client-timeout-ms", "400"]).await;
    let addr = served.base.strip_prefix("http://").unwrap().to_owned();
    let mut slow = Vec::new();
    for i in 0..20 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = "POST /v2/payment/wallet-partner/sale HTTP/1.1\r\nHost: x\r\n";
        if i % 2 == 0 {
            s.write_all(head.as_bytes()).await.unwrap(); // the head never ends
        } else {
            let full = format!(
                "{head}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"gen"
            );
            s.write_all(full.as_bytes()).await.unwrap(); // the body never ends
        }
        slow.push((i % 2 == 0, s));
    }
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&served.base);
    // No idle connection kept: the server closes one after the same 400 ms (waiting for the
    // next request's head), and a pooled one picked up just as it closes fails the request
    // (`IncompleteMessage`), which is the client's race, not what this test is about.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut p = Payment::new(&project, order("beside-slow", 10_000)).unwrap();
    let started = std::time::Instant::now();
    let (status, _) = send(&client, p.start_gate_sale(&project, 1).unwrap()).await;
    assert_eq!(status, 200, "served while 20 slow clients hold connections");
    assert!(started.elapsed() < Duration::from_millis(400));

    for (head_only, mut s) in slow {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer)).await;
        assert!(
            read.is_ok(),
            "the server cut the slow client off within 5 s"
        );
        let answer = String::from_utf8_lossy(&answer);
        if head_only {
            assert!(
                answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
                "a trickled head: closed, got {answer:?}"
            );
        } else {
            assert!(
                answer.starts_with("HTTP/1.1 408"),
                "a trickled body: {answer:?}"
            );
            assert!(answer.contains("\"code\":\"408\""), "{answer}");
        }
    }
    let mut q = Payment::new(&project, order("after-slow", 10_000)).unwrap();
    let (status, _) = send(&client, q.start_gate_sale(&project, 1).unwrap()).await;
    assert_eq!(status, 200, "and afterwards");
}

/// Concurrent requests for one payment id are taken one at a time, whole: of 16 identical
/// sales exactly one is accepted (the rest 3041) and one sale's callbacks go out; of 8 refunds
/// one is accepted (the rest 3060) with one refund callback; a customer's Pay and Cancel
/// clicking at once end the sale once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_for_one_payment_id() {
    let (hook_url, _hook) = webhook_failing(0).await;
    let served = start(&hook_url, &["--partner-auto-ms", "0"]).await;
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&served.base);
    let client = reqwest::Client::new();
    let codes = |answers: Vec<(u16, Vec<u8>)>| -> Vec<(u16, String)> {
        let mut v: Vec<(u16, String)> = answers
            .into_iter()
            .map(|(s, b)| {
                let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                (s, v["code"].as_str().unwrap_or("").to_owned())
            })
            .collect();
        v.sort();
        v
    };
    let concurrently = |req: wallet_partner::HttpRequest, n: usize| {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                let (client, req) = (client.clone(), req.clone());
                tokio::spawn(async move { send(&client, req).await })
            })
            .collect();
        async move {
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        }
    };
    let mut p = Payment::new(&project, order("race-1", 10_000)).unwrap();
    let sale = p.start_gate_sale(&project, 1).unwrap();
    let answers = codes(concurrently(sale, 16).await);
    let mut want = vec![(400, "3041".to_owned()); 15];
    want.push((200, String::new()));
    want.sort();
    assert_eq!(answers, want);

    // The partner page: Pay and Cancel at once (8 each).
    let token = served_page_token(&client, &served.base, &project, "race-1").await;
    let clicks: Vec<_> = (0..16)
        .map(|i| {
            let url = format!(
                "{}/partner/{token}/{}",
                served.base,
                if i % 2 == 0 { "pay" } else { "cancel" }
            );
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            tokio::spawn(async move { client.post(url).send().await.unwrap().status() })
        })
        .collect();
    for c in clicks {
        let status = c.await.unwrap();
        assert!(status == 303 || status == 200, "{status}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = events(&client, &served.base).await;
    let results: Vec<_> = attempts_of(&log, "race-1")
        .into_iter()
        .filter(|(k, _)| k == "sale:success" || k == "sale:decline")
        .collect();
    assert_eq!(results.len(), 1, "one result for 16 clicks: {results:?}");
    if results[0].0 == "sale:decline" {
        return; // Cancel won: nothing to refund.
    }
    let refund =
        wallet_partner::request::refund(&project, "race-1", p.order().amount, &Refund::new("race"))
            .unwrap();
    let answers = codes(concurrently(refund, 8).await);
    let mut want = vec![(400, "3060".to_owned()); 7];
    want.push((200, String::new()));
    want.sort();
    assert_eq!(answers, want);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = events(&client, &served.base).await;
    let refunds = attempts_of(&log, "race-1")
        .into_iter()
        .filter(|(k, _)| k.starts_with("refund:"))
        .count();
    assert_eq!(refunds, 1);
}

/// The partner page token of a payment awaiting its redirect, read from the platform's own
/// status answer (`redirect_data.url`), as a client that lost the callback would.
async fn served_page_token(
    client: &reqwest::Client,
    base: &str,
    project: &Project,
    pid: &str,
) -> String {
    let (status, body) = send(
        client,
        wallet_partner::request::status(project, pid).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let url = v["redirect_data"]["url"]
        .as_str()
        .expect("awaiting the redirect");
    // (After a restart on another free port the URL still names the first server's.)
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/partner/"),
        "{url} ({base})"
    );
    url.rsplit('/').next().unwrap().to_owned()
}

/// An `out_of_order` fault survives a SIGKILL: the redirect callback it holds back is in
/// `--state`, and after the restart it still goes, after the sale's result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_callbacks_survive_sigkill() {
    let (hook_url, hook) = webhook_failing(0).await;
    let (dir, state) = state_file("held");
    let flags = ["--state", state.as_str(), "--partner-auto-ms", "0"];
    let mut first = start(&hook_url, &flags).await;
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&first.base);
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{}/__sandbox/trigger", first.base))
        .body(r#"{"payment_id":"held-1","fault":"out_of_order"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut p = Payment::new(&project, order("held-1", 10_000)).unwrap();
    let (status, body) = send(&client, p.start_gate_sale(&project, 1).unwrap()).await;
    assert_eq!(status, 200);
    let _accepted = p.on_response(&project, status, &body, 2).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        attempts_of(&events(&client, &first.base).await, "held-1").is_empty(),
        "the redirect is held back"
    );
    first.child.start_kill().unwrap(); // SIGKILL
    first.child.wait().await.unwrap();

    let second = start(&hook_url, &flags).await;
    let project = Project::new(48039, SecretKey::new(SECRET)).with_gate_url(&second.base);
    let token = served_page_token(&client, &second.base, &project, "held-1").await;
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/partner/{token}/pay", second.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mut log = serde_json::Value::Null;
    for _ in 0..100 {
        log = events(&client, &second.base).await;
        if attempts_of(&log, "held-1").len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        attempts_of(&log, "held-1"),
        [
            ("sale:success".to_owned(), 200),
            ("sale:awaiting redirect result".to_owned(), 200)
        ],
        "the result, then the held redirect"
    );
    let received = std::mem::take(&mut hook.lock().unwrap().received);
    assert_eq!(received.len(), 2);
    for body in received {
        let cb = project.verify_callback(&body).unwrap();
        let _step = p.apply(&project, &cb, 3).unwrap();
    }
    assert_eq!(p.kind(), StateKind::Succeeded);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `--state` file an earlier release wrote kept its partner pages by token (its sandbox's
/// tokens did not name their payment): after the upgrade the page still shows, "Pay" still ends
/// the sale and sends the customer back, and the callback goes out signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_pages_of_an_earlier_state_file_still_work() {
    let sandbox = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/sandbox/state-v1.json"
    ))
    .unwrap();
    let sandbox = sandbox.trim_end();
    let stored: serde_json::Value = serde_json::from_str(sandbox).unwrap();
    let waiting = &stored["payments"]["load-1"];
    assert_eq!(waiting["status"], "awaiting redirect result");
    let url = waiting["redirect"]["url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap();
    let (dir, state) = state_file("earlier-pages");
    let file = serde_json::json!({
        "sandbox": sandbox, "pending": {}, "timers": {}, "held": {},
        "pages": {token: {"payment_id": "load-1", "scenario": "redirect_then_success"}},
    });
    std::fs::write(&state, file.to_string()).unwrap();
    let (hook_url, hook) = webhook_failing(0).await;
    let served = start(&hook_url, &["--state", &state, "--partner-auto-ms", "0"]).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{}/partner/{token}", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Payment load-1") && html.contains("&#8377; 100.00"),
        "{html}"
    );
    let unknown = client
        .get(format!("{}/partner/{token}x", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let r = client
        .post(format!("{}/partner/{token}/pay", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        waiting["return_urls"][0].as_str().unwrap()
    );
    let mut received = Vec::new();
    for _ in 0..100 {
        received = hook.lock().unwrap().received.clone();
        if !received.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(received.len(), 1);
    let project = Project::new(48039, SecretKey::new(SECRET));
    let cb = project.verify_callback(&received[0]).unwrap();
    assert_eq!(cb.message().payment_id(), "load-1");
    assert_eq!(cb.message().operation_status(), Some("success"));
    drop(served);
    let _ = std::fs::remove_dir_all(&dir);
}
