//! Noticing, on the reporter's device, that a report may reach the person it is about
//! (docs/design.md §1, §7).
//!
//! A reporter who forgets to tick "it is about someone in PSD or the ACU", or does not know that
//! the detective they name reads reports, would otherwise send their words to that person. So
//! before anything is sealed, the subjects they name are compared with the verified directory:
//! - a subject whose role or station says PSD, ACU, professional standards or anti-corruption,
//!   while the report is not routed to the independent queue;
//! - a subject whose role says chief officer (chief constable, deputy or assistant), likewise;
//! - a subject whose name, one of the reviewer's aliases, or collar number matches a reviewer who
//!   would read the report;
//! - the report's text (or a follow-up's) naming a reviewer who would read it, by full name,
//!   alias or collar number.
//!
//! Each [`Conflict`] says in plain words what was noticed and how to resolve it: route to the
//! independent queue (`concerning`), or exclude that reviewer. Matching is deliberately
//! generous (a surname alone matches): a false alarm costs the reporter one question, a miss
//! can cost them everything. It runs entirely on the device; nothing about it is sent.

use std::fmt;

use crate::directory::{Reviewer, VerifiedDirectory};
use crate::report::{Concern, Concerning, Subject};

/// Ranks and titles that say nothing about who someone is: dropped before names and collar
/// numbers are compared (here, and when reviewers link cases about the same person).
pub const TITLES: &[&str] = &[
    "pc",
    "psc",
    "ps",
    "dc",
    "ds",
    "di",
    "dci",
    "dsi",
    "dsu",
    "ci",
    "det",
    "detective",
    "police",
    "constable",
    "sgt",
    "sergeant",
    "insp",
    "inspector",
    "ch",
    "chief",
    "supt",
    "superintendent",
    "pcso",
    "sc",
    "special",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "acc",
    "dcc",
    "cc",
    "officer",
    "staff",
];

/// A collar or warrant number, normalised: letters and digits in upper case, a rank before the
/// digits dropped, leading zeros dropped. "PC 01234", "pc1234" and "1234" are one officer; "AB123"
/// is not "123".
pub fn collar_key(text: &str) -> String {
    let compact: String = text.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase();
    let digits_at = compact.find(|c: char| c.is_ascii_digit()).unwrap_or(compact.len());
    let (prefix, number) = compact.split_at(digits_at);
    let number = number.trim_start_matches('0');
    let prefix = if TITLES.contains(&prefix.to_ascii_lowercase().as_str()) { "" } else { prefix };
    format!("{prefix}{number}")
}

/// Words in a role or station that place someone in the Professional Standards Department or the
/// Anti-Corruption Unit.
const PROFESSIONAL_STANDARDS: &[&str] = &[
    "psd",
    "acu",
    "ccu",
    "dps",
    "professional standards",
    "professional standard",
    "anti corruption",
    "anticorruption",
    "counter corruption",
    "counter-corruption",
    "integrity unit",
];

/// Words in a role that make someone a chief officer.
const CHIEF_OFFICER: &[&str] = &[
    "chief constable",
    "deputy chief constable",
    "assistant chief constable",
    "acc",
    "dcc",
    "chief officer",
    "commissioner",
    "deputy commissioner",
    "assistant commissioner",
];

/// How a subject or a text matched a reviewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchedOn {
    /// Their name as the directory shows it.
    Name,
    /// One of their aliases.
    Alias,
    /// Their collar number.
    Collar,
}

impl MatchedOn {
    fn words(self) -> &'static str {
        match self {
            MatchedOn::Name => "name",
            MatchedOn::Alias => "another name they are known by",
            MatchedOn::Collar => "collar number",
        }
    }
}

