//! `GET /v1/openapi.json`: the API described for client authors and auditors.

use serde_json::{json, Value};

fn error_response(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}})
}

fn signed(op: Value) -> Value {
    let mut op = op;
    if let Some(map) = op.as_object_mut() {
        map.insert("security".into(), json!([{"CandourSignature": []}]));
        let responses = map.entry("responses").or_insert_with(|| json!({}));
        if let Some(r) = responses.as_object_mut() {
            // Judged from the head alone, before any body is read (the head signs the body's
            // length and SHA-256; a body that does not match them is body-mismatch).
            r.insert("401".into(), error_response("unsigned-request, malformed-signature-header, stale-request, bad-signature, unknown-key, replayed-request, signed-before-start (signed in the second the relay started: sign again a second later) or body-mismatch"));
            r.entry("503").or_insert_with(|| error_response("busy: too many signed uploads in progress"));
        }
    }
    op
}

fn binary(description: &str) -> Value {
    json!({"description": description, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}})
}

/// The OpenAPI 3.1 document, as JSON text.
pub fn document() -> String {
    let seq = json!({"name": "seq", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}});
    let stream = json!({"name": "stream", "in": "path", "required": true, "description": "case stream id: 64 hex digits, SHA-256 of a context and the thread id", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}});
    let address = json!({"name": "address", "in": "path", "required": true, "description": "mailbox address: 64 hex digits, SHA-256 of the secret mailbox id", "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}});
    let page = json!([
        {"name": "after", "in": "query", "schema": {"type": "integer"}, "description": "cursor: entries numbered above this"},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}
    ]);
    let a_page = json!({"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EntryPage"}}}}});
    let page_of = |bad: &str| {
        let mut r = a_page.clone();
        r["400"] = error_response(bad);
        r
    };
    let listed = page_of("bad-query (a query other than after=<seq> and limit=1..1000)");
    let case_listed = page_of("bad-id (not 64 lowercase hex digits), bad-query");
    // The token holder's requests: a small JSON body naming the mailbox.
    let mailbox_errors = |ok: Value| {
        let mut r = ok;
        r["400"] = error_response("malformed-json (not JSON, unknown fields, or no seq when reading), bad-id (mailbox_id not 64 lowercase hex digits)");
        r["413"] = error_response("too-large");
        r["415"] = error_response("unsupported-media-type (the body must be application/json)");
        r
    };
    let appended = json!({"201": {"description": "durably stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Appended"}}}},
        "413": error_response("too-large"), "415": error_response("unsupported-media-type"), "400": error_response("truncated-upload, empty-body, bad-id, invalid-envelope"), "507": error_response("disk-full")});
    let doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Candour relay",
            "version": "1",
            "description": "An append-only store of opaque ciphertext. Every error is {\"code\", \"message\"} with a stable code. The relay records no IP address, user agent, cookie or time of day. No client can delete an entry or change its expiry: every entry is removed by the uniform retention policy (GET /v1/policy). Each place (the inbox, each case stream, each mailbox) numbers its entries on its own. Uploads must be age v1 envelopes with the directory's stanza count and a padded length (invalid-envelope otherwise). Requests that are not well-formed HTTP/1.1 get malformed-http (400), uri-too-long (414), headers-too-large (431) or http-version (505); a body that stops arriving for 30 seconds gets timeout (408); a storage failure is storage-failure (500), and a stored entry that fails its integrity check is never served."
        },
        "paths": {
            "/healthz": {"get": {"summary": "liveness: the process answers", "responses": {"200": {"description": "ok"}}}},
            "/readyz": {"get": {"summary": "readiness: the store takes a durable write now and its disk has room", "responses": {"200": {"description": "ready"}, "503": error_response("not-ready, not-ready-disk-full")}}},
            "/v1/openapi.json": {"get": {"summary": "this document", "responses": {"200": {"description": "OpenAPI JSON"}}}},
            "/v1/directory": {"get": {"summary": "the signed key directory, byte for byte as signed by the organisation root", "responses": {"200": {"description": "served directory JSON"}}}},
            "/v1/directories": {"get": {"summary": "every force's signed directory, for relays shared by several forces: each entry a served directory's exact text; clients keep the one their pinned root signed. The same answer for everyone, so fetching it tells nothing about the caller's force", "responses": {"200": {"description": "the bundle", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DirectoryBundle"}}}}}}},
            "/v1/policy": {"get": {"summary": "retention, envelope shape and proof-of-work pricing", "responses": {"200": {"description": "policy", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Policy"}}}}}}},
            "/v1/inbox/challenge": {"post": {"summary": "a stateless single-use proof-of-work challenge for an envelope of at most max_bytes (valid 10 minutes); the difficulty grows by one bit per doubling of size beyond pow_bytes_per_unit",
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChallengeRequest"}}}},
                "responses": {"200": {"description": "challenge", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Challenge"}}}}, "413": error_response("too-large"), "400": error_response("malformed-json"), "415": error_response("unsupported-media-type")}}},
            "/v1/inbox": {
                "post": {"summary": "submit a report or follow-up envelope (anyone, with proof of work)",
                    "parameters": [{"name": "candour-pow", "in": "header", "required": true, "description": "<challenge token hex>:<counter, 16 hex digits>; SHA-256(\"candour/v2/pow\\n\" || token || counter LE) has the token's difficulty in leading zero bits", "schema": {"type": "string"}}],
                    "requestBody": binary("an age v1 envelope, at most the challenge's max_bytes"),
                    "responses": {"201": {"description": "durably stored; no entry number is returned"}, "401": error_response("pow-required, pow-unknown-challenge, pow-insufficient"), "503": error_response("busy"),
                        "413": error_response("too-large, beyond-challenge"), "415": error_response("unsupported-media-type"), "400": error_response("truncated-upload, empty-body, invalid-envelope"), "507": error_response("disk-full")}},
                "get": signed(json!({"summary": "list inbox entries by cursor (reviewers)", "parameters": page, "responses": listed}))
            },
            "/v1/inbox/{seq}": {
                "get": signed(json!({"summary": "read an inbox entry (exactly its listed length: a body cut short means the entry could not be read whole)", "parameters": [seq], "responses": {"200": binary("the envelope"), "400": error_response("bad-id (not a decimal entry number)"), "404": error_response("not-found"), "500": error_response("storage-failure")}}))
            },
            "/v1/cases/{stream}": {
                "post": signed(json!({"summary": "append an encrypted, signed case event", "parameters": [stream], "requestBody": binary("case event ciphertext"), "responses": appended})),
                "get": signed(json!({"summary": "list a case stream by cursor", "parameters": [stream, page[0], page[1]], "responses": case_listed}))
            },
            "/v1/cases/{stream}/{seq}": {
                "get": signed(json!({"summary": "read a case event", "parameters": [stream, seq], "responses": {"200": binary("the ciphertext"), "400": error_response("bad-id (a stream id not 64 lowercase hex digits, or an entry number not decimal)"), "404": error_response("not-found")}}))
            },
            "/v1/mailboxes/{address}": {"post": signed(json!({"summary": "append a reply or receipt encrypted to the reporter", "parameters": [address], "requestBody": binary("reply envelope"), "responses": appended}))},
            "/v1/mailbox/list": {"post": {"summary": "list replies (the token holder presents the secret mailbox id; the relay hashes it)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MailboxRequest"}}}}, "responses": mailbox_errors(a_page.clone())}},
            "/v1/mailbox/read": {"post": {"summary": "read one reply (mailbox_id and seq)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MailboxRequest"}}}},
                "responses": mailbox_errors(json!({"200": binary("reply envelope"), "404": error_response("not-found")}))}}
        },
        "components": {
            "securitySchemes": {"CandourSignature": {"type": "apiKey", "in": "header", "name": "candour-signature",
                "description": "Ed25519 by a reviewer key from the directory over \"candour-request/v3\\n<the directory's relay.https>\\n<METHOD>\\n<path?query>\\n<body length>\\n<sha256(body) hex>\\n<unix seconds>\\n<nonce hex>\\n\" (candour_core::auth); headers candour-key, candour-timestamp, candour-nonce, candour-signature, candour-content-sha256. Timestamps outside the skew window, reused nonces and requests signed for another relay are refused."}},
            "schemas": {
                "ErrorBody": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}},
                "ChallengeRequest": {"type": "object", "required": ["max_bytes"], "properties": {"max_bytes": {"type": "integer", "minimum": 0}}},
                "Challenge": {"type": "object", "required": ["challenge", "difficulty", "max_bytes"], "properties": {"challenge": {"type": "string", "pattern": "^02[0-9a-f]{98}$", "description": "version 2, random (16 bytes), max_bytes (u64 BE), difficulty (1), issue time (u64 BE), MAC (16)"}, "difficulty": {"type": "integer"}, "max_bytes": {"type": "integer"}}},
                "Policy": {"type": "object", "required": ["retention_days", "retention_epoch_days", "stanzas", "max_upload_bytes", "pow_difficulty", "pow_bytes_per_unit"], "properties": {"retention_days": {"type": "integer"}, "retention_epoch_days": {"type": "integer"}, "stanzas": {"type": "integer"}, "max_upload_bytes": {"type": "integer"}, "pow_difficulty": {"type": "integer"}, "pow_bytes_per_unit": {"type": "integer"}}},
                "EntryInfo": {"type": "object", "required": ["seq", "len", "chunks", "expires"], "properties": {"seq": {"type": "integer"}, "len": {"type": "integer"}, "chunks": {"type": "integer"}, "expires": {"type": "string", "format": "date"}}},
                "EntryPage": {"type": "object", "required": ["entries", "next"], "properties": {"entries": {"type": "array", "items": {"$ref": "#/components/schemas/EntryInfo"}}, "next": {"type": ["integer", "null"]}}},
                "Appended": {"type": "object", "required": ["seq", "expires"], "properties": {"seq": {"type": "integer"}, "expires": {"type": "string", "format": "date"}}},
                "DirectoryBundle": {"type": "object", "required": ["format", "directories"], "properties": {"format": {"const": "candour-directories/1"}, "directories": {"type": "array", "maxItems": 256, "items": {"type": "string", "description": "a served directory, byte for byte"}}}},
                "Stored": {"type": "object", "required": ["status"], "properties": {"status": {"const": "stored"}}},
                "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["ok", "ready"]}}},
                "MailboxRequest": {"type": "object", "required": ["mailbox_id"], "properties": {"mailbox_id": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "after": {"type": "integer"}, "seq": {"type": "integer"}}}
            }
        }
    });
    doc.to_string()
}
