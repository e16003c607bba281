//! Grouping questions by meaning when the number of groups is not known.
//!
//! Two steps, both deterministic (ties go to the lower index):
//! 1. **Average-linkage agglomerative clustering**, cut where the mean
//!    cosine similarity between two groups falls below a threshold. It runs
//!    as a nearest-neighbour chain, and stops a chain as soon as its best
//!    link is below the threshold: average linkage is reducible, so nothing
//!    on that chain can merge any more. For unit vectors it needs no n×n
//!    matrix ([`average_linkage_vectors`]): the mean similarity of two groups
//!    is the dot product of their sums over the product of their sizes, and
//!    two groups can only reach the threshold if some pair across them does
//!    (a mean never exceeds its largest term), so the chain walks the sparse
//!    graph of pairs at or above the threshold and reads group sums.
//!    [`dendrogram`] records every merge down to a low threshold, so the
//!    groups at any higher cut are one union-find pass away ([`cut`]); the
//!    cut the app uses is chosen per question set by [`super::select`].
//! 2. **Refinement**: spherical k-means started from step 1's groups (their
//!    number and their centroids), which moves the questions that the greedy
//!    merges left with the wrong neighbours. Questions less similar than the
//!    threshold to every centroid stay alone.

use ndarray::{ArrayView2, ArrayViewMut2};

/// A row-major n×n similarity matrix.
pub struct Similarity {
    n: usize,
    s: Vec<f32>,
}

impl Similarity {
    /// Cosine similarities of unit vectors (`n` rows of `dim`), computed as
    /// one matrix product.
    pub fn of_unit_vectors(rows: &[f32], dim: usize) -> Similarity {
        let n = rows.len().checked_div(dim).unwrap_or(0);
        Similarity { n, s: symmetric_gram(rows, n, dim) }
    }