/// Something that suggests a report may reach the person it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// A subject's role or station places them in PSD or the ACU, but the report is not routed
    /// to the independent queue.
    ProfessionalStandardsSubject {
        /// The subject's position in the report (0-based).
        subject: usize,
        /// How the reporter described them.
        described: String,
        /// The words that matched.
        matched: String,
    },
    /// A subject's role makes them a chief officer, but the report is not routed to the
    /// independent queue.
    ChiefOfficerSubject {
        /// The subject's position.
        subject: usize,
        /// How the reporter described them.
        described: String,
        /// The words that matched.
        matched: String,
    },
    /// A subject matches a reviewer who would be able to read the report.
    SubjectIsReader {
        /// The subject's position.
        subject: usize,
        /// How the reporter described them.
        described: String,
        /// The reviewer's id.
        reviewer: String,
        /// The reviewer's name as the directory shows it.
        display_name: String,
        /// What matched.
        on: MatchedOn,
    },
    /// The text names a reviewer who would be able to read it.
    TextNamesReader {
        /// The reviewer's id.
        reviewer: String,
        /// The reviewer's name as the directory shows it.
        display_name: String,
        /// What matched.
        on: MatchedOn,
    },
}

impl Conflict {
    /// A stable, machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            Conflict::ProfessionalStandardsSubject { .. } => "subject-in-professional-standards",
            Conflict::ChiefOfficerSubject { .. } => "subject-is-chief-officer",
            Conflict::SubjectIsReader { .. } => "subject-is-reader",
            Conflict::TextNamesReader { .. } => "text-names-reader",
        }
    }

    /// The reviewer to exclude to resolve it, if excluding resolves it.
    pub fn reviewer(&self) -> Option<&str> {
        match self {
            Conflict::SubjectIsReader { reviewer, .. } | Conflict::TextNamesReader { reviewer, .. } => Some(reviewer),
            _ => None,
        }
    }

    /// What to add to `concerning` to resolve it, if routing to the independent queue does.
    pub fn concerning(&self) -> Option<Concerning> {
        match self {
            Conflict::ProfessionalStandardsSubject { .. } => Some(Concerning::ProfessionalStandardsStaff),
            Conflict::ChiefOfficerSubject { .. } => Some(Concerning::ChiefOfficer),
            _ => None,
        }
    }
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Conflict::ProfessionalStandardsSubject { described, matched, .. } => write!(
                f,
                "{described} appears to work in Professional Standards or the Anti-Corruption Unit (\"{matched}\"), \
                 but this report would go to those teams. Send it to the independent office instead."
            ),
            Conflict::ChiefOfficerSubject { described, matched, .. } => write!(
                f,
                "{described} appears to be a chief officer (\"{matched}\"), but this report would go to teams that \
                 answer to them. Send it to the independent office instead."
            ),
            Conflict::SubjectIsReader { described, display_name, on, .. } => write!(
                f,
                "{described} has the same {} as {display_name}, who would be able to read this report. Exclude \
                 them, or send it to the independent office.",
                on.words()
            ),
            Conflict::TextNamesReader { display_name, on, .. } => write!(
                f,
                "Your words mention {display_name} (by {}), who would be able to read this. If it is about them, \
                 exclude them.",
                on.words()
            ),
        }
    }
}

/// Lower case, every run of non-alphanumeric characters one space, padded with spaces so that
/// `contains(" word ")` finds whole words.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    let mut last_space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if !last_space {
        out.push(' ');
    }
    out
}

/// The words of a name, without titles and without anything in brackets ("(PSD)").
fn name_words(name: &str) -> Vec<String> {
    let mut plain = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    normalise(&plain).split_whitespace().filter(|w| !TITLES.contains(w)).map(str::to_owned).collect()
}

/// Two collar numbers are the same officer's ([`collar_key`]).
fn same_collar(a: &str, b: &str) -> bool {
    let key = collar_key(a);
    key.chars().any(|c| c.is_ascii_digit()) && key == collar_key(b)
}

/// The digits of a collar number as a whole word of a normalised text, if it has three or more.
fn collar_word(collar: &str) -> Option<String> {
    let digits: String = collar.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 3).then(|| format!(" {digits} "))
}

/// Whether the words a reporter gave for a name fit a name: every word appears in it (an
/// initial may stand for a word), and at least one whole word of two letters or more matched.
fn name_fits(given: &[String], name: &[String]) -> bool {
    if given.is_empty() || name.is_empty() {
        return false;
    }
    let mut whole = false;
    for g in given {
        if name.contains(g) {
            whole |= g.chars().count() >= 2;
        } else if !(g.chars().count() == 1 && name.iter().any(|n| n.starts_with(g.as_str()))) {
            return false;
        }
    }
    whole
}

