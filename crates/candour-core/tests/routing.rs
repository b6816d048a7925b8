//! Routing against the example organisation, and who can open what it routes.

mod common;

use candour_core::envelope::DiscardAttachments;
use candour_core::message::{open_document, seal_document};
use candour_core::report::{Category, Concerning};
use candour_core::routing::{route, Fallback, RouteError};
use candour_core::token::MailboxToken;

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn categories_route_as_the_directory_says() {
    let dir = common::example_directory();
    let r = route(&dir, Category::HonestyAndIntegrity, &[], &[]).expect("routes");
    assert_eq!(r.queues, ids(&["psd", "acu"]));
    assert_eq!(r.reviewers, ids(&["psd-1", "psd-2", "acu-1", "acu-2"]));
    assert_eq!(r.fallback, None);

    let r = route(&dir, Category::PreventConcern, &[], &[]).expect("routes");
    assert_eq!((r.queues, r.reviewers), (ids(&["sb-prevent"]), ids(&["sb-1"])));

    // Prevent wins even when the concern is about PSD staff: it goes to Special Branch only.
    let r = route(&dir, Category::PreventConcern, &[Concerning::ProfessionalStandardsStaff], &[]).expect("routes");
    assert_eq!(r.reviewers, ids(&["sb-1"]));

    for &about in Concerning::ALL {
        let r = route(&dir, Category::HonestyAndIntegrity, &[about], &[]).expect("routes");
        assert_eq!((r.queues, r.reviewers), (ids(&["pcc"]), ids(&["pcc-1"])), "{about:?}");
    }
    let r = route(&dir, Category::Compliment, &[], &[]).expect("routes");
    assert_eq!(r.reviewers, ids(&["psd-1", "psd-2"]));
}

#[test]
fn exclusions_and_fallback() {
    let dir = common::example_directory();
    let r = route(&dir, Category::Confidentiality, &[], &ids(&["acu-2"])).expect("routes");
    assert_eq!(r.reviewers, ids(&["psd-1", "psd-2", "acu-1"]));
    assert_eq!(r.fallback, None);

    let r = route(&dir, Category::Confidentiality, &[], &ids(&["acu-1", "acu-2"])).expect("routes");
    assert_eq!(r.queues, ids(&["psd", "acu", "pcc"]));
    assert_eq!(r.reviewers, ids(&["psd-1", "psd-2", "pcc-1"]));
    assert_eq!(r.fallback, Some(Fallback { emptied: ids(&["acu"]), queue: "pcc".into() }));

    assert_eq!(
        route(&dir, Category::PreventConcern, &[], &ids(&["sb-1"])),
        Err(RouteError::PreventQueueEmptied("sb-prevent".into()))
    );
    assert_eq!(
        route(&dir, Category::HonestyAndIntegrity, &[Concerning::ChiefOfficer], &ids(&["pcc-1"])),
        Err(RouteError::NobodyLeft("pcc".into()))
    );
    assert_eq!(
        route(&dir, Category::HonestyAndIntegrity, &[], &ids(&["nobody"])),
        Err(RouteError::UnknownReviewer("nobody".into()))
    );
}

