//! A small W3C WebDriver client over HTTP, and the harness around it: a
//! private Xvfb display, tauri-driver (which starts WebKitWebDriver, which
//! starts the real app binary in its real WebKit webview) on free ports.
//!
//! Needs Debian's xvfb and webkit2gtk-driver and `tauri-driver` on PATH
//! (scripts/setup installs them). Nothing here is mocked.

use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running Xvfb display.
pub struct Display {
    pub number: u32,
    child: Child,
}

impl Display {
    pub fn start() -> Display {
        Display::start_sized(1280, 800)
    }

    /// A display of `width`×`height` (the largest window a test shows must fit).
    pub fn start_sized(width: u32, height: u32) -> Display {
        // A display number of our own: the lowest free one from a per-process base.
        let base = 100 + (std::process::id() % 400);
        for number in base..base + 200 {
            if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists()
                || Path::new(&format!("/tmp/.X{number}-lock")).exists()
            {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .args([
                    &format!(":{number}"),
                    "-screen",
                    "0",
                    &format!("{width}x{height}x24"),
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("start Xvfb (scripts/setup installs xvfb): {e}"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
                    return Display { number, child };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
            panic!("Xvfb :{number} did not come up within 10 s");
        }
        panic!("no free X display number");
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// tauri-driver on a free port, with the app's environment.
pub struct Driver {
    port: u16,
    child: Child,
    _display: Display,
}

impl Driver {
    /// Start tauri-driver; the app it launches reads `HANDOFF_DB = db` and
    /// runs with `home` as its home folder.
    pub fn start(db: &Path, home: &Path, extra: &[(&str, String)]) -> Driver {
        Driver::start_on(Display::start(), db, home, extra)
    }

    /// [`Driver::start`] on a display of its own size.
    pub fn start_on(display: Display, db: &Path, home: &Path, extra: &[(&str, String)]) -> Driver {
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new("tauri-driver");
        cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", format!(":{}", display.number))
            .env("HANDOFF_DB", db)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS");
        // A keychain's D-Bus address and home, for a test with live sources.
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let child = cmd
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start tauri-driver (scripts/setup installs it with cargo install): {e}")
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port} within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { port, child, _display: display }
    }

    /// The X display the app runs on.
    pub fn display(&self) -> u32 {
        self._display.number
    }

    /// A session on the real app binary.
    pub fn session(&self) -> Session {
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        let base = format!("http://127.0.0.1:{}", self.port);
        let app = env!("CARGO_BIN_EXE_handoff-desk");
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}});
        // The first start of WebKit on a fresh display can fail: try three times.
        let mut last = String::new();
        for _ in 0..3 {
            match http.post(format!("{base}/session")).json(&caps).send().and_then(|r| r.json::<Value>()) {
                Ok(v) => match v["value"]["sessionId"].as_str() {
                    Some(id) => return Session { http, url: format!("{base}/session/{id}") },
                    None => last = v.to_string(),
                },
                Err(e) => last = e.to_string(),
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        panic!("no WebDriver session on the app: {last}")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One WebDriver session: the app's window.
pub struct Session {
    http: reqwest::blocking::Client,
    url: String,
}

/// An element reference.
#[derive(Clone, Debug)]
pub struct El(String);

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Session {
    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.url));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req
            .send()
            .and_then(|r| r.json())
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e} (did the app or WebKitWebDriver exit?)"));
        v["value"].clone()
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None)
    }

    /// Elements matching a CSS selector, now.
    pub fn all(&self, css: &str) -> Vec<El> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css}));
        v.as_array()
            .map(|a| a.iter().filter_map(|e| e[ELEMENT].as_str().map(|s| El(s.into()))).collect())
            .unwrap_or_default()
    }

    /// Wait up to `secs` for an element matching `css`.
    pub fn wait(&self, css: &str, secs: u64) -> El {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self.all(css).into_iter().next() {
                return e;
            }
            if Instant::now() > deadline {
                let body = self
                    .script("return document.body ? document.body.innerText.slice(0, 2000) : ''", json!([]));
                panic!("no {css} within {secs} s; the page says: {body}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Wait until `check` holds, up to `secs`.
    pub fn until(&self, what: &str, secs: u64, mut check: impl FnMut(&Session) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !check(self) {
            assert!(Instant::now() < deadline, "{what}: not within {secs} s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Click `e` as a user would. A notification toast lying over it (the
    /// live engine may raise one at any moment, e.g. a demo promise coming due
    /// while the test runs) is dismissed first, as a user would; any other
    /// refusal fails the test rather than passing over a click that never
    /// happened.
    pub fn click(&self, e: &El) {
        for attempt in 0..3 {
            let v = self.post(&format!("/element/{}/click", e.0), json!({}));
            let Some(error) = v.get("error").and_then(Value::as_str) else { return };
            if error != "element click intercepted" || attempt == 2 {
                panic!("click refused: {error}: {}", v["message"].as_str().unwrap_or_default());
            }
            for dismiss in self.all("[data-testid=toast] button") {
                self.post(&format!("/element/{}/click", dismiss.0), json!({}));
            }
        }
    }

    pub fn text(&self, e: &El) -> String {
        self.get(&format!("/element/{}/text", e.0)).as_str().unwrap_or_default().to_string()
    }

    pub fn attr(&self, e: &El, name: &str) -> Option<String> {
        self.get(&format!("/element/{}/attribute/{name}", e.0)).as_str().map(String::from)
    }

    pub fn type_into(&self, e: &El, text: &str) {
        self.post(&format!("/element/{}/value", e.0), json!({"text": text}));
    }

    /// Press keys on whatever has focus (W3C key actions).
    pub fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        self.post("/actions", json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}));
    }

    /// Choose the option with `value` in a <select>.
    pub fn select(&self, select_css: &str, value: &str) {
        self.wait(select_css, 10);
        let option = self.wait(&format!("{select_css} option[value=\"{value}\"]"), 10);
        self.click(&option);
        // WebKit does not always fire change on a clicked option: make sure.
        self.script(
            "const s = document.querySelector(arguments[0]); if (s.value !== arguments[1]) { \
             const set = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set; \
             set.call(s, arguments[1]); s.dispatchEvent(new Event('change', {bubbles: true})); }",
            json!([select_css, value]),
        );
    }

    /// Set an input's or textarea's value as typing would (for inputs
    /// WebDriver cannot type into portably, such as type="month"), firing
    /// React's onChange. Waits up to 10 s for the field.
    pub fn set_input(&self, css: &str, value: &str) {
        self.wait(css, 10);
        self.script(
            "const i = document.querySelector(arguments[0]); \
             const proto = i instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype; \
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(i, arguments[1]); \
             i.dispatchEvent(new Event('input', {bubbles: true}));",
            json!([css, value]),
        );
    }

    /// A DOM property of the first element matching `css`, as a string.
    pub fn prop(&self, css: &str, name: &str) -> String {
        let v = self.script(
            "const e = document.querySelector(arguments[0]); return e ? String(e[arguments[1]]) : ''",
            json!([css, name]),
        );
        v.as_str().unwrap_or_default().to_string()
    }

    /// Empty an input or textarea.
    pub fn clear(&self, e: &El) {
        self.post(&format!("/element/{}/clear", e.0), json!({}));
    }

    /// The rendered text (innerText) of the first element matching `css`.
    pub fn inner_text(&self, css: &str) -> String {
        let v = self.script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : ''",
            json!([css]),
        );
        v.as_str().unwrap_or_default().to_string()
    }

    pub fn script(&self, body: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": body, "args": args}))
    }

    /// The element a script returns (`return document.querySelector(…)`), if any.
    pub fn find_by_script(&self, body: &str, args: Value) -> Option<El> {
        let v = self.script(body, args);
        v.get(ELEMENT).and_then(Value::as_str).map(|id| El(id.to_string()))
    }

    /// An asynchronous script: it ends by calling its last argument with the result.
    pub fn script_async(&self, body: &str, args: Value) -> Value {
        self.post("/execute/async", json!({"script": body, "args": args}))
    }

    /// Size the window's outer frame (WebDriver's Set Window Rect).
    pub fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}));
        // The page sees the new size once WebKit has laid it out.
        self.until("the window takes its size", 10, |s| {
            let w = s.script("return window.innerWidth", json!([])).as_u64().unwrap_or(0);
            w > 0 && w.abs_diff(u64::from(width)) <= 40
        });
    }

    /// Save a screenshot of the window to `ci-artifacts/screenshots/NAME.png`.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine as _;
        // WebKitWebDriver's snapshot waits for the page's next presentation
        // update, which a page with nothing changing (the first-run panel)
        // never makes: flicker a near-invisible pixel every frame for 2 s, so
        // an update comes after the request however late it arrives.
        self.script(
            "const d = document.createElement('div'); \
             d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none'; \
             document.body.appendChild(d); \
             const end = performance.now() + 2000; let odd = false; \
             const tick = () => { odd = !odd; \
               d.style.background = odd ? 'rgba(127,127,127,0.02)' : 'rgba(127,127,127,0.03)'; \
               if (performance.now() < end) requestAnimationFrame(tick); else d.remove(); }; \
             requestAnimationFrame(tick);",
            json!([]),
        );
        let data = self.get("/screenshot");
        let png =
            base64::engine::general_purpose::STANDARD.decode(data.as_str().unwrap_or_default()).unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ci-artifacts/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.url).send();
    }
}
