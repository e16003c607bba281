//! The fallback when the embedding model is not installed: questions as
//! TF-IDF vectors of their character 3- to 5-grams (within words, so "refund"
//! and "refunds" share most of theirs), compared by cosine similarity.
//! It matches wording, not meaning: "money back" and "refund" stay apart.

use super::cluster::Similarity;
use std::collections::HashMap;

/// Sparse unit vectors: (term id, weight) sorted by term id.
pub type Sparse = Vec<(u32, f32)>;

/// TF-IDF vectors of `texts` (sublinear tf, smoothed idf, L2-normalised).
pub fn vectors<S: AsRef<str>>(texts: &[S]) -> Vec<Sparse> {
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let counts: Vec<HashMap<u32, f32>> = texts
        .iter()
        .map(|t| {
            let mut c = HashMap::new();
            for g in grams(t.as_ref()) {
                let next = vocab.len() as u32;
                *c.entry(*vocab.entry(g).or_insert(next)).or_insert(0.0) += 1.0;
            }
            c
        })
        .collect();
    let mut df = vec![0f32; vocab.len()];
    for c in &counts {
        for &t in c.keys() {
            df[t as usize] += 1.0;
        }
    }
    let n = texts.len() as f32;
    counts
        .into_iter()
        .map(|c| {
            let mut v: Sparse = c
                .into_iter()
                .map(|(t, tf)| (t, (1.0 + tf.ln()) * (((1.0 + n) / (1.0 + df[t as usize])).ln() + 1.0)))
                .collect();
            v.sort_by_key(|&(t, _)| t);
            let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(1e-12);
            v.iter_mut().for_each(|(_, w)| *w /= norm);
            v
        })
        .collect()
}

/// Character 3- to 5-grams of each lower-cased word, padded with a space on
/// each side.
fn grams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let chars: Vec<char> = std::iter::once(' ').chain(word.chars()).chain(std::iter::once(' ')).collect();
        for len in 3..=5 {
            if chars.len() < len {
                break;
            }
            out.extend(chars.windows(len).map(|w| w.iter().collect::<String>()));
        }
    }
    out
}

/// All pairwise cosine similarities, through an inverted index.
pub fn similarity(v: &[Sparse]) -> Similarity {
    let n = v.len();
    let mut postings: HashMap<u32, Vec<(usize, f32)>> = HashMap::new();
    for (i, row) in v.iter().enumerate() {
        for &(t, w) in row {
            postings.entry(t).or_default().push((i, w));
        }
    }
    let mut s = vec![0f32; n * n];
    for (i, row) in v.iter().enumerate() {
        let out = &mut s[i * n..(i + 1) * n];
        for &(t, w) in row {
            for &(j, wj) in &postings[&t] {
                out[j] += w * wj;
            }
        }
    }
    Similarity::from_full(n, s)
}

/// Cosine similarity of two sparse unit vectors.
pub fn cosine(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}
