//! Streaming a sealed envelope to the relay while it is being sealed, so a large attachment
//! never sits in memory whole: sealing runs on a blocking thread and writes 64 KiB pieces into
//! a bounded channel that is the request body.

use std::io::{self, Write};

use bytes::Bytes;
use tokio::sync::mpsc;

/// Pieces in flight between the sealing thread and the upload: bounds memory to about 1 MiB.
const IN_FLIGHT: usize = 16;
const PIECE: usize = 64 * 1024;

/// A `Write` that sends what it is given, in pieces, into the upload.
pub struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
    progress: Option<Box<dyn FnMut(u64) + Send>>,
    written: u64,
    finished: bool,
}

impl std::fmt::Debug for ChannelWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChannelWriter({} bytes written)", self.written)
    }
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(PIECE)));
        self.written += piece.len() as u64;
        self.tx
            .blocking_send(Ok(piece))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped"))?;
        if let Some(progress) = self.progress.as_mut() {
            progress(self.written);
        }
        Ok(())
    }

    /// Sends what is buffered; call when sealing has finished. A writer dropped without
    /// `finish` (sealing failed) fails the upload instead, so the relay keeps nothing partial.
    pub fn finish(mut self) -> io::Result<()> {
        self.send_buffer()?;
        self.finished = true;
        Ok(())
    }
}

impl Drop for ChannelWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.tx.blocking_send(Err(io::Error::other("sealing failed; upload abandoned")));
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = PIECE - self.buffer.len();
        let n = room.min(buf.len());
        self.buffer.extend_from_slice(&buf[..n]);
        if self.buffer.len() == PIECE {
            self.send_buffer()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A request body fed by a [`ChannelWriter`]. `progress`, if given, is called with the number of
/// bytes sealed so far.
pub fn channel_body(progress: Option<Box<dyn FnMut(u64) + Send>>) -> (ChannelWriter, reqwest::Body) {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(IN_FLIGHT);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    (
        ChannelWriter { tx, buffer: Vec::with_capacity(PIECE), progress, written: 0, finished: false },
        reqwest::Body::wrap_stream(stream),
    )
}