    /// From a full matrix (row-major, n×n).
    pub fn from_full(n: usize, s: Vec<f32>) -> Similarity {
        assert_eq!(s.len(), n * n, "similarity matrix is not n×n");
        Similarity { n, s }
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Similarity of `i` and `j`.
    pub fn get(&self, i: usize, j: usize) -> f32 {
        self.s[i * self.n + j]
    }
}

/// `a` (na×dim) times `b` (nb×dim) transposed, row-major: matrixmultiply's
/// vectorised kernels, with the rows of `a` shared out over the cores.
pub(crate) fn gram(a: &[f32], na: usize, dim: usize, b: &[f32], nb: usize) -> Vec<f32> {
    let mut out = vec![0f32; na * nb];
    if na == 0 || nb == 0 || dim == 0 {
        return out;
    }
    let Ok(bv) = ArrayView2::from_shape((nb, dim), &b[..nb * dim]) else {
        return out;
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Below a few hundred thousand multiply-adds a thread costs more than it saves.
    let threads = cores.min(na * nb * dim / 4_000_000 + 1).max(1);
    let per = na.div_ceil(threads);
    let part = |rows: &[f32], out: &mut [f32]| {
        let m = rows.len() / dim;
        if let (Ok(av), Ok(mut ov)) =
            (ArrayView2::from_shape((m, dim), rows), ArrayViewMut2::from_shape((m, nb), out))
        {
            ndarray::linalg::general_mat_mul(1.0, &av, &bv.t(), 0.0, &mut ov);
        }
    };
    if threads == 1 {
        part(&a[..na * dim], &mut out);
    } else {
        std::thread::scope(|s| {
            for (rows, chunk) in a[..na * dim].chunks(per * dim).zip(out.chunks_mut(per * nb)) {
                s.spawn(move || part(rows, chunk));
            }
        });
    }
    out
}

/// `a` (n×dim) times itself transposed, computing each pair once: blocks
/// on and above the diagonal by matrix product, mirrored below it. Half the
/// arithmetic of [`gram`], which is most of the grouping's time at 10,000
/// questions.
fn symmetric_gram(a: &[f32], n: usize, dim: usize) -> Vec<f32> {
    const BLOCK: usize = 1024;
    if n <= BLOCK {
        return gram(a, n, dim, a, n);
    }
    let mut s = vec![0f32; n * n];
    for r0 in (0..n).step_by(BLOCK) {
        let rows = BLOCK.min(n - r0);
        // This row block against every column from its own diagonal on.
        let cols = n - r0;
        let g = gram(&a[r0 * dim..(r0 + rows) * dim], rows, dim, &a[r0 * dim..], cols);
        for i in 0..rows {
            s[(r0 + i) * n + r0..(r0 + i + 1) * n].copy_from_slice(&g[i * cols..(i + 1) * cols]);
        }
        // Mirror the part right of this block into the rows below it, in
        // tiles, so the strided writes stay in cache.
        for c0 in (r0 + rows..n).step_by(64) {
            let c1 = (c0 + 64).min(n);
            for i in r0..r0 + rows {
                for j in c0..c1 {
                    s[j * n + i] = s[i * n + j];
                }
            }
        }
        // The diagonal block's lower half, copied from its upper half, so
        // the matrix is exactly symmetric (linkage reads rows only).
        for i in r0..r0 + rows {
            for j in r0..i {
                s[i * n + j] = s[j * n + i];
            }
        }
    }
    s
}

/// Dot product.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Average-linkage clustering cut at `threshold`: a label per item, labels
/// numbered 0.. in order of each group's first item. Consumes the matrix
/// (it is updated in place as groups merge).
pub fn average_linkage(mut sim: Similarity, threshold: f32) -> Vec<usize> {
    let n = sim.n;
    let mut size = vec![1usize; n];
    // `rep[i]`: the matrix row that now stands for the group item i belongs to.
    let mut parent: Vec<usize> = (0..n).collect();
    let mut active = vec![true; n];
    let mut open = n; // active rows still able to merge
    let mut chain: Vec<usize> = Vec::new();
    let mut next_start = 0usize;
    while open > 1 {
        let Some((a, prev)) = chain_tip(&mut chain, &active, &mut next_start) else {
            break;
        };
        // The nearest active row to `a`; on a tie, the chain's previous
        // element (so the chain ends), then the lowest index.
        let row = &sim.s[a * n..(a + 1) * n];
        let mut best: Option<(usize, f32)> = prev.map(|p| (p, row[p]));
        for (j, &v) in row.iter().enumerate() {
            if j == a || !active[j] {
                continue;
            }
            if best.is_none_or(|(_, bv)| v > bv) {
                best = Some((j, v));
            }
        }
        let Some((b, v)) = best else {
            break;
        };
        if v < threshold {
            // Reducibility: nothing on this chain can reach the threshold.
            for &c in &chain {
                active[c] = false;
                open -= 1;
            }
            chain.clear();
            continue;
        }
        if Some(b) == prev {
            chain.pop();
            chain.pop();
            let (keep, gone) = (a.min(b), a.max(b));
            let (sa, sb) = (size[keep] as f32, size[gone] as f32);
            for (k, _) in active.iter().enumerate().filter(|&(k, &on)| on && k != keep && k != gone) {
                let merged = (sa * sim.s[keep * n + k] + sb * sim.s[gone * n + k]) / (sa + sb);
                sim.s[keep * n + k] = merged;
                sim.s[k * n + keep] = merged;
            }
            size[keep] += size[gone];
            active[gone] = false;
            open -= 1;
            parent[gone] = keep;
        } else {
            chain.push(b);
        }
    }
    relabel(&(0..n).map(|i| find(&parent, i)).collect::<Vec<_>>())
}

/// [`average_linkage`] for unit vectors (`rows`, `dim` each), without the
/// n×n matrix: the same groups, in time and memory that grow with the
/// number of pairs at or above `threshold` rather than with n².
pub fn average_linkage_vectors(rows: &[f32], dim: usize, threshold: f32) -> Vec<usize> {
    let n = rows.len().checked_div(dim).unwrap_or(0);
    cut(n, &dendrogram(rows, dim, threshold), threshold)
}

/// One merge of two groups, each named by one of its items, at the mean
/// similarity `at` between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merge {
    /// An item of the first group.
    pub a: usize,
    /// An item of the second group.
    pub b: usize,
    /// The groups' mean similarity when they merged.
    pub at: f32,
}

/// Every average-linkage merge at a mean similarity of at least `lowest`,
/// for unit vectors (`rows`, `dim` each): the dendrogram down to `lowest`,
/// which [`cut`] turns into the groups at any higher threshold. Average
/// linkage is reducible (a merge is never more similar than the merges
/// below it), so the merges at or above a threshold are exactly the ones
/// the clustering cut there makes.
pub fn dendrogram(rows: &[f32], dim: usize, lowest: f32) -> Vec<Merge> {
    let n = rows.len().checked_div(dim).unwrap_or(0);
    let threshold = lowest;
    let mut merges = Vec::new();
    let mut adj = close_pairs(rows, n, dim, threshold);
    let mut sum: Vec<f32> = rows[..n * dim].to_vec();
    let mut size = vec![1usize; n];
    let mut active = vec![true; n];
    let mut chain: Vec<usize> = Vec::new();
    let mut next_start = 0usize;
    let mean = |sum: &[f32], size: &[usize], x: usize, y: usize| {
        dot(&sum[x * dim..(x + 1) * dim], &sum[y * dim..(y + 1) * dim]) / (size[x] * size[y]) as f32
    };
    while let Some((a, prev)) = chain_tip(&mut chain, &active, &mut next_start) {
        // The nearest active neighbour; on a tie, the chain's previous
        // element (so the chain ends), then the lowest index.
        let mut best: Option<(usize, f32)> =
            prev.and_then(|p| adj[a].binary_search_by_key(&p, |e| e.0).ok().map(|k| adj[a][k]));
        for &(j, v) in &adj[a] {
            if active[j] && best.is_none_or(|(_, bv)| v > bv) {
                best = Some((j, v));
            }
        }
        match best {
            Some((b, v)) if v >= threshold => {
                if Some(b) != prev {
                    chain.push(b);
                    continue;
                }
                chain.pop();
                chain.pop();
                let (keep, gone) = (a.min(b), a.max(b));
                let (low, high) = sum.split_at_mut(gone * dim);
                for (x, y) in low[keep * dim..(keep + 1) * dim].iter_mut().zip(&high[..dim]) {
                    *x += y;
                }
                let (sa, sb) = (size[keep] as f32, size[gone] as f32);
                size[keep] += size[gone];
                active[gone] = false;
                merges.push(Merge { a: keep, b: gone, at: v });
                // The merged group's neighbours: both lists. Where both
                // groups knew a neighbour, the new mean is their weighted
                // mean (Lance–Williams, exact for average linkage); where
                // one did not (below the threshold, so not stored), it is
                // recomputed from the sums.
                let merged = union_sorted(&adj[keep], &adj[gone]);
                let mut list = Vec::with_capacity(merged.len());
                for (k, x, y) in merged {
                    if k == keep || k == gone || !active[k] {
                        continue;
                    }
                    let v = match (x, y) {
                        (Some(x), Some(y)) => (sa * x + sb * y) / (sa + sb),
                        _ => mean(&sum, &size, keep, k),
                    };
                    list.push((k, v));
                    let other = &mut adj[k];
                    if let Ok(i) = other.binary_search_by_key(&gone, |e| e.0) {
                        other.remove(i);
                    }
                    match other.binary_search_by_key(&keep, |e| e.0) {
                        Ok(i) => other[i].1 = v,
                        Err(i) => other.insert(i, (keep, v)),
                    }
                }
                adj[keep] = list;
                adj[gone] = Vec::new();
            }
            _ => {
                // Reducibility: nothing on this chain can reach the threshold.
                for &c in &chain {
                    active[c] = false;
                }
                chain.clear();
            }
        }
    }
    merges
}

/// The groups of `n` items that the merges at or above `threshold` make: a
/// label per item, numbered 0.. in order of each group's first item.
pub fn cut(n: usize, merges: &[Merge], threshold: f32) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    let root = |parent: &mut [usize], mut i: usize| {
        while parent[i] != i {
            parent[i] = parent[parent[i]]; // path halving
            i = parent[i];
        }
        i
    };
    for m in merges.iter().filter(|m| m.at >= threshold && m.a < n && m.b < n) {
        let (x, y) = (root(&mut parent, m.a), root(&mut parent, m.b));
        parent[x.max(y)] = x.min(y);
    }
    relabel(&(0..n).map(|i| find(&parent, i)).collect::<Vec<_>>())
}

