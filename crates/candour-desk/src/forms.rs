//! What the desk's forms and query strings say, turned into triage changes, replies and inbox
//! filters.
//!
//! A form shows the case as the reviewer saw it, and only the fields the reviewer changed
//! become the triage event: each form carries the case heads it was drawn from (`seen`), and
//! the submitted values are compared with the state as of those heads. A field that another
//! reviewer changed meanwhile is therefore never written back to its old value.

use std::collections::{BTreeMap, BTreeSet};

use candour_core::Day;
use candour_l10n::Messages;

use candour_review::event::{heads, ReplyKind, VerifiedEvent};
use candour_review::link::SubjectKey;
use candour_review::state::{CaseFile, CaseState};
use candour_review::triage::{
    Assignment, Category, CorruptionCategory, DetrimentRisk, Grading, IopcCriterion, Priority, RiskLevel, Status,
    TriageChange,
};
use candour_review::views::InboxRow;

/// A submitted form (or query string): every `name=value` pair in order, repeats kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// Parses `application/x-www-form-urlencoded` bytes.
    pub fn parse(bytes: &[u8]) -> FormFields {
        FormFields(form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The first value of `name`, as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// A form that cannot be recorded as it stands; the message is for the reviewer, in their
/// language where the desk words it (a parse error of a name is the engine's own).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct FormError(pub String);

fn invalid(e: impl std::fmt::Display) -> FormError {
    FormError(e.to_string())
}

/// Text typed on a case page, given back if recording it failed so nothing is lost.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Drafts {
    /// The case the drafts belong to.
    pub case: Option<String>,
    /// The reply text and kind.
    pub reply: Option<String>,
    /// The reply kind chosen.
    pub reply_kind: Option<String>,
    /// A note.
    pub note: Option<String>,
    /// The sanitised summary.
    pub summary: Option<String>,
    /// Subjects to add.
    pub add_subjects: Option<String>,
    /// Detriment-risk measures.
    pub risk_measures: Option<String>,
}

impl Drafts {
    /// The free text of a submitted case form.
    pub fn of(case: &str, form: &FormFields) -> Drafts {
        let keep = |name: &str| form.text(name).map(str::to_owned);
        Drafts {
            case: Some(case.to_owned()),
            reply: keep("text"),
            reply_kind: keep("kind"),
            note: keep("note"),
            summary: keep("summary"),
            add_subjects: keep("add_subjects"),
            risk_measures: keep("risk_measures"),
        }
    }

    /// The drafts for `case`, if these are its.
    pub fn for_case(&self, case: &str) -> Option<&Drafts> {
        (self.case.as_deref() == Some(case)).then_some(self)
    }
}

/// The `seen` value a form carries: the case's current heads.
pub(crate) fn seen_value(case: &CaseFile) -> String {
    heads(&case.events).iter().map(ToString::to_string).collect::<Vec<_>>().join(",")
}

/// The case's state as of the heads in `seen`: the fold of those events and their ancestors.
pub(crate) fn seen_state(case: &CaseFile, seen: &str, m: Messages) -> Result<CaseState, FormError> {
    let by_hash: BTreeMap<String, &VerifiedEvent> = case.events.iter().map(|e| (e.hash.to_string(), e)).collect();
    let mut stack: Vec<String> =
        seen.split(',').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()).collect();
    let mut keep: BTreeSet<String> = BTreeSet::new();
    while let Some(hash) = stack.pop() {
        if keep.contains(&hash) {
            continue;
        }
        let event = by_hash.get(&hash).ok_or_else(|| FormError(m.text("desk-form-page-stale")))?;
        stack.extend(event.event.parents.iter().map(ToString::to_string));
        keep.insert(hash);
    }
    let events: Vec<VerifiedEvent> =
        case.events.iter().filter(|e| keep.contains(&e.hash.to_string())).cloned().collect();
    Ok(CaseState::fold(case.report.as_ref().map(|r| &r.report), &events))
}