/// Sealing to a route: the routed reviewers open it; excluded and unrouted ones cannot.
#[test]
fn only_routed_reviewers_can_open() {
    let dir = common::example_directory();
    let stanzas = dir.directory().stanzas;
    /// (category, excluded reviewers, who can read it, who cannot)
    type Case<'a> = (Category, Vec<String>, &'a [&'a str], &'a [&'a str]);
    let cases: [Case<'_>; 3] = [
        (Category::DiscreditableConduct, vec![], &["psd-1", "acu-2"], &["sb-1", "pcc-1"]),
        (Category::PreventConcern, vec![], &["sb-1"], &["psd-1", "psd-2", "acu-1", "acu-2", "pcc-1"]),
        (Category::Confidentiality, ids(&["acu-1"]), &["acu-2", "psd-2"], &["acu-1", "sb-1"]),
    ];
    for (category, excluded, readers, outsiders) in cases {
        let token = MailboxToken::generate();
        let r = route(&dir, category, &[], &excluded).expect("routes");
        let doc = common::report(&token, category, "what happened", r.reviewers.clone());
        let sealed =
            seal_document(&r.recipients(&dir), stanzas, &doc, vec![], &token.signing_key(), Vec::new()).expect("seals");
        for id in readers {
            let opened = open_document(common::reviewer(id).identity(), &sealed[..], &mut DiscardAttachments);
            assert_eq!(opened.expect("reader opens").document, doc, "{id}");
        }
        for id in outsiders {
            assert!(
                open_document(common::reviewer(id).identity(), &sealed[..], &mut DiscardAttachments).is_err(),
                "{id} opened a {category} report"
            );
        }
    }
}

/// The reporter's signature covers the readers it names, not the envelope's recipients, so a
/// reader can seal the same signed report again to someone it excluded: the opening tool must
/// see that it is not among the named readers.
#[test]
fn a_reader_outside_the_named_readers_is_refused_and_odd_routes_are_noted() {
    use candour_core::routing::{check_sealed_to, SealedToError};
    let dir = common::example_directory();
    let honesty = Some(Category::HonestyAndIntegrity);
    let named = ids(&["psd-1", "acu-1", "acu-2"]);
    let notes = check_sealed_to(&dir, "acu-1", &named, honesty, &[]).expect("a named reader");
    assert!(notes.unknown.is_empty() && notes.outside_route.is_empty(), "{notes:?}");
    // psd-2 was excluded; a reader re-sealed it to psd-2.
    let refused = check_sealed_to(&dir, "psd-2", &named, honesty, &[]).expect_err("psd-2 is not named");
    assert_eq!(refused, SealedToError::NotAReader("psd-2".into()));
    assert_eq!(refused.code(), "not-a-reader");
    assert_eq!(
        check_sealed_to(&dir, "psd-1", &ids(&["psd-1", "psd-1"]), honesty, &[]).map_err(|e| e.code()),
        Err("repeated-reader")
    );
    let many: Vec<String> = (0..=dir.directory().stanzas).map(|i| format!("r{i}")).collect();
    assert_eq!(check_sealed_to(&dir, "r0", &many, honesty, &[]).map_err(|e| e.code()), Err("too-many-readers"));
    // As many readers as an envelope has stanzas is the most, and allowed.
    let most = &many[..dir.directory().stanzas];
    assert_eq!(check_sealed_to(&dir, "r0", most, honesty, &[]).map(|n| n.unknown.len()), Ok(most.len()));
    // A Prevent concern sealed to PSD as well as Special Branch: PSD is outside its route.
    let notes =
        check_sealed_to(&dir, "sb-1", &ids(&["sb-1", "psd-1"]), Some(Category::PreventConcern), &[]).expect("named");
    assert_eq!(notes.outside_route, ids(&["psd-1"]));
    // Nor may a Prevent concern fall back to the independent queue: the PCC is outside it too.
    let notes =
        check_sealed_to(&dir, "sb-1", &ids(&["sb-1", "pcc-1"]), Some(Category::PreventConcern), &[]).expect("named");
    assert_eq!(notes.outside_route, ids(&["pcc-1"]));
    // The independent queue is a route a reporter may choose for any other category.
    let notes = check_sealed_to(&dir, "pcc-1", &ids(&["pcc-1"]), honesty, &[]).expect("named");
    assert!(notes.outside_route.is_empty(), "{notes:?}");
    // A reader who has left the directory since is noted, not refused.
    let notes = check_sealed_to(&dir, "psd-1", &ids(&["psd-1", "psd-9"]), honesty, &[]).expect("named");
    assert_eq!(notes.unknown, ids(&["psd-9"]));
}

/// The codes are part of the API: the CLI, the page and scripts match on them.
#[test]
fn error_codes_are_stable() {
    use candour_core::routing::{RouteError, SealedToError};
    assert_eq!(RouteError::UnknownReviewer("x".into()).code(), "unknown-reviewer");
    assert_eq!(RouteError::PreventQueueEmptied("sb".into()).code(), "prevent-queue-emptied");
    assert_eq!(RouteError::NobodyLeft("pcc".into()).code(), "nobody-left");
    assert_eq!(SealedToError::NotAReader("psd-2".into()).code(), "not-a-reader");
    assert_eq!(SealedToError::Repeated("psd-1".into()).code(), "repeated-reader");
    assert_eq!(SealedToError::TooMany { readers: 13, stanzas: 12 }.code(), "too-many-readers");
}
