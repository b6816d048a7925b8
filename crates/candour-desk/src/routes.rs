//! The desk's routes. Pages read the session; actions verify the case's stream again, record
//! through the session's own methods, and redirect back (303) with a message.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Extension, Router};
use candour_l10n::{FluentValue, Messages};
use maud::{html, Markup};

use super::forms::{self, Drafts, FormError, FormFields, InboxQuery};
use super::language::{self, Ui};
use super::pages::{self, BoardColumn, CasePage, Context, InboxPage, LinkRow, SentReply, StatsPage, ThreadItem};
use super::{auth, figures, words, DeskState, Flash, Stopped};
use candour_core::names::FieldParseError;
use candour_core::Day;
use candour_review::clocks::{next_due, overdue as overdue_cases};
use candour_review::event::{fold_order, Action, DiscardReason};
use candour_review::link::groups;
use candour_review::session::Escalated;
use candour_review::session::{saved_file_name, ReviewError, ReviewSession, SavedNames};
use candour_review::state::CaseState;
use candour_review::stats::{count, table, DEFAULT_THRESHOLD};
use candour_review::triage::TriageChange;
use candour_review::views::{inbox as inbox_rows, show};

const CSS: &str = include_str!("desk.css");

/// The desk's router: every route behind the guard, every response with the security headers.
pub(crate) fn router(state: Arc<DeskState>) -> Router {
    Router::new()
        .route("/", get(inbox))
        .route("/case/{reference}", get(case))
        .route("/case/{reference}/attachment/{entry}/{index}", get(attachment))
        .route("/case/{reference}/triage", post(|s, ui, path, form| record_triage((s, ui, path, form), TRIAGE)))
        .route("/case/{reference}/iopc", post(|s, ui, path, form| record_triage((s, ui, path, form), IOPC)))
        .route("/case/{reference}/summary", post(|s, ui, path, form| record_triage((s, ui, path, form), SUMMARY)))
        .route("/case/{reference}/note", post(note))
        .route("/case/{reference}/refer", post(refer))
        .route("/case/{reference}/discard", post(discard))
        .route("/case/{reference}/restore", post(restore))
        .route("/case/{reference}/dispose", post(dispose))
        .route("/case/{reference}/transfer", post(transfer))
        .route("/case/{reference}/add-reader", post(add_reader))
        .route("/case/{reference}/reply", post(reply))
        .route("/case/{reference}/save", post(save))
        .route("/case/{reference}/escalate", post(escalate))
        .route("/overdue", get(overdue))
        .route("/escalations", get(escalations))
        .route("/identity", get(identity_requests))
        .route("/identity/{seq}", post(answer_identity))
        .route("/case/{reference}/identity-request", post(request_identity))
        .route("/links", get(links))
        .route("/stats", get(stats))
        .route("/stats.csv", get(stats_csv))
        .route("/sync", post(sync))
        .route("/language", post(language::switch))
        .route("/close", post(close))
        .route("/desk.css", get(css))
        // Browsers ask for an icon on every page; an empty answer rather than an error.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/login/{code}", get(auth::login))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), auth::guard))
        .layer(middleware::map_response(auth::security_headers))
        .with_state(state)
}

fn html(status: StatusCode, markup: Markup) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], markup.into_string()).into_response()
}

/// A 303 to `location`, or to the inbox if it cannot be a header.
pub(crate) fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response(),
    }
}

fn context(state: &DeskState, session: &ReviewSession, ui: &Ui) -> Context {
    let reviewer = session.reviewer_id().to_owned();
    Context {
        m: ui.m,
        here: ui.here.clone(),
        reviewer_name: session.directory().reviewer(&reviewer).map(|r| r.display_name.clone()),
        reviewer,
        csrf: state.gate.csrf().to_owned(),
        today: state.today(),
        flash: state.take_flash(),
        tampered: state.tampered(),
        new_escalations: session.escalations().iter().filter(|e| !e.seen).count(),
        identity_requests: session
            .directory()
            .directory()
            .custodians
            .contains(&session.reviewer_id().to_owned())
            .then(|| session.identity_requests().iter().filter(|r| r.answered.is_none()).count()),
    }
}

