//! The core's layering, checked from its source: the store knows only the
//! model (no file under `src/store/` uses anything from `ingest`, `team`,
//! `reply`, `sync` or `hubspot`), and no two files of the core use each other
//! in a loop.
//!
//! Every file under `src/` (the library; `src/bin/` is a face, not the core)
//! is parsed with `syn`. An edge A → B is drawn when A's code names an item
//! that lives in file B: through `use` declarations, paths in code (`crate::`,
//! `super::`, `self::`, a child module's name, or a name a `use` brought in),
//! followed through re-exports (`pub use`, globs, and a parent's private
//! `use` that children reach as `super::name`) to the file that defines the
//! item. Re-exports themselves are not edges (a facade is not a use), nor is
//! declaring a child module. Test code (`#[cfg(test)]` items) is not
//! checked: a reader's test may parse an email end to end. Method calls are not paths: a method defined in
//! another file's `impl` block is seen only where its type is named. Paths inside macro invocations and doc links are
//! not seen. The check runs in the test command; its report names each
//! offending edge or loop.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// Module path of a file, e.g. `["store", "ingest"]` for `src/store/ingest.rs`.
type ModPath = Vec<String>;

/// What one file declares: items, child modules, re-exports, globs.
#[derive(Default)]
struct FileFacts {
    defs: BTreeSet<String>,
    children: BTreeSet<String>,
    reexports: BTreeMap<String, ModPath>,
    globs: Vec<ModPath>,
    /// Absolute paths this file's own code names (before resolution).
    uses: Vec<ModPath>,
}

struct Core {
    files: BTreeMap<ModPath, FileFacts>,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn module_of(rel: &Path) -> ModPath {
    let mut parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs").to_string();
    if stem != "mod" && stem != "lib" {
        parts.push(stem);
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "bin") && p.parent() == Some(src_dir().as_path()) {
                continue;
            }
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Walks one file: `scope` is the module the code being visited sits in
/// (the file's module plus inline modules), `aliases` the names `use`
/// brought into scope (name → absolute path).
struct Walker<'a> {
    file_mod: ModPath,
    scope: ModPath,
    aliases: Vec<HashMap<String, ModPath>>,
    facts: &'a mut FileFacts,
}

impl Walker<'_> {
    /// Turns a path's leading segments into an absolute one, or `None` for
    /// paths outside the crate (std, other crates, local names).
    fn absolute(&self, segs: &[String]) -> Option<ModPath> {
        let first = segs.first()?;
        let mut base: ModPath;
        let mut rest = &segs[1..];
        match first.as_str() {
            "crate" => base = Vec::new(),
            "self" => base = self.scope.clone(),
            "super" => {
                base = self.scope.clone();
                base.pop();
                while rest.first().is_some_and(|s| s == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            name => {
                if let Some(target) = self.aliases.iter().rev().find_map(|a| a.get(name)) {
                    base = target.clone();
                } else if self.scope == self.file_mod && self.facts.children.contains(name) {
                    base = self.scope.clone();
                    base.push(name.to_string());
                } else {
                    return None;
                }
            }
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, public: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name.clone());
                }
                let alias = if name == "self" { prefix.last().cloned().unwrap_or_default() } else { name };
                self.bind(alias, &full, public);
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.bind(r.rename.to_string(), &full, public);
            }
            syn::UseTree::Glob(_) => {
                if let Some(abs) = self.absolute(prefix) {
                    if public && self.scope == self.file_mod {
                        self.facts.globs.push(abs);
                    } else {
                        self.facts.uses.push(abs);
                    }
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, public);
                }
            }
        }
    }

    fn bind(&mut self, alias: String, full: &[String], public: bool) {
        let Some(abs) = self.absolute(full) else { return };
        // A file-level `use` makes the name visible to child modules
        // (`super::name`) too, so paths through it resolve like a re-export;
        // a private one is also a use of what it names.
        if self.scope == self.file_mod {
            self.facts.reexports.insert(alias.clone(), abs.clone());
        }
        if !public || self.scope != self.file_mod {
            self.facts.uses.push(abs.clone());
        }
        if let Some(scope) = self.aliases.last_mut() {
            scope.insert(alias, abs);
        }
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_test(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let public = !matches!(u.vis, syn::Visibility::Inherited);
        self.use_tree(&mut Vec::new(), &u.tree, public);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let name = m.ident.to_string();
        if self.scope == self.file_mod {
            if m.content.is_none() {
                self.facts.children.insert(name.clone());
            } else {
                self.facts.defs.insert(name.clone());
            }
        }
        if let Some((_, items)) = &m.content {
            self.scope.push(name);
            self.aliases.push(HashMap::new());
            // `use` declarations are in scope in the whole module, wherever they stand.
            for item in items {
                if let syn::Item::Use(u) = item
                    && !is_test(&u.attrs)
                {
                    self.visit_item_use(u);
                }
            }
            for item in items {
                if !matches!(item, syn::Item::Use(_)) {
                    self.visit_item(item);
                }
            }
            self.aliases.pop();
            self.scope.pop();
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if (segs.len() > 1 || segs.first().is_some_and(|s| s == "crate" || s == "super"))
            && let Some(abs) = self.absolute(&segs)
        {
            self.facts.uses.push(abs);
        }
        syn::visit::visit_path(self, p);
    }
}

/// `#[cfg(test)]` on an item: test code may cross layers to build its
/// fixtures (a reader's test parses an email end to end); it is not checked.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Meta>().is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Const(i) => i.ident.to_string(),
        syn::Item::Enum(i) => i.ident.to_string(),
        syn::Item::Fn(i) => i.sig.ident.to_string(),
        syn::Item::Macro(i) => i.ident.as_ref()?.to_string(),
        syn::Item::Static(i) => i.ident.to_string(),
        syn::Item::Struct(i) => i.ident.to_string(),
        syn::Item::Trait(i) => i.ident.to_string(),
        syn::Item::Type(i) => i.ident.to_string(),
        syn::Item::Union(i) => i.ident.to_string(),
        _ => return None,
    })
}

