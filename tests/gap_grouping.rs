//! The gap grouping's cut chosen from the questions themselves (no labels):
//! it finds planted groups whether they are far apart or fine-grained
//! sub-topics of one subject (where the old fixed cut at 0.45 merged them),
//! and each group gets a readable title from its members' keyphrases.

use handoff::gaps::{self, cluster, title};

fn unit(v: Vec<f32>) -> Vec<f32> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}

/// `topics` subjects, each with `subs` sub-topics of `per` questions:
/// a sub-topic's centre is `0.8 · subject + 0.6 · noise`, a question
/// `0.95 · centre + 0.31 · noise`. Questions of one sub-topic are ~0.9
/// alike, of sibling sub-topics ~0.58, of different subjects ~0.
/// Interleaved, deterministic. Returns vectors and sub-topic labels.
fn nested(topics: usize, subs: usize, per: usize, dim: usize) -> (Vec<f32>, Vec<usize>) {
    let mut rng = fastrand::Rng::with_seed(11);
    let noise = |rng: &mut fastrand::Rng| unit((0..dim).map(|_| rng.f32() - 0.5).collect());
    let subjects: Vec<Vec<f32>> = (0..topics).map(|_| noise(&mut rng)).collect();
    let centres: Vec<Vec<f32>> = (0..topics * subs)
        .map(|c| {
            let e = noise(&mut rng);
            unit(subjects[c / subs].iter().zip(&e).map(|(s, e)| 0.8 * s + 0.6 * e).collect())
        })
        .collect();
    let (mut flat, mut truth) = (Vec::new(), Vec::new());
    for i in 0..topics * subs * per {
        let c = i % (topics * subs);
        let e = noise(&mut rng);
        flat.extend(unit(centres[c].iter().zip(&e).map(|(m, e)| 0.95 * m + 0.31 * e).collect()));
        truth.push(c);
    }
    (flat, truth)
}

/// The 48 planted sub-topics of `nested(12, 4, …)`: nearly all of them (two
/// random sibling centres can be as alike as a sub-topic's own questions),
/// and never a group across two subjects.
fn finds_the_sub_topics(chosen: &gaps::Grouping, truth: &[usize]) {
    let groups = chosen.labels.iter().max().unwrap() + 1;
    assert!((44..=48).contains(&groups), "{groups} groups, cut at {}", chosen.threshold);
    for g in 0..groups {
        let subjects: std::collections::BTreeSet<usize> =
            (0..truth.len()).filter(|&i| chosen.labels[i] == g).map(|i| truth[i] / 4).collect();
        assert_eq!(subjects.len(), 1, "group {g} spans subjects {subjects:?}");
    }
}

#[test]
fn the_cut_is_chosen_from_the_questions_and_finds_fine_grained_sub_topics() {
    let dim = gaps::embed::DIM;
    let (flat, truth) = nested(12, 4, 15, dim);
    // The old fixed cut merges sibling sub-topics (the premise of the test).
    let fixed = gaps::group_vectors(&flat, dim, &gaps::Params::default());
    let fixed_groups = fixed.iter().max().unwrap() + 1;
    assert!(fixed_groups < 48, "the fixed cut keeps {fixed_groups} groups: no premise");
    // The chosen cut splits the subjects into their sub-topics: nearly all
    // 48 (two random sibling centres can be as alike as a sub-topic's own
    // questions), and never a group across two subjects.
    let chosen = gaps::group_auto(&flat, dim);
    finds_the_sub_topics(&chosen, &truth);
    assert!(chosen.threshold > gaps::Params::default().threshold);
    // Deterministic.
    assert_eq!(gaps::group_auto(&flat, dim), chosen);
}

#[test]
fn a_large_month_chooses_its_cut_on_an_even_sample_and_still_finds_the_sub_topics() {
    // 2,880 questions, past the size where the cut is chosen on a sample of
    // 2,000: the same planted sub-topics come out, none across two subjects,
    // and every question is grouped at the cut the sample chose.
    let dim = gaps::embed::DIM;
    let (flat, truth) = nested(12, 4, 60, dim);
    assert!(truth.len() > gaps::rule::CHOOSE_ON);
    let chosen = gaps::group_auto(&flat, dim);
    finds_the_sub_topics(&chosen, &truth);
    let sample = gaps::even_sample(&flat, dim, gaps::rule::CHOOSE_ON);
    assert_eq!(sample.len(), gaps::rule::CHOOSE_ON * dim);
    assert_eq!(chosen.threshold, gaps::group_auto(&sample, dim).threshold);
}

#[test]
fn the_dendrogram_cut_at_a_threshold_is_the_clustering_at_that_threshold() {
    let dim = gaps::embed::DIM;
    let (flat, truth) = nested(5, 3, 8, dim);
    let n = truth.len();
    let merges = cluster::dendrogram(&flat, dim, 0.3);
    for t in [0.3f32, 0.45, 0.6, 0.75, 0.9] {
        assert_eq!(cluster::cut(n, &merges, t), cluster::average_linkage_vectors(&flat, dim, t), "at {t}");
    }
    // Cut to a number of groups: exactly that many.
    for k in [1usize, 5, 15, n] {
        let labels = cluster::cut_to(n, &merges, k);
        assert_eq!(labels.iter().max().unwrap() + 1, k.max(n - merges.len()));
    }
    assert_eq!(cluster::cut_to(n, &merges, 15), cluster::relabel(&truth), "the 15 sub-topics");
}

#[test]
fn odd_sizes_do_not_break_the_choice() {
    let dim = gaps::embed::DIM;
    assert!(gaps::group_auto(&[], dim).labels.is_empty());
    let one = unit((0..dim).map(|i| i as f32).collect());
    assert_eq!(gaps::group_auto(&one, dim).labels, vec![0]);
    let two: Vec<f32> = one.iter().chain(&one).copied().collect();
    assert_eq!(gaps::group_auto(&two, dim).labels, vec![0, 0], "two copies of one question");
}

#[test]
fn each_group_gets_a_title_from_its_keyphrases() {
    let groups = vec![
        vec![
            "Do you offer refunds after 30 days?",
            "what's your refund policy after 30 days",
            "Can I get a refund on a sale item?",
        ],
        vec!["Do you ship to Canada?", "can you deliver my order to canada", "Do you ship internationally?"],
        vec!["Are you open on Sundays?", "What are your opening hours on Sunday?"],
        vec!["the the and of"],
    ];
    let t = title::titles(&groups);
    assert_eq!(t.len(), 4);
    assert!(t[0].to_lowercase().contains("refund"), "{t:?}");
    assert!(t[1].to_lowercase().contains("canada") || t[1].to_lowercase().contains("ship"), "{t:?}");
    assert!(t[2].to_lowercase().contains("sunday"), "{t:?}");
    // Phrases never repeat a word, and a title is short.
    for title in &t[..3] {
        let words: Vec<String> =
            title.to_lowercase().split([' ', '·']).filter(|w| !w.is_empty()).map(String::from).collect();
        let mut unique = words.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), words.len(), "{title}");
        assert!(title.split(" · ").count() <= 3, "{title}");
    }
    // Nothing but stop words: the question itself.
    assert_eq!(t[3], "the the and of");
}
