//! What a caller asks for: the endpoint from the path, the body's fields (the SDK's
//! request models, `huaweicloudsdkocr/v1/model/*_request_body.py`), the image decoded.

use base64::Engine as _;
use serde::Deserialize;

use super::error::ApiError;
use crate::analysis::Extract;

/// The cloud's limit on a request body (the base64 image with its JSON): 10 MB.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// The operations served, by the last segment of `/v2/{project_id}/ocr/{operation}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    GeneralText,
    GeneralTable,
    WebImage,
    SmartDocument,
    Passport,
    IdCard,
}

impl Endpoint {
    pub const ALL: [Endpoint; 6] = [
        Endpoint::GeneralText,
        Endpoint::GeneralTable,
        Endpoint::WebImage,
        Endpoint::SmartDocument,
        Endpoint::Passport,
        Endpoint::IdCard,
    ];

    /// The path segment naming it, as the SDK's client sends it.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::GeneralText => "general-text",
            Endpoint::GeneralTable => "general-table",
            Endpoint::WebImage => "web-image",
            Endpoint::SmartDocument => "smart-document-recognizer",
            Endpoint::Passport => "passport",
            Endpoint::IdCard => "id-card",
        }
    }

    pub fn from_name(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The analyses its answer needs (only those: each costs time on every page).
    pub fn analyses(self, params: &Params) -> Extract {
        let none = Extract {
            mrz: false,
            tables: false,
            contacts: false,
            fields: false,
        };
        match self {
            Endpoint::GeneralText => none,
            Endpoint::GeneralTable => Extract { tables: true, ..none },
            Endpoint::WebImage => Extract {
                contacts: params.wants("contact_info"),
                fields: params.wants("contact_info"),
                ..none
            },
            Endpoint::SmartDocument => Extract {
                tables: params.table || params.layout,
                fields: params.kv,
                ..none
            },
            Endpoint::Passport => Extract {
                mrz: true,
                fields: true,
                ..none
            },
            Endpoint::IdCard => Extract {
                fields: true,
                contacts: true,
                ..none
            },
        }
    }
}

/// The request body: every operation's fields in one struct (each reads its own;
/// unknown fields are ignored, as the cloud does).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Body {
    image: Option<String>,
    /// smart-document-recognizer names its image `data`.
    data: Option<String>,
    url: Option<String>,
    detect_direction: bool,
    character_mode: bool,
    pdf_page_number: Option<i64>,
    return_text_location: bool,
    return_confidence: bool,
    return_excel: bool,
    extract_type: Vec<String>,
    layout: bool,
    table: bool,
    kv: bool,
    return_verification: bool,
    side: Option<String>,
}

/// The options a request set, as the response builders read them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pub detect_direction: bool,
    pub character_mode: bool,
    /// The PDF page asked for, 1-based (the cloud's default: 1).
    pub pdf_page: usize,
    pub return_text_location: bool,
    pub return_confidence: bool,
    pub return_excel: bool,
    pub extract_type: Vec<String>,
    pub layout: bool,
    pub table: bool,
    pub kv: bool,
    pub return_verification: bool,
}

impl Params {
    /// Whether web-image's `extract_type` names `kind`.
    pub fn wants(&self, kind: &str) -> bool {
        self.extract_type.iter().any(|k| k == kind)
    }
}

/// A request taken apart: the document's bytes and the options.
#[derive(Debug)]
pub struct Parsed {
    pub document: Vec<u8>,
    pub params: Params,
}

