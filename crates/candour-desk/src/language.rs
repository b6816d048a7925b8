//! Which language a page is shown in, English or Welsh.
//!
//! For the signed-in browser: the language chosen with the switch on every page for this desk
//! session, else the first the browser asks for (`Accept-Language`), else English. The switch
//! is a form that POSTs through the guard like every other (session cookie, same origin, CSRF
//! token), and the choice is kept in the desk's own memory: no cookie is added, and nothing on
//! the page needs script.
//!
//! A refusal page goes to a browser that may not hold the session, so it never shows the
//! session's choice: only `?lang=` in its own address (its switch is a plain link, which
//! changes nothing on the desk) and the browser's languages.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, Uri};
use axum::response::Response;
use axum::Extension;
use candour_l10n::{Language, Messages};
use maud::{html, Markup};

use super::forms::FormFields;
use super::DeskState;

/// How this request's page is shown: its messages, and its own address for the switch to
/// come back to.
#[derive(Clone, Debug)]
pub(crate) struct Ui {
    /// The messages in the page's language.
    pub m: Messages,
    /// The path and query of the page (`/` for anything but a page).
    pub here: String,
}

/// Stands for markup inside a message (a command, a case link): the message is formatted
/// with this as the argument, then split around it, so a translation may put it anywhere.
pub(crate) const SLOT: &str = "\u{FFFC}";

/// A message formatted with [`SLOT`] as one argument, with `slot` in its place. A message
/// that left the slot out still shows it, after the text.
pub(crate) fn fill(text: &str, slot: Markup) -> Markup {
    match text.split_once(SLOT) {
        Some((before, after)) => html! { (before) (slot) (after) },
        None => html! { (text) " " (slot) },
    }
}

/// The language the browser asks for first, if it is one of ours.
pub(crate) fn from_browser(headers: &HeaderMap) -> Option<Language> {
    headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(Language::from_accept_language)
}

/// The language a refusal page's own switch link asks for: `?lang=cy` or `?lang=en`.
pub(crate) fn from_query(uri: &Uri) -> Option<Language> {
    let query = FormFields::parse(uri.query().unwrap_or_default().as_bytes());
    query.text("lang").and_then(Language::from_tag)
}

/// Where the switch may send the browser back to: a path on this desk, never another site
/// (`//host` or `/\host` would leave it) and nothing a header cannot carry.
fn local_path(back: Option<&str>) -> &str {
    match back {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            path
        }
        _ => "/",
    }
}

/// `POST /language`: keeps the language chosen for the rest of this desk session and goes
/// back to the page it was chosen on.
pub(crate) async fn switch(State(state): State<Arc<DeskState>>, Extension(form): Extension<FormFields>) -> Response {
    if let Some(language) = form.text("lang").and_then(Language::from_tag) {
        state.choose_language(language);
    }
    super::routes::see_other(local_path(form.text("back")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_only_goes_back_to_a_page_of_the_desk() {
        assert_eq!(local_path(Some("/case/3f9a21b07c")), "/case/3f9a21b07c");
        assert_eq!(local_path(Some("/?queue=psd&sort=due&dir=asc")), "/?queue=psd&sort=due&dir=asc");
        for away in ["//evil.example/", "/\\evil.example", "http://evil.example/", "", "/a b", "/\r\nSet-Cookie:x"] {
            assert_eq!(local_path(Some(away)), "/", "{away:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn a_message_places_its_markup_where_the_translation_puts_it() {
        let m = Messages::new(Language::Welsh);
        let text = m.format("desk-closed-text", &[("command", SLOT.into())]);
        let page = fill(&text, html! { code { "candour review desk" } }).into_string();
        assert!(page.contains("<code>candour review desk</code>") && !page.contains(SLOT), "{page}");
        assert_eq!(fill("a <b>", html! { i { "c" } }).into_string(), "a &lt;b&gt; <i>c</i>");
    }
}
