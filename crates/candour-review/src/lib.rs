//! The reviewer's side of Candour: fetch, decrypt, triage, reply and statistics.
#![forbid(unsafe_code)]
