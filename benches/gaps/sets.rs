//! Held-out intent sets for the grouping bench: `--set NAME=FILE`, one
//! `label<TAB>question` per line (`scripts/intent-sets` writes them from the
//! public sets' repositories; nothing is committed). Each set is embedded
//! once per run, or read back from `--cache DIR` (vectors keyed by the
//! set's text), and grouped blind (the number of groups not given), with
//! the number of intents given beside it for reference.

use super::{Quality, intern, report};
use handoff::gaps::{self, cluster, embed::Embedder, select};
use std::path::{Path, PathBuf};

/// A labelled question set.
pub struct Set {
    pub name: String,
    pub texts: Vec<String>,
    pub truth: Vec<usize>,
}

/// Reads `label<TAB>question` lines (blank lines and lines without a tab are
/// skipped).
pub fn load(name: &str, path: &Path) -> Set {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let rows: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(l, t)| (l.trim(), t.trim()))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    Set {
        name: name.to_string(),
        texts: rows.iter().map(|(_, t)| t.to_string()).collect(),
        truth: intern(rows.iter().map(|(l, _)| *l)),
    }
}

/// `--set NAME=FILE` arguments.
pub fn from_args(args: &[String]) -> Vec<Set> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if a == "--set" {
            let spec = args.get(i + 1).expect("--set NAME=FILE");
            let (name, path) = spec.split_once('=').expect("--set NAME=FILE");
            out.push(load(name, Path::new(path)));
        }
    }
    out
}

/// The set's vectors: from the cache when it holds this text, else embedded
/// (and stored there when a cache is given).
pub fn vectors(model: &Embedder, texts: &[&str], cache: Option<&Path>) -> Vec<f32> {
    let dim = gaps::embed::DIM;
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in texts {
        for b in t.bytes().chain([0u8]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    let file: Option<PathBuf> = cache.map(|d| d.join(format!("{h:016x}.f32")));
    if let Some(f) = &file
        && let Ok(bytes) = std::fs::read(f)
        && bytes.len() == texts.len() * dim * 4
    {
        return bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    }
    let flat: Vec<f32> = model.embed(texts).unwrap().concat();
    if let Some(f) = &file {
        let _ = std::fs::create_dir_all(f.parent().unwrap());
        let bytes: Vec<u8> = flat.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(f, bytes).unwrap();
    }
    flat
}

/// Groups the set blind with the shipped rule and prints the quality; then,
/// for reference, the same dendrogram cut at the true number of intents.
pub fn evaluate(set: &Set, flat: &[f32], sweep: bool) -> f64 {
    let dim = gaps::embed::DIM;
    let k = set.truth.iter().max().map_or(0, |m| m + 1);
    println!("{}: {} questions, {} intents", set.name, set.texts.len(), k);
    let t = std::time::Instant::now();
    let chosen = gaps::group_auto(flat, dim);
    let secs = t.elapsed().as_secs_f64();
    let q = report(
        &format!("  shipped, k unknown (cut chosen by silhouette: {:.3}; {secs:.2} s)", chosen.threshold),
        &set.truth,
        &chosen.labels,
    );
    let fixed = gaps::group_vectors(flat, dim, &gaps::Params::default());
    report("  fixed cut 0.45 (before)", &set.truth, &fixed);
    let merges = cluster::dendrogram(flat, dim, 0.2);
    let n = set.texts.len();
    let at_k = cluster::cut_to(n, &merges, k);
    report("  reference, k given: average linkage cut at k", &set.truth, &at_k);
    let p = gaps::Params::default();
    let refined = cluster::refine(flat, dim, &at_k, -1.0, p.rounds);
    report("  reference, k given: then k-means", &set.truth, &refined);
    if sweep {
        for t in select::candidates(0.3, 0.8, 0.025) {
            let labels = cluster::cut(n, &merges, t);
            let s = select::silhouette(flat, dim, &labels, 3000);
            let r = cluster::refine(flat, dim, &labels, t, p.rounds);
            let sr = select::silhouette(flat, dim, &r, 3000);
            let (a, b) = (Quality::of(&set.truth, &labels), Quality::of(&set.truth, &r));
            println!(
                "    cut {t:.3}: silhouette {s:.4} NMI {:.3} ({} groups) | refined silhouette {sr:.4} NMI {:.3} ({} groups)",
                a.nmi, a.groups, b.nmi, b.groups
            );
        }
    }
    q.nmi
}
