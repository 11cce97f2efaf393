//! The one error type of the engine. Its kind decides the HTTP status; its message is
//! written for the person who sees it; internal causes go to the log only.

use std::fmt;

/// What sort of failure this is, independent of where it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Conflict,
    Invalid,
    Forbidden,
    Unauthorized,
    TooManyRequests,
    /// The desk is at capacity for this kind of work right now; try again shortly.
    Busy,
    Internal,
}

/// An engine failure: a kind, a message fit for users, and for internal errors a cause.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    fields: Vec<model::FieldError>,
    retry_after: Option<u64>,
}

/// Engine results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }

    /// Says how many seconds the caller should wait before trying again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// For `TooManyRequests` and `Busy`: seconds to wait before trying again.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// Too much of this work is under way; the caller may try again in a moment.
    pub fn busy(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Busy, message).with_retry_after(2)
    }

    /// Nothing with that id or token exists (or the caller may not know that it does).
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorKind::NotFound, format!("{what} not found"))
    }

    /// Input failed validation; `fields` says which fields and why.
    pub fn invalid(fields: Vec<model::FieldError>) -> Self {
        Error {
            kind: ErrorKind::Invalid,
            message: "Some fields need attention".into(),
            fields,
            retry_after: None,
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, message)
    }

    /// An internal failure: the cause is logged here, the user sees a generic message.
    pub fn internal(cause: impl fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(ErrorKind::Internal, "Something went wrong on our side")
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message for the user.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For `Invalid`: the field errors.
    pub fn fields(&self) -> &[model::FieldError] {
        &self.fields
    }

    /// The HTTP status code this error maps to.
    pub fn http_status(&self) -> u16 {
        match self.kind {
            ErrorKind::NotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::Invalid => 422,
            ErrorKind::Forbidden => 403,
            ErrorKind::Unauthorized => 401,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Busy => 503,
            ErrorKind::Internal => 500,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

macro_rules! internal_from {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::internal(e)
            }
        }
    )*};
}

internal_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    tantivy::TantivyError,
    std::io::Error,
    postcard::Error,
);