/// The triage form's changes against the state the reviewer saw. `readers` are the reviewers
/// who may be assigned (the case's readers).
pub(crate) fn triage_change(
    form: &FormFields,
    seen: &CaseState,
    readers: &[String],
    m: Messages,
) -> Result<TriageChange, FormError> {
    let mut change = TriageChange::default();
    if let Some(v) = form.text("category") {
        let category: Category =
            v.parse().map_err(|e: candour_core::names::FieldParseError| FormError(e.to_string()))?;
        change.category = (Some(category) != seen.category).then_some(category);
    }
    if let Some(v) = form.text("corruption") {
        let corruption: CorruptionCategory = v.parse().map_err(invalid)?;
        change.corruption = (Some(corruption) != seen.corruption).then_some(corruption);
    }
    let parts = [form.text("grading_source"), form.text("grading_information"), form.text("grading_handling")];
    match parts {
        [None, None, None] => {}
        [Some(s), Some(i), Some(h)] => {
            let grading = Grading {
                source: s.parse().map_err(invalid)?,
                information: i.parse().map_err(invalid)?,
                handling: h.parse().map_err(invalid)?,
            };
            change.grading = (Some(grading) != seen.grading).then_some(grading);
        }
        _ => return Err(FormError(m.text("desk-form-grading-incomplete"))),
    }
    if let Some(v) = form.text("status") {
        let status: Status = v.parse().map_err(invalid)?;
        change.status = (status != seen.status).then_some(status);
    }
    if let Some(v) = form.text("priority") {
        let priority: Priority = v.parse().map_err(invalid)?;
        change.priority = (priority != seen.priority).then_some(priority);
    }
    if let Some(v) = form.get("assignee").map(str::trim) {
        let wanted = (!v.is_empty()).then(|| v.to_owned());
        if let Some(id) = &wanted {
            if !readers.contains(id) {
                return Err(FormError(m.format("desk-form-assignee-not-reader", &[("reviewer", id.as_str().into())])));
            }
        }
        if wanted != seen.assignee {
            change.assignee = Some(wanted.map_or(Assignment::Unassigned, Assignment::Reviewer));
        }
    }
    change.remove_subjects =
        form.all("remove_subject").filter(|s| seen.subjects.iter().any(|k| k == s)).map(str::to_owned).collect();
    let known: BTreeSet<SubjectKey> = seen.subjects.iter().map(|s| SubjectKey::of_text(s)).collect();
    let mut adding = BTreeSet::new();
    for line in form.get("add_subjects").unwrap_or_default().lines().map(str::trim).filter(|l| !l.is_empty()) {
        let key = SubjectKey::of_text(line);
        if !key.is_empty() && !known.contains(&key) && adding.insert(key) {
            change.add_subjects.push(line.to_owned());
        }
    }
    let measures = form.text("risk_measures").map(str::to_owned);
    match (form.text("risk"), seen.detriment_risk.is_some()) {
        (Some(level), _) => {
            let risk = DetrimentRisk { level: level.parse::<RiskLevel>().map_err(invalid)?, measures };
            if Some(&risk) != seen.detriment_risk.as_ref() {
                change.detriment_risk = Some(risk);
            }
        }
        (None, true) => return Err(FormError(m.text("desk-form-risk-kept"))),
        (None, false) if measures.is_some() => return Err(FormError(m.text("desk-form-risk-level-missing"))),
        (None, false) => {}
    }
    Ok(change)
}

/// The IOPC checklist's ticks and unticks against the state the reviewer saw.
pub(crate) fn iopc_change(form: &FormFields, seen: &CaseState) -> Result<TriageChange, FormError> {
    let ticked: Vec<IopcCriterion> = form.all("iopc").map(|v| v.parse().map_err(invalid)).collect::<Result<_, _>>()?;
    let iopc = IopcCriterion::ALL
        .iter()
        .filter(|c| ticked.contains(c) != seen.iopc.contains(c))
        .map(|c| (*c, ticked.contains(c)))
        .collect();
    Ok(TriageChange { iopc, ..TriageChange::default() })
}

/// The sanitised summary editor's change.
pub(crate) fn summary_change(form: &FormFields, seen: &CaseState, m: Messages) -> Result<TriageChange, FormError> {
    let summary = match (form.text("summary"), &seen.summary) {
        (None, Some(_)) => return Err(FormError(m.text("desk-form-summary-kept"))),
        (None, None) => None,
        (Some(new), old) => (old.as_deref() != Some(new)).then(|| new.to_owned()),
    };
    Ok(TriageChange { summary, ..TriageChange::default() })
}

/// The reply box: the text and what the reply is for.
pub(crate) fn reply(form: &FormFields, m: Messages) -> Result<(String, ReplyKind), FormError> {
    let text = form.text("text").ok_or_else(|| FormError(m.text("desk-form-reply-missing")))?;
    let kind = match form.text("kind") {
        Some("acknowledgement") => ReplyKind::Acknowledgement,
        Some("feedback") => ReplyKind::Feedback,
        Some("message") | None => ReplyKind::Message,
        Some(other) => {
            return Err(FormError(m.format("desk-form-reply-kind-unknown", &[("kind", format!("{other:?}").into())])))
        }
    };
    Ok((text.to_owned(), kind))
}

