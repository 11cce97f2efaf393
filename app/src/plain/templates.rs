//! The mail templates page: one form per message the desk sends.

use leptos::prelude::*;
use model::{FieldError, MailTemplate, TemplateKind};

use super::{page, Viewer};
use crate::i18n::{t, t_dyn};

/// What a template form sent back, with what was wrong, to show again.
pub struct TemplateDraft {
    pub kind: TemplateKind,
    pub subject: String,
    pub text: String,
    pub enabled: bool,
    pub errors: Vec<FieldError>,
}

fn template_name(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Acknowledgement => "templates.acknowledgement",
        TemplateKind::Reply => "templates.reply",
        TemplateKind::Survey => "templates.survey",
        TemplateKind::SignIn => "templates.sign_in",
        TemplateKind::AcknowledgementClosed => "templates.acknowledgement_closed",
    }
}

fn template_hint(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::Acknowledgement => "templates.acknowledgement_hint",
        TemplateKind::Reply => "templates.reply_hint",
        TemplateKind::Survey => "templates.survey_hint",
        TemplateKind::SignIn => "templates.sign_in_hint",
        TemplateKind::AcknowledgementClosed => "templates.acknowledgement_closed_hint",
    }
}

/// The templates page: one form per message the desk sends. `saved` names the one
/// just saved; `draft` one that came back with errors.
pub fn templates_page(
    viewer: &Viewer,
    templates: Vec<MailTemplate>,
    saved: Option<TemplateKind>,
    draft: Option<TemplateDraft>,
) -> String {
    page(viewer, "templates.title", move || {
        view! {
            <div class="list-head"><h1>{t("templates.title")}</h1></div>
            <p class="lead">{t("templates.lead")}</p>
            {templates
                .into_iter()
                .map(|tpl| {
                    let kind = tpl.kind;
                    let slug = kind.slug();
                    let mine = draft.as_ref().filter(|d| d.kind == kind);
                    let (subject, text, enabled) = match mine {
                        Some(d) => (d.subject.clone(), d.text.clone(), d.enabled),
                        None => (tpl.subject.clone(), tpl.text.clone(), tpl.enabled),
                    };
                    let error = |field: &str| {
                        mine.and_then(|d| d.errors.iter().find(|e| e.field == field))
                            .map(|e| view! { <p class="field-error" role="alert">{t_dyn(&e.key)}</p> })
                    };
                    let subject_error = error("subject");
                    let text_error = error("text");
                    let invalid_subject = subject_error.is_some().then_some("true");
                    let invalid_text = text_error.is_some().then_some("true");
                    view! {
                        <section class="card template" id=format!("t-{slug}") aria-labelledby=format!("t-{slug}-h")>
                            <h2 id=format!("t-{slug}-h")>
                                {t(template_name(kind))}
                                {(!tpl.changed).then(|| view! { " " <small class="quiet">{t("templates.default")}</small> })}
                            </h2>
                            <p class="hint">{t(template_hint(kind))}</p>
                            <form method="post" action="/agent/admin/templates" class="form template-form">
                                <input type="hidden" name="kind" value=slug/>
                                {(kind == TemplateKind::Acknowledgement).then(|| view! {
                                    <label class="check">
                                        <input type="checkbox" name="enabled" value="1" checked=enabled/>
                                        " " {t("templates.send_acknowledgement")}
                                    </label>
                                })}
                                <div class="field">
                                    <label for=format!("t-{slug}-subject")>{t("templates.subject")}</label>
                                    <input id=format!("t-{slug}-subject") name="subject" type="text" value=subject
                                        maxlength="300" aria-invalid=invalid_subject/>
                                    {subject_error}
                                </div>
                                <div class="field">
                                    <label for=format!("t-{slug}-text")>{t("templates.text")}</label>
                                    <textarea id=format!("t-{slug}-text") name="text" rows="9" aria-invalid=invalid_text
                                        aria-describedby=format!("t-{slug}-ph")>{text}</textarea>
                                    {text_error}
                                    <p class="hint" id=format!("t-{slug}-ph")>
                                        {t("templates.placeholders")} " "
                                        {kind.placeholders().iter().map(|p| view! { <code>{*p}</code> " " }).collect_view()}
                                    </p>
                                </div>
                                <p class="form-status" role="status">
                                    {(saved == Some(kind)).then(|| t("settings.saved"))}
                                </p>
                                <div class="form-actions">
                                    <button type="submit" class="primary" name="do" value="save">{t("settings.save")}</button>
                                    {tpl.changed.then(|| view! {
                                        <button type="submit" class="link" name="do" value="reset">{t("templates.reset")}</button>
                                    })}
                                </div>
                            </form>
                        </section>
                    }
                })
                .collect_view()}
        }
        .into_any()
    })
}
