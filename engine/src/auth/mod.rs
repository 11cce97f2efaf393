//! Agents and how they prove who they are: first-run setup link, argon2id passwords,
//! revocable sessions stored in redb, and a brake on repeated failed sign-ins.

pub mod password;

use chrono::{DateTime, Duration};
use model::{AgentInfo, NewAgent, Role};
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, WriteTransaction};

use crate::store::records::{Actor, AgentRecord, Change, SessionRecord};
use crate::store::{self, codec, tables};
use crate::{audit, token, Engine, Error, ErrorKind, Result};

/// How long the first-run setup link works.
pub const SETUP_TOKEN_LIFETIME: Duration = Duration::minutes(model::limits::SETUP_LINK_MINUTES);
/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::days(14);

/// A signed-in agent and their session token (for the cookie).
#[derive(Debug)]
pub struct SignedIn {
    pub agent: AgentInfo,
    pub session: String,
}

fn info(a: &AgentRecord) -> AgentInfo {
    AgentInfo {
        id: a.id,
        name: a.name.clone(),
        email: a.email.clone(),
        role: a.role,
        locale: a.locale.clone(),
        active: a.active,
        signature: a.signature.clone(),
        time_zone: a.time_zone.clone(),
    }
}

/// Longest signature, in characters.
pub const MAX_SIGNATURE_CHARS: usize = 1_000;

