//! Protecting visitors' data: erasure (a byte scan of the file and its WAL),
//! backup and restore, export, retention, encryption at rest.

mod backup;
mod encrypt;
mod erase;
mod export;
mod redact;
mod retention;
