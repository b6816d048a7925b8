//! The review engine's names (statuses, priorities, categories, outcomes...) as the reviewer
//! reads them. The names themselves are codes in signed case events and never change; what
//! the page shows is a message for each, so every name here has its match arm and its id.

use candour_core::report::Category;
use candour_l10n::Messages;
use candour_review::clocks::Duty;
use candour_review::event::{DiscardReason, ReplyKind};
use candour_review::triage::{
    CorruptionCategory, HandlingCode, InformationAssessment, IopcCriterion, Outcome, Priority, RiskLevel,
    SourceEvaluation, Status,
};

use super::figures::words;

/// The first letter in capitals, as a word starting a label or a sentence has it (Welsh
/// capitalises only the first letter of a digraph too: "Llai").
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A category's title, as the report form shows it.
pub(crate) fn category(m: Messages, c: Category) -> String {
    match c {
        Category::HonestyAndIntegrity => m.text("category-honesty-and-integrity"),
        Category::AuthorityRespectAndCourtesy => m.text("category-authority-respect-and-courtesy"),
        Category::EqualityAndDiversity => m.text("category-equality-and-diversity"),
        Category::UseOfForce => m.text("category-use-of-force"),
        Category::OrdersAndInstructions => m.text("category-orders-and-instructions"),
        Category::DutiesAndResponsibilities => m.text("category-duties-and-responsibilities"),
        Category::Confidentiality => m.text("category-confidentiality"),
        Category::FitnessForWork => m.text("category-fitness-for-work"),
        Category::DiscreditableConduct => m.text("category-discreditable-conduct"),
        Category::ChallengingAndReportingImproperConduct => {
            m.text("category-challenging-and-reporting-improper-conduct")
        }
        Category::PreventConcern => m.text("category-prevent-concern"),
        Category::Compliment => m.text("category-compliment"),
        Category::Other => m.text("category-other"),
    }
}

/// A category given by its name; an unknown name in words.
pub(crate) fn category_named(m: Messages, name: &str) -> String {
    name.parse().map_or_else(|_| words(name), |c| category(m, c))
}

/// An outcome of a closed case.
pub(crate) fn outcome(m: Messages, o: Outcome) -> String {
    match o {
        Outcome::NoCaseToAnswer => m.text("desk-outcome-no-case-to-answer"),
        Outcome::ManagementAction => m.text("desk-outcome-management-action"),
        Outcome::ReflectivePractice => m.text("desk-outcome-reflective-practice"),
        Outcome::Misconduct => m.text("desk-outcome-misconduct"),
        Outcome::WrittenWarning => m.text("desk-outcome-written-warning"),
        Outcome::FinalWrittenWarning => m.text("desk-outcome-final-written-warning"),
        Outcome::GrossMisconduct => m.text("desk-outcome-gross-misconduct"),
        Outcome::Dismissed => m.text("desk-outcome-dismissed"),
        Outcome::ResignedOrRetired => m.text("desk-outcome-resigned-or-retired"),
        Outcome::ReferredToIopc => m.text("desk-outcome-referred-to-iopc"),
        Outcome::Criminal => m.text("desk-outcome-criminal"),
        Outcome::Other => m.text("desk-outcome-other"),
        Outcome::PassedToOfficer => m.text("desk-outcome-passed-to-officer"),
        Outcome::PassedToLineManager => m.text("desk-outcome-passed-to-line-manager"),
        Outcome::Recorded => m.text("desk-outcome-recorded"),
    }
}

/// Where a case stands.
pub(crate) fn status(m: Messages, s: Status) -> String {
    match s {
        Status::Received => m.text("desk-status-received"),
        Status::Acknowledged => m.text("desk-status-acknowledged"),
        Status::Assessed => m.text("desk-status-assessed"),
        Status::ReferredToIopc => m.text("desk-status-referred-to-iopc"),
        Status::UnderInvestigation => m.text("desk-status-under-investigation"),
        Status::ReflectivePractice => m.text("desk-status-reflective-practice"),
        Status::NoFurtherAction => m.text("desk-status-no-further-action"),
        Status::Closed(o) => m.format("desk-status-closed", &[("outcome", outcome(m, o).into())]),
    }
}