fn phrase_in(haystack: &str, phrases: &[&str]) -> Option<String> {
    phrases.iter().find(|p| haystack.contains(&normalise(p))).map(|p| (*p).to_owned())
}

/// How a reviewer matches a subject, if they do.
fn subject_matches(subject: &Subject, reviewer: &Reviewer) -> Option<MatchedOn> {
    if let (Some(given), Some(theirs)) = (&subject.collar_number, &reviewer.collar) {
        if same_collar(given, theirs) {
            return Some(MatchedOn::Collar);
        }
    }
    let given = name_words(subject.name.as_deref().unwrap_or(""));
    // A collar number written into the name field ("PC 4021") still counts.
    if let Some(theirs) = &reviewer.collar {
        if given.iter().any(|w| same_collar(w, theirs)) {
            return Some(MatchedOn::Collar);
        }
    }
    if name_fits(&given, &name_words(&reviewer.display_name)) {
        return Some(MatchedOn::Name);
    }
    if reviewer.aliases.iter().any(|a| name_fits(&given, &name_words(a))) {
        return Some(MatchedOn::Alias);
    }
    None
}

/// How a text names a reviewer, if it does: their full name (at least two words), an alias, or
/// their collar number, as whole words.
fn text_names(text: &str, reviewer: &Reviewer) -> Option<MatchedOn> {
    let text = normalise(text);
    let full = |name: &str| {
        let words = name_words(name);
        words.len() >= 2 && text.contains(&format!(" {} ", words.join(" ")))
    };
    if reviewer.collar.as_deref().and_then(collar_word).is_some_and(|w| text.contains(&w)) {
        return Some(MatchedOn::Collar);
    }
    if full(&reviewer.display_name) {
        return Some(MatchedOn::Name);
    }
    if reviewer.aliases.iter().any(|a| full(a) || name_words(a).len() == 1 && text.contains(&normalise(a))) {
        return Some(MatchedOn::Alias);
    }
    None
}

fn described(index: usize, subject: &Subject) -> String {
    let plain = subject.to_string();
    if subject == &Subject::default() {
        format!("Person {}", index + 1)
    } else {
        format!("The person you describe as \"{plain}\"")
    }
}

/// Everything about a report that suggests it may reach the person it is about, given the
/// reviewers it would be sealed to (`readers`, from [`crate::routing::route`]). Empty when
/// nothing was noticed.
pub fn report_conflicts(dir: &VerifiedDirectory, concern: &Concern, readers: &[String]) -> Vec<Conflict> {
    let mut found = Vec::new();
    let routed_away = |c: Concerning| concern.concerning.contains(&c);
    for (i, subject) in concern.subjects.iter().enumerate() {
        let place = normalise(&format!(
            "{} {}",
            subject.role.as_deref().unwrap_or(""),
            subject.station.as_deref().unwrap_or("")
        ));
        if !routed_away(Concerning::ProfessionalStandardsStaff) {
            if let Some(matched) = phrase_in(&place, PROFESSIONAL_STANDARDS) {
                found.push(Conflict::ProfessionalStandardsSubject {
                    subject: i,
                    described: described(i, subject),
                    matched,
                });
            }
        }
        let role = normalise(subject.role.as_deref().unwrap_or(""));
        if !routed_away(Concerning::ChiefOfficer) {
            if let Some(matched) = phrase_in(&role, CHIEF_OFFICER) {
                found.push(Conflict::ChiefOfficerSubject { subject: i, described: described(i, subject), matched });
            }
        }
        for id in readers {
            let Some(reviewer) = dir.reviewer(id) else { continue };
            if let Some(on) = subject_matches(subject, reviewer) {
                found.push(Conflict::SubjectIsReader {
                    subject: i,
                    described: described(i, subject),
                    reviewer: reviewer.id.clone(),
                    display_name: reviewer.display_name.clone(),
                    on,
                });
            }
        }
    }
    let text = [Some(concern.what.as_str()), concern.when.as_deref(), concern.r#where.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    for conflict in text_conflicts(dir, &text, readers) {
        if !found.iter().any(|f| f.reviewer().is_some() && f.reviewer() == conflict.reviewer()) {
            found.push(conflict);
        }
    }
    found
}