/// Checked for unknown addresses, so that timing tells nothing of which exist.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J2e6pV6Ht4x2lUdtvPPtn0Lgg3uLq2qfzPZQ0rXNKlk";
impl Engine {
    /// Whether any admin exists (if not, the desk needs its setup link).
    pub fn has_admin(&self) -> Result<bool> {
        let txn = self.read()?;
        let agents = txn.open_table(tables::AGENTS)?;
        for e in agents.iter()? {
            let a: AgentRecord = codec::decode(e?.1.value())?;
            if a.role == Role::Admin {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Makes a new one-time setup token (valid 30 minutes), replacing any earlier one.
    pub fn new_setup_token(&self) -> Result<String> {
        let secret = token::new_token();
        let expires = self.now() + SETUP_TOKEN_LIFETIME;
        let mut value = token::hash_token(&secret).to_vec();
        value.extend(expires.timestamp().to_le_bytes());
        self.write(|txn| {
            txn.open_table(tables::META)?
                .insert("setup_token", value.as_slice())?;
            Ok(((), vec![]))
        })?;
        Ok(secret)
    }

    /// Whether `secret` is the current, unexpired setup token.
    pub fn setup_token_valid(&self, secret: &str) -> Result<bool> {
        let txn = self.read()?;
        let meta = txn.open_table(tables::META)?;
        let Some(raw) = meta.get("setup_token")? else {
            return Ok(false);
        };
        let raw = raw.value();
        if raw.len() != 40 {
            return Ok(false);
        }
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&raw[..32]);
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&raw[32..]);
        let expires = DateTime::from_timestamp(i64::from_le_bytes(ts), 0).unwrap_or_default();
        Ok(self.now() < expires && token::token_matches(secret, &hash))
    }

    /// Creates the first admin through the setup link, and signs them in.
    pub fn complete_setup(&self, secret: &str, admin: &NewAgent) -> Result<SignedIn> {
        if !self.setup_token_valid(secret)? || self.has_admin()? {
            return Err(setup_gone());
        }
        let agent = self.create_agent_in(
            &NewAgent {
                admin: true,
                ..admin.clone()
            },
            None,
            |txn| {
                // Decided again inside the write: of two setups racing, one wins.
                let taken = txn
                    .open_table(tables::META)?
                    .remove("setup_token")?
                    .is_some();
                if taken {
                    Ok(())
                } else {
                    Err(setup_gone())
                }
            },
        )?;
        let session = self.new_session(agent.id, None)?;
        Ok(SignedIn { agent, session })
    }

    /// Adds an agent. `by` is the admin doing it (None: the shell or setup).
    pub fn create_agent(&self, by: Option<u64>, new: &NewAgent) -> Result<AgentInfo> {
        if let Some(by) = by {
            let admin = self.agent(by)?;
            if admin.role != Role::Admin {
                return Err(Error::forbidden("Only admins can add agents"));
            }
        }
        self.create_agent_in(new, by, |_| Ok(()))
    }

    fn create_agent_in(
        &self,
        new: &NewAgent,
        by: Option<u64>,
        also: impl FnOnce(&WriteTransaction) -> Result<()>,
    ) -> Result<AgentInfo> {
        let errors = model::validate_agent(new);
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        let hash = {
            let _slot = self.password_slots.take()?;
            password::hash(&new.password)?
        };
        let email = new.email.trim().to_lowercase();
        let now = self.now();
        self.write(|txn| {
            let mut by_email = txn.open_table(tables::AGENT_BY_EMAIL)?;
            if by_email.get(email.as_str())?.is_some() {
                return Err(Error::invalid(vec![model::FieldError::new(
                    "email",
                    "error.email_taken",
                )]));
            }
            let id = store::next_id(&mut txn.open_table(tables::COUNTERS)?, "agent")?;
            let record = AgentRecord {
                id,
                name: new.name.trim().to_string(),
                email: email.clone(),
                role: if new.admin { Role::Admin } else { Role::Agent },
                password_hash: hash,
                created_at: now,
                locale: None,
                active: true,
                time_zone: None,
                signature: String::new(),
            };
            txn.open_table(tables::AGENTS)?
                .insert(id, codec::encode(&record)?.as_slice())?;
            by_email.insert(email.as_str(), id)?;
            drop(by_email);
            let actor = by.map(Actor::Agent).unwrap_or(Actor::System);
            audit(txn, None, actor, Change::AgentCreated { agent: id }, now)?;
            also(txn)?;
            Ok((info(&record), vec![]))
        })
    }

    /// One agent.
    pub fn agent(&self, id: u64) -> Result<AgentInfo> {
        let txn = self.read()?;
        let agent = read_agent(&txn, id)?.ok_or_else(|| Error::not_found("Agent"))?;
        Ok(info(&agent))
    }

    /// Sets the workspace language of agent `id` (`None`: follow the browser).
    pub fn set_agent_locale(&self, id: u64, locale: Option<&str>) -> Result<AgentInfo> {
        if locale.is_some_and(|l| !model::is_language(l)) {
            return Err(Error::invalid(vec![model::FieldError::new(
                "locale",
                "error.locale_unknown",
            )]));
        }
        let locale = locale.map(str::to_string);
        let now = self.now();
        self.write(|txn| {
            let record = update_agent(txn, id, |a| a.locale = locale.clone())?;
            let change = Change::LanguageChanged { agent: id, locale };
            audit(txn, None, Actor::Agent(id), change, now)?;
            Ok((info(&record), vec![]))
        })
    }

    /// Agent `id` changes their own name and signature (added under their public
    /// replies).
    pub fn set_agent_profile(&self, id: u64, name: &str, signature: &str) -> Result<AgentInfo> {
        let name = model::validate::one_line(name);
        let mut errors = model::validate::validate_name(&name);
        let signature = signature.trim().to_string();
        if signature.chars().count() > MAX_SIGNATURE_CHARS {
            errors.push(model::FieldError::new(
                "signature",
                "error.signature_too_long",
            ));
        }
        if !errors.is_empty() {
            return Err(Error::invalid(errors));
        }
        self.write(|txn| {
            let record = update_agent(txn, id, |a| {
                a.name = name.clone();
                a.signature = signature.clone();
            })?;
            Ok((info(&record), vec![]))
        })
    }

    /// Agent `id` chooses the time zone their workspace shows times in (an IANA name),
    /// or `None` to follow the desk's.
    pub fn set_agent_time_zone(&self, id: u64, zone: Option<&str>) -> Result<AgentInfo> {
        let zone = match zone.map(str::trim).filter(|z| !z.is_empty()) {
            Some(z) => Some(crate::desk::time_zone(z, "time_zone")?),
            None => None,
        };
        self.write(|txn| {
            let record = update_agent(txn, id, |a| a.time_zone = zone.clone())?;
            Ok((info(&record), vec![]))
        })
    }

    /// An admin makes agent `id` an admin or an agent. The desk always keeps an active
    /// admin: the last one cannot be made an agent.
    pub fn set_agent_role(&self, by: u64, id: u64, role: Role) -> Result<AgentInfo> {
        let now = self.now();
        self.write(|txn| {
            crate::access::caller_in(txn, by)?.must_be_admin()?;
            if role == Role::Agent {
                let agents = txn.open_table(tables::AGENTS)?;
                let mut other_admins = 0;
                for entry in agents.iter()? {
                    let a: AgentRecord = codec::decode(entry?.1.value())?;
                    if a.id != id && a.role == Role::Admin && a.active {
                        other_admins += 1;
                    }
                }
                if other_admins == 0 {
                    return Err(Error::new(
                        ErrorKind::Conflict,
                        "The desk needs an administrator: make someone else one first",
                    ));
                }
            }
            let record = update_agent(txn, id, |a| a.role = role)?;
            audit(
                txn,
                None,
                Actor::Agent(by),
                Change::RoleChanged { agent: id, role },
                now,
            )?;
            Ok((info(&record), vec![]))
        })
    }

    /// An admin deactivates (or reactivates) agent `id`. A deactivated agent cannot sign
    /// in, and every session they had ends at once.
    pub fn set_agent_active(&self, by: u64, id: u64, active: bool) -> Result<AgentInfo> {
        let admin = self.agent(by)?;
        if admin.role != Role::Admin {
            return Err(Error::forbidden("Only admins can deactivate agents"));
        }
        if by == id && !active {
            return Err(Error::forbidden("You cannot deactivate yourself"));
        }
        let now = self.now();
        self.write(|txn| {
            let record = update_agent(txn, id, |a| a.active = active)?;
            if !active {
                end_sessions(txn, id, None)?;
            }
            let change = Change::AgentActiveChanged { agent: id, active };
            audit(txn, None, Actor::Agent(by), change, now)?;
            Ok((info(&record), vec![]))
        })
    }

    /// Agent `id` changes their own password, proving they know the current one. Their
    /// other sessions end; the one that made the change (`keep`) goes on.
    pub fn change_password(
        &self,
        id: u64,
        keep: &str,
        current: &str,
        new_password: &str,
    ) -> Result<()> {
        if let Some(error) = model::validate_password(new_password) {
            return Err(Error::invalid(vec![error]));
        }
        let stored = {
            let txn = self.read()?;
            read_agent(&txn, id)?.ok_or_else(|| Error::not_found("Agent"))?
        };
        let hash = {
            let _slot = self.password_slots.take()?;
            if current.len() > model::limits::PASSWORD_MAX_BYTES
                || !password::verify(current, &stored.password_hash)
            {
                return Err(Error::invalid(vec![model::FieldError::new(
                    "current",
                    "error.password_wrong",
                )]));
            }
            password::hash(new_password)?
        };
        let now = self.now();
        let keep = token::hash_token(keep);
        self.write(|txn| {
            update_agent(txn, id, |a| a.password_hash = hash.clone())?;
            end_sessions(txn, id, Some(keep))?;
            audit(
                txn,
                None,
                Actor::Agent(id),
                Change::PasswordChanged { agent: id },
                now,
            )?;
            Ok(((), vec![]))
        })
    }

    /// Every agent, in the order they were added.
    pub fn agents(&self) -> Result<Vec<AgentInfo>> {
        let txn = self.read()?;
        let agents = txn.open_table(tables::AGENTS)?;
        let mut out = Vec::with_capacity(agents.len()? as usize);
        for e in agents.iter()? {
            out.push(info(&codec::decode(e?.1.value())?));
        }
        Ok(out)
    }

    /// Checks an email and password and opens a session. Each attempt is reserved
    /// against [`crate::throttle::SIGN_IN_ATTEMPTS`] per account and `client` address
    /// before the password is looked at, so parallel guesses cannot slip past the limit;
    /// a successful sign-in clears the count.
    pub fn sign_in(&self, email: &str, password: &str, client: &str) -> Result<SignedIn> {
        let email = email.trim().to_lowercase();
        if email.len() > model::limits::EMAIL_MAX_BYTES
            || password.len() > model::limits::PASSWORD_MAX_BYTES
        {
            // No account has such an address or password: nothing to hash or remember.
            return Err(Error::unauthorized("That email and password do not match."));
        }
        self.throttle.sign_in_from(client)?;
        // A busy desk refuses before anything is counted against the account.
        let slot = self.password_slots.take()?;
        let attempt = self.throttle.sign_in(&email, client)?;
        let record = {
            let txn = self.read()?;
            let by_email = txn.open_table(tables::AGENT_BY_EMAIL)?;
            let agents = txn.open_table(tables::AGENTS)?;
            let id = by_email.get(email.as_str())?.map(|v| v.value());
            match id.map(|id| agents.get(id)).transpose()?.flatten() {
                Some(raw) => Some(codec::decode::<AgentRecord>(raw.value())?),
                None => None,
            }
        };
        let ok = password::verify(
            password,
            record.as_ref().map_or(DUMMY_HASH, |r| &r.password_hash),
        );
        drop(slot);
        match record {
            Some(agent) if ok && agent.active => {
                attempt.succeeded();
                let session = self.new_session(agent.id, Some(&agent.password_hash))?;
                Ok(SignedIn {
                    agent: info(&agent),
                    session,
                })
            }
            _ => Err(Error::unauthorized("That email and password do not match.")),
        }
    }

    /// Opens a session for `agent`. With `verified`, the password hash that was just
    /// checked: if it changed (or the agent was deactivated) meanwhile, no session.
    fn new_session(&self, agent: u64, verified: Option<&str>) -> Result<String> {
        let secret = token::new_token();
        let now = self.now();
        let record = SessionRecord {
            agent,
            created_at: now,
            expires_at: now + SESSION_LIFETIME,
        };
        self.write(|txn| {
            if let Some(verified) = verified {
                let current = {
                    let agents = txn.open_table(tables::AGENTS)?;
                    let raw = agents.get(agent)?;
                    raw.map(|r| codec::decode::<AgentRecord>(r.value()))
                        .transpose()?
                };
                if !current.is_some_and(|a| a.active && a.password_hash == verified) {
                    return Err(Error::unauthorized("That email and password do not match."));
                }
            }
            txn.open_table(tables::SESSIONS)?.insert(
                token::hash_token(&secret).as_slice(),
                codec::encode(&record)?.as_slice(),
            )?;
            audit(
                txn,
                None,
                Actor::Agent(agent),
                Change::SignedIn { agent },
                now,
            )?;
            Ok(((), vec![]))
        })?;
        Ok(secret)
    }

    /// The agent a session token belongs to, if the session is live.
    pub fn session_agent(&self, secret: &str) -> Result<AgentInfo> {
        let txn = self.read()?;
        let sessions = txn.open_table(tables::SESSIONS)?;
        let raw = sessions
            .get(token::hash_token(secret).as_slice())?
            .ok_or_else(|| Error::unauthorized("Please sign in"))?;
        let session: SessionRecord = codec::decode(raw.value())?;
        if session.expires_at <= self.now() {
            return Err(Error::unauthorized(
                "Your session has expired. Please sign in again",
            ));
        }
        let agent = read_agent(&txn, session.agent)?
            .filter(|a| a.active)
            .ok_or_else(|| Error::unauthorized("Please sign in"))?;
        Ok(info(&agent))
    }

    /// How many sessions are stored (live or not yet pruned).
    pub fn session_count(&self) -> Result<u64> {
        let txn = self.read()?;
        Ok(txn.open_table(tables::SESSIONS)?.len()?)
    }

    /// Forgets sessions that have expired.
    pub fn prune_sessions(&self) -> Result<()> {
        let now = self.now();
        self.write(|txn| {
            txn.open_table(tables::SESSIONS)?.retain(|_, raw| {
                codec::decode::<SessionRecord>(raw).is_ok_and(|s| s.expires_at > now)
            })?;
            Ok(((), vec![]))
        })
    }

    /// Ends a session.
    pub fn sign_out(&self, secret: &str) -> Result<()> {
        self.write(|txn| {
            txn.open_table(tables::SESSIONS)?
                .remove(token::hash_token(secret).as_slice())?;
            Ok(((), vec![]))
        })
    }
}

fn setup_gone() -> Error {
    Error::new(
        ErrorKind::NotFound,
        "This setup link is no longer valid. Run `tessera admin create` or restart the desk for a new one.",
    )
}

/// Changes agent `id` with `change`, in the caller's transaction; the stored result.
fn update_agent(
    txn: &WriteTransaction,
    id: u64,
    change: impl FnOnce(&mut AgentRecord),
) -> Result<AgentRecord> {
    let mut agents = txn.open_table(tables::AGENTS)?;
    let mut record: AgentRecord = match agents.get(id)? {
        Some(raw) => codec::decode(raw.value())?,
        None => return Err(Error::not_found("Agent")),
    };
    change(&mut record);
    agents.insert(id, codec::encode(&record)?.as_slice())?;
    Ok(record)
}

/// Ends every session of `agent` but the one whose token hashes to `keep`.
fn end_sessions(txn: &WriteTransaction, agent: u64, keep: Option<[u8; 32]>) -> Result<()> {
    txn.open_table(tables::SESSIONS)?.retain(|key, raw| {
        let theirs = codec::decode::<SessionRecord>(raw).is_ok_and(|s| s.agent == agent);
        !theirs || keep.is_some_and(|k| k.as_slice() == key)
    })?;
    Ok(())
}

/// The agent with `id`, if there is one.
pub(crate) fn read_agent(txn: &ReadTransaction, id: u64) -> Result<Option<AgentRecord>> {
    let agents = txn.open_table(tables::AGENTS)?;
    let raw = agents.get(id)?;
    raw.map(|r| codec::decode(r.value())).transpose()
}
