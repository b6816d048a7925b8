//! The framing of requests and answers between the page and the WebAssembly module.
//!
//! A frame is parts laid end to end, then each part's length as a little-endian `u32`, then the
//! number of parts as a `u32`. Part 0 is always JSON; the others are bytes (the directory as
//! served, attachments, envelopes). Lengths at the end, not the start, let the module seal an
//! envelope straight into the answer and only then write the JSON and the lengths, so a 10 MiB
//! attachment is not copied again to frame it.

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request frame is malformed: {0}")]
pub struct FrameError(pub &'static str);

/// Splits a frame into its parts.
pub fn parts(frame: &[u8]) -> Result<Vec<&[u8]>, FrameError> {
    let (rest, count) = take_u32_back(frame).ok_or(FrameError("no part count"))?;
    let count = count as usize;
    let table_len = count.checked_mul(4).ok_or(FrameError("part count overflows"))?;
    if rest.len() < table_len {
        return Err(FrameError("part table truncated"));
    }
    let (body, table) = rest.split_at(rest.len() - table_len);
    let mut out = Vec::with_capacity(count);
    let mut at = 0usize;
    for chunk in table.chunks_exact(4) {
        let len = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as usize;
        let end = at.checked_add(len).ok_or(FrameError("part length overflows"))?;
        let part = body.get(at..end).ok_or(FrameError("part longer than the frame"))?;
        out.push(part);
        at = end;
    }
    if at != body.len() {
        return Err(FrameError("bytes left over after the parts"));
    }
    Ok(out)
}

fn take_u32_back(bytes: &[u8]) -> Option<(&[u8], u32)> {
    let split = bytes.len().checked_sub(4)?;
    let (rest, tail) = bytes.split_at(split);
    Some((rest, u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]])))
}

/// Builds a frame in place: bytes parts first (possibly written directly into the buffer), the
/// JSON part placed first in the table when finished.
#[derive(Debug, Default)]
pub struct FrameWriter {
    buffer: Vec<u8>,
    lengths: Vec<u32>,
}

impl FrameWriter {
    /// A writer that appends to `buffer` (cleared first).
    pub fn new(mut buffer: Vec<u8>) -> Self {
        buffer.clear();
        FrameWriter { buffer, lengths: Vec::new() }
    }

    /// Appends a bytes part written by `write` into the buffer; returns its index among the bytes
    /// parts (0 for the first).
    pub fn part_with<E>(&mut self, write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>) -> Result<usize, E> {
        let start = self.buffer.len();
        write(&mut self.buffer)?;
        self.lengths.push(len_u32(self.buffer.len() - start));
        Ok(self.lengths.len() - 1)
    }

    /// Appends a bytes part.
    pub fn part(&mut self, bytes: &[u8]) -> usize {
        self.buffer.extend_from_slice(bytes);
        self.lengths.push(len_u32(bytes.len()));
        self.lengths.len() - 1
    }

    /// Ends the frame with `json` as part 0. Because parts must lie in table order, the JSON is
    /// rotated to the front of the buffer (a copy of the JSON, which is small, plus a rotation).
    pub fn finish(mut self, json: &[u8]) -> Vec<u8> {
        let bytes_len = self.buffer.len();
        self.buffer.extend_from_slice(json);
        self.buffer.rotate_right(json.len());
        debug_assert!(self.buffer.len() == bytes_len + json.len());
        self.buffer.extend_from_slice(&len_u32(json.len()).to_le_bytes());
        for len in &self.lengths {
            self.buffer.extend_from_slice(&len.to_le_bytes());
        }
        self.buffer.extend_from_slice(&len_u32(self.lengths.len() + 1).to_le_bytes());
        self.buffer
    }
}

/// wasm32 memory is at most 4 GiB, so a part always fits a `u32`; natively the frame is only
/// built by tests, with small parts.
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// A frame from parts, for the page's side and for tests.
pub fn build(json: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut w = FrameWriter::new(Vec::new());
    for p in parts {
        w.part(p);
    }
    w.finish(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_every_part_in_order() {
        let frame = build(br#"{"a":1}"#, &[b"first", b"", b"third part"]);
        let got = parts(&frame).expect("parts");
        assert_eq!(got, vec![&br#"{"a":1}"#[..], b"first", b"", b"third part"]);
    }

    #[test]
    fn every_truncation_is_refused_not_misread() {
        let frame = build(b"{}", &[b"abc", b"defgh"]);
        for cut in 0..frame.len() {
            assert!(parts(&frame[..cut]).is_err(), "truncated at {cut} was accepted");
        }
    }

    #[test]
    fn lengths_beyond_the_frame_are_refused() {
        let mut frame = build(b"{}", &[b"abc"]);
        let n = frame.len();
        frame[n - 8] = 0xff; // the length of part 1
        assert_eq!(parts(&frame), Err(FrameError("part longer than the frame")));
        assert!(parts(&[0xff, 0xff, 0xff, 0xff]).is_err());
    }
}
