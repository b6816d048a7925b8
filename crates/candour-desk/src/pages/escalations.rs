//! Escalations received: other teams' late cases, which this reviewer cannot read but is to
//! chase (docs/design.md §6).

use super::*;
use candour_core::directory::VerifiedDirectory;
use candour_review::escalation::ReceivedEscalation;

/// `/escalations`: every notice received, newest first; new ones marked.
pub(crate) fn escalations(ctx: &Context, dir: &VerifiedDirectory, received: &[ReceivedEscalation]) -> Markup {
    let name = |id: &str| dir.reviewer(id).map_or_else(|| id.to_owned(), |r| format!("{} ({id})", r.display_name));
    let queue = |id: &str| dir.queue(id).map_or_else(|| id.to_owned(), |q| q.name.clone());
    let content = html! {
        h1 { "Escalations to you" }
        p class="muted" {
            "Late cases in teams you do not belong to, escalated to you as the directory names you for them. "
            "You cannot open these cases: each notice gives the reference, the duty missed and how late it is, "
            "never the report. Chase the team that holds the case, quoting its reference."
        }
        @if received.is_empty() { p class="empty" { "No late case has been escalated to you." } }
        @else {
            table class="escalations" {
                thead { tr {
                    th scope="col" { "Case" } th scope="col" { "Duty missed" } th scope="col" { "Due" }
                    th scope="col" { "Days late" } th scope="col" { "Queues" } th scope="col" { "Escalated by" }
                    th scope="col" { "Assigned to" }
                } }
                tbody {
                    @for e in received.iter().rev() {
                        @let n = &e.notice;
                        tr {
                            td {
                                code { (n.case) }
                                @if !e.seen { " " span class="badge new" { "new" } }
                            }
                            td { (duty_words(e.duty)) }
                            td class="nowrap" { (n.due) }
                            td { span class="badge overdue" { (n.days_late) " d" } " on " (n.escalated_on) }
                            td { (n.queues.iter().map(|q| queue(q)).collect::<Vec<_>>().join(", ")) }
                            td { (name(&n.reviewer)) }
                            td { (n.assignee.as_deref().map_or_else(|| "unassigned".to_owned(), name)) }
                        }
                    }
                }
            }
        }
    };
    layout(ctx, "Escalations to you", Nav::Escalations, content)
}
