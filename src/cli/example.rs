//! The example organisation in `keys-example/`: for demos and tests only.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use age::secrecy::SecretString;
use anyhow::Context as _;
use candour_core::directory::{self, Directory, Queue, RelayAddresses, Routing, RoutingRule, DIRECTORY_FORMAT};
use candour_core::keys::{ReviewerSecret, RootSecretKey, SecretKeyFile};
use candour_core::report::{Category, Concerning};
use candour_core::Day;

use super::keys::{directory_entry, pretty};

/// The published passphrase of every example key file.
pub const EXAMPLE_PASSPHRASE: &str = "candour-example-only";
/// A low scrypt work factor: the passphrase is public, so the example files protect nothing and
/// tests unlock them often. Real key files use age's default (18).
const EXAMPLE_WORK_FACTOR: u8 = 10;

/// One example reviewer: id, display name, role, queue (empty for those who read no queue and
/// only receive escalations), collar number, other names.
type ExampleReviewer = (&'static str, &'static str, &'static str, &'static str, &'static str, &'static [&'static str]);

const REVIEWERS: [ExampleReviewer; 10] = [
    ("psd-1", "DI Sarah Okafor (PSD)", "supervisor", "psd", "1187", &["Sally Okafor"]),
    ("psd-2", "DS Tom Reilly (PSD)", "reviewer", "psd", "2716", &["Tommy Reilly"]),
    ("acu-1", "DCI Priya Nair (ACU)", "supervisor", "acu", "2290", &[]),
    ("acu-2", "DC Ewan Hughes (ACU)", "reviewer", "acu", "5512", &["Ewan Pugh"]),
    ("sb-1", "DS Mark Bell (Special Branch, Prevent)", "supervisor", "sb-prevent", "3076", &[]),
    ("pcc-1", "Helen Marsh (Office of the PCC)", "supervisor", "pcc", "", &[]),
    ("psd-head", "Det Supt Claire Rowe (Head of PSD)", "supervisor", "", "0412", &[]),
    ("dcc", "DCC Andrew Pryce (Deputy Chief Constable)", "supervisor", "", "", &["Andy Pryce"]),
    ("sb-head", "Det Supt Gareth Lloyd (Head of Special Branch)", "supervisor", "", "0388", &[]),
    ("pcc-ce", "Rachel Evans (Chief Executive, Office of the PCC)", "supervisor", "", "", &[]),
];

/// Whom each queue's late cases escalate to, outside the team that handles them.
const ESCALATIONS: [(&str, &[&str]); 4] =
    [("psd", &["psd-head", "dcc"]), ("acu", &["psd-head", "dcc"]), ("sb-prevent", &["sb-head"]), ("pcc", &["pcc-ce"])];

pub fn generate(out: &Path) -> anyhow::Result<ExitCode> {
    let reviewers_dir = out.join("reviewers");
    fs::create_dir_all(&reviewers_dir).with_context(|| format!("creating {}", reviewers_dir.display()))?;
    let pass = SecretString::from(EXAMPLE_PASSPHRASE.to_owned());
    let write =
        |path: &Path, bytes: &[u8]| fs::write(path, bytes).with_context(|| format!("writing {}", path.display()));

    let root = RootSecretKey::generate();
    let public = root.public();
    let mut root_file = Vec::new();
    let root_public = format!("{public}\n");
    let mut entries = Vec::new();
    for (id, name, role, queue, collar, aliases) in REVIEWERS {
        let secret = ReviewerSecret::generate(id);
        let queues = if queue.is_empty() { vec![] } else { vec![queue.to_owned()] };
        let mut entry = directory_entry(&secret, name, role, queues);
        entry.collar = (!collar.is_empty()).then(|| collar.to_owned());
        entry.aliases = aliases.iter().map(|a| (*a).to_owned()).collect();
        entries.push(entry);
        let mut file = Vec::new();
        SecretKeyFile::Reviewer(secret).write_protected(&pass, EXAMPLE_WORK_FACTOR, &mut file)?;
        write(&reviewers_dir.join(format!("{id}.key")), &file)?;
        write(&reviewers_dir.join(format!("{id}.public.json")), &pretty(entries.last().context("entry")?)?)?;
    }
    let sopb_and_other: Vec<Category> = Category::ALL
        .iter()
        .copied()
        .filter(|c| !matches!(c, Category::PreventConcern | Category::Compliment))
        .collect();
    let doc = Directory {
        format: DIRECTORY_FORMAT.into(),
        organisation: "Example Constabulary (EXAMPLE KEYS: NOT FOR REAL REPORTS)".into(),
        version: 3,
        not_after: Day::from_ymd(2030, 12, 31).context("date")?,
        relay: RelayAddresses { https: "http://127.0.0.1:8080".into(), onion: None },
        stanzas: 12,
        queues: vec![
            queue("psd", "Professional Standards Department", false),
            queue("acu", "Anti-Corruption Unit", false),
            queue("sb-prevent", "Special Branch (Prevent)", false),
            queue("pcc", "Office of the Police and Crime Commissioner", true),
        ],
        reviewers: entries,
        routing: Routing {
            rules: vec![
                rule(vec![Category::PreventConcern], vec![], &["sb-prevent"]),
                rule(vec![], Concerning::ALL.to_vec(), &["pcc"]),
                rule(vec![Category::Compliment], vec![], &["psd"]),
                rule(sopb_and_other, vec![], &["psd", "acu"]),
                rule(vec![], vec![], &["psd", "acu"]),
            ],
            fallback_queue: "pcc".into(),
        },
        retired: vec![],
        records: None,
        custodians: vec!["pcc-ce".into()],
    };
    let unsigned = pretty(&doc)?;
    let served = directory::sign(&unsigned, &root)?;
    SecretKeyFile::Root(root).write_protected(&pass, EXAMPLE_WORK_FACTOR, &mut root_file)?;
    write(&out.join("root.key"), &root_file)?;
    write(&out.join("root.pub"), root_public.as_bytes())?;
    write(&out.join("passphrase.txt"), format!("{EXAMPLE_PASSPHRASE}\n").as_bytes())?;
    write(&out.join("directory.unsigned.json"), &unsigned)?;
    write(&out.join("directory.json"), &served)?;
    println!("example organisation written to {}", out.display());
    println!("root public key: {public}");
    println!("fingerprint:     {}", public.fingerprint());
    Ok(ExitCode::SUCCESS)
}

fn queue(id: &str, name: &str, independent: bool) -> Queue {
    let escalate_to = ESCALATIONS.iter().find(|(q, _)| *q == id).map(|(_, to)| to.to_vec()).unwrap_or_default();
    Queue {
        id: id.into(),
        name: name.into(),
        independent,
        escalate_to: escalate_to.into_iter().map(String::from).collect(),
    }
}

fn rule(categories: Vec<Category>, concerning: Vec<Concerning>, queues: &[&str]) -> RoutingRule {
    RoutingRule { categories, concerning, queues: queues.iter().map(|q| (*q).to_owned()).collect() }
}
