//! Errors as the cloud sends them: an HTTP status and `{"error_code": "AIS.0101",
//! "error_msg": "…"}`, which the SDK raises as `ClientRequestException` (4xx) or
//! `ServerResponseException` (5xx) with those two fields.

use crate::error::DocumentError;
use crate::pipeline::ReadError;

/// One refused or failed request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    fn new(status: u16, code: &'static str, message: String) -> Self {
        Self { status, code, message }
    }

    /// AIS.0101: a parameter is missing, of the wrong type or out of range.
    pub fn bad_parameter(message: String) -> Self {
        Self::new(400, "AIS.0101", message)
    }

    /// AIS.0102: not base64, or not an image or PDF this server reads.
    pub fn unsupported_image(message: String) -> Self {
        Self::new(400, "AIS.0102", message)
    }

    /// AIS.0103: the image or the body is too large or too small.
    pub fn size_out_of_range(message: String) -> Self {
        Self::new(400, "AIS.0103", message)
    }

    /// AIS.0104: the image could not be decoded or read.
    pub fn unreadable(message: String) -> Self {
        Self::new(400, "AIS.0104", message)
    }

    /// AIS.0105: the document was read but holds nothing this operation finds.
    pub fn recognition_failed(message: String) -> Self {
        Self::new(400, "AIS.0105", message)
    }

    /// The queue is full: the caller should retry later.
    pub fn busy(queued: usize) -> Self {
        Self::new(
            429,
            "AIS.0429",
            format!("the server is busy ({queued} requests already waiting): retry later"),
        )
    }

    /// The server cannot take requests yet (models loading).
    pub fn unavailable(message: String) -> Self {
        Self::new(503, "AIS.0503", message)
    }

    /// The request took longer than the server's limit.
    pub fn timed_out(seconds: f64) -> Self {
        Self::new(504, "AIS.0504", format!("the document was not read within {seconds} s"))
    }

    /// Nothing served at this path.
    pub fn not_found(path: &str) -> Self {
        Self::new(404, "AIS.0404", format!("no operation at {path}"))
    }

    /// The signature check failed.
    pub fn unauthorised(message: String) -> Self {
        Self::new(401, "APIGW.0301", format!("incorrect authentication: {message}"))
    }

    /// A fault of the server (a bug caught, a model failing): not the caller's.
    pub fn internal(message: String) -> Self {
        Self::new(500, "AIS.0500", message)
    }

    /// The body the cloud sends with it.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "error_code": self.code, "error_msg": self.message })
    }
}

impl From<ReadError> for ApiError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Document(e) => e.into(),
            ReadError::Ocr { source, .. } => ApiError::internal(format!("the models failed: {source}")),
            ReadError::Internal { panic, .. } => ApiError::internal(format!("internal error: {panic}")),
        }
    }
}

impl From<DocumentError> for ApiError {
    fn from(error: DocumentError) -> Self {
        let message = error.to_string();
        match error {
            DocumentError::TooLarge { .. } | DocumentError::TooSmall { .. } | DocumentError::FileTooLarge { .. } => {
                ApiError::size_out_of_range(message)
            }
            // A PageSelectionError: pdf_page_number past the document's end.
            DocumentError::Unreadable { ref reason, .. } if reason.contains("was asked for, but the document has") => {
                ApiError::bad_parameter(message)
            }
            DocumentError::Unreadable { ref reason, .. } if reason.contains("not an image format") => {
                ApiError::unsupported_image(message)
            }
            DocumentError::PdfiumUnavailable(_) => ApiError::internal(message),
            DocumentError::Unreadable { .. } | DocumentError::Encrypted { .. } => ApiError::unreadable(message),
        }
    }
}
