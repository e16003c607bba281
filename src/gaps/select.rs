//! Choosing where to cut the grouping from the month's own questions, with
//! no labels: the cut whose groups are best separated by the cosine
//! silhouette.
//!
//! The silhouette of a question is `(b − a) / max(a, b)`, with `a` its mean
//! cosine distance to the rest of its own group and `b` that to the nearest
//! other group (Rousseeuw 1987; a question alone scores 0, as in
//! scikit-learn's `silhouette_score`). For unit vectors the mean similarity
//! of a question to a group is its dot product with the group's sum over the
//! group's size, so a cut costs one product of the sampled questions with
//! the groups' sums, not an n×n matrix.

use super::cluster::{Merge, cut, gram};

/// Mean cosine silhouette of `labels` over at most `sample` questions
/// (every ⌈n / sample⌉-th, so deterministic). 0 for fewer than two groups.
pub fn silhouette(rows: &[f32], dim: usize, labels: &[usize], sample: usize) -> f32 {
    let n = labels.len();
    let k = labels.iter().max().map_or(0, |m| m + 1);
    if n < 2 || k < 2 || k >= n || rows.len() < n * dim {
        return 0.0;
    }
    let mut sums = vec![0f32; k * dim];
    let mut size = vec![0usize; k];
    for (i, &l) in labels.iter().enumerate() {
        size[l] += 1;
        for (s, x) in sums[l * dim..(l + 1) * dim].iter_mut().zip(&rows[i * dim..(i + 1) * dim]) {
            *s += x;
        }
    }
    let step = n.div_ceil(sample.max(1)).max(1);
    let picked: Vec<usize> = (0..n).step_by(step).collect();
    let mut sub = Vec::with_capacity(picked.len() * dim);
    for &i in &picked {
        sub.extend_from_slice(&rows[i * dim..(i + 1) * dim]);
    }
    let g = gram(&sub, picked.len(), dim, &sums, k);
    let mut total = 0f64;
    for (r, &i) in picked.iter().enumerate() {
        let own = labels[i];
        if size[own] < 2 {
            continue; // alone: 0
        }
        let row = &g[r * k..(r + 1) * k];
        let self_sim =
            crate::gaps::cluster::dot(&rows[i * dim..(i + 1) * dim], &rows[i * dim..(i + 1) * dim]);
        let a = 1.0 - (row[own] - self_sim) / (size[own] - 1) as f32;
        let mut nearest = f32::NEG_INFINITY;
        for (c, &v) in row.iter().enumerate() {
            if c != own && size[c] > 0 {
                nearest = nearest.max(v / size[c] as f32);
            }
        }
        let b = 1.0 - nearest;
        let m = a.max(b);
        if m > 0.0 {
            total += f64::from((b - a) / m);
        }
    }
    (total / picked.len() as f64) as f32
}

/// The cut-offs tried, from loose to tight.
pub fn candidates(low: f32, high: f32, step: f32) -> Vec<f32> {
    let mut out = Vec::new();
    let mut t = low;
    while t <= high + 1e-6 {
        out.push((t * 1000.0).round() / 1000.0);
        t += step;
    }
    out
}

/// Of the `candidates` (loose to tight), the loosest cut of `merges` (over
/// `n` questions) whose silhouette is at least `near` times the highest
/// any candidate reaches, with its groups. The silhouette keeps rising a
/// little as near-duplicates split off from their topic; `near` (below 1)
/// keeps the looser cut that is nearly as well separated.
pub fn best_cut(
    rows: &[f32],
    dim: usize,
    merges: &[Merge],
    candidates: &[f32],
    sample: usize,
    near: f32,
) -> Option<(f32, Vec<usize>)> {
    let n = rows.len().checked_div(dim).unwrap_or(0);
    let scored: Vec<(f32, Vec<usize>, f32)> = candidates
        .iter()
        .map(|&t| {
            let labels = cut(n, merges, t);
            let s = silhouette(rows, dim, &labels, sample);
            (t, labels, s)
        })
        .collect();
    let top = scored.iter().map(|c| c.2).fold(f32::NEG_INFINITY, f32::max);
    scored.into_iter().find(|c| c.2 >= near * top).map(|(t, labels, _)| (t, labels))
}
