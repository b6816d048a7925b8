//! Linking reports about the same person (docs/design.md §6): subjects are compared by a normalised
//! name or collar number, so "PC John SMITH" and "john smith" match, as do "PC 01234" and
//! "1234". Reordered names ("Smith, John") are deliberately not guessed at: a false link would
//! put one officer's allegations in another's file, so reviewers add an alias as a subject.

use std::collections::{BTreeMap, BTreeSet};

use candour_core::report::Subject;
use serde::{Deserialize, Serialize};

// Ranks and titles dropped from the front of a name before comparing: the same list the
// reporter's device uses to notice a report about a reviewer.
use candour_core::conflicts::TITLES;

/// A normalised subject: what linking compares.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum SubjectKey {
    /// Lower-case letters and single spaces, ranks and titles removed.
    Name(String),
    /// Upper-case letters and digits, rank prefix and leading zeros removed.
    Collar(String),
}

impl SubjectKey {
    /// A name, normalised.
    pub fn name(text: &str) -> SubjectKey {
        let cleaned: String =
            text.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { ' ' }).collect();
        let words: Vec<&str> = cleaned.split_whitespace().collect();
        let start = words.iter().position(|w| !TITLES.contains(w)).unwrap_or(words.len());
        SubjectKey::Name(words[start..].join(" "))
    }

    /// A collar or warrant number, normalised ([`candour_core::conflicts::collar_key`]).
    pub fn collar(text: &str) -> SubjectKey {
        SubjectKey::Collar(candour_core::conflicts::collar_key(text))
    }

    /// Free text a reviewer typed: a collar number if it is one word holding a digit, else a
    /// name.
    pub fn of_text(text: &str) -> SubjectKey {
        let words: Vec<&str> = text.split_whitespace().collect();
        let last = words.last().copied().unwrap_or("");
        let title_then_number = words.len() == 2 && TITLES.contains(&words[0].to_ascii_lowercase().as_str());
        if last.chars().any(|c| c.is_ascii_digit()) && (words.len() == 1 || title_then_number) {
            SubjectKey::collar(text)
        } else {
            SubjectKey::name(text)
        }
    }

    /// The keys (with display labels) of a subject the reporter described.
    pub fn of_subject(s: &Subject) -> Vec<(SubjectKey, String)> {
        let mut out = Vec::new();
        if let Some(n) = s.name.as_deref().filter(|n| !n.trim().is_empty()) {
            out.push((SubjectKey::name(n), n.trim().to_owned()));
        }
        if let Some(c) = s.collar_number.as_deref().filter(|c| !c.trim().is_empty()) {
            out.push((SubjectKey::collar(c), c.trim().to_owned()));
        }
        out
    }

    /// Whether the key is empty (nothing to link on).
    pub fn is_empty(&self) -> bool {
        match self {
            SubjectKey::Name(s) | SubjectKey::Collar(s) => s.is_empty(),
        }
    }
}

/// One subject named by more than one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectGroup {
    /// The normalised subject.
    pub key: SubjectKey,
    /// How the cases wrote it.
    pub labels: BTreeSet<String>,
    /// The cases naming it (two or more).
    pub cases: BTreeSet<String>,
}

/// The subjects that link cases. Input: each case's reference and its subjects (as written);
/// output: every subject key named by two or more cases, with the cases and how they wrote it.
pub fn groups<'a>(cases: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Vec<SubjectGroup> {
    let mut by_key: BTreeMap<SubjectKey, SubjectGroup> = BTreeMap::new();
    for (case, subjects) in cases {
        for s in subjects {
            let key = SubjectKey::of_text(s);
            if key.is_empty() {
                continue;
            }
            let group = by_key.entry(key.clone()).or_insert_with(|| SubjectGroup {
                key,
                labels: BTreeSet::new(),
                cases: BTreeSet::new(),
            });
            group.labels.insert(s.clone());
            group.cases.insert(case.to_owned());
        }
    }
    by_key.into_values().filter(|g| g.cases.len() > 1).collect()
}

/// Groups cases that share a subject key. Input: each case's reference and its subjects (as
/// written); output: for every case with links, the other cases it shares a subject with.
pub fn links<'a>(cases: impl IntoIterator<Item = (&'a str, &'a [String])>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for group in groups(cases) {
        for case in &group.cases {
            out.entry(case.clone()).or_default().extend(group.cases.iter().filter(|c| *c != case).cloned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_collars_normalise() {
        assert_eq!(SubjectKey::name("PC John  SMITH"), SubjectKey::name("john smith"));
        assert_eq!(SubjectKey::name("DS O'Neil"), SubjectKey::Name("o neil".into()));
        assert_eq!(SubjectKey::collar("PC 01234"), SubjectKey::collar("1234"));
        assert_eq!(SubjectKey::collar("ab 12"), SubjectKey::Collar("AB12".into()));
        assert_eq!(SubjectKey::of_text("PC 1234"), SubjectKey::Collar("1234".into()));
        assert_eq!(SubjectKey::of_text("Sgt Jane Doe"), SubjectKey::Name("jane doe".into()));
        let a = vec!["PC John Smith".to_owned()];
        let b = vec!["john smith".to_owned(), "4321".to_owned()];
        let c = vec!["PC 04321".to_owned()];
        let d = vec!["Someone Else".to_owned()];
        let l = links([("a", a.as_slice()), ("b", b.as_slice()), ("c", c.as_slice()), ("d", d.as_slice())]);
        assert_eq!(l["b"], BTreeSet::from(["a".to_owned(), "c".to_owned()]));
        assert!(!l.contains_key("d"));
        let g = groups([("a", a.as_slice()), ("b", b.as_slice()), ("c", c.as_slice()), ("d", d.as_slice())]);
        assert_eq!(g.len(), 2, "{g:?}");
        assert_eq!(g[0].key, SubjectKey::Name("john smith".into()));
        assert_eq!(g[0].cases, BTreeSet::from(["a".to_owned(), "b".to_owned()]));
        assert_eq!(g[1].key, SubjectKey::Collar("4321".into()));
        assert_eq!(g[1].labels, BTreeSet::from(["4321".to_owned(), "PC 04321".to_owned()]));
    }
}
