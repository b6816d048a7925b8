//! Triage fields (docs/design.md §6, ISO 37002 "assess"): what a reviewer records about a case.
//!
//! These types feed signed case events: **do not modify** a variant's or field's serialised
//! name within case-event format 1; add new variants instead.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use candour_core::report::Category;

pub use candour_core::names::FieldParseError;

use candour_core::named_enum;

named_enum!(
    /// The national counter-corruption categories the ACU records (docs/design.md §6).
    pub CorruptionCategory, "corruption category", {
        /// Infiltration of the force by criminals.
        Infiltration => "infiltration",
        /// Unauthorised disclosure of information.
        DisclosureOfInformation => "disclosure-of-information",
        /// Perverting the course of justice.
        PervertingTheCourseOfJustice => "perverting-the-course-of-justice",
        /// Sexual misconduct, including abuse of position for a sexual purpose.
        SexualMisconduct => "sexual-misconduct",
        /// Controlled drugs.
        ControlledDrugs => "controlled-drugs",
        /// Theft and fraud.
        TheftAndFraud => "theft-and-fraud",
        /// Misuse of force systems.
        MisuseOfForceSystems => "misuse-of-force-systems",
        /// Abuse of authority.
        AbuseOfAuthority => "abuse-of-authority",
        /// Inappropriate association.
        InappropriateAssociation => "inappropriate-association",
        /// A member of staff vulnerable to corruption.
        Vulnerability => "vulnerability",
        /// Assisting offenders.
        AssistingOffenders => "assisting-offenders",
        /// Anything else.
        Other => "other",
    }
);

named_enum!(
    /// 3x5x2 source evaluation.
    pub SourceEvaluation, "source evaluation", {
        /// 1: reliable.
        Reliable => "1",
        /// 2: untested.
        Untested => "2",
        /// 3: not reliable.
        NotReliable => "3",
    }
);

named_enum!(
    /// 3x5x2 intelligence assessment.
    pub InformationAssessment, "information assessment", {
        /// A: known directly to the source.
        KnownDirectly => "a",
        /// B: known indirectly but corroborated.
        KnownIndirectlyCorroborated => "b",
        /// C: known indirectly.
        KnownIndirectly => "c",
        /// D: not known.
        NotKnown => "d",
        /// E: suspected to be false.
        SuspectedFalse => "e",
    }
);

named_enum!(
    /// 3x5x2 handling code.
    pub HandlingCode, "handling code", {
        /// P: lawful sharing permitted.
        Permitted => "p",
        /// C: lawful sharing permitted with conditions.
        Conditions => "c",
    }
);

/// A 3x5x2 intelligence grading, written as e.g. `2BP` (source, information, handling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grading {
    /// How reliable the source is.
    pub source: SourceEvaluation,
    /// How the source knows.
    pub information: InformationAssessment,
    /// Whether and how it may be shared.
    pub handling: HandlingCode,
}

impl fmt::Display for Grading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            self.source.name(),
            self.information.name().to_ascii_uppercase(),
            self.handling.name().to_ascii_uppercase()
        )
    }
}

impl FromStr for Grading {
    type Err = FieldParseError;
    /// Accepts `2BP`, `2-B-P`, `2/b/p` or `2 B P`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let compact: Vec<char> = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        let err = || FieldParseError {
            field: "3x5x2 grading",
            value: s.to_owned(),
            allowed: "source 1-3, information A-E, handling P or C, e.g. 2BP".into(),
        };
        let [source, information, handling] = compact.as_slice() else { return Err(err()) };
        Ok(Grading {
            source: source.to_string().parse().map_err(|_| err())?,
            information: information.to_string().parse().map_err(|_| err())?,
            handling: handling.to_string().parse().map_err(|_| err())?,
        })
    }
}

