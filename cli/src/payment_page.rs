//! The Payment Page: `GET /payment?<signed query>` checks the URL's signature as the platform
//! does, shows the page with `wallet-partner` preselected when `force_payment_method` says so,
//! and "Continue" hands the customer over to the partner page.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::partner::{back_to_merchant, escape};
use crate::server::Server;

/// `GET /payment?...`
pub async fn open(State(server): State<Arc<Server>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let url = format!("/payment?{query}");
    if let Err(e) = server.open_payment_page(&url) {
        let page = format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Payment Page: refused</title></head>\
             <body><h1>Payment refused</h1><p id=\"error\" data-code=\"{}\">{}</p></body></html>",
            e.code(),
            escape(&e.to_string())
        );
        return (StatusCode::BAD_REQUEST, Html(page)).into_response();
    }
    let payment_id = form_value(&query, "payment_id").unwrap_or_default();
    let Some((amount, forced)) = server.with_sale(&payment_id, |s| {
        (s.amount, s.payment_method == Some("wallet-partner"))
    }) else {
        return (
            StatusCode::NOT_FOUND,
            Html("<p>unknown payment</p>".to_owned()),
        )
            .into_response();
    };
    let checked = if forced { " checked" } else { "" };
    let pid = escape(&payment_id);
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Payment Page</title></head>\
         <body><h1>Payment Page</h1><p id=\"payment\">Payment {pid}</p>\
         <p id=\"amount\">&#8377; {rupees}.{paise:02}</p>\
         <form method=\"post\" action=\"/payment/{pid}/continue\">\
         <label><input type=\"radio\" name=\"method\" id=\"wallet-partner\" value=\"wallet-partner\"{checked}> \
         E-wallets (wallet-partner)</label>\
         <button id=\"continue\" type=\"submit\">Continue</button></form></body></html>",
        rupees = amount / 100,
        paise = amount % 100,
    ))
    .into_response()
}

/// `POST /payment/{payment_id}/continue`: the sale starts; the customer goes to the partner
/// (or, for a sale without a redirect, straight back to the merchant).
pub async fn proceed(
    State(server): State<Arc<Server>>,
    Path(payment_id): Path<String>,
) -> Response {
    if server.with_sale(&payment_id, |_| ()).is_none() {
        return (
            StatusCode::NOT_FOUND,
            Html("<p>unknown payment</p>".to_owned()),
        )
            .into_response();
    }
    // The sandbox starts a sale once; a sale already started or ended stays as it is.
    server.proceed(&payment_id);
    if let Some(token) = server.page_of(&payment_id) {
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/partner/{token}"))],
        )
            .into_response();
    }
    back_to_merchant(&server, &payment_id)
}

fn form_value(query: &str, key: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}