fn error_page(state: &DeskState, session: &ReviewSession, ui: &Ui, e: &ReviewError) -> Response {
    let m = ui.m;
    let (status, title) = match e {
        ReviewError::UnknownCase(_) | ReviewError::AmbiguousCase(..) | ReviewError::NoAttachment { .. } => {
            (StatusCode::NOT_FOUND, m.text("desk-error-not-found"))
        }
        ReviewError::Chain { .. } => (StatusCode::CONFLICT, m.text("desk-error-tampering")),
        ReviewError::Client(_) => (StatusCode::BAD_GATEWAY, m.text("desk-error-relay")),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, m.text("desk-error-other")),
    };
    // The engine's own account of what failed, in its words.
    html(status, pages::error(&context(state, session, ui), &title, &e.to_string()))
}

async fn not_found(Extension(ui): Extension<Ui>) -> Response {
    let m = ui.m;
    let page = auth::Plain {
        m,
        title: &m.text("desk-error-not-found"),
        text: html! { (m.text("desk-error-no-such-page")) },
        switch: true,
    };
    auth::plain(StatusCode::NOT_FOUND, page)
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn inbox(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    RawQuery(query): RawQuery,
) -> Response {
    let session = state.session.lock().await;
    let today = state.today();
    let query = InboxQuery::parse(query.as_deref().unwrap_or_default());
    let all = inbox_rows(session.directory(), session.cases(), today);
    let total = all.len();
    let queues = session
        .directory()
        .directory()
        .queues
        .iter()
        .filter(|q| all.iter().any(|r| r.queues.contains(&q.id)))
        .map(|q| (q.id.clone(), q.name.clone()))
        .collect();
    let rows = query.apply(all, today);
    let discarded = candour_review::views::discarded(session.cases())
        .into_iter()
        .map(|(case, d)| (case, words::set_aside_why(ui.m, d.reason, d.duplicate_of.as_deref())))
        .collect();
    let page = InboxPage { rows: &rows, total, query: &query, queues, discarded };
    html(StatusCode::OK, pages::inbox(&context(&state, &session, &ui), &page))
}

async fn case(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
) -> Response {
    let mut session = state.session.lock().await;
    // Opening the case opens its messages: the inbox's "new" marker clears.
    if let Err(e) = session.mark_opened(&reference) {
        return error_page(&state, &session, &ui, &e);
    }
    let file = match session.case(&reference) {
        Ok(c) => c,
        Err(e) => return error_page(&state, &session, &ui, &e),
    };
    let ctx = context(&state, &session, &ui);
    let view = show(session.directory(), file, session.cases());
    let mut thread: Vec<(candour_core::Day, ThreadItem<'_>)> =
        view.thread.iter().map(|m| (m.day_sent, ThreadItem::Reporter(m))).collect();
    for e in fold_order(&file.events) {
        if let Action::Reply { reply_kind, text } = &e.event.action {
            let reply =
                SentReply { day: e.event.day, author: e.event.author.clone(), kind: *reply_kind, text: text.clone() };
            thread.push((e.event.day, ThreadItem::Reply(reply)));
        }
    }
    // Stable: on the same day the reporter's message comes before the replies to it.
    thread.sort_by_key(|(day, _)| *day);
    let dir = session.directory();
    let readers = file
        .readers()
        .into_iter()
        .map(|id| {
            let name = dir.reviewer(&id).map_or_else(|| id.clone(), |r| r.display_name.clone());
            (id, name)
        })
        .collect();
    let drafts = ctx.flash.as_ref().and_then(|f| f.drafts.for_case(&view.case));
    let identity = match file.report.as_ref().map(|r| &r.report.concern.disclosure) {
        Some(candour_core::report::Disclosure::Held { custodians, .. }) => Some(pages::IdentityPanel {
            custodians: custodians.clone(),
            answers: session.identity_answers(&view.case).unwrap_or_default(),
        }),
        _ => None,
    };
    let page = CasePage {
        view: &view,
        readers,
        seen: forms::seen_value(file),
        thread: thread.into_iter().map(|(_, item)| item).collect(),
        sent: file.day_sent(),
        next_due: next_due(file, &view.state),
        drafts,
        reply_kind: forms::suggested_reply_kind(&view.state),
        tampered: state.tampered().into_iter().find(|(c, _)| *c == view.case).map(|(_, what)| what),
        can_restore: session
            .directory()
            .reviewer(session.reviewer_id())
            .is_some_and(|r| r.role == candour_core::directory::Role::Supervisor),
        passed_on: (!file.is_read_by(session.reviewer_id())).then(|| moved_away(ui.m, file)),
        queues_to: dir
            .directory()
            .queues
            .iter()
            .filter(|q| !view.queues.contains(&q.id))
            .map(|q| (q.id.clone(), q.name.clone()))
            .collect(),
        addable: {
            let readers = file.readers();
            let excluded = file.excluded();
            let candidates: Vec<String> = dir
                .directory()
                .reviewers
                .iter()
                .filter(|r| !readers.contains(&r.id) && !excluded.contains(&r.id) && r.x25519_recipient().is_some())
                .map(|r| r.id.clone())
                .collect();
            let named = candour_review::escalation::named_in_case(dir, file, &candidates);
            candidates
                .into_iter()
                .filter(|id| !named.contains(id))
                .map(|id| {
                    let name = dir.reviewer(&id).map_or_else(|| id.clone(), |r| r.display_name.clone());
                    (id, name)
                })
                .collect()
        },
        identity,
    };
    html(StatusCode::OK, pages::case(&ctx, &page))
}

async fn attachment(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path((reference, entry, index)): Path<(String, u64, usize)>,
) -> Response {
    let session = state.session.lock().await;
    match session.attachment(&reference, entry, index).await {
        Ok((meta, bytes)) => {
            // Offered without the reporter's own file name (shown as text on the case page), and
            // in ASCII only: every browser reads it the same way, and no quote can close it.
            let case = session.case(&reference).map(|c| c.case_ref()).unwrap_or_default();
            let name: String = saved_file_name(&case, entry, index, &meta, SavedNames::Neutral)
                .chars()
                .map(|c| if c.is_ascii() { c } else { '_' })
                .collect();
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_page(&state, &session, &ui, &e),
    }
}

/// Why an action was not recorded.
#[derive(Debug, thiserror::Error)]
enum ActionError {
    #[error(transparent)]
    Form(#[from] FormError),
    #[error(transparent)]
    Review(#[from] ReviewError),
    #[error("{0}")]
    Io(String),
}

/// What an action did, for the message on the next page.
struct Done {
    text: String,
    details: Vec<String>,
}

impl Done {
    fn said(text: impl Into<String>) -> Done {
        Done { text: text.into(), details: Vec::new() }
    }
}

/// The canonical reference of a case, after reading its stream again: a write must name the
/// latest heads as parents, and must not go to a stream that fails verification.
async fn refresh(session: &mut ReviewSession, reference: &str) -> Result<String, ReviewError> {
    let case_ref = session.case(reference)?.case_ref();
    session.verify_case(&case_ref).await?;
    Ok(case_ref)
}

/// Where to go back to: the case page when the reference is a case reference.
fn case_page(reference: &str) -> String {
    if !reference.is_empty() && reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("/case/{reference}")
    } else {
        "/".to_owned()
    }
}

/// Sets the message (keeping what was typed when it failed) and redirects to `back`.
fn finish(
    state: &DeskState,
    m: Messages,
    case: &str,
    form: &FormFields,
    result: Result<Done, ActionError>,
    back: &str,
) -> Response {
    let flash = match result {
        Ok(done) => Flash { error: false, text: done.text, details: done.details, drafts: Drafts::default() },
        Err(e) => Flash {
            error: true,
            text: m.format("desk-not-recorded", &[("problem", e.to_string().into())]),
            details: vec![],
            drafts: Drafts::of(case, form),
        },
    };
    state.set_flash(flash);
    see_other(back)
}

/// The case's canonical reference if it exists, else the reference as given.
fn canonical(session: &ReviewSession, reference: &str) -> String {
    session.case(reference).map_or_else(|_| reference.to_owned(), |c| c.case_ref())
}

/// What one triage-shaped form records: the change it makes against the state the page was
/// drawn from, and what to say when nothing changed or the event (the argument) was recorded.
struct TriageForm {
    change: fn(&FormFields, &CaseState, &[String], Messages) -> Result<TriageChange, FormError>,
    unchanged: fn(Messages) -> String,
    recorded: fn(Messages, String) -> String,
}

/// Runs one action on one case, as every write from a case page does: the session is held for
/// the whole action, the case is read again from the relay first (see [`refresh`]), and the
/// answer is the case page (or `back`) with the outcome, keeping what was typed if it failed.
async fn on_case(
    state: &DeskState,
    m: Messages,
    reference: &str,
    form: &FormFields,
    back: Option<&str>,
    action: impl AsyncFnOnce(&mut ReviewSession, String, Day) -> Result<Done, ActionError>,
) -> Response {
    let mut session = state.session.lock().await;
    let today = state.today();
    let result = async {
        let case_ref = refresh(&mut session, reference).await?;
        action(&mut session, case_ref, today).await
    }
    .await;
    let case = canonical(&session, reference);
    let back = back.map_or_else(|| case_page(&case), str::to_owned);
    finish(state, m, &case, form, result, &back)
}

/// An argument that is text.
fn arg(text: impl std::fmt::Display) -> FluentValue<'static> {
    text.to_string().into()
}

/// The form fields of a case action: the case its path names, what was typed, and the page.
type CaseForm = (State<Arc<DeskState>>, Extension<Ui>, Path<String>, Extension<FormFields>);

/// Records a triage-shaped form: computes only what changed since the page was drawn (a
/// colleague's concurrent change is never written back), records it as one event.
async fn record_triage(
    (State(state), Extension(ui), Path(reference), Extension(form)): CaseForm,
    kind: TriageForm,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let file = session.case(&case_ref)?;
        let seen = forms::seen_state(file, form.get("seen").unwrap_or_default(), m)?;
        let change = (kind.change)(&form, &seen, &file.readers(), m)?;
        if change.is_empty() {
            return Ok(Done::said((kind.unchanged)(m)));
        }
        let hash = session.triage(&case_ref, change).await?;
        Ok(Done::said((kind.recorded)(m, hash.short())))
    })
    .await
}

/// The triage form.
const TRIAGE: TriageForm = TriageForm {
    change: forms::triage_change,
    unchanged: |m| m.text("desk-triage-unchanged"),
    recorded: |m, event| m.format("desk-triage-recorded", &[("event", event.into())]),
};

/// The IOPC checklist.
const IOPC: TriageForm = TriageForm {
    change: |form, seen, _, _| forms::iopc_change(form, seen),
    unchanged: |m| m.text("desk-iopc-unchanged"),
    recorded: |m, event| m.format("desk-iopc-recorded", &[("event", event.into())]),
};

/// The sanitised summary editor.
const SUMMARY: TriageForm = TriageForm {
    change: |form, seen, _, m| forms::summary_change(form, seen, m),
    unchanged: |m| m.text("desk-summary-unchanged"),
    recorded: |m, event| m.format("desk-summary-recorded", &[("event", event.into())]),
};

async fn note(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let text = form.text("note").ok_or_else(|| FormError(m.text("desk-note-missing")))?.to_owned();
        let hash = session.record(&case_ref, Action::Note { text }).await?;
        Ok(Done::said(m.format("desk-note-added", &[("event", hash.short().into())])))
    })
    .await
}