named_enum!(
    /// The outcome of a closed case, for the yearly statistics: the outcomes forces publish
    /// (docs/design.md §6), then anything else, then a compliment's. `ALL` is the order of the
    /// published table's columns.
    pub Outcome, "outcome", {
        /// No case to answer.
        NoCaseToAnswer => "no-case-to-answer",
        /// Practice requiring improvement or management action.
        ManagementAction => "management-action",
        /// Dealt with by reflective practice.
        ReflectivePractice => "reflective-practice",
        /// Misconduct found.
        Misconduct => "misconduct",
        /// A written warning.
        WrittenWarning => "written-warning",
        /// A final written warning.
        FinalWrittenWarning => "final-written-warning",
        /// Gross misconduct found.
        GrossMisconduct => "gross-misconduct",
        /// Dismissed.
        Dismissed => "dismissed",
        /// Resigned or retired during the investigation.
        ResignedOrRetired => "resigned-or-retired",
        /// Referred to the Independent Office for Police Conduct.
        ReferredToIopc => "referred-to-iopc",
        /// Criminal proceedings.
        Criminal => "criminal",
        /// Anything else.
        Other => "other",
        /// A compliment, passed to the officer it praises.
        PassedToOfficer => "passed-to-officer",
        /// A compliment, passed to the officer's line manager.
        PassedToLineManager => "passed-to-line-manager",
        /// A compliment, recorded.
        Recorded => "recorded",
    }
);

impl Outcome {
    /// The outcomes of a compliment: it is passed on or recorded, never found proven.
    pub const COMPLIMENT: [Outcome; 3] = [Outcome::PassedToOfficer, Outcome::PassedToLineManager, Outcome::Recorded];

    /// Whether this is a compliment's outcome.
    pub fn is_for_compliment(self) -> bool {
        Outcome::COMPLIMENT.contains(&self)
    }

    /// Whether a case of `category` may close with this outcome: a compliment only with a
    /// compliment's outcomes, anything else only with the others.
    pub fn fits(self, category: Option<Category>) -> bool {
        self.is_for_compliment() == (category == Some(Category::Compliment))
    }

    /// The outcomes a case of `category` may close with, in display order.
    pub fn for_category(category: Option<Category>) -> Vec<Outcome> {
        Outcome::ALL.iter().copied().filter(|o| o.fits(category)).collect()
    }
}

/// Where a case stands (ISO 37002: receive, assess, address, conclude). Serialised as its
/// [name](Status::name), e.g. `"assessed"` or `"closed:misconduct"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Status {
    /// Synced, not yet acknowledged to the reporter.
    Received,
    /// Receipt acknowledged.
    Acknowledged,
    /// Assessed.
    Assessed,
    /// Referred to the Independent Office for Police Conduct.
    ReferredToIopc,
    /// Under investigation.
    UnderInvestigation,
    /// Dealt with by reflective practice.
    ReflectivePractice,
    /// No further action.
    NoFurtherAction,
    /// Closed with an outcome.
    Closed(Outcome),
}

impl Status {
    /// The statuses without an outcome, in order, for help texts.
    pub const OPEN: [Status; 7] = [
        Status::Received,
        Status::Acknowledged,
        Status::Assessed,
        Status::ReferredToIopc,
        Status::UnderInvestigation,
        Status::ReflectivePractice,
        Status::NoFurtherAction,
    ];

    /// The stable name (`closed:<outcome>` for a closed case).
    pub fn name(self) -> String {
        match self {
            Status::Received => "received".into(),
            Status::Acknowledged => "acknowledged".into(),
            Status::Assessed => "assessed".into(),
            Status::ReferredToIopc => "referred-to-iopc".into(),
            Status::UnderInvestigation => "under-investigation".into(),
            Status::ReflectivePractice => "reflective-practice".into(),
            Status::NoFurtherAction => "no-further-action".into(),
            Status::Closed(outcome) => format!("closed:{outcome}"),
        }
    }

