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
    /// The data folder cannot be written (disk full, read-only, failing): nothing was
    /// saved, and the desk recovers by itself once it can write again.
    Storage,
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

/// What users are told when the data folder cannot be written.
const STORAGE_MESSAGE: &str = "The desk cannot save right now: its storage is full or read-only";

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

    /// The data folder could not be written: logged for the operator with the cause and
    /// what to do; the user is told nothing was saved.
    pub fn storage(cause: impl fmt::Display) -> Self {
        tracing::error!(
            %cause,
            "the data folder cannot be written (is its disk full or read-only?); nothing was \
             saved, and Tessera reopens its database once writing works again"
        );
        Self::storage_unavailable()
    }

    /// The data folder is known not to take writes (already logged).
    pub(crate) fn storage_unavailable() -> Self {
        Self::new(ErrorKind::Storage, STORAGE_MESSAGE)
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
            ErrorKind::Storage => 507,
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

/// Whether an I/O failure means the storage refuses writes (as opposed to a fault in
/// Tessera): a full disk, a quota, a read-only file system, a failing device.
fn refuses_writes(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::StorageFull | K::QuotaExceeded | K::ReadOnlyFilesystem | K::FileTooLarge
    ) || e.raw_os_error() == Some(EIO)
}

/// The device failed the write (Linux's EIO).
const EIO: i32 = 5;

/// Whether tantivy failed because its storage refuses writes.
fn tantivy_storage(e: &tantivy::TantivyError) -> bool {
    use tantivy::directory::error::{OpenDirectoryError, OpenWriteError};
    use tantivy::TantivyError as T;
    match e {
        T::IoError(io) => refuses_writes(io),
        T::OpenWriteError(OpenWriteError::IoError { io_error, .. })
        | T::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. }) => {
            refuses_writes(io_error)
        }
        _ => false,
    }
}

/// Whether redb failed because of its storage: an I/O error now, or one earlier that made
/// it refuse all work until the database is reopened.
fn redb_storage(e: &redb::StorageError) -> bool {
    matches!(
        e,
        redb::StorageError::Io(_) | redb::StorageError::PreviousIo
    )
}

impl From<redb::StorageError> for Error {
    fn from(e: redb::StorageError) -> Self {
        if redb_storage(&e) {
            Error::storage(e)
        } else {
            Error::internal(e)
        }
    }
}

macro_rules! redb_from {
    ($($t:ident),* $(,)?) => {$(
        impl From<redb::$t> for Error {
            fn from(e: redb::$t) -> Self {
                match e {
                    redb::$t::Storage(s) => s.into(),
                    e => Error::internal(e),
                }
            }
        }
    )*};
}

redb_from!(DatabaseError, TransactionError, TableError, CommitError);

impl From<redb::Error> for Error {
    fn from(e: redb::Error) -> Self {
        match e {
            redb::Error::Io(_) | redb::Error::PreviousIo => Error::storage(e),
            e => Error::internal(e),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if refuses_writes(&e) {
            Error::storage(e)
        } else {
            Error::internal(e)
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        if tantivy_storage(&e) {
            Error::storage(e)
        } else {
            Error::internal(e)
        }
    }
}

macro_rules! internal_from {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::internal(e)
            }
        }
    )*};
}

internal_from!(postcard::Error);
