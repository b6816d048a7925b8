//! English and Welsh messages for every reporter- and reviewer-facing string, in Project
//! Fluent's format (`locales/<language>/<part>.ftl`, compiled in).
//!
//! Callers name a message by a literal id: `Messages::new(language).text("report-intro")` or
//! `.format("report-sent-to", &[("queues", names.into())])`. The crate's tests check that both
//! languages have the same ids and that every id the code names exists (README.md here).
//!
//! Welsh is chosen by the browser's languages ([`Language::from_accept_language`]), the
//! locale variables ([`Language::from_env`]) or a visible switch; English otherwise. A message
//! missing from Welsh falls back to English, and one missing from both shows its id, so a gap
//! is visible but never stops anyone from reporting.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentValue;

/// A language the messages are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// British English, the default.
    English,
    /// Welsh (Cymraeg), for the forces under the Welsh Language Standards.
    Welsh,
}

/// The message files of each language, in the order they are loaded.
const PARTS: [&str; 4] = ["common", "page", "cli", "desk"];

fn sources(language: Language) -> [&'static str; 4] {
    match language {
        Language::English => [
            include_str!("../locales/en-GB/common.ftl"),
            include_str!("../locales/en-GB/page.ftl"),
            include_str!("../locales/en-GB/cli.ftl"),
            include_str!("../locales/en-GB/desk.ftl"),
        ],
        Language::Welsh => [
            include_str!("../locales/cy/common.ftl"),
            include_str!("../locales/cy/page.ftl"),
            include_str!("../locales/cy/cli.ftl"),
            include_str!("../locales/cy/desk.ftl"),
        ],
    }
}

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 2] = [Language::English, Language::Welsh];

    /// Its BCP 47 tag, as an HTML `lang` attribute wants it.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en-GB",
            Language::Welsh => "cy",
        }
    }

    /// Its two-letter code, as the page's file names and the `--lang` option use it.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Welsh => "cy",
        }
    }

    /// Its name in itself, as a language switch shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Welsh => "Cymraeg",
        }
    }

    /// The other language: what a language switch offers.
    pub fn other(self) -> Self {
        match self {
            Language::English => Language::Welsh,
            Language::Welsh => Language::English,
        }
    }

    /// The language a tag or locale names: `cy`, `cy-GB`, `cy_GB.UTF-8`, `en`, `en_US`, `EN`;
    /// `None` for any other (including `C` and `POSIX`).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_', '.', '@']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "cy" => Some(Language::Welsh),
            "en" => Some(Language::English),
            _ => None,
        }
    }

    /// The language the locale variables choose, read through `get`: `LANGUAGE` (a list,
    /// first known one wins), then the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set,
    /// as gettext reads them. English when none names a language here.
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let locale = set("LC_ALL").or_else(|| set("LC_MESSAGES")).or_else(|| set("LANG"));
        // gettext ignores LANGUAGE when the locale is "C": so do we.
        let plain_c = locale.as_deref().is_none_or(|l| l == "C" || l == "POSIX");
        if !plain_c {
            if let Some(found) = set("LANGUAGE").and_then(|list| list.split(':').find_map(Self::from_tag)) {
                return found;
            }
        }
        locale.as_deref().and_then(Self::from_tag).unwrap_or(Language::English)
    }

    /// The language this process's locale variables choose ([`Self::from_locale_vars`]).
    pub fn from_env() -> Self {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    /// The language of an `Accept-Language` header: the known one with the highest weight
    /// (the first listed among equals), or `None` when it names neither.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(u16, Language)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(language) = parts.next().and_then(Self::from_tag) else { continue };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let weight = (weight.clamp(0.0, 1.0) * 1000.0) as u16;
            if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, language));
            }
        }
        best.map(|(_, language)| language)
    }

    fn identifier(self) -> LanguageIdentifier {
        // Both tags are valid; an unparsable one would only lose plural rules, not messages.
        self.tag().parse().unwrap_or_default()
    }
}

/// A language's messages, parsed once.
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Every message id, in file order.
    ids: Vec<String>,
    /// Lines the parser could not read, as `part.ftl: error`: empty in any build the tests pass.
    problems: Vec<String>,
}

fn catalogue(language: Language) -> &'static Catalogue {
    static ENGLISH: OnceLock<Catalogue> = OnceLock::new();
    static WELSH: OnceLock<Catalogue> = OnceLock::new();
    let cell = match language {
        Language::English => &ENGLISH,
        Language::Welsh => &WELSH,
    };
    cell.get_or_init(|| {
        let mut bundle = FluentBundle::new_concurrent(vec![language.identifier()]);
        // Unicode isolation marks would show as stray characters in a terminal and in the
        // page's plain-text fields; every argument here is plain text either way.
        bundle.set_use_isolating(false);
        let mut ids = Vec::new();
        let mut problems = Vec::new();
        for (part, source) in PARTS.iter().zip(sources(language)) {
            let resource = match FluentResource::try_new(source.to_owned()) {
                Ok(resource) => resource,
                Err((resource, errors)) => {
                    problems.extend(errors.iter().map(|e| format!("{part}.ftl: {e:?}")));
                    resource
                }
            };
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(message) = entry {
                    ids.push(message.id.name.to_owned());
                }
            }
            if let Err(errors) = bundle.add_resource(resource) {
                problems.extend(errors.iter().map(|e| format!("{part}.ftl: {e:?}")));
            }
        }
        Catalogue { bundle, ids, problems }
    })
}

/// The messages of one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Messages {
    language: Language,
}

impl Messages {
    /// The messages of `language`.
    pub fn new(language: Language) -> Self {
        Messages { language }
    }

    /// The language they are in.
    pub fn language(self) -> Language {
        self.language
    }

    /// The message `id`, which takes no arguments.
    pub fn text(self, id: &str) -> String {
        self.format(id, &[])
    }

    /// The message `id` with its arguments.
    pub fn format(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.try_format(id, args).map(|(text, _)| text).unwrap_or_else(|| {
            // Missing in this language: English, else the id itself, so the gap shows.
            if self.language != Language::English {
                if let Some((text, _)) = Messages::new(Language::English).try_format(id, args) {
                    return text;
                }
            }
            format!("[{id}]")
        })
    }

    /// Whether this language has a message `id`.
    pub fn has(self, id: &str) -> bool {
        catalogue(self.language).bundle.has_message(id)
    }

    /// Every message id of this language, in file order.
    pub fn ids(self) -> impl Iterator<Item = &'static str> {
        catalogue(self.language).ids.iter().map(String::as_str)
    }

    /// What the parser could not read in this language's files (empty when all is well).
    pub fn problems(self) -> &'static [String] {
        &catalogue(self.language).problems
    }

    /// The message `id` and the problems formatting it met (a missing argument, say); `None`
    /// when this language has no such message.
    pub fn try_format(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> Option<(String, Vec<String>)> {
        let bundle = &catalogue(self.language).bundle;
        let pattern = bundle.get_message(id)?.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text: Cow<'_, str> = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        Some((text.into_owned(), errors.iter().map(|e| format!("{e:?}")).collect()))
    }
}

#[cfg(test)]
mod tests;
