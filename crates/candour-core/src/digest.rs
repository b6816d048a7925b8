//! SHA-256 of a long stream, computed beside the encryption rather than after it.
//!
//! The author signature covers SHA-256 of everything framed (docs/design.md §3), so a large attachment
//! is both encrypted and hashed. Where threads exist, pieces of 64 KiB or more are hashed on a
//! second thread while age encrypts on the caller's, which takes the hash off the critical path
//! on any machine with two cores. The digest is the same SHA-256 either way: only where it is
//! computed changes. Inputs under one piece, and targets without threads (the browser's
//! wasm32), hash inline.

use sha2::{Digest, Sha256};

/// Bytes gathered before a piece is handed to the worker: one age chunk.
#[cfg(not(target_arch = "wasm32"))]
const PIECE: usize = 64 * 1024;

/// A SHA-256 that may hash on a helper thread.
pub(crate) struct StreamDigest {
    inline: Sha256,
    #[cfg(not(target_arch = "wasm32"))]
    staged: Vec<u8>,
    #[cfg(not(target_arch = "wasm32"))]
    worker: Option<Worker>,
    /// Set when no thread could be started: hash inline from then on.
    #[cfg(not(target_arch = "wasm32"))]
    inline_only: bool,
}

#[cfg(not(target_arch = "wasm32"))]
struct Worker {
    pieces: std::sync::mpsc::SyncSender<Vec<u8>>,
    done: std::thread::JoinHandle<Sha256>,
}

impl StreamDigest {
    pub(crate) fn new() -> Self {
        StreamDigest {
            inline: Sha256::new(),
            #[cfg(not(target_arch = "wasm32"))]
            staged: Vec::new(),
            #[cfg(not(target_arch = "wasm32"))]
            worker: None,
            #[cfg(not(target_arch = "wasm32"))]
            inline_only: false,
        }
    }

    #[cfg(target_arch = "wasm32")]
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inline.update(data);
    }

    /// Gathers bytes into 64 KiB pieces and hands each full piece to the worker (started on
    /// the first one), so the worker sees every byte in order and the caller never waits for
    /// SHA-256 unless the worker falls four pieces behind.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn update(&mut self, mut data: &[u8]) {
        if self.inline_only {
            self.inline.update(data);
            return;
        }
        while !data.is_empty() {
            let room = PIECE - self.staged.len();
            let n = room.min(data.len());
            self.staged.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.staged.len() == PIECE {
                self.hand_over();
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn hand_over(&mut self) {
        let piece = std::mem::replace(&mut self.staged, Vec::with_capacity(PIECE));
        if self.worker.is_none() {
            self.worker = self.start_worker();
        }
        let piece = match &self.worker {
            Some(worker) => match worker.pieces.send(piece) {
                Ok(()) => return,
                Err(returned) => returned.0,
            },
            None => piece,
        };
        // No worker (none could be started, or it is gone): take the state back and go on
        // inline, in order.
        self.rejoin();
        self.inline.update(&piece);
        self.inline_only = true;
    }

    /// Hands the state to a new thread, or `None` if no thread can be started.
    #[cfg(not(target_arch = "wasm32"))]
    fn start_worker(&mut self) -> Option<Worker> {
        // Four pieces in flight bound the extra memory to about 256 KiB.
        let (pieces, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        let state = std::mem::take(&mut self.inline);
        let (back, state_back) = std::sync::mpsc::channel::<Sha256>();
        let spawned = std::thread::Builder::new().name("candour-digest".into()).spawn(move || {
            let mut state = match state_back.recv() {
                Ok(s) => s,
                Err(_) => Sha256::new(),
            };
            for piece in receive {
                state.update(&piece);
            }
            state
        });
        match spawned {
            Ok(done) => {
                // The state moves only once the thread exists, so a failed spawn loses nothing.
                if back.send(state).is_err() {
                    return None;
                }
                Some(Worker { pieces, done })
            }
            Err(_) => {
                // `state` is still ours: put it back.
                self.inline = state;
                None
            }
        }
    }

    /// Takes the state back from the worker, if there is one.
    #[cfg(not(target_arch = "wasm32"))]
    fn rejoin(&mut self) {
        if let Some(Worker { pieces, done }) = self.worker.take() {
            drop(pieces);
            match done.join() {
                Ok(state) => self.inline = state,
                // The worker only hashes; a panic there is a bug. Propagate it rather than
                // return a digest that silently skipped bytes.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    }

    pub(crate) fn finalize(mut self) -> [u8; 32] {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.rejoin();
            let staged = std::mem::take(&mut self.staged);
            self.inline.update(&staged);
        }
        std::mem::take(&mut self.inline).finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_digest_whatever_the_piece_sizes() {
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let expected: [u8; 32] = Sha256::digest(&data).into();
        for pattern in [&[1usize, 70_000, 5, 65_536, 200_000, 3][..], &[65_536], &[40_000, 10], &[999_999]] {
            let mut d = StreamDigest::new();
            let mut rest = &data[..];
            let mut i = 0;
            while !rest.is_empty() {
                let n = pattern[i % pattern.len()].min(rest.len());
                d.update(&rest[..n]);
                rest = &rest[n..];
                i += 1;
            }
            assert_eq!(d.finalize(), expected, "pattern {pattern:?}");
        }
    }
}
