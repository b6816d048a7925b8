//! A recording proxy on loopback: what whoever runs the relay sees of every request.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Every request a client sends, in order, as `METHOD path`, read off the wire by a proxy in
/// front of the relay: what its operator sees of a reporter.
#[derive(Clone, Default)]
pub struct Recorded(Arc<Mutex<Vec<Vec<u8>>>>);

impl Recorded {
    /// Everything clients sent, connection by connection.
    pub fn transcripts(&self) -> Vec<Vec<u8>> {
        self.0.lock().expect("lock").clone()
    }

    /// The request lines of every connection, connection by connection.
    pub fn request_lines(&self) -> Vec<String> {
        let transcripts = self.0.lock().expect("lock").clone();
        let mut lines = Vec::new();
        for bytes in transcripts {
            let text = String::from_utf8_lossy(&bytes);
            // A request line starts at a method: a body before it ends with no line break.
            for (i, _) in text.match_indices(" HTTP/1.1\r\n") {
                let before = &text[..i];
                let start = before.rfind("GET /").max(before.rfind("POST /"));
                if let Some(line) = start.map(|s| &before[s..]).filter(|l| !l.contains("\r\n")) {
                    lines.push(line.to_owned());
                }
            }
        }
        lines
    }
}

/// A TCP proxy on loopback in front of `upstream` that keeps everything clients send.
pub async fn recording_proxy(upstream: std::net::SocketAddr) -> (String, Recorded) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let recorded = Recorded::default();
    let keep = recorded.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let slot = {
                let mut all = keep.0.lock().expect("lock");
                all.push(Vec::new());
                all.len() - 1
            };
            let keep = keep.clone();
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(upstream).await else { return };
                let (mut from_server, mut to_server) = server.into_split();
                let (mut from_client, mut to_client) = client.split();
                let upward = async {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = from_client.read(&mut buf).await {
                        if n == 0 || to_server.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        keep.0.lock().expect("lock")[slot].extend_from_slice(&buf[..n]);
                    }
                    let _ = to_server.shutdown().await;
                };
                let downward = async {
                    let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
                    let _ = to_client.shutdown().await;
                };
                tokio::join!(upward, downward);
            });
        }
    });
    (format!("http://{addr}"), recorded)
}
