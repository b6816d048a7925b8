//! The OpenAPI document against the relay itself: it names every route of the contract
//! (`candour_core::api::ROUTES`) and nothing else, the router answers every one of them, every
//! JSON type has a schema whose fields are the type's own, and every status and error code the
//! relay really answers on a route (probed here with the bad requests a fuzzer sends) is
//! documented for that route.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::body::{to_bytes, Body};
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use candour_core::api::{self, route, Caller, ROUTES};
use candour_relay::router;
use common::*;
use serde_json::Value;
use tower::ServiceExt as _;

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX).await.map(|b| b.to_vec()).unwrap_or_default();
    (status, body)
}

async fn document(app: &Router) -> Value {
    let (status, body) = call(app, Request::get(route::OPENAPI).body(Body::empty()).expect("request")).await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_slice(&body).expect("the document is JSON")
}

#[tokio::test]
async fn the_document_names_every_route_of_the_contract_and_no_other() {
    let f = fixture();
    let app = router(memory_state(&f).0);
    let doc = document(&app).await;
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object().expect("operations").keys().map(move |m| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect();
    let contract: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned())).collect();
    assert_eq!(documented, contract, "the document and candour_core::api::ROUTES differ");
    for (method, path, caller) in ROUTES {
        let op = &doc["paths"][path][method.to_ascii_lowercase()];
        let signed = op["security"].as_array().is_some_and(|s| !s.is_empty());
        assert_eq!(signed, caller == Caller::Reviewer, "{method} {path}: documented as signed = {signed}");
    }
}

/// A path with its parameters filled: a well-formed value, or a malformed one.
fn filled(template: &str, well_formed: bool) -> String {
    let (seq, id) = if well_formed { ("1", "ab".repeat(32)) } else { ("1x", "zz".to_owned()) };
    template.replace("{seq}", seq).replace("{stream}", &id).replace("{address}", &id)
}

#[tokio::test]
async fn the_router_answers_every_route_and_only_the_documented_methods() {
    let f = fixture();
    let app = router(memory_state(&f).0);
    let mut methods: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (method, path, _) in ROUTES {
        methods.entry(path).or_default().insert(method);
    }
    for (path, allowed) in methods {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            let request = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).expect("method"))
                .uri(filled(path, true))
                .body(Body::empty())
                .expect("request");
            let (status, body) = call(&app, request).await;
            if allowed.contains(method) {
                assert!(
                    status != StatusCode::NOT_FOUND
                        || body_code(&body).as_deref() == Some("not-found") && path.contains('{'),
                    "{method} {path} is in the contract but the router has no such route"
                );
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is not mounted");
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} answers but is not in the contract"
                );
            }
        }
    }
}

fn body_code(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    v.get("code")?.as_str().map(str::to_owned)
}

/// One probe: a method and a path (with its query), a content type and a body, signed or not.
struct Probe {
    method: &'static str,
    template: &'static str,
    path: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    sign: bool,
}

