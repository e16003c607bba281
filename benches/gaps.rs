//! Grouping unanswered questions by meaning, measured on CLINC150's in-scope
//! test set (4,500 questions, 150 intents; the number of groups is not given
//! to the algorithm), with the method that ships by default (sentence
//! embeddings) and the lexical fallback beside it:
//! - quality: NMI, ARI, accuracy (best one-to-one matching of groups to
//!   intents, Hungarian), groups found, share of questions in groups of ≥ 3;
//! - speed: embedding throughput (questions/s) and grouping time for 10,000
//!   stored vectors (the CLINC train questions).
//!
//! - speed on a mixed-length set as well (see [`mixed`]): CLINC's questions
//!   are short and alike in length (10.9 tokens on average), visitors' are
//!   not, so the bench prints the mix's length distribution beside its rate,
//!   and the rate per CPU-second (two cores' worth when the machine is shared).
//!
//! - blind on held-out intent sets (`--set NAME=FILE`, one `label<TAB>question`
//!   a line, written by `scripts/intent-sets` from HWU64, SLURP, banking77 and
//!   ACID; see [`sets`]): the shipped rule chooses each set's cut by the cosine
//!   silhouette (constants set on CLINC150 val only), printed beside the old
//!   fixed cut and, for reference, the dendrogram cut at the true k.
//!   `--sets-only` skips the speed part; `--cache DIR` keeps the vectors.
//!
//! `--quick` embeds 300 questions (scripts/test's smoke run, unoptimised
//! build); the figures that count come from `cargo bench --bench gaps`.
//! `--reuse` times the 10,000-vector grouping on the test vectors and
//! perturbed copies of them instead of embedding the train set.
//! `--threshold T` / `--floor F` override the shipped cut-offs (for tuning on
//! the validation split: `--split val`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "gaps/sets.rs"]
mod sets;

