//! Attachments: files on replies and notes, kept in the data folder's blob store
//! (`blobs/ab/<sha-256 in hex>`), one copy per content however often it is attached.
//!
//! A file is uploaded first (streamed to a temporary file while its hash is taken),
//! then attached to the message it was uploaded for, in the message's own transaction.
//! An upload never attached is forgotten after a day. Only the uploader can attach or
//! fetch an upload not yet attached; once attached, a file is served to whoever may see
//! its message (agents who see the ticket; the customer, for public replies only).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use model::Attachment;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::access::caller_in;
use crate::store::records::{Actor, MessageRecord};
use crate::store::{self, codec, tables};
use crate::{Engine, Error, Result};

/// The largest file accepted unless an admin sets otherwise, in MiB.
pub const DEFAULT_MAX_MIB: u32 = 25;
/// The largest limit an admin may set, in MiB.
pub const MAX_MAX_MIB: u32 = 1024;
/// Files one message carries at most.
pub const MAX_PER_MESSAGE: usize = 20;
/// How long an upload waits to be attached before it is forgotten.
const PENDING_HOURS: i64 = 24;
/// Uploads forgotten per transaction.
const PRUNE_BATCH: usize = 1000;
/// Uploads one person may have waiting to be attached at once.
pub const MAX_PENDING: usize = 30;

/// A stored file, as the database knows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub id: u64,
    /// The message it belongs to; `None` while the upload waits to be attached.
    pub message: Option<u64>,
    /// Who uploaded it.
    pub owner: Actor,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub hash: [u8; 32],
    pub created_at: DateTime<Utc>,
}

impl AttachmentRecord {
    fn view(&self) -> Attachment {
        Attachment {
            id: self.id,
            name: self.name.clone(),
            content_type: self.content_type.clone(),
            size: self.size,
        }
    }
}

/// A file being received: written to a temporary file as it arrives, its SHA-256 taken
/// on the way. Dropped unfinished, it leaves nothing behind.
pub struct Upload {
    file: std::fs::File,
    path: PathBuf,
    hasher: Sha256,
    size: u64,
    max: u64,
}

impl Upload {
    /// Takes the next piece of the file; refuses the file once it passes the limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size > self.max {
            return Err(too_large());
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk)?;
        Ok(())
    }

    /// Bytes received so far.
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn too_large() -> Error {
    Error::invalid(vec![model::FieldError::new("file", "error.file_too_large")])
}

/// The blob store inside a data folder.
pub fn blobs_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("blobs")
}

/// Where the blob with `hash` lives.
fn blob_path(blobs: &Path, hash: &[u8; 32]) -> PathBuf {
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    blobs.join(&hex[..2]).join(hex)
}

/// A file name fit to store and to offer for download: one line, no folders, no control
/// characters, at most 200 characters; "file" when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = model::validate::one_line(base)
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_format(*c)
                && !matches!(c, '\u{22}' | '<' | '>' | '|' | '*' | '?' | ':')
        })
        .take(200)
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned.to_string()
    }
}

/// Invisible characters that change how a name reads (bidirectional overrides and
/// marks, zero-width joiners): `invoice\u{202e}fdp.exe` would show as `invoiceexe.pdf`.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A declared content type kept as given when it looks like one (`type/subtype`, lower
/// case, no parameters), else `application/octet-stream`.
pub fn clean_type(content_type: &str) -> String {
    let main = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = main.len() <= 100
        && main.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && main
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/.+-_".contains(c))
        });
    if ok {
        main
    } else {
        "application/octet-stream".to_string()
    }
}

impl Engine {
    /// The largest file the desk accepts, in bytes.
    pub fn attachment_max_bytes(&self) -> Result<u64> {
        Ok(u64::from(self.attachment_max_mib()?) * 1024 * 1024)
    }

    /// The largest file the desk accepts, in MiB.
    pub fn attachment_max_mib(&self) -> Result<u32> {
        let txn = self.read()?;
        Ok(
            crate::desk::setting_u32(&txn.open_table(tables::SETTINGS)?, "attachment_max_mib")?
                .unwrap_or(DEFAULT_MAX_MIB),
        )
    }

