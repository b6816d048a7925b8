//! One accepted connection's byte stream, so that even what the HTTP layer refuses on its own
//! gets a JSON error with a stable code.
//!
//! hyper answers a request it cannot parse (a malformed request line, a header too large, a
//! bad `Content-Length`, an unknown transfer coding) itself, with an empty body, and closes the
//! connection; for some inputs (an HTTP/2 preface on this HTTP/1 server) it closes without a
//! word. Every response the relay's own handlers give is JSON with a `content-type`, so a 4xx or
//! 5xx response head with no `content-type` and `content-length: 0` can only be hyper's: this
//! stream rewrites it into `{"code", "message"}`, and writes a 400 of its own when hyper closes a
//! connection that sent bytes it never answered. Nothing else is touched.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The JSON body for a status hyper chose, with a stable code.
fn body_for(status: u16) -> (&'static str, &'static str) {
    match status {
        414 => ("uri-too-long", "the request's path is too long"),
        431 => ("headers-too-large", "the request's headers are too large"),
        505 => ("http-version", "this relay speaks HTTP/1.1 only"),
        408 => ("timeout", "the request took too long; nothing was stored"),
        _ => ("malformed-http", "the request was not well-formed HTTP/1.1, or not whole in time"),
    }
}

/// A JSON error response, complete.
fn json_response(status: u16, reason: &str) -> Vec<u8> {
    let (code, message) = body_for(status);
    let body = format!(r#"{{"code":"{code}","message":"{message}"}}"#);
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// If `head` is a whole response head written by hyper for a request it refused (a 4xx or 5xx
/// with `content-length: 0` and no `content-type`), the JSON response to send instead.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    if end != head.len() {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.splitn(3, ' ');
    let _version = parts.next()?;
    let status: u16 = parts.next()?.parse().ok()?;
    let reason = parts.next().unwrap_or("Error");
    if !(400..600).contains(&status) {
        return None;
    }
    let headers: Vec<String> = lines.map(str::to_ascii_lowercase).collect();
    let empty = headers.iter().any(|h| h.replace(' ', "") == "content-length:0");
    let typed = headers.iter().any(|h| h.starts_with("content-type:"));
    (empty && !typed).then(|| json_response(status, reason))
}

/// The stream hyper reads and writes, with hyper's own refusals turned into JSON.
#[derive(Debug)]
pub struct JsonRefusals {
    inner: TcpStream,
    /// Bytes still to write of a response this stream wrote or rewrote.
    pending: Vec<u8>,
    /// Bytes were read and nothing at all was written back yet: if hyper closes now, the
    /// client would hear nothing. (Once a response has gone out, anything after it is left
    /// alone: a client may still be sending a body the relay refused from its head.)
    unanswered: bool,
    /// Something was written on this connection.
    wrote: bool,
}

impl JsonRefusals {
    /// Wraps an accepted connection.
    pub fn new(inner: TcpStream) -> Self {
        JsonRefusals { inner, pending: Vec::new(), unanswered: false, wrote: false }
    }
}

impl Drop for JsonRefusals {
    /// hyper may drop a connection it refuses without closing it first (an HTTP/2 preface):
    /// what it sent unanswered still gets a reply, if the socket takes it at once.
    fn drop(&mut self) {
        if self.unanswered && self.pending.is_empty() {
            self.pending = json_response(400, "Bad Request");
        }
        if !self.pending.is_empty() {
            let _ = self.inner.try_write(&self.pending);
        }
    }
}

impl JsonRefusals {
    /// Writes what is pending; ready once nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.pending) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    self.pending.drain(..n);
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for JsonRefusals {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before && !self.wrote {
            self.unanswered = true;
        }
        result
    }
}

impl AsyncWrite for JsonRefusals {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        self.unanswered = false;
        self.wrote = true;
        if let Some(json) = rewrite(buf) {
            self.pending = json;
            // The original head is consumed whole; what goes out is the JSON response.
            let _ = self.drain(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // hyper is closing a connection that sent bytes it never answered: say why.
        if self.unanswered && self.pending.is_empty() {
            self.unanswered = false;
            self.pending = json_response(400, "Bad Request");
        }
        if self.drain(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // Not vectored: hyper then hands over each response head in one buffer, which is what
    // `rewrite` looks at.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_refusals_are_rewritten() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let json = String::from_utf8(rewrite(hyper).expect("rewritten")).expect("utf-8");
        assert!(json.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{json}");
        assert!(json.ends_with(r#"{"code":"headers-too-large","message":"the request's headers are too large"}"#));
        let ours = b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(rewrite(ours), None, "a typed response is the relay's own");
        assert_eq!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"), None);
        assert_eq!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nmore"), None, "a head alone");
        assert_eq!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\n"), None);
    }
}