/// The reply kind to offer first: the duty still owed.
pub(crate) fn suggested_reply_kind(state: &CaseState) -> ReplyKind {
    if !state.is_acknowledged() {
        ReplyKind::Acknowledgement
    } else if state.feedback_on.is_none() {
        ReplyKind::Feedback
    } else {
        ReplyKind::Message
    }
}

candour_core::named_enum!(
    /// An inbox column to sort by.
    pub(crate) SortKey, "sort column", {
        /// The case reference.
        Case => "case",
        /// The day the report was sent.
        Received => "received",
        /// The queues.
        Queue => "queue",
        /// The category.
        Category => "category",
        /// The status.
        Status => "status",
        /// The priority (urgent highest).
        Priority => "priority",
        /// The assignee.
        Assignee => "assignee",
        /// The next deadline.
        Due => "due",
    }
);

impl SortKey {
    /// The column's heading.
    pub fn heading(self, m: Messages) -> String {
        match self {
            SortKey::Case => m.text("desk-column-case"),
            SortKey::Received => m.text("desk-column-received"),
            SortKey::Queue => m.text("desk-column-queues"),
            SortKey::Category => m.text("desk-column-category"),
            SortKey::Status => m.text("desk-column-status"),
            SortKey::Priority => m.text("desk-column-priority"),
            SortKey::Assignee => m.text("desk-column-assignee"),
            SortKey::Due => m.text("desk-column-due"),
        }
    }
}

/// The inbox's filters and order, from its query string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InboxQuery {
    /// Only cases in this queue.
    pub queue: Option<String>,
    /// `open`, `closed`, or one status name.
    pub status: Option<String>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only overdue cases.
    pub overdue: bool,
    /// The column to sort by.
    pub sort: SortKey,
    /// Descending order.
    pub descending: bool,
}

impl InboxQuery {
    /// Reads the query string; unknown values are ignored rather than refused.
    pub fn parse(query: &str) -> InboxQuery {
        let q = FormFields::parse(query.as_bytes());
        InboxQuery {
            queue: q.text("queue").map(str::to_owned),
            status: q.text("status").map(str::to_owned),
            category: q.text("category").and_then(|c| c.parse().ok()),
            overdue: q.text("overdue").is_some(),
            sort: q.text("sort").and_then(|s| s.parse().ok()).unwrap_or(SortKey::Due),
            descending: q.text("dir") == Some("desc"),
        }
    }

