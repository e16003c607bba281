//! Every screen at the three window sizes the issue names (800×600,
//! 1280×800, 1920×1080), light and dark: a screenshot of each into
//! `ci-artifacts/screenshots/` (to be looked at), and an accessibility audit
//! by axe-core (the npm package in ui/, installed by `npm ci`) injected into
//! the real webview; a serious or critical violation fails the test. One app
//! session serves all six looks of a screen: the window is resized and the
//! theme switched with the rail's own theme button.

use crate::driver::Session;
use serde_json::json;
use std::path::Path;

/// Window sizes, smallest first.
pub const SIZES: [(u32, u32); 3] = [(800, 600), (1280, 800), (1920, 1080)];
/// The largest, for the display the app runs on.
pub const LARGEST: (u32, u32) = (1920, 1080);

/// Choose `want` ("light" or "dark") with the rail's theme button.
pub fn set_theme(s: &Session, want: &str) {
    for _ in 0..3 {
        if s.attr(&s.wait("[data-testid=theme-toggle]", 10), "data-choice").as_deref() == Some(want) {
            break;
        }
        s.click(&s.wait("[data-testid=theme-toggle]", 10));
    }
    s.until(&format!("the {want} theme"), 5, |s| {
        s.script("return document.documentElement.dataset.theme", json!([])).as_str() == Some(want)
    });
}

/// The serious and critical axe-core violations on the page now, one line each.
pub fn axe(s: &Session) -> Vec<String> {
    let loaded = s.script("return typeof window.axe === 'object'", json!([]));
    if loaded != json!(true) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (run `npm ci` in ui/: axe-core is a devDependency)", path.display())
        });
        s.script(&source, json!([]));
    }
    let found = s.script_async(
        "const done = arguments[arguments.length - 1]; \
         axe.run(document, { resultTypes: ['violations'] }).then( \
           r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => \
             `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`)), \
           e => done([`axe did not run: ${e}`]));",
        json!([]),
    );
    serde_json::from_value(found.clone()).unwrap_or_else(|_| vec![format!("axe answered {found}")])
}

/// Screenshot `name` at every size in both themes and audit it; `ready`
/// waits until the screen shows what it should after a resize. Returns the
/// violations found, each prefixed with where.
pub fn every_look(s: &Session, name: &str, ready: impl Fn(&Session)) -> Vec<String> {
    let mut problems = Vec::new();
    for (w, h) in SIZES {
        s.resize(w, h);
        for theme in ["light", "dark"] {
            set_theme(s, theme);
            ready(s);
            s.screenshot(&format!("{name}-{w}x{h}-{theme}"));
            problems.extend(axe(s).into_iter().map(|v| format!("{name} {w}x{h} {theme}: {v}")));
        }
    }
    problems
}