/// Parses `body` for `endpoint`; every refusal is the cloud's error for it.
pub fn parse(endpoint: Endpoint, body: &[u8]) -> Result<Parsed, ApiError> {
    let body: Body = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_parameter(format!("the body is not the JSON object this operation takes: {e}")))?;
    let (field, image) = match endpoint {
        Endpoint::SmartDocument => ("data", body.data.as_deref()),
        _ => ("image", body.image.as_deref()),
    };
    let image = match (image, body.url.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_parameter(format!(
                "give either `{field}` or `url`, not both"
            )));
        }
        (None, Some(_)) => {
            return Err(ApiError::bad_parameter(
                "remote URLs are not fetched: send the image".into(),
            ));
        }
        (None, None) => {
            return Err(ApiError::bad_parameter(format!(
                "`{field}` is missing: send the image as base64"
            )));
        }
        (Some(image), None) => image,
    };
    let document = decode_base64(image)?;
    let pdf_page = match body.pdf_page_number {
        None => 1,
        Some(n) if n >= 1 => n as usize,
        Some(n) => {
            return Err(ApiError::bad_parameter(format!(
                "pdf_page_number {n} is not a page (pages count from 1)"
            )));
        }
    };
    if let Some(side) = body
        .side
        .as_deref()
        .filter(|s| !["", "front", "back", "double_side"].contains(s))
    {
        return Err(ApiError::bad_parameter(format!(
            "side `{side}` is not front, back or double_side"
        )));
    }
    Ok(Parsed {
        document,
        params: Params {
            detect_direction: body.detect_direction,
            character_mode: body.character_mode,
            pdf_page,
            return_text_location: body.return_text_location,
            return_confidence: body.return_confidence,
            return_excel: body.return_excel,
            extract_type: body.extract_type,
            layout: body.layout,
            table: body.table,
            kv: body.kv,
            return_verification: body.return_verification,
        },
    })
}

/// The image's bytes from its base64 (line breaks and a `data:…;base64,` prefix allowed).
fn decode_base64(text: &str) -> Result<Vec<u8>, ApiError> {
    let payload = match text.split_once(";base64,") {
        Some((prefix, rest)) if prefix.starts_with("data:") => rest,
        _ => text,
    };
    let compact: String = payload.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| ApiError::unsupported_image(format!("the image is not base64: {e}")))?;
    if bytes.is_empty() {
        return Err(ApiError::unsupported_image("the image is empty".into()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_image_and_options_are_taken_from_the_body() {
        let parsed = parse(
            Endpoint::GeneralTable,
            br#"{"image": "aGVsbG8=", "return_excel": true, "unknown": 1}"#,
        )
        .expect("parsed");
        assert_eq!(parsed.document, b"hello");
        assert!(parsed.params.return_excel);
        assert_eq!(parsed.params.pdf_page, 1);
        let smart = parse(Endpoint::SmartDocument, br#"{"data": "aGk=", "pdf_page_number": 3}"#).expect("parsed");
        assert_eq!((smart.document.as_slice(), smart.params.pdf_page), (&b"hi"[..], 3));
    }

    #[test]
    fn refusals_carry_the_clouds_codes() {
        let code = |endpoint, body: &[u8]| parse(endpoint, body).expect_err("refused").code;
        assert_eq!(code(Endpoint::GeneralText, b"not json"), "AIS.0101");
        assert_eq!(
            code(Endpoint::GeneralText, br#"{"url": "https://example.com/a.png"}"#),
            "AIS.0101"
        );
        assert_eq!(code(Endpoint::GeneralText, br#"{}"#), "AIS.0101");
        assert_eq!(code(Endpoint::GeneralText, br#"{"image": "%%%"}"#), "AIS.0102");
        assert_eq!(code(Endpoint::SmartDocument, br#"{"image": "aGk="}"#), "AIS.0101");
        assert_eq!(
            code(Endpoint::GeneralText, br#"{"image": "aGk=", "pdf_page_number": 0}"#),
            "AIS.0101"
        );
    }

    #[test]
    fn a_data_url_prefix_and_line_breaks_are_allowed() {
        let parsed = parse(
            Endpoint::WebImage,
            b"{\"image\": \"data:image/png;base64,aGVs\\nbG8=\"}",
        )
        .expect("parsed");
        assert_eq!(parsed.document, b"hello");
    }
}