use handoff::gaps::{self, Method, embed::Embedder};
use pathfinding::prelude::{Matrix, kuhn_munkres};
use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let split = opt("--split").unwrap_or_else(|| "test".into());
    let mut params = gaps::Params::default();
    if let Some(t) = opt("--threshold") {
        params.threshold = t.parse().unwrap();
    }
    if let Some(f) = opt("--floor") {
        params.floor = f.parse().unwrap();
    }
    let data = clinc();
    let mut set = data[split.as_str()].clone();
    let train = data["train"].clone();
    if quick {
        set = every_nth(&set, 15); // 300 questions, 2 per intent
    }
    let texts: Vec<&str> = set.iter().map(|(t, _)| t.as_str()).collect();
    let truth: Vec<usize> = intern(set.iter().map(|(_, l)| l.as_str()));
    println!(
        "Gap grouping on CLINC150 {split} ({} questions, {} intents; k not given), {} cores{}",
        texts.len(),
        truth.iter().max().map_or(0, |m| m + 1),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        if quick { ", quick" } else { "" }
    );

    let lexical = gaps::group_lexical(&texts);
    report("lexical fallback (char 3–5-gram TF-IDF)", &truth, &lexical);

    let model = match Embedder::find() {
        Ok(m) => m,
        Err(why) => {
            println!("sentence embeddings: skipped: {why}");
            return;
        }
    };
    if args.iter().any(|a| a == "--sets-only") {
        let cache = opt("--cache").map(std::path::PathBuf::from);
        let sweep = args.iter().any(|a| a == "--sweep");
        let clinc = sets::Set {
            name: format!("CLINC150 {split} (tuning set)"),
            texts: texts.iter().map(|t| t.to_string()).collect(),
            truth: truth.clone(),
        };
        for set in std::iter::once(clinc).chain(sets::from_args(&args)) {
            let t: Vec<&str> = set.texts.iter().map(String::as_str).collect();
            let flat = sets::vectors(&model, &t, cache.as_deref());
            sets::evaluate(&set, &flat, sweep);
        }
        return;
    }
    let (vectors, qps) = timed_embed(&model, &texts, "CLINC");
    ceiling(&model, &texts, qps);
    for (name, long) in [("visitor messages", false), ("with long messages", true)] {
        let mix = mixed(&data["test"], if quick { 200 } else { 3_000 }, long);
        let mix: Vec<&str> = mix.iter().map(String::as_str).collect();
        print_lengths(&model, &mix, name);
        let (_, qps) = timed_embed(&model, &mix, &format!("mixed-length, {name}"));
        ceiling(&model, &mix, qps);
    }
    let flat: Vec<f32> = vectors.concat();
    if args.iter().any(|a| a == "--sweep") {
        // Tuning aid: the grid around the shipped cut-offs (use --split val).
        for t in [0.45f32, 0.475, 0.5, 0.525, 0.55, 0.575, 0.6] {
            for f in [0.0f32, 0.45, 0.5, 0.55, 0.6, 0.65] {
                let p = gaps::Params { threshold: t, floor: f, ..params };
                report(
                    &format!("threshold {t} floor {f}"),
                    &truth,
                    &gaps::group_vectors(&flat, gaps::embed::DIM, &p),
                );
            }
        }
        return;
    }
    let auto = gaps::group_auto(&flat, gaps::embed::DIM);
    report(
        &format!(
            "{} (shipped: cut chosen by silhouette at {:.3})",
            Method::Embeddings.label(),
            auto.threshold
        ),
        &truth,
        &auto.labels,
    );
    let labels = gaps::group_vectors(&flat, gaps::embed::DIM, &params);
    report(&format!("  before: a fixed cut ({params:?})"), &truth, &labels);
    let plain = gaps::cluster::average_linkage_vectors(&flat, gaps::embed::DIM, params.threshold);
    report("  before, step 1 alone (average linkage)", &truth, &plain);
    // The held-out sets (`--set NAME=FILE`), blind.
    let cache = opt("--cache").map(std::path::PathBuf::from);
    for set in sets::from_args(&args) {
        let t: Vec<&str> = set.texts.iter().map(String::as_str).collect();
        let v = sets::vectors(&model, &t, cache.as_deref());
        sets::evaluate(&set, &v, false);
    }

    // Grouping at scale: 10,000 stored vectors (the train questions; --quick
    // reuses the test vectors, repeated with a small perturbation).
    // `--reuse` skips embedding the 15,000 train questions (minutes) and
    // builds the 10,000 from the test vectors the same way --quick does.
    let mut big: Vec<f32> = if quick || args.iter().any(|a| a == "--reuse") {
        flat.clone()
    } else {
        let train_texts: Vec<&str> = train.iter().map(|(t, _)| t.as_str()).collect();
        match &cache {
            Some(dir) => sets::vectors(&model, &train_texts, Some(dir)),
            None => timed_embed(&model, &train_texts, "CLINC train").0.concat(),
        }
    };
    let want = if quick { 2_000 } else { 10_000 };
    let dim = gaps::embed::DIM;
    let have = big.len() / dim;
    big.truncate(want.min(have) * dim);
    let mut i = 0;
    while big.len() < want * dim {
        let mut v: Vec<f32> = big[(i % have) * dim..(i % have + 1) * dim].to_vec();
        v[i % dim] += 0.05;
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        big.extend(v.iter().map(|x| x / norm));
        i += 1;
    }
    let t = Instant::now();
    let chosen = gaps::group_auto(&big, dim);
    let total = t.elapsed().as_secs_f64();
    // The same again, phase by phase: past CHOOSE_ON questions the cut is
    // chosen on an even sample (its dendrogram, its silhouettes), then every
    // question is grouped at it (the sparse linkage at that cut, refinement).
    let t = Instant::now();
    let sample = gaps::even_sample(&big, dim, gaps::rule::CHOOSE_ON);
    let at = gaps::group_auto(&sample, dim).threshold;
    let t_choose = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = gaps::Params { threshold: at, floor: at, rounds: params.rounds };
    let again = gaps::group_vectors(&big, dim, &p);
    let t_group = t.elapsed().as_secs_f64();
    assert_eq!(again, chosen.labels, "grouping is deterministic");
    println!(
        "grouping {} stored vectors: {total:.2} s ({} groups; cut chosen at {at:.3} on an even sample of {} in \
         {t_choose:.2} s, every question grouped at it in {t_group:.2} s)",
        big.len() / dim,
        chosen.labels.iter().max().map_or(0, |m| m + 1),
        (big.len() / dim).min(gaps::rule::CHOOSE_ON)
    );
}

