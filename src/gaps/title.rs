//! A readable title for each group from its members' keyphrases: the words
//! and two-word phrases that many of the group's questions use and few
//! other groups do (class-based TF-IDF, as BERTopic's c-TF-IDF: a term's
//! share of the group's questions times the log of how rare it is across
//! the month's groups), stop words left out. Up to three phrases, best
//! first, none repeating another's words: "Refund · 30 days".

use std::collections::{HashMap, HashSet};

/// Words that carry no topic (English, plus the commonest function words of
/// the other languages the parser reads).
const STOP: &[&str] = &[
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been",
    "being", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get", "got", "had",
    "has", "have", "hello", "hey", "hi", "how", "i", "i'm", "if", "in", "into", "is", "it", "it's", "its",
    "just", "know", "like", "me", "my", "need", "no", "not", "of", "on", "or", "our", "please", "so", "some",
    "still", "than", "thank", "thanks", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "to", "too", "up", "us", "want", "was", "we", "what", "what's", "when", "where", "which", "who",
    "why", "will", "with", "would", "yes", "you", "your", "yours", "im", "dont", "don't", "cant", "can't",
    "der", "die", "das", "und", "ist", "ich", "sie", "wir", "ein", "eine", "mit", "für", "auf", "den", "le",
    "la", "les", "des", "et", "est", "je", "vous", "pour", "une", "un", "du", "de", "el", "los", "las", "y",
    "es", "que", "en", "por", "con", "het", "een", "ik", "van", "il", "di", "che", "per", "o", "e",
];

/// A word as counted: lower case, an English plural's "s" dropped
/// ("refunds" counts as "refund").
fn key(word: &str) -> String {
    let w = word.to_lowercase();
    match w.strip_suffix('s') {
        Some(stem) if stem.chars().count() > 2 && !stem.ends_with('s') && !stem.ends_with('\'') => {
            stem.to_string()
        }
        _ => w,
    }
}

/// The terms of one question: its content words and each pair of content
/// words that stand next to each other once stop words are dropped.
fn terms(text: &str, stop: &HashSet<&str>) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty() && !stop.contains(w.as_str()) && w.chars().count() > 1)
        .map(|w| key(&w))
        .collect();
    let mut out: Vec<String> = words.clone();
    out.extend(words.windows(2).filter(|p| p[0] != p[1]).map(|p| format!("{} {}", p[0], p[1])));
    out
}

/// A title per group: `groups` holds each group's member questions.
pub fn titles(groups: &[Vec<&str>]) -> Vec<String> {
    let stop: HashSet<&str> = STOP.iter().copied().collect();
    // Per group: term → how many of its questions use it (and where first).
    let per: Vec<HashMap<String, (usize, usize)>> = groups
        .iter()
        .map(|members| {
            let mut df: HashMap<String, (usize, usize)> = HashMap::new();
            for q in members {
                let mut seen: HashSet<String> = HashSet::new();
                for t in terms(q, &stop) {
                    if seen.insert(t.clone()) {
                        let next = df.len();
                        df.entry(t).or_insert((0, next)).0 += 1;
                    }
                }
            }
            df
        })
        .collect();
    let mut spread: HashMap<&str, usize> = HashMap::new();
    for df in &per {
        for t in df.keys() {
            *spread.entry(t.as_str()).or_default() += 1;
        }
    }
    let g = groups.len().max(1) as f32;
    groups.iter().zip(&per).map(|(members, df)| title_of(members, df, &spread, g)).collect()
}

fn title_of(
    members: &[&str],
    df: &HashMap<String, (usize, usize)>,
    spread: &HashMap<&str, usize>,
    groups: f32,
) -> String {
    let size = members.len().max(1) as f32;
    let mut scored: Vec<(f32, usize, &str)> = df
        .iter()
        .map(|(t, &(count, first))| {
            let share = count as f32 / size;
            let rare = (1.0 + groups / spread.get(t.as_str()).copied().unwrap_or(1) as f32).ln();
            // A phrase names a topic better than either of its words alone.
            let phrase = if t.contains(' ') { 1.15 } else { 1.0 };
            (share * rare * phrase, first, t.as_str())
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    let mut picked: Vec<&str> = Vec::new();
    let mut used: HashSet<&str> = HashSet::new();
    let top = scored.first().map_or(0.0, |s| s.0);
    for &(score, _, t) in &scored {
        if picked.len() == 3 || score < top * 0.5 {
            break;
        }
        if t.split(' ').any(|w| used.contains(w)) {
            continue;
        }
        used.extend(t.split(' '));
        picked.push(t);
    }
    if picked.is_empty() {
        // Nothing but stop words: the first question, shortened.
        let first = members.first().copied().unwrap_or("").trim();
        let short: String = first.chars().take(60).collect();
        return if short.is_empty() { "(empty)".to_string() } else { short };
    }
    let mut out: Vec<String> = picked.iter().map(|t| t.to_string()).collect();
    if let Some(head) = out.first_mut() {
        let mut c = head.chars();
        if let Some(f) = c.next() {
            *head = f.to_uppercase().chain(c).collect();
        }
    }
    out.join(" · ")
}
