//! The cloud SDK's request signature (SDK-HMAC-SHA256), checked when the server is
//! given an access key and secret: the same canonical request the SDK's signer builds
//! (`huaweicloudsdkcore/signer/signer.py`), signed with the secret key as it is.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The algorithm name that starts the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The SHA-256 of an empty body, as the signer writes it.
const EMPTY_BODY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// How far a request's `X-Sdk-Date` may lie from the server's clock: the cloud's
/// gateway allows a quarter of an hour, which keeps a captured request from being
/// replayed later while tolerating ordinary clock drift.
const CLOCK_SKEW_SECONDS: i64 = 15 * 60;

/// Why a request's signature was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the request is not signed (no SDK-HMAC-SHA256 Authorization header)")]
    Unsigned,
    #[error("the Authorization header is malformed: {0}")]
    Malformed(&'static str),
    #[error("unknown access key")]
    UnknownKey,
    #[error("the X-Sdk-Date header is missing or not of the form 20250102T030405Z")]
    BadDate,
    #[error("the request was signed more than 15 minutes away from this server's clock")]
    Expired,
    #[error("a signed header is missing from the request: {0}")]
    MissingHeader(String),
    #[error("the signature does not match the request")]
    Mismatch,
}

/// What of a request the signature covers.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The request target's path, still percent-encoded as sent.
    pub path: &'a str,
    /// The query string without `?` ("" when none).
    pub query: &'a str,
    /// Looks up a header by its lower-case name.
    pub header: &'a dyn Fn(&str) -> Option<String>,
    pub body: &'a [u8],
}

/// The access key and secret key the server accepts.
#[derive(Clone)]
pub struct Credentials {
    pub access_key: String,
    pub secret_key: String,
}

impl Credentials {
    /// Checks `request`'s signature; `now` is the Unix time in seconds.
    pub fn verify(&self, request: &SignedRequest, now: i64) -> Result<(), AuthError> {
        let authorization = (request.header)("authorization").ok_or(AuthError::Unsigned)?;
        let fields = authorization
            .strip_prefix(ALGORITHM)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or(AuthError::Unsigned)?;
        let (mut access, mut signed_headers, mut signature) = (None, None, None);
        for part in fields.split(',') {
            let (key, value) = part
                .trim()
                .split_once('=')
                .ok_or(AuthError::Malformed("a part has no '='"))?;
            match key {
                "Access" => access = Some(value),
                "SignedHeaders" => signed_headers = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
        let access = access.ok_or(AuthError::Malformed("no Access"))?;
        let signed_headers = signed_headers.ok_or(AuthError::Malformed("no SignedHeaders"))?;
        let signature = signature.ok_or(AuthError::Malformed("no Signature"))?;
        if access != self.access_key {
            return Err(AuthError::UnknownKey);
        }
        let date = (request.header)("x-sdk-date").ok_or(AuthError::BadDate)?;
        let signed_at = parse_sdk_date(&date).ok_or(AuthError::BadDate)?;
        if (now - signed_at).abs() > CLOCK_SKEW_SECONDS {
            return Err(AuthError::Expired);
        }
        let canonical = canonical_request(request, signed_headers)?;
        let string_to_sign = format!("{ALGORITHM}\n{date}\n{}", hex(&Sha256::digest(canonical.as_bytes())));
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.secret_key.as_bytes()).expect("HMAC takes a key of any length");
        mac.update(string_to_sign.as_bytes());
        let expected = hex(&mac.finalize().into_bytes());
        // Compared in constant time: the signature is a secret until it matches.
        let same = expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |d, (a, b)| d | (a ^ b))
                == 0;
        if same { Ok(()) } else { Err(AuthError::Mismatch) }
    }
}

/// The signer's canonical request: method, path ending in '/', sorted query, the
/// signed headers (trimmed, one per line, then a blank line), their names, body hash.
fn canonical_request(request: &SignedRequest, signed_headers: &str) -> Result<String, AuthError> {
    let mut headers = String::new();
    for name in signed_headers.split(';') {
        let value = (request.header)(name).ok_or_else(|| AuthError::MissingHeader(name.to_owned()))?;
        headers.push_str(&format!("{name}:{}\n", value.trim()));
    }
    let body_hash = if request.body.is_empty() {
        EMPTY_BODY_HASH.to_owned()
    } else if let Some(declared) = (request.header)("x-sdk-content-sha256") {
        declared
    } else {
        hex(&Sha256::digest(request.body))
    };
    Ok(format!(
        "{}\n{}\n{}\n{headers}\n{signed_headers}\n{body_hash}",
        request.method.to_uppercase(),
        canonical_path(request.path),
        canonical_query(request.query)
    ))
}

