//! Content-free alerts for a reviewer who is not looking at the desk (docs/design.md §6): new
//! reports, new follow-ups, acknowledgements due within two days, overdue duties, and
//! escalation notices received from other teams. An alert
//! is a kind and a count, never a case's words, subject, category or reference: it travels by
//! the desktop's notifications or the force's own mail, outside the encrypted cache, so it says
//! only that there is something to open.
//!
//! [`Watch`] remembers what it has said, so a reviewer polled every few minutes is told of a due
//! or overdue duty once a day, and of each new report once.

use std::collections::BTreeSet;

use candour_core::directory::VerifiedDirectory;
use candour_core::Day;

use crate::clocks::{next_due, overdue, Duty};
use crate::session::SyncReport;
use crate::state::CaseFile;

/// How many days ahead an acknowledgement deadline is announced.
pub const ACKNOWLEDGE_WARNING_DAYS: i64 = 2;

candour_core::named_enum!(
    /// What an alert is about.
    pub AlertKind, "alert kind", {
        /// Reports arrived.
        NewReport => "new-report",
        /// Follow-ups arrived from reporters.
        NewFollowUp => "new-follow-up",
        /// Acknowledgements fall due within two days.
        AcknowledgementDue => "acknowledgement-due",
        /// Duties are past their deadline.
        Overdue => "overdue",
        /// Another team's late cases were escalated to this reviewer.
        EscalationReceived => "escalation-received",
    }
);

/// One alert: a kind and how many cases it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Alert {
    /// What it is about.
    pub kind: AlertKind,
    /// How many.
    pub count: usize,
}

impl Alert {
    /// One line for a notification or a subject: counts and plain words only.
    pub fn line(&self) -> String {
        let n = self.count;
        let s = if n == 1 { "" } else { "s" };
        match self.kind {
            AlertKind::NewReport => format!("{n} new report{s}"),
            AlertKind::NewFollowUp => format!("{n} new follow-up{s} from reporters"),
            AlertKind::AcknowledgementDue => {
                format!("{n} acknowledgement{s} due within {ACKNOWLEDGE_WARNING_DAYS} days")
            }
            AlertKind::Overdue => format!("{n} case{s} with a duty past its deadline"),
            AlertKind::EscalationReceived => format!("{n} late case{s} escalated to you by another team"),
        }
    }
}

/// The title every alert carries.
pub const ALERT_TITLE: &str = "Candour: something to review";

/// The body of an alert message: its lines, and where to look. Nothing else.
pub fn alert_body(alerts: &[Alert]) -> String {
    let mut body: String = alerts.iter().map(|a| format!("{}\n", a.line())).collect();
    body.push_str(
        "\nOpen the desk (candour review desk) or run candour review inbox (escalations: candour review \
         escalations) to see them.\n",
    );
    body
}

/// What a watching reviewer has already been told.
#[derive(Debug, Default)]
pub struct Watch {
    /// (kind, day) pairs already announced for the day-long alerts.
    said: BTreeSet<(AlertKind, Day)>,
}

impl Watch {
    /// A watch that has said nothing yet.
    pub fn new() -> Watch {
        Watch::default()
    }

    /// The alerts after one sync on `today`: what the sync brought in, and the duties of
    /// `cases` due soon or overdue (each of those at most once a day).
    pub fn after_sync(
        &mut self,
        synced: &SyncReport,
        dir: &VerifiedDirectory,
        cases: &[&CaseFile],
        today: Day,
    ) -> Vec<Alert> {
        let mut out = Vec::new();
        let mut push = |kind, count| {
            if count > 0 {
                out.push(Alert { kind, count });
            }
        };
        push(AlertKind::NewReport, synced.reports);
        push(AlertKind::NewFollowUp, synced.follow_ups);
        push(AlertKind::EscalationReceived, synced.escalations);
        let due_soon = cases
            .iter()
            .filter(|case| {
                let state = case.state();
                matches!(next_due(case, &state), Some((Duty::Acknowledge, due))
                    if !Duty::Acknowledge.is_late(due, today) && due.days_since(today) <= ACKNOWLEDGE_WARNING_DAYS)
            })
            .count();
        let late = overdue(dir, cases.iter().copied(), today).len();
        for (kind, count) in [(AlertKind::AcknowledgementDue, due_soon), (AlertKind::Overdue, late)] {
            if count > 0 && self.said.insert((kind, today)) {
                push(kind, count);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_is_counts_and_plain_words() {
        let alerts = [Alert { kind: AlertKind::NewReport, count: 1 }, Alert { kind: AlertKind::Overdue, count: 3 }];
        assert_eq!(
            alert_body(&alerts),
            "1 new report\n3 cases with a duty past its deadline\n\nOpen the desk (candour review desk) or run \
             candour review inbox (escalations: candour review escalations) to see them.\n"
        );
        assert_eq!(
            Alert { kind: AlertKind::EscalationReceived, count: 2 }.line(),
            "2 late cases escalated to you by another team"
        );
        assert_eq!("acknowledgement-due".parse::<AlertKind>(), Ok(AlertKind::AcknowledgementDue));
    }
}