async fn discard(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let reason = form.text("reason").unwrap_or_default();
        let reason: DiscardReason = reason.parse().map_err(|e: FieldParseError| FormError(e.to_string()))?;
        let duplicate_of = form.text("duplicate_of");
        let note = form.text("note").unwrap_or_default();
        let hash = session.discard(&case_ref, reason, duplicate_of, note).await?;
        let args = [
            ("case", arg(&case_ref)),
            ("reason", words::discard_reason(m, reason).into()),
            ("event", hash.short().into()),
        ];
        Ok(Done::said(m.format("desk-discarded", &args)))
    })
    .await
}

/// Who moved a case away from its readers, when, and to whom: from its latest accepted
/// transfer.
fn moved_away(m: Messages, file: &candour_review::state::CaseFile) -> String {
    let last = fold_order(&file.events).into_iter().rev().find_map(|e| match &e.event.action {
        Action::Transfer { queue, change, .. } if e.refused.is_none() => {
            let args = [
                ("author", arg(&change.author)),
                ("queue", arg(queue)),
                ("readers", change.after.join(", ").into()),
                ("day", arg(change.day)),
            ];
            Some(m.format("desk-moved-away", &args))
        }
        _ => None,
    });
    last.unwrap_or_else(|| m.format("desk-moved-readers", &[("readers", file.readers().join(", ").into())]))
}