impl Core {
    fn read() -> Core {
        let src = src_dir();
        let mut paths = Vec::new();
        rust_files(&src, &mut paths);
        let mut files = BTreeMap::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let module = module_of(path.strip_prefix(&src).unwrap());
            let mut facts = FileFacts::default();
            for item in &ast.items {
                if let Some(name) = item_name(item) {
                    facts.defs.insert(name);
                }
                if let syn::Item::Mod(m) = item
                    && m.content.is_none()
                {
                    facts.children.insert(m.ident.to_string());
                }
            }
            let mut walker = Walker {
                file_mod: module.clone(),
                scope: module.clone(),
                aliases: vec![HashMap::new()],
                facts: &mut facts,
            };
            for item in &ast.items {
                if let syn::Item::Use(u) = item
                    && !is_test(&u.attrs)
                {
                    walker.visit_item_use(u);
                }
            }
            for item in &ast.items {
                if !matches!(item, syn::Item::Use(_)) {
                    walker.visit_item(item);
                }
            }
            files.insert(module, facts);
        }
        Core { files }
    }

    /// The file an absolute path's item lives in, or `None` when the path
    /// names a whole module (its uses are counted where they are named).
    fn resolve(&self, path: &[String], depth: usize) -> Option<ModPath> {
        let split = (0..=path.len()).rev().find(|&i| self.files.contains_key(&path[..i]))?;
        let (module, rest) = path.split_at(split);
        let name = rest.first()?;
        let facts = &self.files[module];
        if facts.defs.contains(name) || depth > 8 {
            return Some(module.to_vec());
        }
        if let Some(target) = facts.reexports.get(name) {
            let mut next = target.clone();
            next.extend(rest[1..].iter().cloned());
            return self.resolve(&next, depth + 1).or_else(|| Some(module.to_vec()));
        }
        for glob in &facts.globs {
            if let Some(g) = self.files.get(glob)
                && (g.defs.contains(name) || g.reexports.contains_key(name))
            {
                let mut next = glob.clone();
                next.extend(rest.iter().cloned());
                return self.resolve(&next, depth + 1);
            }
        }
        Some(module.to_vec())
    }

    fn edges(&self) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
        self.edges_named().into_iter().map(|(k, v)| (k, v.into_keys().collect())).collect()
    }

    /// Each edge with the first path that draws it (for the report).
    fn edges_named(&self) -> BTreeMap<ModPath, BTreeMap<ModPath, String>> {
        let mut edges: BTreeMap<ModPath, BTreeMap<ModPath, String>> = BTreeMap::new();
        for (module, facts) in &self.files {
            let out = edges.entry(module.clone()).or_default();
            for used in &facts.uses {
                if let Some(target) = self.resolve(used, 0)
                    && &target != module
                {
                    out.entry(target).or_insert_with(|| used.join("::"));
                }
            }
        }
        edges
    }
}

