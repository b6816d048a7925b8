//! A reader passes a report on to the person it excluded (docs/design.md §7): the reporter's signature
//! covers the readers the report names, not the envelope's recipients, so a reader can decrypt
//! the envelope and seal the same signed plaintext again to anyone. The excluded reviewer's
//! tool must see that the reporter did not send it to them, set it aside, and file nothing.

mod common;

use std::io::{Read as _, Write as _};

use candour_core::report::{Category, Subject};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_resealed_to_the_excluded_reviewer_is_refused_by_their_tool() {
    let relay = common::Relay::start().await;
    let mut concern = common::concern(Category::HonestyAndIntegrity, "DS Tom Reilly altered a custody record");
    concern.subjects = vec![Subject { name: Some("DS Tom Reilly".into()), ..Default::default() }];
    common::report_excluding(&relay.url, concern, &["psd-2"]).await;

    // psd-1, a reader, fetches the envelope and seals its signed plaintext again to psd-2,
    // with as many stanzas as every envelope has, so the relay takes it like any other.
    let client = common::bound_client(&relay.url).await;
    let dir = common::directory(&relay.url).await;
    let psd1 = common::reviewer("psd-1");
    let sealed = client.reviewer_get(psd1.signing_key(), "/v1/inbox/1", common::unix_now()).await.expect("read");
    let mut plaintext = Vec::new();
    age::Decryptor::new(&sealed[..])
        .expect("age")
        .decrypt(std::iter::once(psd1.identity() as &dyn age::Identity))
        .expect("psd-1 is a reader")
        .read_to_end(&mut plaintext)
        .expect("plaintext");
    let excluded = dir.reviewer("psd-2").and_then(|r| r.x25519_recipient()).expect("psd-2's key");
    let decoys: Vec<age::x25519::Recipient> =
        (1..dir.directory().stanzas).map(|_| age::x25519::Identity::generate().to_public()).collect();
    let recipients: Vec<&dyn age::Recipient> = std::iter::once(&excluded as &dyn age::Recipient)
        .chain(decoys.iter().map(|d| d as &dyn age::Recipient))
        .collect();
    let mut resealed = Vec::new();
    let mut w =
        age::Encryptor::with_recipients(recipients.into_iter()).expect("enc").wrap_output(&mut resealed).expect("wrap");
    w.write_all(&plaintext).expect("write");
    w.finish().expect("finish");
    let solution = client.solve_challenge(resealed.len() as u64).await.expect("challenge");
    client.submit(&solution, resealed.into()).await.expect("the relay cannot tell it apart");

    // psd-2's tool opens it (it is sealed to them) and finds it was not sent to them.
    let cache = tempfile::tempdir().expect("cache");
    let mut psd2 = common::session(&relay.url, "psd-2", cache.path()).await;
    let synced = psd2.sync().await.expect("sync");
    assert_eq!(synced.reports, 0, "not filed as a case: {synced:?}");
    assert_eq!(psd2.cases().count(), 0);
    assert_eq!(synced.receipts, 0, "no receipt is filed in the reporter's mailbox for it");
    assert_eq!(synced.rejected.len(), 1, "{synced:?}");
    assert!(
        synced.rejected[0].starts_with("inbox entry 2: the reporter did not send this to psd-2")
            && synced.rejected[0].contains("not-a-reader"),
        "{synced:?}"
    );

    // The genuine readers still take the original in, once.
    let mut acu1 = common::session(&relay.url, "acu-1", cache.path()).await;
    let synced = acu1.sync().await.expect("sync");
    assert_eq!((synced.reports, synced.rejected.len()), (1, 0), "{synced:?}");
}