async fn transfer(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let queue = form.text("queue").ok_or_else(|| FormError(m.text("desk-transfer-queue-missing")))?.to_owned();
        let note = form.text("note").ok_or_else(|| FormError(m.text("desk-transfer-why-missing")))?.to_owned();
        let moved = session.transfer(&case_ref, &queue, &note).await?;
        let how = m.format("desk-moved-transferred", &[("case", arg(&case_ref)), ("queue", arg(&queue))]);
        Ok(moved_done(m, how, &moved))
    })
    .await
}

async fn add_reader(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let reviewer = form.text("reviewer").ok_or_else(|| FormError(m.text("desk-add-reader-missing")))?.to_owned();
        let note = form.text("note").ok_or_else(|| FormError(m.text("desk-add-reader-why-missing")))?.to_owned();
        let moved = session.add_reader(&case_ref, &reviewer, &note).await?;
        let how = m.format("desk-moved-shared", &[("case", arg(&case_ref)), ("reviewer", arg(&reviewer))]);
        Ok(moved_done(m, how, &moved))
    })
    .await
}

/// What a transfer or an added reader did, in plain words: `how` says what happened to the
/// case, and what was sealed again follows.
fn moved_done(m: Messages, how: String, moved: &candour_review::session::Moved) -> Done {
    let mut details = vec![m.format("desk-moved-readers-now", &[("readers", moved.readers.join(", ").into())])];
    if !moved.removed.is_empty() {
        details.push(m.format("desk-moved-removed", &[("readers", moved.removed.join(", ").into())]));
    }
    for (id, why) in &moved.passed_over {
        details.push(m.format("desk-moved-passed-over", &[("reviewer", arg(id)), ("why", arg(why))]));
    }
    if moved.history_gone > 0 {
        details.push(m.format("desk-moved-history-gone", &[("count", moved.history_gone.into())]));
    }
    let args = [
        ("follow-ups", moved.messages_copied.saturating_sub(1).into()),
        ("events", moved.history_copied.into()),
        ("readers", moved.added.join(", ").into()),
        ("event", moved.event.short().into()),
    ];
    let sealed = m.format("desk-moved-sealed", &args);
    Done { text: format!("{how}: {sealed}"), details }
}