fn show(m: &[String]) -> String {
    if m.is_empty() { "lib".to_string() } else { m.join("/") }
}

/// Strongly connected components with more than one file (Tarjan).
fn loops(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    struct T<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: HashMap<&'a ModPath, usize>,
        low: HashMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on: BTreeSet<&'a ModPath>,
        out: Vec<Vec<ModPath>>,
    }
    fn go<'a>(t: &mut T<'a>, v: &'a ModPath) {
        let i = t.index.len();
        t.index.insert(v, i);
        t.low.insert(v, i);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.edges.get(v) {
            for w in ws {
                if !t.index.contains_key(w) {
                    go(t, w);
                    let lw = t.low[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.clone());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        edges,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            go(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_store_uses_only_the_model() {
    let core = Core::read();
    assert!(core.files.len() > 50, "the check found only {} files under src/", core.files.len());
    // It sees the real tree's edges (a parser that saw nothing would pass
    // everything): through `use`, a glob re-export, a `super::` path.
    let edges = core.edges();
    let m = |s: &str| s.split('/').map(String::from).collect::<ModPath>();
    for (from, to) in
        [("store/timers", "promise/notices"), ("store/ingest", "model/parsed"), ("sync/engine", "sync")]
    {
        assert!(edges[&m(from)].contains(&m(to)), "the check did not see {from} → {to}");
    }
    let forbidden = ["ingest", "team", "reply", "sync", "hubspot"];
    let mut bad = Vec::new();
    for (from, tos) in core.edges_named() {
        if from.first().map(String::as_str) != Some("store") {
            continue;
        }
        for (to, why) in tos {
            if to.first().is_some_and(|t| forbidden.contains(&t.as_str())) {
                bad.push(format!("{} → {}  ({why})", show(&from), show(&to)));
            }
        }
    }
    assert!(bad.is_empty(), "the store must know only the model; it uses:\n{}", bad.join("\n"));
}

#[test]
fn no_two_files_of_the_core_use_each_other_in_a_loop() {
    let core = Core::read();
    let named = core.edges_named();
    let edges = core.edges();
    let found = loops(&edges);
    let report: Vec<String> = found
        .iter()
        .map(|c| {
            let members: BTreeSet<&ModPath> = c.iter().collect();
            let lines: Vec<String> = c
                .iter()
                .flat_map(|from| {
                    named[from]
                        .iter()
                        .filter(|(to, _)| members.contains(to))
                        .map(move |(to, why)| format!("  {} → {}  ({why})", show(from), show(to)))
                })
                .collect();
            format!("loop of {} files:\n{}", c.len(), lines.join("\n"))
        })
        .collect();
    assert!(found.is_empty(), "{} import loop(s) in the core:\n{}", found.len(), report.join("\n"));
}

#[test]
fn the_check_sees_a_loop_and_a_forbidden_use() {
    // The checker itself, on a two-file crate that breaks both rules.
    let mut edges = BTreeMap::new();
    let a = vec!["store".to_string(), "x".to_string()];
    let b = vec!["ingest".to_string()];
    edges.insert(a.clone(), BTreeSet::from([b.clone()]));
    edges.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(loops(&edges), vec![vec![b, a]]);
    // And it resolves through a re-export to the defining file.
    let mut files = BTreeMap::new();
    let mut root = FileFacts::default();
    root.reexports.insert("Parsed".into(), vec!["ingest".into(), "canonical".into(), "Parsed".into()]);
    let mut canonical = FileFacts::default();
    canonical.defs.insert("Parsed".into());
    files.insert(vec!["ingest".to_string()], root);
    files.insert(vec!["ingest".to_string(), "canonical".to_string()], canonical);
    let core = Core { files };
    assert_eq!(
        core.resolve(&["ingest".into(), "Parsed".into(), "new".into()], 0),
        Some(vec!["ingest".to_string(), "canonical".to_string()])
    );
}