/// The groups left when the most similar merges are made until `k` groups
/// remain (or the merges run out): for comparing with a method told the
/// number of groups.
pub fn cut_to(n: usize, merges: &[Merge], k: usize) -> Vec<usize> {
    let mut sorted = merges.to_vec();
    sorted.sort_by(|x, y| y.at.total_cmp(&x.at));
    let take = n.saturating_sub(k).min(sorted.len());
    let at = sorted.get(take.wrapping_sub(1)).map_or(f32::INFINITY, |m| m.at);
    cut(n, &sorted[..take], at)
}

/// For each vector, the others at least `threshold` similar, ascending by
/// index, with their similarity. Computed in row blocks on and right of
/// the diagonal, each pair once, so no n×n matrix is ever held.
fn close_pairs(rows: &[f32], n: usize, dim: usize, threshold: f32) -> Vec<Vec<(usize, f32)>> {
    const BLOCK: usize = 512;
    let mut adj: Vec<Vec<(usize, f32)>> = vec![Vec::new(); n];
    for r0 in (0..n).step_by(BLOCK) {
        let count = BLOCK.min(n - r0);
        let cols = n - r0;
        let g = gram(&rows[r0 * dim..(r0 + count) * dim], count, dim, &rows[r0 * dim..n * dim], cols);
        for i in 0..count {
            for (j, &v) in g[i * cols..(i + 1) * cols].iter().enumerate().skip(i + 1) {
                if v >= threshold {
                    // Rows come in ascending order, so every list stays sorted.
                    adj[r0 + i].push((r0 + j, v));
                    adj[r0 + j].push((r0 + i, v));
                }
            }
        }
    }
    adj
}

