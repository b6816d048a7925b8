//! The guided `candour report` on a real terminal: `script` (util-linux, in every Debian
//! install) gives the command a pseudo-terminal, and the answers are typed into it.

mod common;

use candour_core::envelope::DiscardAttachments;
use candour_core::message::open_document;
use candour_core::report::{Category, Document};
use common::{reviewer, unix_now, Relay};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guided_questions_on_a_terminal_send_what_was_answered() {
    let relay = Relay::start().await;
    let command = format!(
        "{} report --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    // Category 1, not about PSD/ACU staff, not a chief officer; one subject; what (ended by a
    // full stop); when; where; not reported elsewhere; anonymous; no attachment; exclude acu-2;
    // confirm.
    let answers = "1\nn\nn\nPC Example\n4021\nResponse\nCentral\n\n\nHe took cash from a seized wallet.\n.\n\
                   Tuesday night\nCustody suite\n\n\n\nacu-2\ny\n";
    let output = common::on_a_terminal(command, answers.to_owned()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("Which category fits best?"), "{screen}");
    assert!(screen.contains("DI Sarah Okafor (PSD) [psd-1]") && !screen.contains("[acu-2]"), "{screen}");
    assert!(screen.contains("Your mailbox token (shown once, never again)"), "{screen}");

    let client = common::bound_client(&relay.url()).await;
    let key = reviewer("psd-1");
    let page: serde_json::Value =
        serde_json::from_slice(&client.reviewer_get(key.signing_key(), "/v1/inbox", unix_now()).await.expect("list"))
            .expect("json");
    let seq = page["entries"][0]["seq"].as_u64().expect("one entry");
    let sealed = client.reviewer_get(key.signing_key(), &format!("/v1/inbox/{seq}"), unix_now()).await.expect("read");
    let opened = open_document(key.identity(), &sealed[..], &mut DiscardAttachments).expect("psd-1 opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.concern.category, Some(Category::HonestyAndIntegrity));
    assert_eq!(report.concern.what, "He took cash from a seized wallet.");
    assert_eq!(report.concern.r#where.as_deref(), Some("Custody suite"));
    assert_eq!(report.concern.subjects[0].collar_number.as_deref(), Some("4021"));
    assert_eq!(report.sealed_to, ["psd-1", "psd-2", "acu-1"]);
    assert!(open_document(reviewer("acu-2").identity(), &sealed[..], &mut DiscardAttachments).is_err());
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naming_a_reader_on_a_terminal_offers_to_leave_them_out() {
    let relay = Relay::start().await;
    let command = format!(
        "{} report --relay {} --root {}",
        env!("CARGO_BIN_EXE_candour"),
        relay.url(),
        common::keys_example().join("root.pub").display()
    );
    // Category 1; a subject named like psd-2 (DS Tom Reilly); what; no exclusions; then, asked
    // what to do about it, 2 (leave him out); confirm.
    let answers = "1\nn\nn\nTom Reilly\n\n\n\n\n\nHe took the cash.\n.\n\n\n\n\n\n\n2\ny\n";
    let output = common::on_a_terminal(command, answers.to_owned()).await;
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{screen}");
    assert!(screen.contains("has the same name as DS Tom Reilly (PSD)"), "{screen}");
    assert!(screen.contains("2. Leave out psd-2"), "{screen}");
    assert!(!screen.contains("DS Tom Reilly (PSD) [psd-2]"), "psd-2 is not among the readers shown: {screen}");
    let client = common::bound_client(&relay.url()).await;
    let key = reviewer("psd-1");
    let page: serde_json::Value =
        serde_json::from_slice(&client.reviewer_get(key.signing_key(), "/v1/inbox", unix_now()).await.expect("list"))
            .expect("json");
    let seq = page["entries"][0]["seq"].as_u64().expect("one entry");
    let sealed = client.reviewer_get(key.signing_key(), &format!("/v1/inbox/{seq}"), unix_now()).await.expect("read");
    let opened = open_document(key.identity(), &sealed[..], &mut DiscardAttachments).expect("psd-1 opens");
    let Document::Report(report) = opened.document else { panic!("not a report") };
    assert_eq!(report.sealed_to, ["psd-1", "acu-1", "acu-2"]);
    relay.shutdown().await;
}