/// Embedding speed against what this machine's arithmetic allows right now:
/// the model's matrix products take 2 × 6 layers × (4·384² + 2·384·1536)
/// ≈ 21.2 MFLOP per token, so the rate of large matrix products of the
/// model's own shape (same library, one per core at once, as embedding runs
/// them) caps the questions/s any implementation of this model in f32 can
/// reach here.
fn ceiling(model: &Embedder, texts: &[&str], qps: f64) {
    use ndarray::Array2;
    const FLOP_PER_TOKEN: f64 = 2.0 * 6.0 * (4.0 * 384.0 * 384.0 + 2.0 * 384.0 * 1536.0);
    let tokens = model.count_tokens(texts).unwrap() as f64 / texts.len() as f64;
    let per_question = tokens * FLOP_PER_TOKEN;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let products = |secs: f64| {
        let x = Array2::from_shape_fn((512, 384), |(i, j)| ((i * 7 + j * 3) % 13) as f32 * 0.1);
        let w = Array2::from_shape_fn((384, 1536), |(i, j)| ((i * 5 + j * 11) % 17) as f32 * 0.1);
        let _ = x.dot(&w);
        let (t, mut reps) = (Instant::now(), 0u32);
        while t.elapsed().as_secs_f64() < secs {
            let _ = x.dot(&w);
            reps += 1;
        }
        2.0 * 512.0 * 384.0 * 1536.0 * f64::from(reps) / t.elapsed().as_secs_f64() / 1e9
    };
    let gflops: f64 = std::thread::scope(|s| {
        let all: Vec<_> = (0..cores).map(|_| s.spawn(|| products(2.0))).collect();
        all.into_iter().map(|h| h.join().unwrap()).sum()
    });
    println!(
        "  {tokens:.1} tokens per question = {:.0} MFLOP; embedding ran at {:.1} GFLOPS. This machine's matrix products \
         (matrixmultiply, 512×384 · 384×1536, one per core on {cores} cores) run at {gflops:.1} GFLOPS now: a ceiling of \
         {:.0} questions/s (embedding reaches {:.0} % of it)",
        per_question / 1e6,
        qps * per_question / 1e9,
        gflops * 1e9 / per_question,
        100.0 * qps * per_question / (gflops * 1e9),
    );
}

