//! A proxy in front of the relay that answers planted refusals, in the relay's own words.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::json;

/// The error a [`PlantingProxy`] answers instead of the relay, and for which request.
type Planted = Arc<Mutex<Option<(&'static str, candour_relay::ApiError, Option<usize>)>>>;

/// A proxy in front of the relay that answers a planted refusal, as the relay words it, to
/// requests whose line starts with the planted `METHOD path ` and passes every other request
/// on. Each connection carries one request (`connection: close` both ways), so every request
/// is looked at.
pub struct PlantingProxy {
    pub addr: std::net::SocketAddr,
    planted: Planted,
}

impl PlantingProxy {
    pub async fn start(upstream: std::net::SocketAddr) -> PlantingProxy {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let planted: Planted = Arc::default();
        let plan = Arc::clone(&planted);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let plan = Arc::clone(&plan);
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut piece = vec![0u8; 64 * 1024];
                    let head_end = loop {
                        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                        match client.read(&mut piece).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&piece[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                    // Taken (and counted down) under the lock, so two requests cannot both use
                    // up the last planted refusal.
                    let planted = {
                        let mut plan = plan.lock().expect("lock");
                        let hit =
                            plan.as_ref().filter(|(line, _, _)| head.starts_with(line)).map(|(_, e, _)| e.clone());
                        if hit.is_some() {
                            if let Some((_, _, Some(left))) = plan.as_mut() {
                                *left -= 1;
                                if *left == 0 {
                                    *plan = None;
                                }
                            }
                        }
                        hit
                    };
                    if let Some(error) = planted {
                        // Take the body in, as the relay would, then refuse it.
                        let length: usize = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                            })
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        while buf.len() < head_end + length {
                            match client.read(&mut piece).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => buf.extend_from_slice(&piece[..n]),
                            }
                        }
                        let body = json!({"code": error.code, "message": error.message}).to_string();
                        let answer = format!(
                            "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            error.status.as_u16(),
                            error.status.canonical_reason().unwrap_or(""),
                            body.len()
                        );
                        let _ = client.write_all(answer.as_bytes()).await;
                        let _ = client.shutdown().await;
                        return;
                    }
                    let mut rewritten: Vec<u8> = head
                        .split("\r\n")
                        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:") && !l.is_empty())
                        .flat_map(|l| [l, "\r\n"])
                        .collect::<String>()
                        .into_bytes();
                    rewritten.extend_from_slice(b"connection: close\r\n\r\n");
                    rewritten.extend_from_slice(&buf[head_end..]);
                    let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else { return };
                    if server.write_all(&rewritten).await.is_err() {
                        return;
                    }
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        });
        PlantingProxy { addr, planted }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers `error` to requests starting with `line` until told otherwise (`None`: none).
    pub fn plant(&self, what: Option<(&'static str, candour_relay::ApiError)>) {
        *self.planted.lock().expect("lock") = what.map(|(line, error)| (line, error, None));
    }

    /// Answers `error` to the next `times` requests starting with `line`, then passes them on.
    pub fn plant_times(&self, line: &'static str, error: candour_relay::ApiError, times: usize) {
        *self.planted.lock().expect("lock") = (times > 0).then_some((line, error, Some(times)));
    }
}