    /// The query string for these filters sorted by `sort` (descending if asked).
    pub fn href(&self, sort: SortKey, descending: bool) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(v) = &self.queue {
            q.append_pair("queue", v);
        }
        if let Some(v) = &self.status {
            q.append_pair("status", v);
        }
        if let Some(v) = self.category {
            q.append_pair("category", v.name());
        }
        if self.overdue {
            q.append_pair("overdue", "1");
        }
        q.append_pair("sort", sort.name());
        q.append_pair("dir", if descending { "desc" } else { "asc" });
        format!("/?{}", q.finish())
    }

    fn keeps(&self, row: &InboxRow) -> bool {
        let status_ok = match self.status.as_deref() {
            None => true,
            Some("open") => row.status.parse::<Status>().is_ok_and(|s| !s.is_concluded()),
            Some("closed") => row.status.parse::<Status>().is_ok_and(Status::is_concluded),
            Some(name) => row.status == name,
        };
        status_ok
            && self.queue.as_ref().is_none_or(|q| row.queues.contains(q))
            && self.category.is_none_or(|c| row.category.as_deref() == Some(c.name()))
            && (!self.overdue || row.overdue)
    }

    /// Filters and sorts inbox rows. Ties keep the inbox's own order (most urgent first).
    pub fn apply(&self, rows: Vec<InboxRow>, today: Day) -> Vec<InboxRow> {
        let mut rows: Vec<InboxRow> = rows.into_iter().filter(|r| self.keeps(r)).collect();
        let received = |r: &InboxRow| r.days_open.map(|d| today.plus_days(-d));
        let priority = |r: &InboxRow| r.priority.parse::<Priority>().ok();
        match self.sort {
            SortKey::Case => rows.sort_by(|a, b| a.case.cmp(&b.case)),
            SortKey::Received => rows.sort_by_key(received),
            SortKey::Queue => rows.sort_by(|a, b| a.queues.cmp(&b.queues)),
            SortKey::Category => rows.sort_by(|a, b| a.category.cmp(&b.category)),
            SortKey::Status => rows.sort_by_key(|r| r.status.parse::<Status>().ok()),
            SortKey::Priority => rows.sort_by_key(priority),
            SortKey::Assignee => rows.sort_by(|a, b| a.assignee.cmp(&b.assignee)),
            // Cases with no open duty go last either way.
            SortKey::Due => rows.sort_by_key(|r| (r.due.is_none(), r.due.map(|d| d.1))),
        }
        if self.descending {
            rows.reverse();
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candour_review::triage::Outcome;

    fn form(pairs: &[(&str, &str)]) -> FormFields {
        FormFields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    fn state() -> CaseState {
        CaseState::fold(None, &[])
    }

    fn en() -> Messages {
        Messages::new(candour_l10n::Language::English)
    }

    #[test]
    fn only_changed_fields_become_the_triage_event() {
        let seen = CaseState { assignee: Some("psd-2".into()), ..state() };
        let readers = vec!["psd-1".to_owned(), "psd-2".to_owned()];
        // The form as drawn: nothing touched.
        let untouched = form(&[
            ("status", "received"),
            ("priority", "normal"),
            ("assignee", "psd-2"),
            ("corruption", ""),
            ("grading_source", ""),
            ("grading_information", ""),
            ("grading_handling", ""),
            ("risk", ""),
            ("add_subjects", ""),
        ]);
        assert!(triage_change(&untouched, &seen, &readers, en()).expect("valid").is_empty());
        let changed = form(&[
            ("status", "closed:misconduct"),
            ("priority", "normal"),
            ("assignee", ""),
            ("grading_source", "2"),
            ("grading_information", "B"),
            ("grading_handling", "P"),
            ("risk", "high"),
            ("risk_measures", "moved team"),
            ("add_subjects", "PC 0042\n\n42\nSgt Jones"),
        ]);
        let change = triage_change(&changed, &seen, &readers, en()).expect("valid");
        assert_eq!(change.status, Some(Status::Closed(Outcome::Misconduct)));
        assert_eq!(change.priority, None);
        assert_eq!(change.assignee, Some(Assignment::Unassigned));
        assert_eq!(change.grading.map(|g| g.to_string()).as_deref(), Some("2BP"));
        assert_eq!(change.detriment_risk.map(|r| r.level), Some(RiskLevel::High));
        assert_eq!(change.add_subjects, vec!["PC 0042".to_owned(), "Sgt Jones".to_owned()], "42 is PC 0042");
        let partial = form(&[("grading_source", "2")]);
        assert!(triage_change(&partial, &seen, &readers, en()).is_err());
        let outsider = form(&[("assignee", "sb-1")]);
        assert!(triage_change(&outsider, &seen, &readers, en()).is_err());
    }

    #[test]
    fn iopc_and_summary_record_only_differences() {
        let seen = CaseState {
            iopc: vec![IopcCriterion::SeriousCorruption],
            summary: Some("Alleged theft".into()),
            ..state()
        };
        let ticks = form(&[("iopc", "serious-corruption"), ("iopc", "serious-assault")]);
        assert_eq!(iopc_change(&ticks, &seen).expect("valid").iopc, vec![(IopcCriterion::SeriousAssault, true)]);
        assert_eq!(
            iopc_change(&form(&[]), &seen).expect("valid").iopc,
            vec![(IopcCriterion::SeriousCorruption, false)]
        );
        assert!(summary_change(&form(&[("summary", " Alleged theft ")]), &seen, en()).expect("valid").is_empty());
        assert!(summary_change(&form(&[("summary", " ")]), &seen, en()).is_err());
    }

    #[test]
    fn inbox_query_filters_and_sorts() {
        let today = Day::from_ymd(2026, 6, 1).expect("day");
        let row = |case: &str, days: i64, priority: &str, overdue: bool| InboxRow {
            case: case.into(),
            queues: vec!["psd".into()],
            category: Some("use-of-force".into()),
            status: "received".into(),
            priority: priority.into(),
            assignee: None,
            days_open: Some(days),
            due: None,
            overdue,
            linked: vec![],
            unread: 0,
        };
        let rows = vec![row("aaa", 3, "low", false), row("bbb", 10, "urgent", true), row("ccc", 1, "high", false)];
        let q = InboxQuery::parse("sort=priority&dir=desc");
        let order: Vec<String> = q.apply(rows.clone(), today).into_iter().map(|r| r.case).collect();
        assert_eq!(order, ["bbb", "ccc", "aaa"]);
        let q = InboxQuery::parse("sort=received&overdue=1");
        assert_eq!(q.apply(rows.clone(), today).len(), 1);
        let q = InboxQuery::parse("sort=received&dir=asc&category=use-of-force&queue=acu");
        assert!(q.apply(rows, today).is_empty());
        assert_eq!(InboxQuery::parse("queue=a%26b").href(SortKey::Case, true), "/?queue=a%26b&sort=case&dir=desc");
    }
}