    /// Sets the largest file the desk accepts (1 to 1024 MiB): admins only.
    pub fn set_attachment_max_mib(&self, by: u64, mib: u32) -> Result<()> {
        if !(1..=MAX_MAX_MIB).contains(&mib) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "attachment_max_mib",
                "error.mib_range",
            )]));
        }
        self.write(|txn| {
            caller_in(txn, by)?.must_be_admin()?;
            txn.open_table(tables::SETTINGS)?
                .insert("attachment_max_mib", mib.to_le_bytes().as_slice())?;
            Ok(((), Vec::new()))
        })
    }

    /// Starts receiving a file, refused past the desk's size limit. `declared` is the
    /// size the sender announced, if any: a file announced too large is refused before
    /// a byte is written.
    pub fn start_upload(&self, declared: Option<u64>) -> Result<Upload> {
        let max = self.attachment_max_bytes()?;
        if declared.is_some_and(|d| d > max) {
            return Err(too_large());
        }
        let tmp = blobs_dir(&self.data_dir).join("tmp");
        std::fs::create_dir_all(&tmp)?;
        let path = tmp.join(crate::token::new_token());
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(Upload {
            file,
            path,
            hasher: Sha256::new(),
            size: 0,
            max,
        })
    }

    /// The customer behind ticket `number`'s private link, as an uploader.
    pub fn customer_uploader(&self, number: u64, secret: &str) -> Result<Actor> {
        Ok(Actor::Contact(
            self.ticket_for_customer(number, secret)?.requester,
        ))
    }

    /// Keeps a received file as an upload of `owner`'s, waiting to be attached to their
    /// next message. An agent must be active; a customer is given by their ticket.
    pub fn finish_upload(
        &self,
        owner: Actor,
        name: &str,
        content_type: &str,
        mut upload: Upload,
    ) -> Result<Attachment> {
        upload.file.sync_all()?;
        let hash: [u8; 32] = std::mem::take(&mut upload.hasher).finalize().into();
        let now = self.now();
        let blobs = blobs_dir(&self.data_dir);
        let name = clean_name(name);
        let content_type = clean_type(content_type);
        self.write(|txn| {
            if let Actor::Agent(agent) = owner {
                caller_in(txn, agent)?;
            }
            if pending_of(txn, owner)? >= MAX_PENDING {
                return Err(Error::invalid(vec![model::FieldError::new(
                    "file",
                    "error.too_many_uploads",
                )]));
            }
            // Inside the write transaction, so no pruning removes the blob meanwhile.
            keep_blob(txn, &blobs, &hash, &upload.path)?;
            let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "attachment")?;
            let record = AttachmentRecord {
                id,
                message: None,
                owner,
                name: name.clone(),
                content_type: content_type.clone(),
                size: upload.size,
                hash,
                created_at: now,
            };
            txn.open_table(tables::ATTACHMENTS)?
                .insert(id, codec::encode(&record)?.as_slice())?;
            txn.open_table(tables::UPLOADS_PENDING)?
                .insert((now.timestamp(), id), ())?;
            Ok((record.view(), Vec::new()))
        })
    }

    /// A file for an agent to download: theirs while waiting to be attached, else one
    /// on a ticket they may see. Anything else is "not found".
    pub fn attachment_for_agent(&self, agent: u64, id: u64) -> Result<(Attachment, PathBuf)> {
        let txn = self.read()?;
        let caller = crate::access::caller_read(&txn, agent)?;
        let record = read_record(&txn, id)?;
        match record.message {
            None if record.owner == Actor::Agent(agent) => {}
            None => return Err(Error::not_found("File")),
            Some(message) => {
                let m = read_message(&txn, message)?;
                let ticket = crate::tickets::read_ticket(&txn, m.ticket)?;
                if caller.check(&ticket).is_err() {
                    return Err(Error::not_found("File"));
                }
            }
        }
        let path = blob_path(&blobs_dir(&self.data_dir), &record.hash);
        Ok((record.view(), path))
    }

    /// A file for the customer of ticket `number` (by its private link): one on a
    /// public message of their conversation, or their own upload waiting to be attached.
    /// Notes' files, other tickets' files and wrong links are all "not found".
    pub fn attachment_for_customer(
        &self,
        number: u64,
        secret: &str,
        id: u64,
    ) -> Result<(Attachment, PathBuf)> {
        let ticket = self.ticket_for_customer(number, secret)?;
        let txn = self.read()?;
        let record = read_record(&txn, id)?;
        let allowed = match record.message {
            None => record.owner == Actor::Contact(ticket.requester),
            Some(message) => {
                let m = read_message(&txn, message)?;
                m.kind.public()
                    && txn
                        .open_table(tables::TICKET_MESSAGES)?
                        .get((number, message))?
                        .is_some()
            }
        };
        if !allowed {
            return Err(Error::not_found("File"));
        }
        let path = blob_path(&blobs_dir(&self.data_dir), &record.hash);
        Ok((record.view(), path))
    }

    /// Forgets uploads never attached within a day, and their blobs when nothing else
    /// holds them, a batch per transaction until none is due. Returns how many; run it
    /// now and then.
    pub fn prune_uploads(&self) -> Result<usize> {
        let mut total = 0;
        loop {
            let n = self.prune_upload_batch()?;
            total += n;
            if n < PRUNE_BATCH {
                return Ok(total);
            }
        }
    }

    fn prune_upload_batch(&self) -> Result<usize> {
        let cutoff = (self.now() - Duration::hours(PENDING_HOURS)).timestamp();
        let blobs = blobs_dir(&self.data_dir);
        self.write(|txn| {
            let due: Vec<(i64, u64)> = txn
                .open_table(tables::UPLOADS_PENDING)?
                .range(..=(cutoff, u64::MAX))?
                .take(PRUNE_BATCH)
                .map(|e| Ok(e?.0.value()))
                .collect::<Result<_>>()?;
            for key in &due {
                txn.open_table(tables::UPLOADS_PENDING)?.remove(key)?;
                let Some(record) = txn
                    .open_table(tables::ATTACHMENTS)?
                    .remove(key.1)?
                    .map(|raw| codec::decode::<AttachmentRecord>(raw.value()))
                    .transpose()?
                else {
                    continue;
                };
                release_blob(txn, &blobs, &record.hash)?;
            }
            Ok((due.len(), Vec::new()))
        })
    }
}

