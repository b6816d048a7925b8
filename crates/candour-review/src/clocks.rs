//! Clocks (docs/design.md §6): acknowledge within 7 days and give feedback within 3 months,
//! both measured from the day sent inside the report, with overdue cases escalated to the
//! supervisors of the case's queues. `today` is always a parameter, so tests inject the clock.

use candour_core::directory::VerifiedDirectory;
use candour_core::Day;
use serde::Serialize;

use crate::state::{add_months, CaseFile, CaseState, ACKNOWLEDGE_WITHIN_DAYS, FEEDBACK_WITHIN_MONTHS};

candour_core::named_enum!(
    /// A duty to the reporter with a deadline.
    pub Duty, "duty", {
        /// Acknowledge receipt.
        Acknowledge => "acknowledge",
        /// Tell the reporter what is being done.
        Feedback => "feedback",
    }
);

/// The next open duty of a case and its deadline, or `None` if the case is concluded or both
/// duties are done.
pub fn next_due(case: &CaseFile, state: &CaseState) -> Option<(Duty, Day)> {
    if state.status.is_concluded() {
        return None;
    }
    let sent = case.day_sent()?;
    if state.acknowledged_on.is_none() {
        return Some((Duty::Acknowledge, sent.plus_days(ACKNOWLEDGE_WITHIN_DAYS)));
    }
    if state.feedback_on.is_none() {
        return Some((Duty::Feedback, add_months(sent, FEEDBACK_WITHIN_MONTHS)));
    }
    None
}

/// An overdue case: who holds it and whom it is escalated to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overdue {
    /// The case reference.
    pub case: String,
    /// The duty missed.
    pub duty: Duty,
    /// Its deadline.
    pub due: Day,
    /// Days past the deadline.
    pub days_overdue: i64,
    /// The assignee, if any.
    pub assignee: Option<String>,
    /// The case's queues.
    pub queues: Vec<String>,
    /// The supervisors of those queues who can read the case.
    pub escalate_to: Vec<String>,
}

impl Overdue {
    /// The escalation event this lateness calls for: to the supervisors who can read the
    /// case, naming the duty, its deadline and how late it is (no case content).
    pub fn escalation(&self) -> crate::event::Action {
        let reason = format!("{} due {} is {} days overdue", self.duty.name(), self.due, self.days_overdue);
        crate::event::Action::Escalation { to: self.escalate_to.clone(), reason }
    }
}

/// Every overdue duty on `cases` as of `today`, sorted by assignee (unassigned first), then
/// by how late.
pub fn overdue<'a>(dir: &VerifiedDirectory, cases: impl IntoIterator<Item = &'a CaseFile>, today: Day) -> Vec<Overdue> {
    let mut out: Vec<Overdue> = cases
        .into_iter()
        .filter_map(|case| {
            let state = case.state();
            let (duty, due) = next_due(case, &state)?;
            (today > due).then(|| Overdue {
                case: case.case_ref(),
                duty,
                due,
                days_overdue: today.days_since(due),
                assignee: state.assignee.clone(),
                queues: case.queues(dir),
                escalate_to: case.supervisors(dir),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.assignee, std::cmp::Reverse(a.days_overdue), &a.case).cmp(&(
            &b.assignee,
            std::cmp::Reverse(b.days_overdue),
            &b.case,
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_months_clamps_to_month_end() {
        let d = |s: &str| s.parse::<Day>().expect("day");
        assert_eq!(add_months(d("2026-11-30"), 3), d("2027-02-28"));
        assert_eq!(add_months(d("2026-01-15"), 3), d("2026-04-15"));
        assert_eq!(add_months(d("2026-10-31"), 3), d("2027-01-31"));
    }
}