    /// Whether the case is finished: its clocks stop.
    pub fn is_concluded(self) -> bool {
        matches!(self, Status::Closed(_) | Status::NoFurtherAction)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl From<Status> for String {
    fn from(s: Status) -> String {
        s.name()
    }
}

impl TryFrom<String> for Status {
    type Error = FieldParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl FromStr for Status {
    type Err = FieldParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        if let Some(outcome) = wanted.strip_prefix("closed:") {
            return Ok(Status::Closed(outcome.parse()?));
        }
        Status::OPEN.into_iter().find(|v| v.name() == wanted).ok_or_else(|| FieldParseError {
            field: "status",
            value: s.to_owned(),
            allowed: Status::OPEN
                .iter()
                .map(|v| v.name())
                .chain(std::iter::once(format!(
                    "closed:<{}>",
                    Outcome::ALL.iter().map(|o| o.name()).collect::<Vec<_>>().join("|")
                )))
                .collect::<Vec<_>>()
                .join(", "),
        })
    }
}

named_enum!(
    /// How urgently a case needs attention.
    pub Priority, "priority", {
        /// Routine.
        Low => "low",
        /// The default.
        Normal => "normal",
        /// Needs attention this week.
        High => "high",
        /// Immediate risk to a person or to evidence.
        Urgent => "urgent",
    }
);

named_enum!(
    /// The IOPC mandatory-referral criteria (Police (Conduct) Regulations / IOPC statutory
    /// guidance), each ticked or unticked on its own so two reviewers' ticks merge.
    pub IopcCriterion, "IOPC referral criterion", {
        /// Death or serious injury.
        DeathOrSeriousInjury => "death-or-serious-injury",
        /// Serious assault.
        SeriousAssault => "serious-assault",
        /// Serious sexual offence.
        SeriousSexualOffence => "serious-sexual-offence",
        /// Serious corruption, including abuse of position for a sexual purpose.
        SeriousCorruption => "serious-corruption",
        /// Conduct aggravated by discrimination.
        DiscriminationAggravated => "discrimination-aggravated",
        /// A relevant offence.
        RelevantOffence => "relevant-offence",
        /// Arising from the same incident as one of the above.
        SameIncident => "same-incident",
        /// Conduct of a chief officer.
        ChiefOfficerConduct => "chief-officer-conduct",
    }
);

named_enum!(
    /// How likely the reporter is to suffer detriment for reporting.
    pub RiskLevel, "detriment risk level", {
        /// Low.
        Low => "low",
        /// Medium.
        Medium => "medium",
        /// High: protective measures needed now.
        High => "high",
    }
);

/// The reporter detriment-risk assessment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetrimentRisk {
    /// The assessed level.
    pub level: RiskLevel,
    /// Measures taken or planned (reviewer's words, never the reporter's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<String>,
}

/// Who a case is assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Assignment {
    /// A reviewer id from the directory.
    Reviewer(String),
    /// Nobody (an explicit unassignment).
    Unassigned,
}

/// One triage action: each `Some` (or non-empty) field is a change; the rest are untouched.
/// Changes to different fields by concurrent reviewers never conflict (see
/// [`crate::state`] for the merge rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageChange {
    /// The Standards of Professional Behaviour category (or Prevent / compliment / other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The national corruption category (ACU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corruption: Option<CorruptionCategory>,
    /// The 3x5x2 grading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<Grading>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The assignee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Assignment>,
    /// Subjects to add (names or collar numbers, as written; normalised when linking).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add_subjects: Vec<String>,
    /// Subjects to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove_subjects: Vec<String>,
    /// IOPC criteria ticked (`true`) or unticked (`false`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iopc: Vec<(IopcCriterion, bool)>,
    /// The detriment-risk assessment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detriment_risk: Option<DetrimentRisk>,
    /// The sanitised intelligence summary: the reviewer's words, never the reporter's; the only
    /// text that leaves the case (exports, statistics, referrals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl TriageChange {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == TriageChange::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::OPEN.into_iter().chain(Outcome::ALL.iter().map(|o| Status::Closed(*o))) {
            assert_eq!(s.name().parse::<Status>(), Ok(s));
        }
        assert!("closed".parse::<Status>().is_err());
        for c in CorruptionCategory::ALL {
            assert_eq!(c.name().parse::<CorruptionCategory>(), Ok(*c));
        }
        let g: Grading = "2-b-p".parse().expect("grading");
        assert_eq!(g.to_string(), "2BP");
        assert_eq!("2BP".parse::<Grading>(), Ok(g));
        assert!("4AP".parse::<Grading>().is_err());
        assert!("1AX".parse::<Grading>().is_err());
        let json = serde_json::to_string(&Status::Closed(Outcome::Misconduct)).expect("json");
        assert_eq!(json, "\"closed:misconduct\"");
        assert_eq!(serde_json::from_str::<Status>(&json).expect("back"), Status::Closed(Outcome::Misconduct));
    }
}