/// A status given by its name (as the inbox and the links carry it), "discarded" for an entry
/// set aside; an unknown name in words.
pub(crate) fn status_named(m: Messages, name: &str) -> String {
    if name == "discarded" {
        return m.text("desk-status-discarded");
    }
    name.parse().map_or_else(|_| words(name), |s| status(m, s))
}

/// A column of the published table: where an open case stands, or an outcome; "open" for a
/// compliment not yet closed.
pub(crate) fn column(m: Messages, name: &str) -> String {
    if name == "open" {
        return m.text("desk-column-open");
    }
    if let Ok(o) = name.parse::<Outcome>() {
        return outcome(m, o);
    }
    status_named(m, name)
}

/// How urgent a case is.
pub(crate) fn priority(m: Messages, p: Priority) -> String {
    match p {
        Priority::Low => m.text("desk-priority-low"),
        Priority::Normal => m.text("desk-priority-normal"),
        Priority::High => m.text("desk-priority-high"),
        Priority::Urgent => m.text("desk-priority-urgent"),
    }
}

/// A priority given by its name; an unknown name in words.
pub(crate) fn priority_named(m: Messages, name: &str) -> String {
    name.parse().map_or_else(|_| words(name), |p| priority(m, p))
}

/// An ACU counter-corruption category.
pub(crate) fn corruption(m: Messages, c: CorruptionCategory) -> String {
    match c {
        CorruptionCategory::Infiltration => m.text("desk-corruption-infiltration"),
        CorruptionCategory::DisclosureOfInformation => m.text("desk-corruption-disclosure-of-information"),
        CorruptionCategory::PervertingTheCourseOfJustice => m.text("desk-corruption-perverting-the-course-of-justice"),
        CorruptionCategory::SexualMisconduct => m.text("desk-corruption-sexual-misconduct"),
        CorruptionCategory::ControlledDrugs => m.text("desk-corruption-controlled-drugs"),
        CorruptionCategory::TheftAndFraud => m.text("desk-corruption-theft-and-fraud"),
        CorruptionCategory::MisuseOfForceSystems => m.text("desk-corruption-misuse-of-force-systems"),
        CorruptionCategory::AbuseOfAuthority => m.text("desk-corruption-abuse-of-authority"),
        CorruptionCategory::InappropriateAssociation => m.text("desk-corruption-inappropriate-association"),
        CorruptionCategory::Vulnerability => m.text("desk-corruption-vulnerability"),
        CorruptionCategory::AssistingOffenders => m.text("desk-corruption-assisting-offenders"),
        CorruptionCategory::Other => m.text("desk-corruption-other"),
    }
}

/// A reporter detriment-risk level.
pub(crate) fn risk(m: Messages, r: RiskLevel) -> String {
    match r {
        RiskLevel::Low => m.text("desk-risk-low"),
        RiskLevel::Medium => m.text("desk-risk-medium"),
        RiskLevel::High => m.text("desk-risk-high"),
    }
}

/// An IOPC mandatory-referral criterion.
pub(crate) fn iopc(m: Messages, c: IopcCriterion) -> String {
    match c {
        IopcCriterion::DeathOrSeriousInjury => m.text("desk-iopc-death-or-serious-injury"),
        IopcCriterion::SeriousAssault => m.text("desk-iopc-serious-assault"),
        IopcCriterion::SeriousSexualOffence => m.text("desk-iopc-serious-sexual-offence"),
        IopcCriterion::SeriousCorruption => m.text("desk-iopc-serious-corruption"),
        IopcCriterion::DiscriminationAggravated => m.text("desk-iopc-discrimination-aggravated"),
        IopcCriterion::RelevantOffence => m.text("desk-iopc-relevant-offence"),
        IopcCriterion::SameIncident => m.text("desk-iopc-same-incident"),
        IopcCriterion::ChiefOfficerConduct => m.text("desk-iopc-chief-officer-conduct"),
    }
}

/// The 3x5x2 source evaluation: its code and what it means.
pub(crate) fn source(m: Messages, s: SourceEvaluation) -> String {
    let what = match s {
        SourceEvaluation::Reliable => m.text("desk-grading-source-reliable"),
        SourceEvaluation::Untested => m.text("desk-grading-source-untested"),
        SourceEvaluation::NotReliable => m.text("desk-grading-source-not-reliable"),
    };
    format!("{} – {what}", s.name())
}

