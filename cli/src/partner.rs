//! The partner's page, where a redirect sends the customer: the amount with "Pay" and "Cancel".
//! Either button ends the sale (the result callback goes out) and sends the customer back to the
//! order's return URL.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use wallet_partner::sandbox::SaleScenario;

use crate::server::{error_response, Server};

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET` or `POST /partner/{token}`: the page (the redirect may be either method).
pub async fn page(State(server): State<Arc<Server>>, Path(token): Path<String>) -> Response {
    let Some(page) = server.page(&token) else {
        return error_response(StatusCode::NOT_FOUND, "3061", "No such partner page");
    };
    let Some((amount, status)) =
        server.with_sale(&page.payment_id, |s| (s.amount, s.status.to_owned()))
    else {
        return error_response(StatusCode::NOT_FOUND, "3061", "Transaction not found");
    };
    let token = escape(&token);
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Wallet partner: pay</title></head>\
         <body><h1>Wallet partner</h1><p id=\"payment\">Payment {pid}</p>\
         <p id=\"amount\">&#8377; {rupees}.{paise:02}</p><p id=\"status\">{status}</p>\
         <form method=\"post\" action=\"/partner/{token}/pay\"><button id=\"pay\" type=\"submit\">Pay</button></form>\
         <form method=\"post\" action=\"/partner/{token}/cancel\"><button id=\"cancel\" type=\"submit\">Cancel</button></form>\
         </body></html>",
        pid = escape(&page.payment_id),
        rupees = amount / 100,
        paise = amount % 100,
        status = escape(&status),
    ))
    .into_response()
}

/// `POST /partner/{token}/pay` or `/cancel`: ends the sale, then back to the merchant.
pub async fn choose(
    State(server): State<Arc<Server>>,
    Path((token, choice)): Path<(String, String)>,
) -> Response {
    let Some(page) = server.page(&token) else {
        return error_response(StatusCode::NOT_FOUND, "3061", "No such partner page");
    };
    let scenario = match choice.as_str() {
        "pay" => page.scenario,
        "cancel" => SaleScenario::RedirectThenDecline,
        _ => return error_response(StatusCode::NOT_FOUND, "404", "Choose pay or cancel"),
    };
    server.finish_sale(&page.payment_id, scenario);
    back_to_merchant(&server, &page.payment_id)
}

/// Sends the customer back to where the order says for the sale's status: the success URL,
/// else the decline URL (or the success one if it has none); a sale still running, or one
/// without a URL, gets a page with its status.
pub fn back_to_merchant(server: &Server, payment_id: &str) -> Response {
    let back = server.with_sale(payment_id, |s| {
        let url = match s.status {
            "success" => s.return_success,
            "processing" | "awaiting redirect result" => None,
            _ => s.return_decline.or(s.return_success),
        };
        (s.status.to_owned(), url.map(str::to_owned))
    });
    match back {
        None => error_response(StatusCode::NOT_FOUND, "3061", "Transaction not found"),
        Some((_, Some(url))) => (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response(),
        Some((status, None)) => {
            Html(format!("<p id=\"status\">{}</p>", escape(&status))).into_response()
        }
    }
}