/// Readers that a free text (a follow-up, say) names.
pub fn text_conflicts(dir: &VerifiedDirectory, text: &str, readers: &[String]) -> Vec<Conflict> {
    readers
        .iter()
        .filter_map(|id| dir.reviewer(id))
        .filter_map(|r| {
            text_names(text, r).map(|on| Conflict::TextNamesReader {
                reviewer: r.id.clone(),
                display_name: r.display_name.clone(),
                on,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        name_words(s)
    }

    #[test]
    fn names_are_compared_without_titles_brackets_or_case() {
        assert_eq!(words("DS Amira Khan (PSD)"), ["amira", "khan"]);
        assert!(name_fits(&words("khan"), &words("DS Amira Khan (PSD)")));
        assert!(name_fits(&words("A. KHAN"), &words("DS Amira Khan (PSD)")));
        assert!(name_fits(&words("Det Sgt Amira Khan"), &words("DS Amira Khan (PSD)")));
        assert!(!name_fits(&words("B Khan"), &words("DS Amira Khan (PSD)")));
        assert!(!name_fits(&words("A"), &words("DS Amira Khan (PSD)")), "an initial alone is not a match");
        assert!(!name_fits(&words("Amir Khanna"), &words("DS Amira Khan (PSD)")));
        assert!(!name_fits(&words("PC"), &words("PC Example")), "a title alone is not a name");
    }

    #[test]
    fn professional_standards_words_are_whole_words() {
        let place = |s: &str| phrase_in(&normalise(s), PROFESSIONAL_STANDARDS);
        assert_eq!(place("Professional Standards Dept").as_deref(), Some("professional standards"));
        assert_eq!(place("ACU, HQ").as_deref(), Some("acu"));
        assert_eq!(place("anti-corruption unit").as_deref(), Some("anti corruption"));
        assert_eq!(place("Vacuum cleaning"), None, "acu inside another word");
        assert_eq!(place("Response, Central"), None);
        let chief = |s: &str| phrase_in(&normalise(s), CHIEF_OFFICER);
        assert!(chief("Deputy Chief Constable").is_some());
        assert!(chief("ACC (Crime)").is_some());
        assert_eq!(chief("Chief Inspector"), None);
    }

    #[test]
    fn text_mentions_need_the_full_name_or_a_collar() {
        let r = Reviewer {
            id: "psd-2".into(),
            display_name: "DS Amira Khan (PSD)".into(),
            aliases: vec!["Mira".into(), "Amira Shah".into()],
            collar: Some("PC 4021".into()),
            role: crate::directory::Role::Reviewer,
            queues: vec!["psd".into()],
            recipients: vec![],
            signing_key: crate::keys::RootSecretKey::from_seed(&[1; 32]).public().0,
        };
        assert_eq!(text_names("I told DS Amira Khan and nothing happened", &r), Some(MatchedOn::Name));
        assert_eq!(text_names("amira shah was there", &r), Some(MatchedOn::Alias));
        assert_eq!(text_names("ask mira", &r), Some(MatchedOn::Alias));
        assert_eq!(text_names("collar 4021 was on duty", &r), Some(MatchedOn::Collar));
        assert_eq!(text_names("Mr Khan from the shop", &r), None, "a surname alone in free text is not enough");
        assert_eq!(text_names("40210 items", &r), None);
        let s = Subject { name: Some("4021".into()), ..Default::default() };
        assert_eq!(subject_matches(&s, &r), Some(MatchedOn::Collar));
        let s = Subject { collar_number: Some("pc4021".into()), ..Default::default() };
        assert_eq!(subject_matches(&s, &r), Some(MatchedOn::Collar));
        let s = Subject { name: Some("Shah".into()), ..Default::default() };
        assert_eq!(subject_matches(&s, &r), Some(MatchedOn::Alias));
    }
}
