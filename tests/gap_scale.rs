//! The gap grouping's arithmetic at scale: planted groups found exactly in
//! thousands of vectors, the sparse linkage equal to the full-matrix one, and
//! the encoder's vectors equal to an independent reference implementation
//! (NumPy, float64) whatever the batching.
//!
//! The model is fetched by scripts/setup (scripts/fetch-model); without it
//! the encoder test fails, it does not skip.

use handoff::gaps::{self, embed::Embedder};

/// Unit vectors in planted groups: `groups` random directions, each with
/// `per` members at cosine ~0.8 to it (and ~0.64 to each other), and
/// nearly orthogonal across groups. Deterministic.
fn planted(groups: usize, per: usize, dim: usize) -> (Vec<f32>, Vec<usize>) {
    let mut rng = fastrand::Rng::with_seed(7);
    let mut unit = |scale: f32| -> Vec<f32> {
        let v: Vec<f32> = (0..dim).map(|_| (rng.f32() - 0.5) * scale).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / norm).collect()
    };
    let centres: Vec<Vec<f32>> = (0..groups).map(|_| unit(1.0)).collect();
    let (mut flat, mut truth) = (Vec::new(), Vec::new());
    for i in 0..groups * per {
        // Interleaved, so no group is a run of neighbouring rows.
        let g = i % groups;
        let noise = unit(1.0);
        let v: Vec<f32> = centres[g].iter().zip(&noise).map(|(c, n)| 0.8 * c + 0.6 * n).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        flat.extend(v.iter().map(|x| x / norm));
        truth.push(g);
    }
    (flat, truth)
}

#[test]
fn grouping_at_scale_finds_planted_groups_and_similarities_are_exact() {
    // 2,300 vectors: more than one block of the similarity matrix.
    let dim = gaps::embed::DIM;
    let (flat, truth) = planted(46, 50, dim);
    let n = truth.len();
    let sim = gaps::cluster::Similarity::of_unit_vectors(&flat, dim);
    assert_eq!(sim.len(), n);
    let row = |i: usize| &flat[i * dim..(i + 1) * dim];
    for (i, j) in
        [(0, 0), (0, 1), (5, 2299), (1023, 1024), (1024, 1023), (2047, 2048), (2299, 17), (1500, 700)]
    {
        let want = gaps::cluster::dot(row(i), row(j));
        assert!((sim.get(i, j) - want).abs() < 1e-4, "({i},{j}): {} vs {want}", sim.get(i, j));
        assert_eq!(sim.get(i, j), sim.get(j, i), "symmetric at ({i},{j})");
    }
    let labels = gaps::group_vectors(&flat, dim, &gaps::Params::default());
    assert_eq!(labels, gaps::cluster::relabel(&truth), "the planted groups, exactly");
    // Refinement stops at a fixed point: refining its answer changes nothing.
    let p = gaps::Params::default();
    assert_eq!(gaps::cluster::refine(&flat, dim, &labels, p.floor, p.rounds), labels);
}

#[test]
fn sparse_linkage_finds_the_same_groups_as_the_full_matrix() {
    // Random unit vectors in a few loose clusters of uneven sizes, at several
    // cut-offs: the sparse graph walk and the textbook matrix version agree.
    let dim = 24;
    let mut rng = fastrand::Rng::with_seed(7);
    for (n, seed_groups) in [(60usize, 4usize), (300, 12), (700, 30)] {
        let centres: Vec<Vec<f32>> =
            (0..seed_groups).map(|_| (0..dim).map(|_| rng.f32() - 0.5).collect()).collect();
        let mut flat = Vec::with_capacity(n * dim);
        for _ in 0..n {
            let c = &centres[rng.usize(..seed_groups)];
            let spread = 0.3 + rng.f32();
            let v: Vec<f32> = c.iter().map(|x| x + spread * (rng.f32() - 0.5)).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            flat.extend(v.iter().map(|x| x / norm));
        }
        for threshold in [0.3f32, 0.45, 0.6, 0.8] {
            let dense = gaps::cluster::average_linkage(
                gaps::cluster::Similarity::of_unit_vectors(&flat, dim),
                threshold,
            );
            let sparse = gaps::cluster::average_linkage_vectors(&flat, dim, threshold);
            let groups = sparse.iter().max().map_or(0, |m| m + 1);
            assert!(groups > 1 && groups < n, "a cut that groups something: {groups} of {n}");
            assert_eq!(sparse, dense, "n {n}, threshold {threshold}");
        }
    }
}

/// Vectors from tests/support/minilm_reference.py: NumPy, float64, padded
/// batch with an attention mask (the textbook form of the model).
fn reference_vectors(ids: &[Vec<u32>]) -> Vec<Vec<f64>> {
    use std::io::Write;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/minilm_reference.py");
    let dir = gaps::embed::locate().unwrap();
    let mut child = std::process::Command::new("/usr/bin/python3")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("start /usr/bin/python3 {script} (scripts/setup installs python3-numpy): {e}")
        });
    let req = serde_json::json!({ "model": dir, "ids": ids });
    child.stdin.take().unwrap().write_all(req.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the reference failed");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    serde_json::from_value(v["vectors"].clone()).unwrap()
}

#[test]
fn embeddings_match_an_independent_reference_and_do_not_depend_on_batching() {
    let texts = [
        "Do you offer refunds after 30 days?",
        "hi",
        "Können Sie auch am Samstag liefern? Und was kostet das?",
        "¿Tienen garantía los calentadores de agua? 🔥🔥",
        "My order #4412 arrived broken, the box was crushed and the glass inside shattered everywhere, I need a \
         replacement before the weekend because it is a birthday present and I am really upset about it.",
        "x",
        "what's your refund policy after 30 days",
    ];
    let one = Embedder::find().unwrap().with_threads(1);
    let ids: Vec<Vec<u32>> = texts.iter().map(|t| one.token_ids(t).unwrap()).collect();
    let want = reference_vectors(&ids);
    let got = one.embed(&texts).unwrap();
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g.len(), gaps::embed::DIM);
        let worst = g.iter().zip(w).map(|(a, b)| (f64::from(*a) - b).abs()).fold(0.0, f64::max);
        assert!(worst < 2e-5, "text {i}: largest difference from the reference {worst}");
    }
    // Alone, in a different batch mix, or on two threads: the same vectors.
    let two = Embedder::find().unwrap().with_threads(2);
    let many: Vec<&str> = texts.iter().cycle().take(200).copied().collect();
    let spread = two.embed(&many).unwrap();
    for (i, t) in texts.iter().enumerate() {
        let alone = one.embed(&[*t]).unwrap().remove(0);
        for (k, v) in spread.iter().enumerate().skip(i).step_by(texts.len()) {
            let worst = v.iter().zip(&alone).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(worst < 1e-6, "text {i}, copy {k}: {worst}");
        }
    }
}