/// The 3x5x2 information assessment: its code and what it means.
pub(crate) fn information(m: Messages, i: InformationAssessment) -> String {
    let what = match i {
        InformationAssessment::KnownDirectly => m.text("desk-grading-information-known-directly"),
        InformationAssessment::KnownIndirectlyCorroborated => {
            m.text("desk-grading-information-known-indirectly-corroborated")
        }
        InformationAssessment::KnownIndirectly => m.text("desk-grading-information-known-indirectly"),
        InformationAssessment::NotKnown => m.text("desk-grading-information-not-known"),
        InformationAssessment::SuspectedFalse => m.text("desk-grading-information-suspected-false"),
    };
    format!("{} – {what}", i.name().to_ascii_uppercase())
}

/// The 3x5x2 handling code: its code and what it means.
pub(crate) fn handling(m: Messages, h: HandlingCode) -> String {
    let what = match h {
        HandlingCode::Permitted => m.text("desk-grading-handling-permitted"),
        HandlingCode::Conditions => m.text("desk-grading-handling-conditions"),
    };
    format!("{} – {what}", h.name().to_ascii_uppercase())
}

/// Why an entry is not a report, in lower case as a sentence has it.
pub(crate) fn discard_reason(m: Messages, r: DiscardReason) -> String {
    match r {
        DiscardReason::Spam => m.text("desk-discard-reason-spam"),
        DiscardReason::Test => m.text("desk-discard-reason-test"),
        DiscardReason::Duplicate => m.text("desk-discard-reason-duplicate"),
    }
}

/// Why an entry was set aside, in words: "spam", "duplicate of 3f9a21b07c".
pub(crate) fn set_aside_why(m: Messages, r: DiscardReason, duplicate_of: Option<&str>) -> String {
    match duplicate_of {
        Some(of) => {
            m.format("desk-discarded-duplicate-of", &[("reason", discard_reason(m, r).into()), ("case", of.into())])
        }
        None => discard_reason(m, r),
    }
}

/// A duty to the reporter, in lower case as a sentence has it.
pub(crate) fn duty(m: Messages, d: Duty) -> String {
    match d {
        Duty::Acknowledge => m.text("desk-duty-acknowledge"),
        Duty::Feedback => m.text("desk-duty-feedback"),
        Duty::ReferToIopc => m.text("desk-duty-refer-to-iopc"),
    }
}

/// What a reply was for, in lower case.
pub(crate) fn reply_kind(m: Messages, k: ReplyKind) -> String {
    match k {
        ReplyKind::Acknowledgement => m.text("desk-reply-kind-acknowledgement"),
        ReplyKind::Feedback => m.text("desk-reply-kind-feedback"),
        ReplyKind::Message => m.text("desk-reply-kind-message"),
    }
}

/// A reviewer's role in the directory, in lower case.
pub(crate) fn role(m: Messages, r: candour_core::directory::Role) -> String {
    match r {
        candour_core::directory::Role::Reviewer => m.text("desk-role-reviewer"),
        candour_core::directory::Role::Supervisor => m.text("desk-role-supervisor"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candour_l10n::Language;

    #[test]
    fn every_name_reads_as_a_word_in_both_languages() {
        let (en, cy) = (Messages::new(Language::English), Messages::new(Language::Welsh));
        assert_eq!(status(en, Status::ReferredToIopc), "Referred to IOPC");
        assert_eq!(status(en, Status::Closed(Outcome::Misconduct)), "Closed: Misconduct");
        assert_eq!(status_named(en, "discarded"), "Discarded");
        assert_eq!(category_named(en, "use-of-force"), "Use of force");
        assert_eq!(column(en, "open"), "Open");
        assert_eq!(column(en, "under-investigation"), "Under investigation");
        assert_eq!(priority_named(en, "no-such-priority"), "No such priority", "unknown names in words");
        assert_eq!(capitalised("llai"), "Llai");
        for s in Status::OPEN {
            assert!(!status(cy, s).starts_with('['), "{s:?}");
        }
        for o in Outcome::ALL {
            assert_ne!(outcome(cy, *o), outcome(en, *o), "{o:?}");
        }
        for c in Category::ALL {
            assert_ne!(category(cy, *c), category(en, *c), "{c:?}");
        }
    }
}
