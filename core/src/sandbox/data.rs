//! The sandbox's Data API (SPEC §9): `/v1/operations/get` and `/v1/operations/get-by-payment`
//! served from the sandbox's own payments, signed with the token's secret. On purpose it uses
//! every type trap the platform's schema allows (amounts and ids as numbers or digit strings,
//! naive and ISO-8601 dates), so clients are tested against them.

use jiff::civil::DateTime;
use jiff::Timestamp;
use serde_json::{json, Value};

use super::operation::Operation;
use super::{Sandbox, SandboxResponse};
use crate::data_api::{self, DataApi, DATE_FORMAT, MAX_LIMIT};
use crate::fields::Obj;
use crate::json::{body_text, Node};
use crate::key::SecretKey;
use crate::signature;

/// One operation as the sandbox serves it.
struct Served {
    completed: Timestamp,
    created: Timestamp,
    payment_id: String,
    op: Operation,
    amount: u64,
}

fn answer(http_status: u16, name: &str, message: &str, code: u32) -> SandboxResponse {
    SandboxResponse {
        http_status,
        body: json!({"name": name, "message": message, "code": code, "status": http_status})
            .to_string()
            .into_bytes(),
    }
}

fn bad(message: &str) -> SandboxResponse {
    answer(400, "Bad Request", message, 0)
}

impl Sandbox {
    /// Turns on the sandbox's Data API for a token and its secret; returns the client's
    /// credentials (base URL: the platform's, the sandbox answers by path).
    pub fn enable_data_api(&mut self, token: &str, key: SecretKey) -> crate::Result<DataApi> {
        let api = DataApi::new(token, key.clone())?;
        self.data_api = Some((token.to_owned(), key));
        Ok(api)
    }

    pub(super) fn data_api_answer(&mut self, path: &str, body: &[u8]) -> SandboxResponse {
        let Some((token, key)) = self.data_api.clone() else {
            return answer(404, "Not Found", "the sandbox's Data API is not enabled", 0);
        };
        let Ok(text) = body_text(body) else {
            return bad("the body is not UTF-8 JSON");
        };
        let bump = bumpalo::Bump::new();
        let node = match Node::parse(text, &bump) {
            Ok(n @ Node::Obj(_)) => n,
            _ => return bad("the body is not a JSON object"),
        };
        if signature::verify_node(&node, std::slice::from_ref(&key), &bump, text.len()).is_err() {
            return answer(401, "Unauthorized", "Invalid signature", 0);
        }
        let Ok(root) = Obj::of(&node, "request") else {
            return bad("the body is not a JSON object");
        };
        if !matches!(root.str("token"), Ok(Some(t)) if t == token) {
            return answer(401, "Unauthorized", "Unknown token", 0);
        }
        let result = match path {
            "/v1/operations/get" => self.operations_get(&root),
            "/v1/operations/get-by-payment" => self.operations_get_by_payment(&root),
            _ => Err(answer(404, "Not Found", "unknown Data API endpoint", 0)),
        };
        match result {
            Ok(mut page) => {
                page["signature"] =
                    Value::String(signature::sign(&page, &key).expect("an object always signs"));
                SandboxResponse {
                    http_status: 200,
                    body: page.to_string().into_bytes(),
                }
            }
            Err(resp) => resp,
        }
    }

    /// Every operation of every payment, in the order the platform finalised them.
    fn served(&self) -> Vec<Served> {
        let mut out = Vec::new();
        for (payment_id, p) in &self.payments {
            for op in &p.operations {
                let ts = |d: &str| {
                    Timestamp::strptime("%Y-%m-%dT%H:%M:%S%z", d).unwrap_or(Timestamp::UNIX_EPOCH)
                };
                out.push(Served {
                    completed: ts(&op.date),
                    created: ts(&op.created_date),
                    payment_id: payment_id.clone(),
                    op: op.clone(),
                    amount: p.amount,
                });
            }
        }
        out.sort_by_key(|s| (s.completed, s.op.id));
        out
    }

