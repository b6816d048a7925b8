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
    let m = ctx.m;
    let title = m.text("desk-identity-requests-title");
    let content = html! {
        h1 { (title) }
        p class="muted" { (m.text("desk-identity-requests-intro")) }
        @if ordered.is_empty() { p class="empty" { (m.text("desk-identity-requests-none")) } }
        @for r in ordered {
            section class="panel identity-request" aria-labelledby={ "req-" (r.seq) } {
                h2 id={ "req-" (r.seq) } {
                    (fill(
                        &m.format("desk-identity-request-title", &[("number", r.seq.to_string().into()), ("case", SLOT.into())]),
                        html! { code { (r.case) } },
                    ))
                }
                dl {
                    dt { (m.text("desk-identity-asked-by")) } dd { (name(&r.request.requester)) }
                    dt { (m.text("desk-identity-on")) } dd { (r.request.day) }
                    dt { (m.text("desk-why")) } dd class="text" { (r.request.reason) }
                    dt { (m.text("desk-identity-answer")) }
                    dd {
                        @match r.answered {
                            Some((day, true)) => { (m.format("desk-identity-granted-on", &[("day", day.to_string().into())])) }
                            Some((day, false)) => { (m.format("desk-identity-declined-on", &[("day", day.to_string().into())])) }
                            None => { span class="badge new" { (m.text("desk-identity-waiting")) } }
                        }
                    }
                }
                @if r.answered.is_none() {
                    form method="post" action={ "/identity/" (r.seq) } {
                        (csrf(ctx))
                        div class="field" {
                            label for={ "f-answer-" (r.seq) } {
                                (m.format("desk-identity-note-to", &[("reviewer", r.request.requester.as_str().into())]))
                            }
                            textarea id={ "f-answer-" (r.seq) } name="note" rows="2" required {}
                        }
                        button type="submit" name="decision" value="grant" { (m.text("desk-identity-grant")) }
                        " "
                        button type="submit" name="decision" value="decline" class="secondary" {
                            (m.text("desk-identity-decline"))
                        }
                    }
                }
            }
        }
    };
    layout(ctx, &title, Nav::Identity, content)
}