/// The indices in either of two lists sorted by index, ascending, once
/// each, with the value each list holds for it.
fn union_sorted(a: &[(usize, f32)], b: &[(usize, f32)]) -> Vec<(usize, Option<f32>, Option<f32>)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len() + b.len());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&(x, u)), Some(&(y, w))) if x == y => {
                out.push((x, Some(u), Some(w)));
                i += 1;
                j += 1;
            }
            (Some(&(x, u)), Some(&(y, _))) if x < y => {
                out.push((x, Some(u), None));
                i += 1;
            }
            (Some(&(x, u)), None) => {
                out.push((x, Some(u), None));
                i += 1;
            }
            (_, Some(&(y, w))) => {
                out.push((y, None, Some(w)));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The nearest-neighbour chain's tip and the element before it; an empty
/// chain starts again at the lowest active item. `None` once none is left.
fn chain_tip(
    chain: &mut Vec<usize>,
    active: &[bool],
    next_start: &mut usize,
) -> Option<(usize, Option<usize>)> {
    if chain.is_empty() {
        while *next_start < active.len() && !active[*next_start] {
            *next_start += 1;
        }
        if *next_start >= active.len() {
            return None;
        }
        chain.push(*next_start);
    }
    let a = *chain.last()?;
    Some((a, chain.len().checked_sub(2).map(|i| chain[i])))
}

fn find(parent: &[usize], mut i: usize) -> usize {
    while parent[i] != i {
        i = parent[i];
    }
    i
}

/// Renumber arbitrary labels 0.. in order of first appearance.
pub fn relabel(labels: &[usize]) -> Vec<usize> {
    let mut map = std::collections::HashMap::new();
    labels
        .iter()
        .map(|&l| {
            let next = map.len();
            *map.entry(l).or_insert(next)
        })
        .collect()
}

/// Spherical k-means from the given groups: centroids are the groups'
/// normalised means; each item moves to its most similar centroid, or
/// stays alone when none reaches `floor`. Stops when nothing moves, or
/// after `rounds`. A group whose members did not change keeps its centroid,
/// so after the first round only the similarities to changed groups are
/// computed again.
pub fn refine(rows: &[f32], dim: usize, labels: &[usize], floor: f32, rounds: usize) -> Vec<usize> {
    let n = labels.len();
    let mut labels = relabel(labels);
    // Members (ascending) → that group's similarity to every item.
    let mut known: std::collections::HashMap<Vec<usize>, Vec<f32>> = std::collections::HashMap::new();
    for _ in 0..rounds {
        let k = labels.iter().copied().max().map_or(0, |m| m + 1);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (i, &l) in labels.iter().enumerate() {
            members[l].push(i);
        }
        // Only groups of two or more attract; a lone question is not a centre.
        let centres: Vec<usize> = (0..k).filter(|&c| members[c].len() >= 2).collect();
        let mut fresh = std::collections::HashMap::new();
        let todo: Vec<usize> =
            centres.iter().copied().filter(|&c| !known.contains_key(&members[c])).collect();
        let mut cm = Vec::with_capacity(todo.len() * dim);
        for &c in &todo {
            let mut v = vec![0f32; dim];
            for &i in &members[c] {
                for (x, y) in v.iter_mut().zip(&rows[i * dim..(i + 1) * dim]) {
                    *x += y;
                }
            }
            let norm = dot(&v, &v).sqrt().max(1e-12);
            cm.extend(v.iter().map(|x| x / norm));
        }
        let sims = gram(&cm, todo.len(), dim, rows, n);
        for (t, &c) in todo.iter().enumerate() {
            fresh.insert(members[c].clone(), sims[t * n..(t + 1) * n].to_vec());
        }
        for &c in &centres {
            if let Some(col) = known.remove(&members[c]) {
                fresh.insert(members[c].clone(), col);
            }
        }
        known = fresh;
        let cols: Vec<&[f32]> = centres.iter().map(|&c| known[&members[c]].as_slice()).collect();
        let mut best: Vec<Option<(usize, f32)>> = vec![None; n];
        for (ci, col) in cols.iter().enumerate() {
            for (b, &v) in best.iter_mut().zip(col.iter()) {
                if b.is_none_or(|(_, bv)| v > bv) {
                    *b = Some((ci, v));
                }
            }
        }
        let next: Vec<usize> = best
            .iter()
            .enumerate()
            .map(|(i, b)| match *b {
                Some((ci, v)) if v >= floor => centres[ci],
                // Alone: a label of its own, past every group's.
                _ => k + i,
            })
            .collect();
        let next = relabel(&next);
        if next == labels {
            return next;
        }
        labels = next;
    }
    labels
}

/// The position in `members` of the item closest on average to the rest of
/// its group (copies of a repeated wording count toward it); on a tie, the earliest.
pub(crate) fn medoid(members: &[usize], sim: &Similarity) -> usize {
    let centrality = |i: usize| members.iter().filter(|&&j| j != i).map(|&j| sim.get(i, j)).sum::<f32>();
    let mut best = 0;
    for k in 1..members.len() {
        if centrality(members[k]) > centrality(members[best]) + 1e-6 {
            best = k;
        }
    }
    best
}
