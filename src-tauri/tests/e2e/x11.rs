//! The window manager's side of closing a window, on the test's own Xvfb
//! display, through `wm.py` (libX11 via Python's ctypes: the Rust tests forbid
//! unsafe code): list the app's top-level windows by title with whether each
//! is mapped, and send one the ICCCM `WM_DELETE_WINDOW` message — exactly what
//! a window manager sends when the title bar's close button is clicked.

use std::path::Path;
use std::process::Command;

/// One X display.
pub struct X {
    display: String,
}

impl X {
    pub fn open(number: u32) -> X {
        X { display: format!(":{number}") }
    }

    fn wm(&self, title: &str, args: &[&str]) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/wm.py");
        let out = Command::new("/usr/bin/python3")
            .arg(script)
            .args([self.display.as_str(), title])
            .args(args)
            .output()
            .expect("run tests/e2e/wm.py with /usr/bin/python3");
        assert!(out.status.success(), "wm.py {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Top-level windows titled `title`, with whether each is mapped (viewable).
    pub fn windows(&self, title: &str) -> Vec<(u64, bool)> {
        self.wm(title, &["list"])
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, state)| (id.parse().unwrap(), state == "mapped"))
            .collect()
    }

    /// Ask `window` to close, as a window manager's close button does.
    pub fn close(&self, title: &str, window: u64) {
        self.wm(title, &["close", &window.to_string()]);
    }
}