/// Embeds `texts`, printing the rate on the clock and per CPU-second of this
/// process (the machine is shared: CPU time shows what the cores it got did).
fn timed_embed(model: &Embedder, texts: &[&str], what: &str) -> (Vec<Vec<f32>>, f64) {
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let vectors = model.embed(texts).unwrap();
    let (secs, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    let n = texts.len() as f64;
    println!(
        "embedding, {what}: {:.0} questions/s ({} in {secs:.2} s); {cpu:.2} s of CPU = {:.0} questions per \
         CPU-second, {:.0}/s on two whole cores",
        n / secs,
        texts.len(),
        n / cpu,
        2.0 * n / cpu
    );
    (vectors, n / secs)
}

/// This process's user + system CPU time so far, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ") ".
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
    // utime and stime are fields 14 and 15 (1-based), in clock ticks (100 Hz on Linux).
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

/// A mixed-length question set: what visitors write is not CLINC's one short
/// line. Lengths follow the visitor turns of the platform corpus
/// (`tests/fixtures/corpus/**/*.expected.json`: real platforms' handoffs,
/// 141 visitor messages, 1–34 words); with `long`, one text in ten is
/// instead a long message of 30–150 words (a visitor explaining their case:
/// the corpus has none, so this is a stress mix, not a measured one). The
/// words are CLINC's: each text is test questions of one intent, joined
/// until it reaches its drawn length. Deterministic (a fixed seed), `n` texts.
fn mixed(split: &Split, n: usize, long: bool) -> Vec<String> {
    let mut turns = corpus_visitor_words();
    if turns.is_empty() {
        turns = vec![10];
    }
    let mut by_intent: HashMap<&str, Vec<&str>> = HashMap::new();
    for (text, intent) in split {
        by_intent.entry(intent.as_str()).or_default().push(text.as_str());
    }
    let mut intents: Vec<&str> = by_intent.keys().copied().collect();
    intents.sort_unstable();
    let mut rng = fastrand::Rng::with_seed(29);
    (0..n)
        .map(|i| {
            let want =
                if long && i % 10 == 9 { rng.usize(30..=150) } else { turns[rng.usize(..turns.len())] };
            let pool = &by_intent[intents[rng.usize(..intents.len())]];
            let mut text = String::new();
            let mut k = rng.usize(..pool.len());
            while text.split_whitespace().count() < want {
                if !text.is_empty() {
                    text.push_str(if k.is_multiple_of(2) { ". " } else { ", and also " });
                }
                text.push_str(pool[k % pool.len()]);
                k += 1;
            }
            text
        })
        .collect()
}

/// Word counts of the corpus's visitor messages.
fn corpus_visitor_words() -> Vec<usize> {
    fn walk(dir: &std::path::Path, out: &mut Vec<usize>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.to_string_lossy().ends_with(".expected.json") {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_default())
                        .unwrap_or_default();
                for turn in v["transcript"].as_array().into_iter().flatten() {
                    if turn["from"] == "visitor" {
                        out.push(turn["text"].as_str().unwrap_or("").split_whitespace().count().max(1));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus")), &mut out);
    out.sort_unstable();
    out
}

/// The set's length distribution in the model's tokens (what its work is).
fn print_lengths(model: &Embedder, texts: &[&str], name: &str) {
    let mut lens: Vec<usize> = texts.iter().map(|t| model.token_ids(t).unwrap().len()).collect();
    lens.sort_unstable();
    let at = |q: f64| lens[((lens.len() - 1) as f64 * q).round() as usize];
    let mean = lens.iter().sum::<usize>() as f64 / lens.len() as f64;
    let long = lens.iter().filter(|&&l| l > 64).count() as f64 / lens.len() as f64;
    println!(
        "mixed-length set, {name}: {} texts, tokens per text mean {mean:.1}, p10 {}, p50 {}, p90 {}, p99 {}, \
         max {} ({:.0} % over 64 tokens)",
        lens.len(),
        at(0.1),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
        long * 100.0
    );
}

fn every_nth<T: Clone>(v: &[T], n: usize) -> Vec<T> {
    v.iter().step_by(n).cloned().collect()
}

type Split = Vec<(String, String)>;

fn clinc() -> HashMap<String, Split> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/datasets/clinc150/data_full.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn intern<'a>(labels: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut ids = HashMap::new();
    labels
        .map(|l| {
            let next = ids.len();
            *ids.entry(l).or_insert(next)
        })
        .collect()
}

fn report(name: &str, truth: &[usize], found: &[usize]) -> Quality {
    let q = Quality::of(truth, found);
    println!(
        "{name}: NMI {:.3}, ARI {:.3}, accuracy {:.3}, {} groups, {:.0} % of questions in groups of ≥ 3",
        q.nmi,
        q.ari,
        q.accuracy,
        q.groups,
        q.in_groups_of_3 * 100.0
    );
    q
}

struct Quality {
    nmi: f64,
    ari: f64,
    accuracy: f64,
    groups: usize,
    in_groups_of_3: f64,
}

impl Quality {
    fn of(truth: &[usize], found: &[usize]) -> Quality {
        let n = truth.len() as f64;
        let (kt, kf) = (truth.iter().max().unwrap() + 1, found.iter().max().unwrap() + 1);
        let mut table = vec![vec![0usize; kf]; kt];
        for (&t, &f) in truth.iter().zip(found) {
            table[t][f] += 1;
        }
        let rows: Vec<usize> = table.iter().map(|r| r.iter().sum()).collect();
        let cols: Vec<usize> = (0..kf).map(|f| table.iter().map(|r| r[f]).sum()).collect();
        let h = |counts: &[usize]| -> f64 {
            counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).map(|p| -p * p.ln()).sum()
        };
        let mut mi = 0.0;
        for (t, row) in table.iter().enumerate() {
            for (f, &c) in row.iter().enumerate() {
                if c > 0 {
                    let c = c as f64;
                    mi += c / n * (c * n / (rows[t] as f64 * cols[f] as f64)).ln();
                }
            }
        }
        // Arithmetic-mean normalisation, as scikit-learn's default.
        let nmi = mi / ((h(&rows) + h(&cols)) / 2.0);
        let c2 = |x: usize| (x as f64) * (x as f64 - 1.0) / 2.0;
        let index: f64 = table.iter().flatten().map(|&c| c2(c)).sum();
        let (a, b) = (rows.iter().map(|&x| c2(x)).sum::<f64>(), cols.iter().map(|&x| c2(x)).sum::<f64>());
        let expected = a * b / c2(truth.len());
        let ari = (index - expected) / ((a + b) / 2.0 - expected);
        // Hungarian matching: rows must not outnumber columns.
        let (r, c) = (kt.min(kf), kt.max(kf));
        let weights = Matrix::from_fn(r, c, |(i, j)| {
            let (t, f) = if kt <= kf { (i, j) } else { (j, i) };
            table[t][f] as i64
        });
        let (matched, _) = kuhn_munkres(&weights);
        let in_3 = cols.iter().filter(|&&s| s >= 3).sum::<usize>() as f64 / n;
        Quality { nmi, ari, accuracy: matched as f64 / n, groups: kf, in_groups_of_3: in_3 }
    }
}
