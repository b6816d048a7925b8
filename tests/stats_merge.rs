//! The force-wide published table end to end (docs/design.md §6): reports routed to psd+acu,
//! sb-prevent and pcc, closed by each queue's reviewers with the CLI, exported and signed per
//! queue, merged with small-number suppression after merging, and compared with a table worked
//! out by hand. The published page carries the numbers and none of the reporters' words.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use candour_client::RelayClient;
use candour_core::report::{Category, Concern, Concerning};
use candour_core::token::MailboxToken;
use candour_submit::compose::compose_report;
use candour_submit::send::send;
use common::Relay;

/// Every report's words carry this: none of it may reach an export, the table or the page.
const CANARY: &str = "STATS-CANARY";

/// Runs `candour review ARGS` as reviewer `who`, with their own cache.
fn review(who: &str, relay: &str, data: &Path, args: &[&str]) -> Output {
    let keys = common::keys_example();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_candour"));
    cmd.arg("review")
        .args(args)
        .args(["--relay", relay, "--cache"])
        .arg(data.join(format!("{who}.cache")))
        .arg("--root")
        .arg(keys.join("root.pub"))
        .env("CANDOUR_IDENTITY", keys.join(format!("reviewers/{who}.key")))
        .env("CANDOUR_PASSPHRASE_FILE", keys.join("passphrase.txt"))
        .env_remove("CANDOUR_RELAY")
        .env_remove("CANDOUR_ROOT")
        .env_remove("CANDOUR_PROXY")
        .env_remove("CANDOUR_REVIEW_CACHE");
    common::output_within(cmd, std::time::Duration::from_secs(300))
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

async fn submit(client: &RelayClient, category: Category, concerning: Vec<Concerning>, what: &str) -> String {
    let dir = client.directory(&common::policy()).await.expect("directory");
    let token = MailboxToken::generate();
    let concern =
        Concern { category: Some(category), concerning, what: format!("{CANARY} {what}"), ..Default::default() };
    let composed = compose_report(&dir, &token, concern, &[], common::today()).expect("compose");
    send(client, composed.plan(&dir, &token), vec![], None).await.expect("send");
    candour_review::state::case_ref(&token.thread_id())
}

/// One line of the table as the test writes it by hand: cells in column order, then the total;
/// `*` for a suppressed value.
fn line(cells: &[serde_json::Value], total: &serde_json::Value) -> String {
    let text = |c: &serde_json::Value| c.as_u64().map_or_else(|| "*".to_owned(), |n| n.to_string());
    let mut out: Vec<String> = cells.iter().map(text).collect();
    out.push("|".into());
    out.push(text(total));
    out.join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_merge_reproduces_the_hand_computed_force_table() {
    let relay = Relay::start().await;
    let url = relay.url();
    let client = common::bound_client(&url).await;
    let psd_staff = vec![Concerning::ProfessionalStandardsStaff];
    // Routed by the example directory: misconduct to psd and acu, Prevent to sb-prevent only,
    // concerns about PSD staff to pcc only, compliments to psd.
    let a = submit(&client, Category::HonestyAndIntegrity, vec![], "a: falsified a pocket book").await;
    let b = submit(&client, Category::HonestyAndIntegrity, vec![], "b: lied in a statement").await;
    let c = submit(&client, Category::UseOfForce, vec![], "c: struck a detainee").await;
    let d = submit(&client, Category::PreventConcern, vec![], "d: extremist material").await;
    let e = submit(&client, Category::HonestyAndIntegrity, psd_staff.clone(), "e: a PSD officer lied").await;
    let f = submit(&client, Category::UseOfForce, psd_staff, "f: a PSD officer pushed someone").await;
    let g = submit(&client, Category::Compliment, vec![], "g: a kind officer").await;

    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().to_owned();
    let run = |who: &'static str, args: Vec<String>| {
        let (u, d) = (url.clone(), data.clone());
        tokio::task::spawn_blocking(move || review(who, &u, &d, &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let triage = |who: &'static str, case: &str, status: &str| run(who, args(&["triage", case, "--status", status]));

    ok(triage("psd-1", &a, "closed:written-warning").await.expect("join"));
    ok(triage("psd-1", &c, "under-investigation").await.expect("join"));
    ok(triage("psd-1", &g, "closed:passed-to-officer").await.expect("join"));
    ok(triage("acu-1", &b, "closed:written-warning").await.expect("join"));
    ok(triage("sb-1", &d, "closed:no-case-to-answer").await.expect("join"));
    ok(triage("pcc-1", &e, "closed:written-warning").await.expect("join"));
    // An open status named like an outcome: counted in that outcome's column.
    ok(triage("pcc-1", &f, "reflective-practice").await.expect("join"));

    let year = common::today().ymd().0.to_string();
    let export = |who: &'static str, queue: &str| {
        let out = data.join(format!("{queue}.json")).display().to_string();
        run(who, args(&["stats", "export", "--queue", queue, "--year", &year, "--out", &out]))
    };
    // psd exports first; then acu closes c, so psd's row of c is the stale one.
    ok(export("psd-1", "psd").await.expect("join"));
    ok(triage("acu-1", &c, "closed:misconduct").await.expect("join"));
    ok(export("acu-1", "acu").await.expect("join"));
    ok(export("sb-1", "sb-prevent").await.expect("join"));
    ok(export("pcc-1", "pcc").await.expect("join"));
    let file = |queue: &str| data.join(format!("{queue}.json")).display().to_string();

    // Each export holds its queue's cases, as rows with no reference and no words.
    let rows = |queue: &str| {
        let text = std::fs::read_to_string(file(queue)).expect("export");
        assert!(!text.contains(CANARY), "{text}");
        for case in [&a, &b, &c, &d, &e, &f, &g] {
            assert!(!text.contains(case.as_str()), "{queue} names case {case}: {text}");
        }
        let served: serde_json::Value = serde_json::from_str(&text).expect("json");
        served["export"]["rows"].as_array().map_or(0, Vec::len)
    };
    assert_eq!([rows("psd"), rows("acu"), rows("sb-prevent"), rows("pcc")], [4, 3, 1, 2]);

    // A queue left out is refused, by name.
    let partial = ["psd", "acu", "pcc"].map(file);
    let mut merge_args = vec!["stats", "merge", "--year", &year, "--suppress-below", "2"];
    merge_args.extend(partial.iter().map(String::as_str));
    let out = run("psd-1", args(&merge_args)).await.expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("no export for sb-prevent"), "{stderr}");
    assert!(stderr.contains("(stats-queue-missing)"), "{stderr}");

    let page = data.join("published.html").display().to_string();
    let all = ["psd", "acu", "sb-prevent", "pcc"].map(file);
    let mut merge_args =
        vec!["stats", "merge", "--year", &year, "--suppress-below", "2", "--json", "--html", page.as_str()];
    merge_args.extend(all.iter().map(String::as_str));
    let out = ok(run("psd-1", args(&merge_args)).await.expect("join"));
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");

    // Worked out by hand. Allegations: a, b (psd+acu) and e (pcc) closed with a written
    // warning; c closed as misconduct by acu after psd's export (acu's row has more events, so
    // it is taken); f at reflective practice (open, in the outcome's column); d no case to
    // answer. g is a compliment passed to the officer. a and b are in two exports and count
    // once. With suppression below 2, applied once to the merged counts: use of force
    // (misconduct 1, reflective practice 1, total 2) and Prevent (no case to answer 1, total
    // 1) are hidden, their column totals too, and the total column's lone hidden 1 (Prevent)
    // takes the smallest other row total with it (use of force's 2). Written warnings are 3:
    // pcc's 1 on its own would have been suppressed.
    let columns = "received acknowledged assessed under-investigation no-further-action no-case-to-answer \
                   management-action reflective-practice misconduct written-warning final-written-warning \
                   gross-misconduct dismissed resigned-or-retired referred-to-iopc criminal other";
    let zero = "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 | 0";
    let expected = [
        ("honesty-and-integrity", "0 0 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0 | 3"),
        ("authority-respect-and-courtesy", zero),
        ("equality-and-diversity", zero),
        ("use-of-force", "0 0 0 0 0 0 0 * * 0 0 0 0 0 0 0 0 | *"),
        ("orders-and-instructions", zero),
        ("duties-and-responsibilities", zero),
        ("confidentiality", zero),
        ("fitness-for-work", zero),
        ("discreditable-conduct", zero),
        ("challenging-and-reporting-improper-conduct", zero),
        ("prevent-concern", "0 0 0 0 0 * 0 0 0 0 0 0 0 0 0 0 0 | *"),
        ("other", zero),
    ];
    let got_columns: Vec<&str> =
        merged["columns"].as_array().expect("columns").iter().filter_map(|c| c.as_str()).collect();
    assert_eq!(got_columns.join(" "), columns.split_whitespace().collect::<Vec<_>>().join(" "));
    let got_rows = merged["rows"].as_array().expect("rows");
    assert_eq!(got_rows.len(), expected.len());
    for (row, (category, cells)) in got_rows.iter().zip(expected) {
        assert_eq!(row["category"], category);
        let got = line(row["cells"].as_array().expect("cells"), &row["total"]);
        assert_eq!(got, cells, "{category}");
    }
    let totals = line(merged["column_totals"].as_array().expect("totals"), &merged["total"]);
    assert_eq!(totals, "0 0 0 0 0 * 0 * * 3 0 0 0 0 0 0 0 | 6");
    let compliments = &merged["compliments"];
    assert_eq!(
        compliments["columns"],
        serde_json::json!(["open", "passed-to-officer", "passed-to-line-manager", "recorded", "other"])
    );
    assert_eq!(line(compliments["cells"].as_array().expect("cells"), &compliments["total"]), "0 * 0 0 0 | *");

    // Where it came from: every export, the cases after joining, and the stale row noted.
    let m = &merged["merged"];
    assert_eq!(m["cases"], 7, "{m}");
    let by: Vec<(&str, &str, u64)> = m["exports"]
        .as_array()
        .expect("exports")
        .iter()
        .map(|e| (e["queue"].as_str().unwrap_or(""), e["by"].as_str().unwrap_or(""), e["rows"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(by, [("psd", "psd-1", 4), ("acu", "acu-1", 3), ("sb-prevent", "sb-1", 1), ("pcc", "pcc-1", 2)]);
    let notes = m["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    let note = notes[0].as_str().unwrap_or("");
    assert!(note.starts_with("1 case(s) counted differently in the psd export by psd-1 and the acu export by acu-1"));
    assert!(String::from_utf8_lossy(&out.stderr).contains(note));

    // The published page: the numbers and their provenance, no reporter's words, no case, and
    // nothing loaded from elsewhere.
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains(&format!("Published statistics {year}")));
    let start = html.find("<table class=\"stats\">").expect("the table");
    let table = &html[start..start + html[start..].find("</table>").expect("its end")];
    for needle in
        ["<td>3</td>", "<td>6</td>", "Written warning", "Reflective practice", "<abbr title=\"suppressed\">*</abbr>"]
    {
        assert!(table.contains(needle), "{needle} is not in the table: {table}");
    }
    assert!(html.contains("Special Branch (Prevent)"), "the page names the queues");
    assert!(html.contains("pcc-1, supervisor"), "the page names who signed each export");
    assert!(!html.contains(CANARY), "a reporter's words are on the page");
    for case in [&a, &b, &c, &d, &e, &f, &g] {
        assert!(!html.contains(case.as_str()), "case {case} is on the page");
    }
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains(" src="), "loads nothing");
    assert_eq!(html.matches("<svg").count(), 3, "three charts");
    // In a browser: it draws, complains of nothing, fits the screen; the screenshot goes to
    // target/screenshots/stats-merged.png.
    let browser = common::browser::Browser::start();
    browser.goto(&format!("file://{page}"));
    assert_eq!(browser.find_all("svg.chart").len(), 3);
    assert!(!browser.find_all("svg.chart rect.bar").is_empty(), "bars are drawn");
    assert_eq!(browser.console_problems(), Vec::<String>::new(), "no load error");
    let overflows = "return document.documentElement.scrollWidth > document.documentElement.clientWidth;";
    assert_eq!(browser.script(overflows, vec![]), serde_json::json!(false), "nothing overflows at 1280 px");
    let table_scrolls = "const s = document.querySelector('table.stats').closest('.scroll'); \
                         return s.scrollWidth > s.clientWidth;";
    assert_eq!(browser.script(table_scrolls, vec![]), serde_json::json!(false), "the whole table shows at 1280 px");
    browser.screenshot("stats-merged");
    drop(browser);

    // `stats --year` without a subcommand is as before: this reviewer's own table.
    let out = ok(run("psd-1", args(&["stats", "--year", &year])).await.expect("join"));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with(&format!("category,{},total\n", columns.split_whitespace().collect::<Vec<_>>().join(","))));
    relay.shutdown().await;
}