fn canonical_path(path: &str) -> String {
    let mut canonical = path
        .split('/')
        .map(|segment| encode(&decode(segment)))
        .collect::<Vec<_>>()
        .join("/");
    if !canonical.ends_with('/') {
        canonical.push('/');
    }
    canonical
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-decoding of a path segment or query part (invalid escapes kept as they are).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding that keeps RFC 3986's unreserved characters, as Python's
/// `quote(s, safe='~')` does.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `20250102T030405Z` as Unix seconds.
fn parse_sdk_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(crate::clock::days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request the SDK's own `Signer` signed (AK/SK "AKEXAMPLE"/"SKEXAMPLE").
    fn sdk_example(signature: &str, body: &'static [u8]) -> (Vec<(&'static str, String)>, &'static [u8]) {
        (
            vec![
                ("content-type", "application/json;charset=utf-8".into()),
                ("host", "127.0.0.1:8080".into()),
                ("user-agent", "huaweicloud-usdk-python/3.0".into()),
                ("x-project-id", "proj123".into()),
                ("x-sdk-date", "20250102T030405Z".into()),
                (
                    "authorization",
                    format!(
                        "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature={signature}"
                    ),
                ),
            ],
            body,
        )
    }

    const SDK_SIGNATURE: &str = "2f406450c18465af742341b2b80b499bfb639a31b49cfe8948693fb4befe88a8";
    const SDK_BODY: &[u8] = br#"{"image": "aGVsbG8=", "detect_direction": true}"#;
    /// 2025-01-02 03:04:05 UTC.
    const SIGNED_AT: i64 = 1_735_787_045;

    fn verify(headers: &[(&str, String)], body: &[u8], secret: &str, now: i64) -> Result<(), AuthError> {
        let lookup = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        let request = SignedRequest {
            method: "POST",
            path: "/v2/proj123/ocr/general-text",
            query: "",
            header: &lookup,
            body,
        };
        Credentials {
            access_key: "AKEXAMPLE".into(),
            secret_key: secret.into(),
        }
        .verify(&request, now)
    }

    #[test]
    fn the_sdks_own_signature_is_accepted() {
        let (headers, body) = sdk_example(SDK_SIGNATURE, SDK_BODY);
        assert_eq!(verify(&headers, body, "SKEXAMPLE", SIGNED_AT + 60), Ok(()));
    }

    #[test]
    fn a_wrong_secret_a_changed_body_or_an_old_date_is_refused() {
        let (headers, body) = sdk_example(SDK_SIGNATURE, SDK_BODY);
        assert_eq!(verify(&headers, body, "other", SIGNED_AT), Err(AuthError::Mismatch));
        let changed: &[u8] = br#"{"image": "aGVsbG9=", "detect_direction": true}"#;
        assert_eq!(
            verify(&headers, changed, "SKEXAMPLE", SIGNED_AT),
            Err(AuthError::Mismatch)
        );
        assert_eq!(
            verify(&headers, body, "SKEXAMPLE", SIGNED_AT + 3600),
            Err(AuthError::Expired)
        );
        assert_eq!(
            verify(&headers[..5], body, "SKEXAMPLE", SIGNED_AT),
            Err(AuthError::Unsigned)
        );
    }

    #[test]
    fn sdk_dates_are_unix_seconds() {
        assert_eq!(parse_sdk_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_sdk_date("20250102T030405Z"), Some(SIGNED_AT));
        assert_eq!(parse_sdk_date("2025-01-02T03:04Z"), None);
    }

    #[test]
    fn paths_and_queries_are_canonical_as_the_signer_makes_them() {
        assert_eq!(canonical_path("/v2/a%20b/ocr"), "/v2/a%20b/ocr/");
        assert_eq!(canonical_query("b=2&a=x y"), "a=x%20y&b=2");
    }
}
