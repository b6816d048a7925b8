//! The reporter's side of Candour: compose, strip metadata, seal, submit, and the mailbox client.
#![forbid(unsafe_code)]
