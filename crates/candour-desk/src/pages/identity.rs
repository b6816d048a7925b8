//! Identity requests, for an identity custodian (docs/design.md §6 "Custodian-held
//! identities"): who asked for which case's reporter, and why; each granted or declined here.

use super::*;
use candour_core::directory::VerifiedDirectory;
use candour_review::custody::ReceivedIdentityRequest;

/// `/identity`: every request received, waiting ones first.
pub(crate) fn identity_requests(
    ctx: &Context,
    dir: &VerifiedDirectory,
    received: &[ReceivedIdentityRequest],
) -> Markup {
    let name = |id: &str| dir.reviewer(id).map_or_else(|| id.to_owned(), |r| format!("{} ({id})", r.display_name));
    let mut ordered: Vec<&ReceivedIdentityRequest> = received.iter().collect();
    ordered.sort_by_key(|r| (r.answered.is_some(), std::cmp::Reverse(r.seq)));
    let content = html! {
        h1 { "Identity requests" }
        p class="muted" {
            "You hold confidential reporters' names and contacts for the force. A reader of a case asks for one "
            "here, saying why. Granting seals the reporter's own details to that reader alone; declining tells "
            "them why not. You never see the report, and the case's history records every request and answer."
        }
        @if ordered.is_empty() { p class="empty" { "No request has reached you." } }
        @for r in ordered {
            section class="panel identity-request" aria-labelledby={ "req-" (r.seq) } {
                h2 id={ "req-" (r.seq) } { "Request " (r.seq) ": case " code { (r.case) } }
                dl {
                    dt { "Asked by" } dd { (name(&r.request.requester)) }
                    dt { "On" } dd { (r.request.day) }
                    dt { "Why" } dd class="text" { (r.request.reason) }
                    dt { "Answer" }
                    dd {
                        @match r.answered {
                            Some((day, true)) => { "granted on " (day) }
                            Some((day, false)) => { "declined on " (day) }
                            None => { span class="badge new" { "waiting" } }
                        }
                    }
                }
                @if r.answered.is_none() {
                    form method="post" action={ "/identity/" (r.seq) } {
                        (csrf(ctx))
                        div class="field" {
                            label for={ "f-answer-" (r.seq) } { "Your note to " (r.request.requester) }
                            textarea id={ "f-answer-" (r.seq) } name="note" rows="2" required {}
                        }
                        button type="submit" name="decision" value="grant" { "Grant" }
                        " "
                        button type="submit" name="decision" value="decline" class="secondary" { "Decline" }
                    }
                }
            }
        }
    };
    layout(ctx, "Identity requests", Nav::Identity, content)
}
