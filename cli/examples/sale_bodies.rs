//! Writes N signed Gate sale bodies, one JSON per line, each with its own payment id, for the
//! load benchmark (cli/bench/bench_serve.sh): `sale_bodies N SECRET > bodies.jsonl`.

use wallet_partner::{request, Project, SecretKey};

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let secret = args.next().unwrap_or_else(|| "bench-secret".into());
    let project = Project::new(48039, SecretKey::new(secret));
    for i in 0..n {
        let order = support::order(&format!("load-{i}"), 10_000);
        let req = request::gate_sale(&project, &order).expect("a valid order");
        println!("{}", String::from_utf8(req.body).expect("JSON is UTF-8"));
    }
}
