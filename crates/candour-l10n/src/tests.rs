use super::*;

/// Source files that name messages, from this crate's folder, and how they name them.
const CALLERS: &[(&str, &[&str])] = &[
    ("../../src", &[".text(", ".format("]),
    ("../candour-desk/src", &[".text(", ".format("]),
    ("../candour-relay/src", &[".text(", ".format("]),
    ("../candour-submit/src", &[".text(", ".format("]),
    ("../candour-web/src", &[".text(", ".format("]),
    ("../candour-web/page", &["{{", "t(\"", "data-l10n=\""]),
];

fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "js" | "html")) {
            out.push(path);
        }
    }
}

/// Every message id the code names: the literal after each marker, up to its closing quote or
/// braces, kept when it looks like an id (lower case, digits, hyphens, with one hyphen at least).
fn ids_named_in_code() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for (dir, markers) in CALLERS {
        let mut files = Vec::new();
        files_under(&root.join(dir), &mut files);
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else { continue };
            for marker in *markers {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    // Rust calls name the id as the first argument, perhaps on the next line.
                    let rest = if marker.ends_with('(') {
                        let Some(quoted) = rest.trim_start().strip_prefix('"') else { continue };
                        quoted
                    } else {
                        rest
                    };
                    let id: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                        .collect();
                    let closed = rest[id.len()..].starts_with(['"', '}']);
                    if closed && id.contains('-') && !id.starts_with('-') && !id.ends_with('-') {
                        found.push((id, file.display().to_string()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn both_languages_parse_cleanly() {
    for language in Language::ALL {
        assert_eq!(Messages::new(language).problems(), &[] as &[String], "{language:?}");
        assert!(Messages::new(language).ids().count() > 0, "{language:?} has messages");
    }
}

#[test]
fn no_message_id_is_missing_in_either_language() {
    let english: std::collections::BTreeSet<_> = Messages::new(Language::English).ids().collect();
    let welsh: std::collections::BTreeSet<_> = Messages::new(Language::Welsh).ids().collect();
    let only_english: Vec<_> = english.difference(&welsh).collect();
    let only_welsh: Vec<_> = welsh.difference(&english).collect();
    assert!(only_english.is_empty(), "missing in Welsh: {only_english:?}");
    assert!(only_welsh.is_empty(), "missing in English: {only_welsh:?}");
    let ids: Vec<_> = Messages::new(Language::English).ids().collect();
    let mut seen = std::collections::BTreeSet::new();
    let twice: Vec<_> = ids.iter().filter(|id| !seen.insert(**id)).collect();
    assert!(twice.is_empty(), "defined twice: {twice:?}");
}

#[test]
fn every_id_the_code_names_exists() {
    let named = ids_named_in_code();
    // The scan must see the callers at all, or it proves nothing.
    assert!(named.len() > 20, "the scan found only {} message names", named.len());
    let missing: Vec<_> =
        named.iter().filter(|(id, _)| Language::ALL.iter().any(|l| !Messages::new(*l).has(id))).collect();
    assert!(missing.is_empty(), "named in code but missing: {missing:?}");
}

#[test]
fn welsh_is_written_not_copied() {
    // A message may read the same in both languages only when it holds no words (a number,
    // a placeholder) or is a name; anything else copied across is an untranslated gap.
    let same_allowed = ["page-product-name"];
    let english = Messages::new(Language::English);
    let welsh = Messages::new(Language::Welsh);
    let copied: Vec<_> = english
        .ids()
        .filter(|id| !same_allowed.contains(id))
        .filter(|id| {
            let raw = |m: Messages| {
                catalogue(m.language()).bundle.get_message(id).and_then(|m| m.value()).map(|p| format!("{p:?}"))
            };
            // Formatted without arguments, each variable shows as `{$name}`: not a word.
            let text = english.text(id);
            let mut letters = 0;
            let mut in_slot = false;
            for c in text.chars() {
                match c {
                    '{' => in_slot = true,
                    '}' => in_slot = false,
                    c if c.is_alphabetic() && !in_slot => letters += 1,
                    _ => {}
                }
            }
            let words = letters;
            words > 3 && raw(english) == raw(welsh)
        })
        .collect();
    assert!(copied.is_empty(), "the same in Welsh as in English: {copied:?}");
}

#[test]
fn a_missing_message_falls_back_and_shows_its_id() {
    assert_eq!(Messages::new(Language::Welsh).text("no-such-message"), "[no-such-message]");
    assert_eq!(Messages::new(Language::English).text("no-such-message"), "[no-such-message]");
}

#[test]
fn locale_variables_choose_as_gettext_does() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    assert_eq!(Language::from_locale_vars(vars(&[])), Language::English);
    assert_eq!(Language::from_locale_vars(vars(&[("LANG", "cy_GB.UTF-8")])), Language::Welsh);
    assert_eq!(
        Language::from_locale_vars(vars(&[("LANG", "cy_GB.UTF-8"), ("LC_ALL", "en_GB.UTF-8")])),
        Language::English
    );
    assert_eq!(Language::from_locale_vars(vars(&[("LANG", "en_GB.UTF-8"), ("LC_MESSAGES", "cy_GB")])), Language::Welsh);
    assert_eq!(Language::from_locale_vars(vars(&[("LANG", "en_GB.UTF-8"), ("LANGUAGE", "fr:cy:en")])), Language::Welsh);
    assert_eq!(Language::from_locale_vars(vars(&[("LANG", "C"), ("LANGUAGE", "cy")])), Language::English);
    assert_eq!(Language::from_locale_vars(vars(&[("LANG", "de_DE.UTF-8")])), Language::English);
}

#[test]
fn accept_language_picks_the_heaviest_known_language() {
    assert_eq!(Language::from_accept_language("cy-GB,cy;q=0.9,en;q=0.8"), Some(Language::Welsh));
    assert_eq!(Language::from_accept_language("en-US,en;q=0.5"), Some(Language::English));
    assert_eq!(Language::from_accept_language("fr, en;q=0.3, cy;q=0.7"), Some(Language::Welsh));
    assert_eq!(Language::from_accept_language("cy;q=0, en;q=0.1"), Some(Language::English));
    assert_eq!(Language::from_accept_language("fr, de"), None);
    assert_eq!(Language::from_accept_language(""), None);
    assert_eq!(Language::from_accept_language(";;;,q=2,cy;q=abc"), Some(Language::Welsh));
}