async fn restore(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let note = form.text("note").ok_or_else(|| FormError(m.text("desk-restore-missing")))?;
        let hash = session.restore(&case_ref, note).await?;
        Ok(Done::said(m.format("desk-restored", &[("case", arg(&case_ref)), ("event", hash.short().into())])))
    })
    .await
}

/// A supervisor's early disposal of a concluded case: the case leaves this desk (and every
/// reader's tool), so the answer goes back to the inbox.
async fn dispose(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, Some("/"), async |session, case_ref, _| {
        let note = form.text("note").ok_or_else(|| FormError(m.text("desk-dispose-missing")))?;
        let forgotten = session.dispose(&case_ref, note).await?;
        if forgotten.is_empty() {
            return Ok(Done::said(m.format("desk-dispose-proposed-done", &[("case", arg(&case_ref))])));
        }
        let files: usize = forgotten.iter().map(|f| f.files_removed).sum();
        let left: Vec<String> =
            forgotten.iter().flat_map(|f| f.files_left.iter().map(|(p, e)| format!("{} ({e})", p.display()))).collect();
        let mut text = m.format("desk-disposed", &[("case", arg(&case_ref)), ("files", files.into())]);
        if !left.is_empty() {
            text.push(' ');
            text.push_str(&m.format("desk-disposed-left", &[("files", left.join("; ").into())]));
        }
        Ok(Done::said(text))
    })
    .await
}