    fn operations_get(&mut self, root: &Obj<'_>) -> Result<Value, SandboxResponse> {
        let interval = match root.obj("interval") {
            Ok(Some(i)) => i,
            _ => return Err(bad("interval: required")),
        };
        let tz_name = match root.str("tz") {
            Ok(Some(t)) => t.to_owned(),
            Ok(None) => "UTC".to_owned(),
            Err(_) => return Err(bad("tz: expected a string")),
        };
        let zone = data_api::zone("tz", &tz_name).map_err(|e| bad(&e.to_string()))?;
        let bound = |k: &str| -> Result<Timestamp, SandboxResponse> {
            let text = interval
                .str(k)
                .ok()
                .flatten()
                .ok_or_else(|| bad(&format!("interval.{k}: required")))?;
            DateTime::strptime(DATE_FORMAT, text)
                .ok()
                .and_then(|d| d.to_zoned(zone.clone()).ok())
                .map(|z| z.timestamp())
                .ok_or_else(|| bad(&format!("interval.{k}: expected YYYY-MM-DD hh:mm:ss")))
        };
        let (from, to) = (bound("from")?, bound("to")?);
        let limit = match root.u64("limit") {
            Ok(None) => u64::from(MAX_LIMIT),
            Ok(Some(l)) if l <= u64::from(MAX_LIMIT) => l,
            _ => return Err(bad("limit: expected 0 to 1000")),
        };
        let offset = root
            .u64("offset")
            .map_err(|_| bad("offset: expected a non-negative integer"))?
            .unwrap_or(0);
        let projects = root
            .u64s("project_id")
            .map_err(|e| bad(&e.to_string()))?
            .unwrap_or_default();
        // The platform accepts a string or an array of strings for each filter.
        let types = root
            .strings("operation_type")
            .map_err(|e| bad(&e.to_string()))?;
        let statuses = root
            .strings("operation_status")
            .map_err(|e| bad(&e.to_string()))?;
        if !projects.is_empty() && !projects.contains(&self.project_id) {
            return Ok(json!({"operations": []}));
        }
        let operations: Vec<Value> = self
            .served()
            .into_iter()
            .filter(|s| s.completed >= from && s.completed <= to)
            .filter(|s| types.is_empty() || types.contains(&s.op.kind))
            .filter(|s| statuses.is_empty() || statuses.contains(&s.op.status))
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|s| self.page_entry(&s, &zone))
            .collect();
        Ok(json!({"operations": operations}))
    }

    /// An operation of `/operations/get`, with the schema's traps: odd ids as strings, every
    /// third amount as a digit string, naive dates in `tz` and ISO-8601 completion dates.
    fn page_entry(&self, s: &Served, zone: &jiff::tz::TimeZone) -> Value {
        let id = s.op.id;
        let naive = |t: Timestamp| t.to_zoned(zone.clone()).strftime(DATE_FORMAT).to_string();
        let amount = if id % 3 == 0 {
            json!(s.amount.to_string())
        } else {
            json!(s.amount)
        };
        json!({
            "project_id": self.project_id,
            "operation_id": if id % 2 == 1 { json!(id.to_string()) } else { json!(id) },
            "payment_id": s.payment_id,
            "operation_type": s.op.kind,
            "operation_status": s.op.status,
            "operation_created_at": naive(s.created),
            "operation_completed_at": s.completed.to_string(),
            "sum_initial": {"amount": amount, "currency": "INR"},
            "sum_converted": {"amount": s.amount, "currency": "INR"},
            "payment_method_name": "wallet-partner",
            "provider_payment_id": s.op.provider.payment_id,
            "payment_provider_code": s.op.code,
            "payment_provider_message": s.op.message,
            "arn": Value::Null,
            "rrn": Value::Null,
        })
    }

    fn operations_get_by_payment(&mut self, root: &Obj<'_>) -> Result<Value, SandboxResponse> {
        let payment_id = match root.str("payment_id") {
            Ok(Some(p)) if !p.is_empty() => p.to_owned(),
            _ => return Err(bad("payment_id: required")),
        };
        let operations: Vec<Value> = self
            .served()
            .into_iter()
            .filter(|s| s.payment_id == payment_id)
            .map(|s| {
                json!({
                    "operation_id": s.op.id,
                    "operation_type": s.op.kind,
                    "operation_status": s.op.status,
                    "operation_created_at": s.created.to_string(),
                    "operation_completed_at": s.completed.to_string(),
                    "amount": s.amount,
                    "currency": "INR",
                    "arn": Value::Null,
                    "rrn": Value::Null,
                })
            })
            .collect();
        Ok(json!({"operations": operations}))
    }
}
