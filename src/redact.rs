//! URLs as haul shows them: credentials never leave the process in a message. User names and
//! passwords become `***`, and so do the values of query parameters that carry secrets (signed
//! download URLs, `?access_token=`). Pure: no I/O.

use reqwest::Url;

/// Query parameter names (lowercase substrings) whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "token",
    "sig",
    "key",
    "secret",
    "password",
    "credential",
    "auth",
];

/// Whether `text` (a URL) holds anything [`url`] hides: a user or password, or a secret query
/// parameter.
pub fn hides_something(text: &str) -> bool {
    url(text) != text
}

/// `url` without its credentials, for messages, `-v` and `haul doctor`: as written when it
/// holds none (one setting shows one way everywhere), else rebuilt without them.
pub fn url(text: &str) -> String {
    // `user:pw@host` parses as a URL of scheme `user`; only `SCHEME://` reads as one here.
    match Url::parse(text) {
        Ok(parsed) if text.contains("://") => {
            let hidden = parsed_url(&parsed);
            if hidden == parsed.as_str() {
                text.to_owned()
            } else {
                hidden
            }
        }
        _ => userinfo_only(text),
    }
}

/// [`url`] for a parsed URL.
pub fn parsed_url(url: &Url) -> String {
    let mut url = url.clone();
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_password(None);
        let _ = url.set_username("***");
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(name, value)| {
                let lower = name.to_ascii_lowercase();
                let value = if SECRET_PARAMS.iter().any(|s| lower.contains(s)) {
                    "***".to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// `text` as written, with anything before an `@` in what reads as its host part hidden (for
/// a value that may not parse, such as a proxy variable, shown as the user wrote it).
pub fn userinfo_only(text: &str) -> String {
    let start = text.find("://").map_or(0, |i| i + 3);
    let rest = &text[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &rest[at..]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_credentials() {
        let cases = [
            (
                "https://user:pw@host.example/x",
                "https://***@host.example/x",
            ),
            (
                "http://tok@127.0.0.1:8080/a?b=c",
                "http://***@127.0.0.1:8080/a?b=c",
            ),
            ("https://host.example/x", "https://host.example/x"),
            // A URL with nothing to hide is shown as written (no slash added).
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://ghe.example/api/v3", "https://ghe.example/api/v3"),
            (
                "https://s.example/f?X-Amz-Signature=abc&X-Amz-Credential=k&response-content-type=x",
                "https://s.example/f?X-Amz-Signature=***&X-Amz-Credential=***&response-content-type=x",
            ),
            (
                "https://h/x?access_token=abc",
                "https://h/x?access_token=***",
            ),
            ("user:pw@proxy:3128", "***@proxy:3128"),
            ("proxy.example:3128", "proxy.example:3128"),
            ("weird://u:p@[bad/x", "weird://***@[bad/x"),
        ];
        for (given, want) in cases {
            assert_eq!(url(given), want, "{given}");
        }
    }
}
