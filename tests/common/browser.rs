//! A small WebDriver client for the browser tests: Debian's `chromedriver` driving headless
//! `chromium`, spoken to over plain HTTP/1.1 on loopback.
//!
//! Blocking on purpose (std only): the tests run on a multi-threaded tokio runtime, the relay on
//! its worker threads, and the test thread simply waits for the browser. Every call panics with
//! what the driver said, which is what a failing test should print.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// The W3C element reference key.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(15);

/// A headless Chromium session; the browser and driver stop on drop.
pub struct Browser {
    driver: Driver,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

/// The chromedriver process, stopped on drop even if the session never started.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An element found on the page.
pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("screenshots")
}

fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(Duration::from_secs(120))).map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open whatever we ask, so read by Content-Length.
    let mut response = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    let head_end = loop {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the response head".into());
        }
        response.extend_from_slice(&buf[..n]);
        if let Some(i) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&response[..head_end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("no HTTP status")?;
    let length =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let body = &response[head_end..];
        let complete = match length {
            Some(len) => body.len() >= len,
            None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if complete {
            break;
        }
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
    }
    let rest = String::from_utf8_lossy(&response[head_end..]).into_owned();
    let body = if chunked { dechunk(&rest) } else { rest };
    let value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
    Ok((status, value))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

impl Browser {
    /// Starts chromedriver on a free port and a headless Chromium with a fresh profile.
    pub fn start() -> Browser {
        Self::start_with(&[])
    }

    /// As [`Browser::start`], with more Chromium flags (`--js-flags=--noexpose_wasm`, say).
    pub fn start_with(extra: &[&str]) -> Browser {
        // Port 0: chromedriver binds a free port itself and says which, so no other process
        // can take a port between our choosing it and chromedriver binding it.
        let mut child = Command::new("chromedriver")
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (Debian package chromium-driver; ./scripts/test.sh installs it)");
        let stdout = child.stdout.take().expect("chromedriver's output");
        let driver = Driver(child);
        let (told, port) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            let mut told = Some(told);
            // Read to the end, so chromedriver never blocks on a full pipe.
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    if let (Some(told), Ok(port)) = (told.take(), rest.trim_end_matches('.').trim().parse::<u16>()) {
                        let _ = told.send(port);
                    }
                }
            }
        });
        let port = port.recv_timeout(WAIT).expect("chromedriver says which port it listens on");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + WAIT;
        loop {
            match http(addr, "GET", "/status", None) {
                Ok((200, v)) if v["value"]["ready"] == true => break,
                _ if Instant::now() > deadline => panic!("chromedriver did not start on {addr}"),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        let profile = tempfile::tempdir().expect("profile folder");
        // The flags keep Chromium off the network except for what the page asks for.
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,900".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let args: Vec<String> = args.into_iter().chain(extra.iter().map(|a| a.to_string())).collect();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let (status, v) = http(addr, "POST", "/session", Some(&caps)).expect("new session");
        assert_eq!(status, 200, "chromedriver refused a session: {v}");
        let session = v["value"]["sessionId"].as_str().expect("session id").to_owned();
        let browser = Browser { driver, addr, session, _profile: profile };
        browser.call("POST", "/timeouts", json!({"script": 120_000, "pageLoad": 60_000}));
        browser
    }

    fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = if method == "GET" { None } else { Some(&body) };
        match http(self.addr, method, &path, body) {
            Ok((200, v)) => v["value"].clone(),
            Ok((status, v)) => panic!("WebDriver {method} {path} failed ({status}): {}", v["value"]),
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    fn try_call(&self, method: &str, path: &str, body: Value) -> Option<Value> {
        let path = format!("/session/{}{path}", self.session);
        let body = if method == "GET" { None } else { Some(&body) };
        match http(self.addr, method, &path, body) {
            Ok((200, v)) => Some(v["value"].clone()),
            _ => None,
        }
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.call("POST", "/goog/cdp/execute", json!({"cmd": cmd, "params": params}))
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url }));
    }

    /// The address the page is at.
    pub fn current_url(&self) -> String {
        self.call("GET", "/url", Value::Null).as_str().unwrap_or_default().to_owned()
    }

    /// The page's HTML as it is now.
    pub fn page_source(&self) -> String {
        self.call("GET", "/source", Value::Null).as_str().unwrap_or_default().to_owned()
    }

    /// Lays the page out as a screen `width` CSS pixels wide (a phone below 600).
    pub fn set_viewport(&self, width: u32, height: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
    }

    /// Zooms the page like the browser's zoom control (2.0 is 200 %), at the current viewport.
    pub fn set_zoom(&self, factor: f64) {
        self.cdp("Emulation.setPageScaleFactor", json!({ "pageScaleFactor": factor }));
    }

    /// Runs `js` (a function body; `arguments[i]` are `args`) and returns what it returns.
    pub fn script(&self, js: &str, args: Vec<Value>) -> Value {
        self.call("POST", "/execute/sync", json!({"script": js, "args": args}))
    }

    /// Runs asynchronous `js`: it calls `arguments[arguments.length - 1](result)` when done.
    pub fn script_async(&self, js: &str, args: Vec<Value>) -> Value {
        self.call("POST", "/execute/async", json!({"script": js, "args": args}))
    }

    fn find_now(&self, css: &str) -> Option<String> {
        let v = self.try_call("POST", "/element", json!({"using": "css selector", "value": css}))?;
        v[ELEMENT_KEY].as_str().map(str::to_owned)
    }

    /// The first element matching `css`, waiting for it to appear.
    pub fn find(&self, css: &str) -> Element<'_> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(id) = self.find_now(css) {
                return Element { browser: self, id };
            }
            if Instant::now() > deadline {
                panic!("no element matches {css} on {}", self.current_url());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every element matching `css` now.
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let v = self.call("POST", "/elements", json!({"using": "css selector", "value": css}));
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT_KEY].as_str())
            .map(|id| Element { browser: self, id: id.to_owned() })
            .collect()
    }

    /// Whether anything matches `css` now.
    pub fn exists(&self, css: &str) -> bool {
        self.find_now(css).is_some()
    }

    /// Waits until the element matching `css` contains `needle`; returns its text.
    pub fn wait_for_text(&self, css: &str, needle: &str) -> String {
        self.wait_for_text_within(css, needle, WAIT)
    }

    /// As [`Browser::wait_for_text`], with a deadline of its own.
    pub fn wait_for_text_within(&self, css: &str, needle: &str, wait: Duration) -> String {
        let deadline = Instant::now() + wait;
        let mut last = String::new();
        loop {
            // The page may replace the element between finding and reading it (a navigation, a
            // re-render): then look again rather than fail.
            let text = self.find_now(css).and_then(|id| {
                self.try_call("GET", &format!("/element/{id}/text"), Value::Null)?.as_str().map(str::to_owned)
            });
            if let Some(text) = text {
                if text.contains(needle) {
                    return text;
                }
                last = text;
            }
            if Instant::now() > deadline {
                panic!("{css} never said {needle:?}; it says {last:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses Tab, as a keyboard user moving to the next control.
    pub fn press_tab(&self) {
        self.press_key("\u{E004}");
    }

    /// Presses Escape.
    pub fn press_escape(&self) {
        self.press_key("\u{E00C}");
    }

    /// Presses and releases one key (a WebDriver key value).
    fn press_key(&self, key: &str) {
        self.call(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]}]}),
        );
    }

    /// The addresses in this tab's history, oldest first.
    pub fn history(&self) -> Vec<String> {
        let history = self.cdp("Page.getNavigationHistory", json!({}));
        history["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["url"].as_str().map(str::to_owned))
            .collect()
    }

    /// The browser console's messages since the last call. Fails the test if the log cannot be
    /// read: an unreadable log must never pass for a clean one.
    pub fn console(&self) -> Vec<String> {
        let path = format!("/session/{}/se/log", self.session);
        match http(self.addr, "POST", &path, Some(&json!({"type": "browser"}))) {
            Ok((200, v)) => v["value"]
                .as_array()
                .unwrap_or_else(|| panic!("the browser log is not a list: {v}"))
                .iter()
                .map(|m| format!("{} {}", m["level"].as_str().unwrap_or(""), m["message"].as_str().unwrap_or("")))
                .collect(),
            Ok((status, v)) => panic!("the browser log could not be read ({status}): {v}"),
            Err(e) => panic!("the browser log could not be read: {e}"),
        }
    }

    /// Console messages that mean something is wrong: errors (a failed load, a script error)
    /// and Content-Security-Policy violations.
    pub fn console_problems(&self) -> Vec<String> {
        self.console()
            .into_iter()
            .filter(|m| m.starts_with("SEVERE") || m.contains("Content Security Policy"))
            .collect()
    }

    /// Saves a PNG of the whole page (not just the viewport) under `target/screenshots/`,
    /// prints its path and returns it.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let width = size["width"].as_f64().unwrap_or(1280.0);
        let height = size["height"].as_f64().unwrap_or(900.0);
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}),
        );
        let data = shot["data"].as_str().expect("screenshot data");
        let png = base64::engine::general_purpose::STANDARD.decode(data).expect("screenshot is base64");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        println!("screenshot: {}", path.display());
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.session);
        let _ = http(self.addr, "DELETE", &path, None);
    }
}