fn probes() -> Vec<Probe> {
    let mailbox = format!(r#"{{"mailbox_id":"{}"}}"#, "ab".repeat(32));
    let mailbox_seq = format!(r#"{{"mailbox_id":"{}","seq":1}}"#, "ab".repeat(32));
    let bodies: Vec<(Option<&'static str>, Vec<u8>)> = vec![
        (None, Vec::new()),
        (Some("application/json"), b"{".to_vec()),
        (Some("application/json"), br#"{"max_bytes":1}"#.to_vec()),
        (Some("application/json"), br#"{"max_bytes":99999999999999}"#.to_vec()),
        (Some("application/json"), br#"{"mailbox_id":"00"}"#.to_vec()),
        (Some("application/json"), mailbox.into_bytes()),
        (Some("application/json"), mailbox_seq.into_bytes()),
        (Some("text/plain"), b"hello".to_vec()),
        (Some("application/octet-stream"), b"not an envelope".to_vec()),
    ];
    let mut out = Vec::new();
    for (method, template, caller) in ROUTES {
        for well_formed in [true, false] {
            for query in ["", "?limit=0", "?limit=5&after=0", "?what=1"] {
                for (content_type, body) in &bodies {
                    for sign in [false, true] {
                        if sign && caller != Caller::Reviewer {
                            continue;
                        }
                        out.push(Probe {
                            method,
                            template,
                            path: format!("{}{query}", filled(template, well_formed)),
                            content_type: *content_type,
                            body: body.clone(),
                            sign,
                        });
                    }
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn every_status_and_code_the_relay_answers_is_documented_for_its_route() {
    let f = fixture();
    let app = router(memory_state(&f).0);
    let doc = document(&app).await;
    let mut undocumented = BTreeSet::new();
    let mut seen = 0;
    for probe in probes() {
        let method = Method::from_bytes(probe.method.as_bytes()).expect("method");
        let request = if probe.sign {
            signed(f.reviewer.signing_key(), method, &probe.path, probe.body.clone(), probe.content_type)
        } else {
            let mut builder = Request::builder().method(method).uri(&probe.path);
            if let Some(ct) = probe.content_type {
                builder = builder.header("content-type", ct);
            }
            builder.body(Body::from(probe.body.clone())).expect("request")
        };
        let (status, body) = call(&app, request).await;
        seen += 1;
        let responses = &doc["paths"][probe.template][probe.method.to_ascii_lowercase()]["responses"];
        let documented = &responses[status.as_str()];
        let code = if status.is_success() { None } else { body_code(&body) };
        let ok = documented.is_object()
            && code.as_ref().is_none_or(|c| {
                documented["description"].as_str().is_some_and(|d| {
                    d.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-')).any(|word| word == c)
                })
            });
        if !ok {
            undocumented.insert(format!(
                "{} {}: {} {}",
                probe.method,
                probe.template,
                status.as_u16(),
                code.unwrap_or_default()
            ));
        }
    }
    assert!(seen > 500, "only {seen} probes");
    assert!(undocumented.is_empty(), "answered but not documented:\n{}", Vec::from_iter(undocumented).join("\n"));
}

/// The document's schema for `name` has exactly the fields `sample` serialises with, and
/// requires those the type always writes.
fn schema_matches(doc: &Value, name: &str, sample: Value, always: &[&str]) {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "no schema {name}");
    let properties: BTreeSet<&str> = schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{name} has no properties"))
        .keys()
        .map(String::as_str)
        .collect();
    let fields: BTreeSet<&str> = sample.as_object().expect("an object").keys().map(String::as_str).collect();
    assert!(fields.is_subset(&properties), "{name}: the type writes {fields:?}, the schema has {properties:?}");
    let required: BTreeSet<&str> =
        schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    assert_eq!(required, always.iter().copied().collect(), "{name}: required fields");
    assert_eq!(properties, always.iter().copied().chain(fields.iter().copied()).collect(), "{name}: fields");
}

#[tokio::test]
async fn every_type_of_the_contract_has_its_schema() {
    let f = fixture();
    let app = router(memory_state(&f).0);
    let doc = document(&app).await;
    let day = candour_core::Day::from_unix_seconds(0);
    let entry = api::EntryInfo { seq: api::Seq(1), len: 2, chunks: 1, expires: day };
    schema_matches(&doc, "EntryInfo", j(&entry), &["seq", "len", "chunks", "expires"]);
    schema_matches(
        &doc,
        "EntryPage",
        j(&api::EntryPage { entries: vec![entry], next: Some(api::Seq(1)) }),
        &["entries", "next"],
    );
    schema_matches(&doc, "Appended", j(&api::Appended { seq: api::Seq(1), expires: day }), &["seq", "expires"]);
    schema_matches(&doc, "Stored", j(&api::Stored::new()), &["status"]);
    schema_matches(&doc, "Health", j(&api::Health { status: "ok".into() }), &["status"]);
    schema_matches(
        &doc,
        "Policy",
        j(&api::Policy {
            retention_days: 1,
            retention_epoch_days: 1,
            stanzas: 1,
            max_upload_bytes: 1,
            pow_difficulty: 1,
            pow_bytes_per_unit: 1,
        }),
        &[
            "retention_days",
            "retention_epoch_days",
            "stanzas",
            "max_upload_bytes",
            "pow_difficulty",
            "pow_bytes_per_unit",
        ],
    );
    let id = candour_core::token::MailboxId::from_bytes([1; 32]);
    schema_matches(
        &doc,
        "MailboxRequest",
        j(&api::MailboxRequest::new(&id, Some(api::Seq(1)), Some(api::Seq(2)))),
        &["mailbox_id"],
    );
    schema_matches(&doc, "ChallengeRequest", j(&api::ChallengeRequest { max_bytes: 1 }), &["max_bytes"]);
    schema_matches(
        &doc,
        "ErrorBody",
        j(&api::ErrorBody { code: "c".into(), message: "m".into() }),
        &["code", "message"],
    );
    let (_, bundle) = call(&app, Request::get(route::DIRECTORIES).body(Body::empty()).expect("request")).await;
    let bundle: api::DirectoryBundle = serde_json::from_slice(&bundle).expect("a bundle");
    schema_matches(&doc, "DirectoryBundle", j(&bundle), &["format", "directories"]);
    let (_, challenge) = call(&app, challenge_request(1)).await;
    let challenge: api::Challenge = serde_json::from_slice(&challenge).expect("a challenge");
    schema_matches(&doc, "Challenge", j(&challenge), &["challenge", "difficulty", "max_bytes"]);
    // Every schema in the document is one of these: none describes a type that no longer exists.
    let names: BTreeSet<&str> =
        doc["components"]["schemas"].as_object().expect("schemas").keys().map(String::as_str).collect();
    let checked: BTreeSet<&str> = [
        "EntryInfo",
        "EntryPage",
        "Appended",
        "Stored",
        "Health",
        "Policy",
        "MailboxRequest",
        "ChallengeRequest",
        "ErrorBody",
        "Challenge",
        "DirectoryBundle",
    ]
    .into();
    assert_eq!(names, checked);
}

fn j<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialises")
}