async fn refer(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let on = form.text("referred_on").ok_or_else(|| FormError(m.text("desk-refer-day-missing")))?;
        let on: Day = on
            .parse()
            .map_err(|_| FormError(m.format("desk-refer-day-invalid", &[("day", format!("{on:?}").into())])))?;
        let referral = form.text("referral").ok_or_else(|| FormError(m.text("desk-refer-reference-missing")))?;
        let hash = session.refer_to_iopc(&case_ref, on, referral).await?;
        Ok(Done::said(m.format("desk-referred", &[("day", arg(on)), ("event", hash.short().into())])))
    })
    .await
}

async fn reply(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let (text, kind) = forms::reply(&form, m)?;
        let hash = session.reply(&case_ref, &text, kind).await?;
        Ok(Done::said(m.format("desk-reply-sent", &[("event", hash.short().into())])))
    })
    .await
}

/// A folder under `base` that did not exist before: one per save, so saving twice never
/// overwrites or mixes files.
fn fresh_folder(m: Messages, base: &FsPath, case: &str) -> Result<PathBuf, ActionError> {
    let io = |e: std::io::Error| {
        ActionError::Io(m.format("desk-save-folder-failed", &[("folder", arg(base.display())), ("problem", arg(e))]))
    };
    std::fs::create_dir_all(base).map_err(io)?;
    for n in 1..10_000 {
        let folder = base.join(format!("{case}-{n}"));
        match std::fs::create_dir(&folder) {
            Ok(()) => return Ok(folder),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(e)),
        }
    }
    Err(ActionError::Io(m.format("desk-save-too-many", &[("case", arg(case)), ("folder", arg(base.display()))])))
}

async fn save(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    let mut session = state.session.lock().await;
    let result = async {
        let case_ref = session.case(&reference)?.case_ref();
        let folder = fresh_folder(m, &state.save_dir, &case_ref)?;
        let names = if form.get("original_names").is_some_and(|v| v == "on") {
            SavedNames::Original
        } else {
            SavedNames::Neutral
        };
        let files = session.save_attachments(&case_ref, &folder, names).await?;
        Ok(Done {
            text: m.format("desk-saved", &[("count", files.len().into()), ("folder", arg(folder.display()))]),
            details: files.iter().map(|f| f.display().to_string()).collect(),
        })
    }
    .await;
    let case = canonical(&session, &reference);
    finish(&state, m, &case, &form, result, &case_page(&case))
}

async fn escalate(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, Some("/overdue"), async |session, case_ref, _today| {
        Ok(Done::said(match session.escalate_if_overdue(&case_ref).await? {
            Escalated::NotOverdue => m.format("desk-escalate-not-overdue", &[("case", arg(&case_ref))]),
            Escalated::Already { on, .. } => {
                m.format("desk-escalate-already", &[("case", arg(&case_ref)), ("day", arg(on))])
            }
            Escalated::Recorded { late, hash, outside } => {
                let within = if late.escalate_to.is_empty() {
                    m.text("desk-nobody-in-unit")
                } else {
                    late.escalate_to.join(", ")
                };
                let recipients = arg(outside.to.join(", "));
                let notice = match (outside.to.is_empty(), outside.fallback) {
                    (true, _) => m.text("desk-escalate-nobody-outside"),
                    (false, false) => m.format("desk-escalate-notice", &[("recipients", recipients)]),
                    (false, true) => m.format("desk-escalate-notice-independent", &[("recipients", recipients)]),
                };
                let args = [("case", arg(&case_ref)), ("within", within.into()), ("event", hash.short().into())];
                let recorded = m.format("desk-escalate-recorded", &args);
                format!("{recorded} {notice}")
            }
        }))
    })
    .await
}