impl Element<'_> {
    fn path(&self, tail: &str) -> String {
        format!("/element/{}{tail}", self.id)
    }

    /// Clicks it.
    pub fn click(&self) {
        self.browser.call("POST", &self.path("/click"), json!({}));
    }

    /// Types `text` into it (for a file input: an absolute path to upload).
    pub fn type_text(&self, text: &str) {
        self.browser.call("POST", &self.path("/value"), json!({ "text": text }));
    }

    /// Empties a text field.
    pub fn clear(&self) {
        self.browser.call("POST", &self.path("/clear"), json!({}));
    }

    /// Its rendered text.
    pub fn text(&self) -> String {
        self.browser.call("GET", &self.path("/text"), Value::Null).as_str().unwrap_or_default().to_owned()
    }

    /// An attribute or property, e.g. `value` or `aria-invalid`.
    pub fn attr(&self, name: &str) -> Option<String> {
        let v = self.browser.call("GET", &self.path(&format!("/property/{name}")), Value::Null);
        match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    /// An HTML attribute as written (e.g. `aria-invalid`, `role`), which may differ from the
    /// property of the same name.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let v = self.browser.call("GET", &self.path(&format!("/attribute/{name}")), Value::Null);
        v.as_str().map(str::to_owned)
    }

    /// Chooses the `<option>` with this value in a `<select>`.
    pub fn select(&self, value: &str) {
        let js = "const s = arguments[0]; s.value = arguments[1]; \
                  s.dispatchEvent(new Event('change', {bubbles: true})); return s.value;";
        let el = json!({ ELEMENT_KEY: self.id });
        let chosen = self.browser.script(js, vec![el, json!(value)]);
        assert_eq!(chosen, json!(value), "no option {value:?} in the select");
    }

    /// The WebDriver reference, to pass an element to [`Browser::script`].
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }
}
