//! Escalations received: other teams' late cases, which this reviewer cannot read but is to
//! chase (docs/design.md §6).

use super::*;
use candour_core::directory::VerifiedDirectory;
use candour_review::escalation::ReceivedEscalation;

/// `/escalations`: every notice received, newest first; new ones marked.
pub(crate) fn escalations(ctx: &Context, dir: &VerifiedDirectory, received: &[ReceivedEscalation]) -> Markup {
    let name = |id: &str| dir.reviewer(id).map_or_else(|| id.to_owned(), |r| format!("{} ({id})", r.display_name));
    let queue = |id: &str| dir.queue(id).map_or_else(|| id.to_owned(), |q| q.name.clone());
    let m = ctx.m;
    let title = m.text("desk-escalations-title");
    let content = html! {
        h1 { (title) }
        p class="muted" { (m.text("desk-escalations-intro")) }
        @if received.is_empty() { p class="empty" { (m.text("desk-escalations-none")) } }
        @else {
            table class="escalations" {
                thead { tr {
                    th scope="col" { (m.text("desk-column-case")) }
                    th scope="col" { (m.text("desk-escalations-duty")) }
                    th scope="col" { (m.text("desk-escalations-due")) }
                    th scope="col" { (m.text("desk-escalations-days-late")) }
                    th scope="col" { (m.text("desk-column-queues")) }
                    th scope="col" { (m.text("desk-escalations-by")) }
                    th scope="col" { (m.text("desk-escalations-assigned")) }
                } }
                tbody {
                    @for e in received.iter().rev() {
                        @let n = &e.notice;
                        tr {
                            td {
                                code { (n.case) }
                                @if !e.seen { " " span class="badge new" { (m.text("desk-new")) } }
                            }
                            td { (named::duty(m, e.duty)) }
                            td class="nowrap" { (n.due) }
                            td {
                                span class="badge overdue" { (m.format("desk-days", &[("days", n.days_late.into())])) }
                                " " (m.format("desk-escalations-on", &[("day", n.escalated_on.to_string().into())]))
                            }
                            td { (n.queues.iter().map(|q| queue(q)).collect::<Vec<_>>().join(", ")) }
                            td { (name(&n.reviewer)) }
                            td { (n.assignee.as_deref().map_or_else(|| m.text("desk-unassigned"), name)) }
                        }
                    }
                }
            }
        }
    };
    layout(ctx, &title, Nav::Escalations, content)
}