async fn overdue(State(state): State<Arc<DeskState>>, Extension(ui): Extension<Ui>) -> Response {
    let session = state.session.lock().await;
    let dir = session.directory();
    let mut columns: Vec<BoardColumn> = Vec::new();
    for o in overdue_cases(dir, session.cases(), state.today()) {
        match columns.last_mut() {
            Some(col) if col.assignee == o.assignee => col.cases.push(o),
            _ => columns.push(BoardColumn {
                name: o.assignee.as_deref().and_then(|id| dir.reviewer(id)).map(|r| r.display_name.clone()),
                assignee: o.assignee.clone(),
                cases: vec![o],
            }),
        }
    }
    let leavers = candour_review::views::leavers(dir, session.cases());
    html(StatusCode::OK, pages::overdue(&context(&state, &session, &ui), &columns, &leavers))
}

/// `/identity`: the requests this identity custodian has received.
async fn identity_requests(State(state): State<Arc<DeskState>>, Extension(ui): Extension<Ui>) -> Response {
    let session = state.session.lock().await;
    html(
        StatusCode::OK,
        pages::identity_requests(&context(&state, &session, &ui), session.directory(), session.identity_requests()),
    )
}

/// A custodian grants or declines one request.
async fn answer_identity(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(seq): Path<u64>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    let mut session = state.session.lock().await;
    let result: Result<Done, ActionError> = async {
        let grant = match form.text("decision") {
            Some("grant") => true,
            Some("decline") => false,
            _ => return Err(FormError(m.text("desk-identity-decision-missing")).into()),
        };
        let note = form.text("note").ok_or_else(|| FormError(m.text("desk-identity-note-missing")))?;
        session.answer_identity(seq, grant, note).await?;
        let number = [("number", arg(seq))];
        Ok(Done::said(if grant {
            m.format("desk-identity-granted-done", &number)
        } else {
            m.format("desk-identity-declined-done", &number)
        }))
    }
    .await;
    finish(&state, m, "", &form, result, "/identity")
}

/// A reader asks the custodians for the reporter's identity.
async fn request_identity(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Path(reference): Path<String>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    on_case(&state, m, &reference, &form, None, async |session, case_ref, _| {
        let reason = form.text("reason").ok_or_else(|| FormError(m.text("desk-identity-reason-missing")))?;
        let hash = session.request_identity(&case_ref, reason).await?;
        Ok(Done::said(m.format("desk-identity-requested", &[("event", hash.short().into())])))
    })
    .await
}

/// `/escalations`: other teams' late cases escalated to this reviewer; looking marks them seen.
async fn escalations(State(state): State<Arc<DeskState>>, Extension(ui): Extension<Ui>) -> Response {
    let mut session = state.session.lock().await;
    let page = pages::escalations(&context(&state, &session, &ui), session.directory(), session.escalations());
    if let Err(e) = session.mark_escalations_seen() {
        return error_page(&state, &session, &ui, &e);
    }
    html(StatusCode::OK, page)
}

async fn links(State(state): State<Arc<DeskState>>, Extension(ui): Extension<Ui>) -> Response {
    let session = state.session.lock().await;
    let folded: Vec<(String, candour_review::state::CaseState)> =
        session.cases().map(|c| (c.case_ref(), c.state())).collect();
    let rows = groups(folded.iter().map(|(r, s)| (r.as_str(), s.subjects.as_slice())))
        .into_iter()
        .map(|group| {
            let cases = group
                .cases
                .iter()
                .filter_map(|case| folded.iter().find(|(r, _)| r == case))
                .map(|(r, s)| {
                    let status = if s.discarded.is_some() { "discarded".to_owned() } else { s.status.name() };
                    (r.clone(), status, s.category.map(|c| c.name().to_owned()))
                })
                .collect();
            LinkRow { group, cases }
        })
        .collect::<Vec<_>>();
    html(StatusCode::OK, pages::links(&context(&state, &session, &ui), &rows))
}