/// How many uploads `owner` has waiting to be attached.
fn pending_of(txn: &WriteTransaction, owner: Actor) -> Result<usize> {
    let pending = txn.open_table(tables::UPLOADS_PENDING)?;
    let table = txn.open_table(tables::ATTACHMENTS)?;
    let mut n = 0;
    for entry in pending.iter()? {
        let id = entry?.0.value().1;
        if let Some(raw) = table.get(id)? {
            if codec::decode::<AttachmentRecord>(raw.value())?.owner == owner {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Empties the temporary folder of uploads a crash or a kill cut short.
pub(crate) fn clear_partial_uploads(data_dir: &Path) {
    let tmp = blobs_dir(data_dir).join("tmp");
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Attaches `owner`'s waiting uploads `ids` to message `message`, in its transaction.
pub(crate) fn attach(
    txn: &WriteTransaction,
    owner: Actor,
    message: u64,
    ids: &[u64],
) -> Result<()> {
    if ids.len() > MAX_PER_MESSAGE {
        return Err(Error::invalid(vec![model::FieldError::new(
            "attachments",
            "error.too_many_files",
        )]));
    }
    let mut table = txn.open_table(tables::ATTACHMENTS)?;
    let mut links = txn.open_table(tables::MESSAGE_ATTACHMENTS)?;
    let mut pending = txn.open_table(tables::UPLOADS_PENDING)?;
    for &id in ids {
        let record = match table.get(id)? {
            Some(raw) => Some(codec::decode::<AttachmentRecord>(raw.value())?),
            None => None,
        };
        let Some(mut record) = record.filter(|r| r.message.is_none() && r.owner == owner) else {
            return Err(Error::invalid(vec![model::FieldError::new(
                "attachments",
                "error.file_gone",
            )]));
        };
        pending.remove((record.created_at.timestamp(), id))?;
        record.message = Some(message);
        table.insert(id, codec::encode(&record)?.as_slice())?;
        links.insert((message, id), ())?;
    }
    Ok(())
}

/// Bytes written to a temporary file in the blob store and hashed, waiting to be kept
/// inside a write transaction ([`add_file`], [`keep_source`]); removed if never kept.
pub(crate) struct Staged {
    path: PathBuf,
    hash: [u8; 32],
    size: u64,
}

impl Drop for Staged {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl crate::Engine {
    /// Writes `bytes` to a temporary file of the blob store, for a transaction to keep.
    pub(crate) fn stage_bytes(&self, bytes: &[u8]) -> Result<Staged> {
        let tmp = blobs_dir(&self.data_dir).join("tmp");
        std::fs::create_dir_all(&tmp)?;
        let path = tmp.join(crate::token::new_token());
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        Ok(Staged {
            path,
            hash: Sha256::digest(bytes).into(),
            size: bytes.len() as u64,
        })
    }

    /// The original email message `message` came from, for an agent who may see its
    /// ticket: its path in the blob store and size.
    pub fn message_source_for_agent(&self, agent: u64, message: u64) -> Result<(PathBuf, u64)> {
        let txn = self.read()?;
        let caller = crate::access::caller_read(&txn, agent)?;
        let raw = txn
            .open_table(tables::MESSAGE_SOURCES)?
            .get(message)?
            .map(|v| v.value().to_vec())
            .filter(|v| v.len() == 40)
            .ok_or_else(|| Error::not_found("Original message"))?;
        let ticket = txn
            .open_table(tables::MESSAGES)?
            .get(message)?
            .map(|v| codec::decode::<crate::store::records::MessageRecord>(v.value()))
            .transpose()?
            .ok_or_else(|| Error::not_found("Original message"))?
            .ticket;
        caller.check(&crate::tickets::read_ticket(&txn, ticket)?)?;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&raw[..32]);
        let size = u64::from_le_bytes(raw[32..40].try_into().unwrap_or_default());
        Ok((blob_path(&blobs_dir(&self.data_dir), &hash), size))
    }

    /// Whether message `message` came from an email whose original is kept.
    pub fn has_source(&self, message: u64) -> Result<bool> {
        let txn = self.read()?;
        Ok(txn
            .open_table(tables::MESSAGE_SOURCES)?
            .get(message)?
            .is_some())
    }
}

/// Keeps a staged file as attachment `name` of `message`; returns its id.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_file(
    txn: &WriteTransaction,
    blobs: &Path,
    staged: &Staged,
    owner: Actor,
    message: u64,
    name: &str,
    content_type: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    keep_staged(txn, blobs, staged)?;
    let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "attachment")?;
    let record = AttachmentRecord {
        id,
        message: Some(message),
        owner,
        name: clean_name(name),
        content_type: clean_type(content_type),
        size: staged.size,
        hash: staged.hash,
        created_at: now,
    };
    txn.open_table(tables::ATTACHMENTS)?
        .insert(id, codec::encode(&record)?.as_slice())?;
    txn.open_table(tables::MESSAGE_ATTACHMENTS)?
        .insert((message, id), ())?;
    Ok(id)
}

/// Keeps a staged email as the original of `message`.
pub(crate) fn keep_source(
    txn: &WriteTransaction,
    blobs: &Path,
    staged: &Staged,
    message: u64,
) -> Result<()> {
    keep_staged(txn, blobs, staged)?;
    let mut value = staged.hash.to_vec();
    value.extend_from_slice(&staged.size.to_le_bytes());
    txn.open_table(tables::MESSAGE_SOURCES)?
        .insert(message, value.as_slice())?;
    Ok(())
}

/// Counts one more holder of a staged file's blob, moving the file into place when it
/// is the first (a copy, so a staged file kept twice stays whole).
fn keep_staged(txn: &WriteTransaction, blobs: &Path, staged: &Staged) -> Result<()> {
    let path = blob_path(blobs, &staged.hash);
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let part = path.with_extension("part");
        std::fs::copy(&staged.path, &part)?;
        std::fs::rename(&part, &path)?;
    }
    let mut refs = txn.open_table(tables::BLOBS)?;
    let held = refs.get(staged.hash.as_slice())?.map_or(0, |v| v.value());
    refs.insert(staged.hash.as_slice(), held + 1)?;
    Ok(())
}

/// The files of message `message` as (name, type, path in the blob store), for mailing.
pub(crate) fn paths_of_message(
    txn: &redb::ReadTransaction,
    blobs: &Path,
    message: u64,
) -> Result<Vec<(String, String, PathBuf)>> {
    let table = txn.open_table(tables::ATTACHMENTS)?;
    let mut out = Vec::new();
    for link in txn
        .open_table(tables::MESSAGE_ATTACHMENTS)?
        .range((message, 0)..=(message, u64::MAX))?
    {
        let id = link?.0.value().1;
        if let Some(raw) = table.get(id)? {
            let r: AttachmentRecord = codec::decode(raw.value())?;
            out.push((r.name, r.content_type, blob_path(blobs, &r.hash)));
        }
    }
    Ok(out)
}

/// The files of message `message`, in the order they were attached.
pub(crate) fn of_message(txn: &redb::ReadTransaction, message: u64) -> Result<Vec<Attachment>> {
    let links = txn.open_table(tables::MESSAGE_ATTACHMENTS)?;
    let table = txn.open_table(tables::ATTACHMENTS)?;
    let mut out = Vec::new();
    for link in links.range((message, 0)..=(message, u64::MAX))? {
        let id = link?.0.value().1;
        if let Some(raw) = table.get(id)? {
            out.push(codec::decode::<AttachmentRecord>(raw.value())?.view());
        }
    }
    Ok(out)
}

fn read_record(txn: &redb::ReadTransaction, id: u64) -> Result<AttachmentRecord> {
    match txn.open_table(tables::ATTACHMENTS)?.get(id)? {
        Some(raw) => codec::decode(raw.value()),
        None => Err(Error::not_found("File")),
    }
}

fn read_message(txn: &redb::ReadTransaction, id: u64) -> Result<MessageRecord> {
    match txn.open_table(tables::MESSAGES)?.get(id)? {
        Some(raw) => codec::decode(raw.value()),
        None => Err(Error::not_found("File")),
    }
}

/// Moves the received file at `received` into the store as blob `hash` (or drops it,
/// when the store has that content already) and counts one more holder.
fn keep_blob(txn: &WriteTransaction, blobs: &Path, hash: &[u8; 32], received: &Path) -> Result<()> {
    let path = blob_path(blobs, hash);
    if path.exists() {
        std::fs::remove_file(received)?;
    } else {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::rename(received, &path)?;
    }
    let mut refs = txn.open_table(tables::BLOBS)?;
    let held = refs.get(hash.as_slice())?.map_or(0, |v| v.value());
    refs.insert(hash.as_slice(), held + 1)?;
    Ok(())
}

/// Counts one holder fewer of blob `hash`; removes the blob when none is left.
fn release_blob(txn: &WriteTransaction, blobs: &Path, hash: &[u8; 32]) -> Result<()> {
    let mut refs = txn.open_table(tables::BLOBS)?;
    let held = refs.get(hash.as_slice())?.map_or(0, |v| v.value());
    if held <= 1 {
        refs.remove(hash.as_slice())?;
        match std::fs::remove_file(blob_path(blobs, hash)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    } else {
        refs.insert(hash.as_slice(), held - 1)?;
    }
    Ok(())
}

/// Copies the blob store of `from` into `to` (backup and restore): every blob `to`
/// lacks, never the temporary files of uploads in progress.
pub(crate) fn copy_blobs(from: &Path, to: &Path) -> Result<u64> {
    let (from, to) = (blobs_dir(from), blobs_dir(to));
    let Ok(dirs) = std::fs::read_dir(&from) else {
        return Ok(0);
    };
    let mut copied = 0;
    for dir in dirs {
        let dir = dir?;
        let name = dir.file_name();
        if name == "tmp" || !dir.file_type()?.is_dir() {
            continue;
        }
        std::fs::create_dir_all(to.join(&name))?;
        for file in std::fs::read_dir(dir.path())? {
            let file = file?;
            let dest = to.join(&name).join(file.file_name());
            if dest.exists() {
                continue;
            }
            let partial = dest.with_extension("partial");
            std::fs::copy(file.path(), &partial)?;
            std::fs::rename(&partial, &dest)?;
            copied += 1;
        }
    }
    Ok(copied)
}
