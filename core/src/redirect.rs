//! Sending the customer to the partner (SPEC §5): `redirect_data` → a URL or an auto-submit form.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fields::Obj;
use crate::json::Node;

/// Where and how to send the customer. Built only from a verified callback or status response.
///
/// ```
/// use wallet_partner::Redirect;
/// let r = Redirect::Post {
///     url: "https://partner.example/pay".into(),
///     fields: vec![("token".into(), "a\"<b>".into())],
/// };
/// let html = r.to_html();
/// assert!(html.contains(r#"<input type="hidden" name="token" value="a&quot;&lt;b&gt;">"#));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "UPPERCASE")]
pub enum Redirect {
    /// Plain navigation to `url` (any `body` entries are already in its query).
    Get {
        /// The full URL to open.
        url: String,
    },
    /// An auto-submitting HTML form posting `fields` to `url`.
    Post {
        /// The form's action.
        url: String,
        /// One hidden input per entry, in the order received.
        fields: Vec<(String, String)>,
    },
}

impl Redirect {
    /// Decodes `redirect_data {url, method, body, encrypted}` (`encrypted` is ignored).
    pub(crate) fn decode(data: &Obj<'_>) -> Result<Redirect> {
        let url = data.str_req("url")?;
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::malformed(
                data.path_of("url"),
                format!("expected an http(s) URL, got {url:?}"),
            ));
        }
        let method = data.str_req("method")?;
        let mut fields = Vec::new();
        match data.raw("body") {
            None => {}
            Some(Node::Obj(entries)) => {
                for (k, v) in entries.iter() {
                    let text = match v {
                        Node::Str(s) => s.to_string(),
                        Node::Null => String::new(),
                        Node::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
                        Node::Num(n) => (*n).to_owned(),
                        other => other.to_json(),
                    };
                    fields.push((k.to_string(), text));
                }
            }
            Some(Node::Arr([])) => {}
            Some(other) => {
                return Err(Error::malformed(
                    data.path_of("body"),
                    format!(
                        "expected an object or an empty array, got {}",
                        other.type_name()
                    ),
                ))
            }
        }
        if method.eq_ignore_ascii_case("GET") {
            Ok(Redirect::Get {
                url: append_query(url, &fields),
            })
        } else if method.eq_ignore_ascii_case("POST") {
            Ok(Redirect::Post {
                url: url.to_owned(),
                fields,
            })
        } else {
            Err(Error::malformed(
                data.path_of("method"),
                format!("expected \"GET\" or \"POST\", got {method:?}"),
            ))
        }
    }

    /// The URL the customer goes to.
    pub fn url(&self) -> &str {
        match self {
            Redirect::Get { url } | Redirect::Post { url, .. } => url,
        }
    }

    /// `"GET"` or `"POST"`.
    pub fn method(&self) -> &'static str {
        match self {
            Redirect::Get { .. } => "GET",
            Redirect::Post { .. } => "POST",
        }
    }

    /// A self-contained HTML page that takes the customer there (a WebView can load it).
    ///
    /// `POST` becomes an auto-submitting form, `GET` a meta refresh; every value is HTML-escaped.
    pub fn to_html(&self) -> String {
        let mut html = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Redirecting to payment</title>",
        );
        match self {
            Redirect::Get { url } => {
                let u = escape_html(url);
                html.push_str(&format!(
                    "<meta http-equiv=\"refresh\" content=\"0;url={u}\"></head>\n<body><p><a href=\"{u}\">Continue to payment</a></p></body></html>\n"
                ));
            }
            Redirect::Post { url, fields } => {
                html.push_str("</head>\n<body onload=\"document.forms[0].submit()\">\n");
                html.push_str(&format!(
                    "<form method=\"post\" action=\"{}\">\n",
                    escape_html(url)
                ));
                for (k, v) in fields {
                    html.push_str(&format!(
                        "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                        escape_html(k),
                        escape_html(v)
                    ));
                }
                html.push_str("<noscript><button type=\"submit\">Continue to payment</button></noscript>\n</form>\n</body></html>\n");
            }
        }
        html
    }
}

/// Appends form-urlencoded pairs to a URL's query (after any query it already has).
pub(crate) fn append_query(url: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return url.to_owned();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish();
    let sep = if !base.contains('?') {
        "?"
    } else if base.ends_with('?') || base.ends_with('&') {
        ""
    } else {
        "&"
    };
    let mut out = format!("{base}{sep}{query}");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Escapes `& < > " '` for HTML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}