fn year_of(query: Option<&str>, state: &DeskState) -> i64 {
    let q = FormFields::parse(query.unwrap_or_default().as_bytes());
    q.text("year").and_then(|y| y.parse().ok()).filter(|y| (1970..=9999).contains(y)).unwrap_or(state.today().ymd().0)
}

async fn stats(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    RawQuery(query): RawQuery,
) -> Response {
    let m = ui.m;
    let session = state.session.lock().await;
    let today = state.today();
    let year = year_of(query.as_deref(), &state);
    // Entries set aside as not reports are in no figure, as in the published table.
    let folded: Vec<figures::Folded<'_>> =
        session.cases().map(|c| (c, c.state())).filter(|(_, s)| s.discarded.is_none()).collect();
    let first = folded.iter().filter_map(|(c, _)| c.day_sent()).map(|d| d.ymd().0).min().unwrap_or(today.ymd().0);
    let last = today.ymd().0.max(year);
    let page = StatsPage {
        year,
        years: (first.min(year)..=last).rev().collect(),
        charts: vec![
            figures::received_per_month(m, &folded, year),
            figures::time_to_acknowledge(m, &folded, year, today),
            figures::time_to_feedback(m, &folded, year, today),
            figures::open_by_age(m, &folded, today),
        ],
        table: table(&count(session.cases(), year), year, DEFAULT_THRESHOLD),
    };
    html(StatusCode::OK, pages::stats(&context(&state, &session, &ui), &page))
}

async fn stats_csv(State(state): State<Arc<DeskState>>, RawQuery(query): RawQuery) -> Response {
    let session = state.session.lock().await;
    let year = year_of(query.as_deref(), &state);
    let csv = table(&count(session.cases(), year), year, DEFAULT_THRESHOLD).to_csv();
    let disposition = format!("attachment; filename=\"candour-stats-{year}.csv\"");
    ([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)], csv)
        .into_response()
}

async fn sync(
    State(state): State<Arc<DeskState>>,
    Extension(ui): Extension<Ui>,
    Extension(form): Extension<FormFields>,
) -> Response {
    let m = ui.m;
    let mut session = state.session.lock().await;
    let result = match session.sync().await {
        Ok(report) => {
            state.set_tampered(report.tampered.clone());
            let counts = [
                ("reports", report.reports.into()),
                ("follow-ups", report.follow_ups.into()),
                ("events", report.new_events.into()),
            ];
            let mut text = m.format("desk-synced", &counts);
            if report.escalations > 0 {
                text.push(' ');
                text.push_str(&m.format("desk-synced-escalations", &[("count", report.escalations.into())]));
            }
            // What was found is the engine's account; the desk words only what kind of finding it is.
            let found = |case: &str, what: &str| [("case", arg(case)), ("what", arg(what))];
            let mut details: Vec<String> = report
                .tampered
                .iter()
                .map(|(case, what)| m.format("desk-sync-tampering", &found(case, what)))
                .collect();
            details.extend(report.vanished.iter().map(|v| m.format("desk-sync-vanished", &[("what", arg(v))])));
            details.extend(report.rejected.iter().map(|r| m.format("desk-sync-rejected", &[("what", arg(r))])));
            details.extend(report.flagged.iter().map(|f| m.format("desk-sync-flagged", &[("what", arg(f))])));
            details.extend(report.malformed.iter().map(|x| m.format("desk-sync-malformed", &[("what", arg(x))])));
            details.extend(report.deferred.iter().map(|d| m.format("desk-sync-deferred", &[("what", arg(d))])));
            details.extend(
                report.incomplete.iter().map(|(case, note)| m.format("desk-sync-incomplete", &found(case, note))),
            );
            if report.tampered.is_empty() && report.vanished.is_empty() {
                Ok(Done { text, details })
            } else {
                state.set_flash(Flash { error: true, text, details, drafts: Drafts::default() });
                return see_other("/");
            }
        }
        Err(e) => Err(ActionError::Review(e)),
    };
    finish(&state, m, "", &form, result, "/")
}

async fn close(State(state): State<Arc<DeskState>>, Extension(ui): Extension<Ui>) -> Response {
    state.request_stop(Stopped::Closed);
    html(StatusCode::OK, pages::closed(ui.m))
}
