//! One relay for many forces (docs/design.md §5 "Many forces, one relay"): two forces' directories on one relay, each
//! pinned by its own root; reporters and reviewers of each pick their force by its root alone;
//! the reports share one inbox and each force's reviewers open only their own; and whoever
//! watches the relay's requests sees the same requests whichever force a report is for.

mod common;

use std::process::Command;

use candour_client::RelayClient;
use candour_core::directory::TrustPolicy;
use candour_core::report::{Category, Concern};
use candour_core::token::MailboxToken;
use candour_review::client::ReviewClient;
use candour_review::ReviewSession;
use candour_submit::compose::compose_report;
use candour_submit::send::send;
use common::forces::{example_force, SecondForce, SECOND_ORGANISATION};
use common::Relay;

/// A relay whose first force is `second` and which also serves the example force: the
/// example force's clients find nothing of theirs at `/v1/directory`.
async fn shared_relay(second: &SecondForce) -> Relay {
    Relay::start_serving_forces(&second.directory(), &second.root_file(), vec![example_force()]).await
}

fn candour_report(url: &str, root: &str, what: &str) -> std::process::Output {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args([
        "report",
        "--relay",
        url,
        "--root",
        root,
        "--category",
        "honesty-and-integrity",
        "--what",
        what,
        "--yes",
    ])
    .current_dir(home.path())
    .env("HOME", home.path())
    .env_remove("CANDOUR_RELAY")
    .env_remove("CANDOUR_ROOT")
    .env_remove("CANDOUR_PROXY");
    common::output_within(cmd, std::time::Duration::from_secs(300))
}

async fn session(
    url: &str,
    policy: &TrustPolicy,
    secret: candour_core::keys::ReviewerSecret,
    cache: &std::path::Path,
) -> ReviewSession {
    let dir = RelayClient::new(url, None).expect("client").directory(policy).await.expect("the force's directory");
    ReviewSession::open(secret, dir, ReviewClient::new(url, None).expect("client"), cache).expect("session")
}

fn reports_read(session: &ReviewSession) -> Vec<String> {
    session.cases().filter_map(|c| c.report.as_ref().map(|r| r.report.concern.what.clone())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_forces_share_one_relay_and_each_reads_only_its_own_reports() {
    let second = SecondForce::generate();
    let relay = shared_relay(&second).await;
    let url = relay.url();

    // Each reporter names their force by its root alone, as on the poster.
    let example_root = common::keys_example().join("root.pub").display().to_string();
    let second_root = second.root_file().display().to_string();
    for (root, what) in
        [(&example_root, "EXAMPLE-FORCE: the custody sergeant"), (&second_root, "SECOND-FORCE: the inspector")]
    {
        let out = tokio::task::block_in_place(|| candour_report(&url, root, what));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // A root of neither force: refused in plain words, nothing sent.
    let stranger = candour_core::keys::RootSecretKey::generate().public().to_string();
    let out = tokio::task::block_in_place(|| candour_report(&url, &stranger, "nobody's"));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("does not serve your force"), "{said}");

    // One inbox holds both; each force's reviewer opens their own and skips the other's.
    let cache = tempfile::tempdir().expect("cache");
    let mut example_psd1 =
        session(&url, &common::policy(), common::reviewer("psd-1"), &cache.path().join("example-psd-1")).await;
    let mut second_psd1 =
        session(&url, &second.policy(), second.reviewer("psd-1"), &cache.path().join("second-psd-1")).await;
    assert_eq!(second_psd1.directory().directory().organisation, SECOND_ORGANISATION);
    let synced = example_psd1.sync().await.expect("sync");
    assert_eq!((synced.inbox_entries, synced.reports, synced.skipped), (2, 1, 1), "{synced:?}");
    assert_eq!(reports_read(&example_psd1), ["EXAMPLE-FORCE: the custody sergeant"]);
    let synced = second_psd1.sync().await.expect("sync");
    assert_eq!((synced.inbox_entries, synced.reports, synced.skipped), (2, 1, 1), "{synced:?}");
    assert_eq!(reports_read(&second_psd1), ["SECOND-FORCE: the inspector"]);
    // Both forces' reviewers wrote (receipts to the reporters' mailboxes, case events), each
    // signing as a reviewer of their own directory.
    assert!(synced.receipts >= 1, "{synced:?}");
    relay.shutdown().await;
}

/// A reporter's whole exchange with a shared relay, as a proxy in front of it records it,
/// is the same whichever force the report is for: the directory request names no force (a
/// client that asked for its own force's directory by root, `/v1/directories/<root>`, fails
/// here), and nothing after it does either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_relay_sees_the_same_requests_whichever_force_a_report_is_for() {
    let second = SecondForce::generate();
    let relay = shared_relay(&second).await;
    let mut seen = Vec::new();
    for policy in [common::policy(), second.policy()] {
        let (url, recorded) = common::recording::recording_proxy(relay.addr).await;
        let client = RelayClient::new(&url, None).expect("client");
        let dir = client.directory(&policy).await.expect("directory");
        let token = MailboxToken::generate();
        let concern = Concern {
            category: Some(Category::HonestyAndIntegrity),
            what: "He took cash from a seized wallet.".into(),
            ..Default::default()
        };
        let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
        send(&client, composed.plan(&dir, &token), vec![], None).await.expect("send");
        drop(client);
        seen.push(recorded.request_lines());
    }
    assert!(seen[0].iter().any(|l| l == "GET /v1/directories"), "{:?}", seen[0]);
    assert!(seen[0].iter().any(|l| l == "POST /v1/inbox"), "the report went through the proxy: {:?}", seen[0]);
    assert_eq!(seen[0], seen[1], "the requests tell which force the report is for");
    relay.shutdown().await;
}

/// `candour serve` refuses, in words an operator can act on, forces whose envelopes would not
/// look alike, and serves them once they do.
#[test]
fn serve_refuses_forces_whose_envelopes_would_differ() {
    let narrower = SecondForce::generate_with(|d| d.stanzas = 10);
    let files = tempfile::tempdir().expect("tmp");
    let config = files.path().join("relay.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\ndata = {:?}\ndirectory = {:?}\ndirectory_roots = [{:?}]\n\n[[forces]]\n\
             directory = {:?}\ndirectory_roots = [{:?}]\n",
            files.path().join("data").display().to_string(),
            common::fresh_directory().display().to_string(),
            common::root_pub(),
            narrower.directory().display().to_string(),
            narrower.root(),
        ),
    )
    .expect("config");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.args(["serve", "--config"]).arg(&config).env_remove("CANDOUR_STORE").env_remove("CANDOUR_LISTEN");
    let out = common::output_within(cmd, std::time::Duration::from_secs(60));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("same number of stanzas") && said.contains(&format!("{SECOND_ORGANISATION} has 10")),
        "{said}"
    );
    assert!(!files.path().join("data").exists(), "a relay that cannot serve its forces touches no data folder");
}
