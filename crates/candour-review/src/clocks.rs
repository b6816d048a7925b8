//! Clocks (docs/design.md §6): acknowledge within 7 days and give feedback within 3 months,
//! both measured from the day sent inside the report, and refer to the IOPC without delay once
//! a mandatory-referral criterion is ticked; overdue cases are escalated to the supervisors of
//! the case's queues and, by a sanitised notice, to those the directory names outside them. `today` is a parameter of every view, so a reviewer can plan ahead; what
//! is recorded is dated with the real day.

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
        /// Refer the case to the IOPC: due, without delay, on the day a mandatory-referral
        /// criterion was ticked.
        ReferToIopc => "refer-to-iopc",
    }
);

impl Duty {
    /// Whether a duty due on `due` is late on `today`: the day after its deadline, or for a
    /// referral, which is owed without delay, from the day it falls due. The board, the
    /// inbox and escalation all use this.
    pub fn is_late(self, due: Day, today: Day) -> bool {
        match self {
            Duty::ReferToIopc => today >= due,
            Duty::Acknowledge | Duty::Feedback => today > due,
        }
    }
}

/// Whether the 7-day and 3-month duties to the reporter run on a case at all: a compliment is
/// not an allegation, and none runs on it. The clocks and the desk's clock charts use this.
pub fn owes_reporter_duties(state: &CaseState) -> bool {
    state.category != Some(crate::triage::Category::Compliment)
}

/// The next open duty of a case and its deadline, or `None` when none is open or the entry was
/// discarded as not a report. A referral to
/// the IOPC comes first and stays open until it is recorded, whatever the case's status; the
/// duties to the reporter end when the case is concluded, and a compliment has none.
pub fn next_due(case: &CaseFile, state: &CaseState) -> Option<(Duty, Day)> {
    // Not a report (spam, a test, a duplicate): no clock runs until a supervisor restores it.
    if state.discarded.is_some() {
        return None;
    }
    if let (Some(ticked), None) = (state.iopc_ticked_on, &state.iopc_referral) {
        return Some((Duty::ReferToIopc, ticked));
    }
    if state.status.is_concluded() || !owes_reporter_duties(state) {
        return None;
    }
    let sent = case.day_sent()?;
    if !state.is_acknowledged() {
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
    /// Whom the escalation notice goes to outside the handling team (see
    /// [`crate::escalation::outside_recipients`]); empty when nobody can be told.
    pub notify_outside: Vec<String>,
    /// The day this lateness (this duty, this deadline) was already escalated, if it was.
    pub escalated_on: Option<Day>,
}

impl Overdue {
    /// The escalation event this lateness calls for: to the supervisors who can read the
    /// case, naming the duty, its deadline and how late it is (no case content).
    pub fn escalation(&self) -> crate::event::Action {
        let reason = format!("{} due {} is {} days overdue", self.duty.name(), self.due, self.days_overdue);
        let missed = Some(crate::event::MissedDuty { duty: self.duty, due: self.due });
        crate::event::Action::Escalation {
            to: self.escalate_to.clone(),
            reason,
            missed,
            notified: self.notify_outside.clone(),
        }
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
            duty.is_late(due, today).then(|| Overdue {
                case: case.case_ref(),
                duty,
                due,
                days_overdue: today.days_since(due),
                assignee: state.assignee.clone(),
                queues: case.queues(dir),
                escalate_to: case.supervisors(dir),
                notify_outside: crate::escalation::outside_recipients(dir, case).to,
                escalated_on: state.escalated.get(&crate::event::MissedDuty { duty, due }).copied(),
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
