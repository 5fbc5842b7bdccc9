//! The API's one error body, `{"error": {"kind": "input|analysis|cancelled", "message": ...}}`,
//! and the status each kind is answered with.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use crosshedge_app::{AppError, ErrorKind};

/// An error answered as JSON with an HTTP status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The app's kind: `input` for every fault of the request (a bad body, a wrong host, a
    /// missing token), `analysis` for a failure on valid input, `cancelled`.
    pub kind: ErrorKind,
    /// One line.
    pub message: String,
}

impl ApiError {
    /// An error of the request with `status`.
    pub fn request(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, kind: ErrorKind::Input, message: message.into() }
    }

    /// The JSON body `{"error": {"kind": ..., "message": ...}}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"kind": self.kind, "message": self.message}})
    }
}

impl From<AppError> for ApiError {
    /// Input 422, analysis 500, cancelled 409.
    fn from(e: AppError) -> Self {
        let status = match e.kind {
            ErrorKind::Input => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Analysis => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Cancelled => StatusCode::CONFLICT,
        };
        Self { status, kind: e.kind, message: e.message }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, axum::Json(self.body())).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}
