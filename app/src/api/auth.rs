//! Signing in and out, first-run setup, and managing agents.

use leptos::prelude::*;
use model::AgentInfo;

#[cfg(feature = "ssr")]
use super::ssr::{
    agent, call, client_address, fail, redirect_plain_form, session_token, set_session_cookie,
};
use super::AppError;

/// The signed-in agent, if any.
#[server(endpoint = "auth/me")]
pub async fn me() -> Result<Option<AgentInfo>, AppError> {
    match agent().await {
        Ok(a) => Ok(Some(a)),
        Err(AppError::NotSignedIn) => {
            super::ssr::set_status(200);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Checks email and password and sets the session cookie.
#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<AgentInfo, AppError> {
    let client = client_address();
    let signed = call(move |e| e.sign_in(&email, &password, &client))
        .await
        .map_err(|e| match e {
            AppError::NotSignedIn => fail(AppError::BadCredentials),
            e => e,
        })?;
    set_session_cookie(Some(&signed.session));
    redirect_plain_form("/agent");
    Ok(signed.agent)
}

/// Ends the session and clears the cookie.
#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    if let Some(token) = session_token() {
        call(move |e| e.sign_out(&token)).await?;
    }
    set_session_cookie(None);
    redirect_plain_form("/agent/login");
    Ok(())
}

/// Whether a setup token is valid (and no admin exists yet).
#[server(endpoint = "auth/setup-valid")]
pub async fn setup_valid(token: String) -> Result<bool, AppError> {
    call(move |e| Ok(!e.has_admin()? && e.setup_token_valid(&token)?)).await
}

/// Creates the first admin through the setup link and signs them in.
#[server(endpoint = "auth/setup")]
pub async fn complete_setup(
    token: String,
    name: String,
    email: String,
    password: String,
) -> Result<AgentInfo, AppError> {
    let admin = model::NewAgent {
        name,
        email,
        password,
        admin: true,
    };
    let address = super::ssr::request_origin();
    let signed = call(move |e| {
        let signed = e.complete_setup(&token, &admin)?;
        if let Some(address) = address {
            e.remember_address(&address)?;
        }
        Ok(signed)
    })
    .await?;
    set_session_cookie(Some(&signed.session));
    redirect_plain_form("/agent");
    Ok(signed.agent)
}

/// Every agent (for admins).
#[server(endpoint = "admin/agents")]
pub async fn list_agents() -> Result<Vec<AgentInfo>, AppError> {
    let me = agent().await?;
    if me.role != model::Role::Admin {
        return Err(fail(AppError::Forbidden));
    }
    call(|e| e.agents()).await
}

/// An admin adds an agent.
#[server(endpoint = "admin/add-agent")]
pub async fn add_agent(
    name: String,
    email: String,
    password: String,
    admin: Option<String>,
) -> Result<AgentInfo, AppError> {
    let me = agent().await?;
    let new = model::NewAgent {
        name,
        email,
        password,
        admin: admin.is_some(),
    };
    call(move |e| e.create_agent(Some(me.id), &new)).await
}

/// The signed-in agent chooses the workspace language (empty: follow the browser).
#[server(endpoint = "me/language")]
pub async fn save_language(
    locale: String,
    #[server(default)] time_zone: Option<String>,
) -> Result<AgentInfo, AppError> {
    let me = agent().await?;
    let locale = (!locale.is_empty()).then_some(locale);
    let saved = call(move |e| {
        let saved = e.set_agent_locale(me.id, locale.as_deref())?;
        match time_zone {
            Some(zone) => e.set_agent_time_zone(me.id, Some(&zone)),
            None => Ok(saved),
        }
    })
    .await?;
    redirect_plain_form("/agent/settings");
    Ok(saved)
}

/// Every time zone the desk knows (IANA names), for the settings' pickers.
#[server(endpoint = "me/time-zones")]
pub async fn time_zones() -> Result<Vec<String>, AppError> {
    agent().await?;
    Ok(engine::desk::time_zones()
        .into_iter()
        .map(str::to_string)
        .collect())
}

/// The signed-in agent changes their name and the signature under their replies.
#[server(endpoint = "me/profile")]
pub async fn save_profile(name: String, signature: String) -> Result<AgentInfo, AppError> {
    let me = agent().await?;
    let saved = call(move |e| e.set_agent_profile(me.id, &name, &signature)).await?;
    redirect_plain_form("/agent/settings");
    Ok(saved)
}

/// The signed-in agent's availability (for the desk's distribution).
#[server(endpoint = "me/availability")]
pub async fn my_availability() -> Result<model::Availability, AppError> {
    let me = agent().await?;
    call(move |e| {
        Ok(e.distribution(me.id)?
            .1
            .into_iter()
            .find(|l| l.agent == me.id)
            .map(|l| l.availability)
            .unwrap_or_default())
    })
    .await
}

/// The signed-in agent says whether they are available, busy or away; going away with
/// `hand_back`, their New and Open tickets go back to the queue. Answers how many did.
#[server(endpoint = "me/set-availability")]
pub async fn set_availability(
    availability: String,
    #[server(default)] hand_back: Option<String>,
) -> Result<usize, AppError> {
    let me = agent().await?;
    let a = model::Availability::from_slug(&availability).unwrap_or_default();
    let back = hand_back.is_some_and(|v| !v.is_empty());
    let n = call(move |e| e.set_availability(me.id, a, back)).await?;
    redirect_plain_form("/agent/settings");
    Ok(n)
}

/// An admin deactivates or reactivates an agent; a deactivated agent's sessions end.
#[server(endpoint = "admin/agent-active")]
pub async fn set_agent_active(id: u64, active: bool) -> Result<AgentInfo, AppError> {
    let me = agent().await?;
    call(move |e| e.set_agent_active(me.id, id, active)).await
}

/// An admin makes an agent an admin (`role` = "admin") or an agent ("agent").
#[server(endpoint = "admin/agent-role")]
pub async fn set_agent_role(id: u64, role: String) -> Result<AgentInfo, AppError> {
    let me = agent().await?;
    let role = match role.as_str() {
        "admin" => model::Role::Admin,
        _ => model::Role::Agent,
    };
    call(move |e| e.set_agent_role(me.id, id, role)).await
}

/// The signed-in agent changes their password; their other sessions end.
#[server(endpoint = "me/password")]
pub async fn change_password(current: String, password: String) -> Result<(), AppError> {
    let me = agent().await?;
    let keep = session_token().ok_or_else(|| fail(AppError::NotSignedIn))?;
    call(move |e| e.change_password(me.id, &keep, &current, &password)).await?;
    redirect_plain_form("/agent/settings");
    Ok(())
}
