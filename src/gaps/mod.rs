//! The monthly gap-to-content checklist: the questions the bot could not
//! answer, grouped by meaning, ranked by how many visitors asked, checkable
//! as content gets written, and exported for a client.

pub mod bert;
pub mod checklist;
pub mod cluster;
pub mod draft;
pub mod embed;
pub mod export;
pub mod lexical;
pub mod select;
pub mod title;

pub use checklist::{Checklist, Grouper, Item, ItemState, build, check, uncheck};

/// How questions were grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Sentence embeddings (all-MiniLM-L6-v2): groups by meaning.
    Embeddings,
    /// The fallback: character n-grams, groups by wording.
    Lexical,
}

impl Method {
    /// A short description.
    pub fn label(self) -> &'static str {
        match self {
            Method::Embeddings => "sentence embeddings (all-MiniLM-L6-v2)",
            Method::Lexical => "lexical fallback (character n-grams)",
        }
    }
}

/// The cut-offs of the grouping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Two groups merge while the mean cosine similarity between their
    /// questions is at least this.
    pub threshold: f32,
    /// In refinement, a question joins the nearest group's centre only when
    /// at least this similar to it.
    pub floor: f32,
    /// Refinement rounds (0: none).
    pub rounds: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params { threshold: 0.45, floor: 0.45, rounds: 10 }
    }
}

/// The lexical fallback's threshold.
pub const LEXICAL_THRESHOLD: f32 = 0.2;

/// Group unit vectors (`dim` each, concatenated): a label per vector.
pub fn group_vectors(flat: &[f32], dim: usize, p: &Params) -> Vec<usize> {
    let labels = cluster::average_linkage_vectors(flat, dim, p.threshold);
    if p.rounds == 0 { labels } else { cluster::refine(flat, dim, &labels, p.floor, p.rounds) }
}

/// Groups chosen without labels: the labels and the cut they were made at.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// A group per vector, numbered 0.. in order of first appearance.
    pub labels: Vec<usize>,
    /// The mean-similarity cut-off the silhouette chose.
    pub threshold: f32,
}

/// The rule's constants (picked on CLINC150's validation split only).
pub mod rule {
    /// The loosest cut tried.
    pub const LOW: f32 = 0.40;
    /// The tightest cut tried.
    pub const HIGH: f32 = 0.70;
    /// The step between cuts tried.
    pub const STEP: f32 = 0.025;
    /// Questions the silhouette is computed over (at most).
    pub const SAMPLE: usize = 2_000;
    /// The loosest cut whose silhouette reaches this share of the best one
    /// is kept.
    pub const NEAR: f32 = 0.95;
    /// Above this many questions the cut is chosen on an even sample of this
    /// many, then every question is grouped at it: the dendrogram down to
    /// [`LOW`] grows with the pairs closer than it, nearly all pairs on a
    /// month about one subject (11,042 banking questions took 135 s).
    pub const CHOOSE_ON: usize = 2_000;
}

/// Group unit vectors with the cut-off chosen from the vectors themselves:
/// the average-linkage dendrogram down to [`rule::LOW`], cut at each
/// candidate up to [`rule::HIGH`], the loosest cut whose cosine silhouette
/// is within [`rule::NEAR`] of the best kept ([`select`]), then refined by
/// k-means at that cut-off. Past [`rule::CHOOSE_ON`] questions the cut is
/// chosen on an even sample and everything is grouped at it.
pub fn group_auto(flat: &[f32], dim: usize) -> Grouping {
    let n = flat.len().checked_div(dim).unwrap_or(0);
    if n > rule::CHOOSE_ON && dim > 0 {
        let threshold = group_auto(&even_sample(flat, dim, rule::CHOOSE_ON), dim).threshold;
        let p = Params { threshold, floor: threshold, rounds: Params::default().rounds };
        return Grouping { labels: group_vectors(flat, dim, &p), threshold };
    }
    let merges = cluster::dendrogram(flat, dim, rule::LOW);
    let cands = select::candidates(rule::LOW, rule::HIGH, rule::STEP);
    let Some((threshold, labels)) = select::best_cut(flat, dim, &merges, &cands, rule::SAMPLE, rule::NEAR)
    else {
        return Grouping { labels: (0..n).collect(), threshold: rule::HIGH };
    };
    let labels = cluster::refine(flat, dim, &labels, threshold, Params::default().rounds);
    Grouping { labels, threshold }
}

/// `k` of the `n` vectors, evenly spread over them (all of them when
/// `n <= k`), in order: the `i`-th is vector `i·n/k`.
pub fn even_sample(flat: &[f32], dim: usize, k: usize) -> Vec<f32> {
    let n = flat.len().checked_div(dim).unwrap_or(0);
    if n <= k {
        return flat.to_vec();
    }
    (0..k).flat_map(|i| flat[i * n / k * dim..(i * n / k + 1) * dim].iter().copied()).collect()
}

/// Group texts by wording (the fallback): a label per text.
pub fn group_lexical<S: AsRef<str>>(texts: &[S]) -> Vec<usize> {
    let v = lexical::vectors(texts);
    cluster::average_linkage(lexical::similarity(&v), LEXICAL_THRESHOLD)
}

/// One input line's group, for `handoff gaps cluster FILE`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Assigned {
    /// 1-based line number.
    pub line: usize,
    /// Group number, 1.. in order of first appearance (`None` for a blank line).
    pub group: Option<usize>,
    /// The group's most representative question (`None` for a blank line).
    pub label: Option<String>,
}

/// Group arbitrary questions, one per entry, with `grouper`.
pub fn cluster_lines<S: AsRef<str>>(lines: &[S], grouper: &Grouper) -> crate::Result<Vec<Assigned>> {
    let kept: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.as_ref().trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let texts: Vec<&str> = kept.iter().map(|(_, t)| *t).collect();
    let labels = grouper.group(&texts, &[])?;
    let sim = grouper.similarity_of(&texts)?;
    let mut members: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (i, &l) in labels.iter().enumerate() {
        members.entry(l).or_default().push(i);
    }
    // Labels are numbered in order of first appearance already (relabel).
    let names: std::collections::BTreeMap<usize, &str> =
        members.iter().map(|(&l, m)| (l, texts[m[cluster::medoid(m, &sim)]])).collect();
    let mut out: Vec<Assigned> =
        (0..lines.len()).map(|i| Assigned { line: i + 1, group: None, label: None }).collect();
    for (k, (i, _)) in kept.iter().enumerate() {
        out[*i].group = Some(labels[k] + 1);
        out[*i].label = Some(names[&labels[k]].to_string());
    }
    Ok(out)
}
