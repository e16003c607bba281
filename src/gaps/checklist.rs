//! A workspace's month as a ranked checklist of content to write. An item
//! offers a draft answer when the owner already answered one of its
//! questions by email (see [`super::draft`]).

use super::draft::draft_answer;
pub use super::draft::{DraftAnswer, answer_in_reply};
use super::embed::{DIM, Embedder, MODEL_NAME};
use super::{Method, Params, cluster, lexical};
use crate::error::{Error, ErrorCode, Next, Result};
use crate::metrics::Month;
use crate::model::Workspace;
use crate::store::{GapCheck, GapQuestion, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How questions are turned into groups: the model when it is installed,
/// otherwise the lexical fallback (with the reason, to show in the UI).
pub enum Grouper {
    /// Sentence embeddings.
    Model(Box<Embedder>),
    /// Wording only; why the model is not used.
    Lexical(String),
}

impl Grouper {
    /// The model if it can be found and loaded, else the fallback.
    pub fn load() -> Grouper {
        match Embedder::find() {
            Ok(e) => Grouper::Model(Box::new(e)),
            Err(why) => Grouper::Lexical(why),
        }
    }

    /// Which method this is.
    pub fn method(&self) -> Method {
        match self {
            Grouper::Model(_) => Method::Embeddings,
            Grouper::Lexical(_) => Method::Lexical,
        }
    }

    /// Why the fallback is in use (`None` with the model).
    pub fn fallback_reason(&self) -> Option<&str> {
        match self {
            Grouper::Model(_) => None,
            Grouper::Lexical(why) => Some(why),
        }
    }

    /// Embed and store the questions that have no current vector. With the
    /// fallback, nothing to do. Returns how many were embedded.
    pub fn index(&self, store: &mut Store) -> Result<usize> {
        if !matches!(self, Grouper::Model(_)) {
            return Ok(0);
        }
        let mut done = 0;
        loop {
            let batch = store.gap_questions_to_embed(MODEL_NAME, 256)?;
            if batch.is_empty() {
                return Ok(done);
            }
            done += self.index_some(store, batch)?;
        }
    }

    /// Embed and store the given questions (from
    /// [`Store::gap_questions_to_embed`]). Returns how many were embedded
    /// (0 with the fallback).
    pub fn index_some(&self, store: &mut Store, batch: Vec<(i64, String)>) -> Result<usize> {
        let Grouper::Model(model) = self else {
            return Ok(0);
        };
        let texts: Vec<&str> = batch.iter().map(|(_, q)| q.as_str()).collect();
        let vectors = model.embed(&texts)?;
        let items: Vec<(i64, String, Vec<f32>)> =
            batch.into_iter().zip(vectors).map(|((id, q), v)| (id, q, v)).collect();
        store.put_question_vectors(MODEL_NAME, &items)?;
        Ok(items.len())
    }

    /// Group texts (with their stored vectors where present): a label per text.
    pub fn group(&self, texts: &[&str], stored: &[Option<Vec<f32>>]) -> Result<Vec<usize>> {
        Ok(match self.vectors(texts, stored)? {
            Some(flat) => super::group_auto(&flat, DIM).labels,
            None => super::group_lexical(texts),
        })
    }

    /// Unit vectors for the texts, concatenated (`None` with the fallback).
    fn vectors(&self, texts: &[&str], stored: &[Option<Vec<f32>>]) -> Result<Option<Vec<f32>>> {
        let Grouper::Model(model) = self else {
            return Ok(None);
        };
        let missing: Vec<usize> =
            (0..texts.len()).filter(|&i| stored.get(i).is_none_or(Option::is_none)).collect();
        let fresh = model.embed(&missing.iter().map(|&i| texts[i]).collect::<Vec<_>>())?;
        let mut fresh = missing.into_iter().zip(fresh).collect::<HashMap<_, _>>();
        let mut flat = Vec::with_capacity(texts.len() * DIM);
        for i in 0..texts.len() {
            match fresh.remove(&i) {
                Some(v) => flat.extend(v),
                None => flat.extend(stored.get(i).and_then(Option::as_ref).into_iter().flatten()),
            }
        }
        Ok(Some(flat))
    }

    /// Pairwise similarities of the texts (for labels and comparisons).
    fn similarity(&self, texts: &[&str], stored: &[Option<Vec<f32>>]) -> Result<cluster::Similarity> {
        Ok(match self.vectors(texts, stored)? {
            Some(flat) => cluster::Similarity::of_unit_vectors(&flat, DIM),
            None => lexical::similarity(&lexical::vectors(texts)),
        })
    }

    /// Pairwise similarities of texts.
    pub fn similarity_of(&self, texts: &[&str]) -> Result<cluster::Similarity> {
        self.similarity(texts, &[])
    }

    /// The threshold two groups merge at.
    fn threshold(&self) -> f32 {
        match self {
            Grouper::Model(_) => Params::default().threshold,
            Grouper::Lexical(_) => super::LEXICAL_THRESHOLD,
        }
    }
}

/// One wording and how often it was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wording {
    /// As the visitor wrote it.
    pub text: String,
    /// Times asked in this wording.
    pub count: usize,
}

/// Where an item stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    /// Content still to write.
    Open,
    /// Checked off this month.
    Done {
        /// The check-off.
        check_id: i64,
        /// What was done.
        note: Option<String>,
        /// When.
        at: DateTime<Utc>,
    },
    /// Checked off in an earlier month, and asked again this month.
    StillAsked {
        /// The earlier check-off.
        check_id: i64,
        /// Its month.
        month: String,
        /// What was done then.
        note: Option<String>,
    },
}

/// One group of questions: one piece of content to write.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// 1 = asked by the most visitors.
    pub rank: usize,
    /// The group's most representative question.
    pub label: String,
    /// A short title from the group's keyphrases ([`super::title`]).
    pub title: String,
    /// Distinct visitors who asked.
    pub visitors: usize,
    /// The handoffs.
    pub handoffs: Vec<i64>,
    /// The wordings, most frequent first.
    pub wordings: Vec<Wording>,
    /// Pages the chats started on, most frequent first.
    pub pages: Vec<(String, usize)>,
    /// First asked this month.
    pub first_seen: DateTime<Utc>,
    /// Last asked this month.
    pub last_seen: DateTime<Utc>,
    /// Open, done, or still asked.
    #[serde(flatten)]
    pub state: ItemState,
    /// The owner's own answer to one of these questions, when there is one.
    pub draft_answer: Option<DraftAnswer>,
}

/// A workspace's month.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    /// Workspace short name.
    pub workspace: String,
    /// Its display name.
    pub workspace_name: String,
    /// The month.
    pub month: Month,
    /// How the questions were grouped.
    pub method: Method,
    /// Why the fallback was used, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    /// Unanswered questions in the month.
    pub questions: usize,
    /// The groups, ranked.
    pub items: Vec<Item>,
}

/// Build the checklist of `ws` for `month`. Embeds any question that has no
/// vector yet first.
pub fn build(store: &mut Store, ws: &Workspace, month: Month, grouper: &Grouper) -> Result<Checklist> {
    grouper.index(store)?;
    let (from, to) = month.bounds(ws.tz());
    let qs = store.gap_questions(ws.id, from, to, MODEL_NAME, DIM)?;
    let texts: Vec<&str> = qs.iter().map(|q| q.text.as_str()).collect();
    let stored: Vec<Option<Vec<f32>>> = qs.iter().map(|q| q.vector.clone()).collect();
    let labels = grouper.group(&texts, &stored)?;
    let sim = grouper.similarity(&texts, &stored)?;
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        groups.entry(l).or_default().push(i);
    }
    let groups: Vec<Vec<usize>> = groups.into_values().collect();
    let texts_of: Vec<Vec<&str>> = groups.iter().map(|m| m.iter().map(|&i| texts[i]).collect()).collect();
    let titles = super::title::titles(&texts_of);
    let mut items: Vec<Item> = groups
        .iter()
        .zip(titles)
        .map(|(members, title)| Item { title, ..item(&qs, members, &sim) })
        .collect();
    items.sort_by(|a, b| {
        (b.visitors, b.handoffs.len(), b.last_seen)
            .cmp(&(a.visitors, a.handoffs.len(), a.last_seen))
            .then_with(|| a.label.cmp(&b.label))
    });
    for (i, it) in items.iter_mut().enumerate() {
        it.rank = i + 1;
    }
    mark(store, ws, month, grouper, &mut items)?;
    for it in &mut items {
        it.draft_answer = draft_answer(store, ws, &it.handoffs)?;
    }
    Ok(Checklist {
        workspace: ws.slug.clone(),
        workspace_name: ws.name.clone(),
        month,
        method: grouper.method(),
        fallback_reason: grouper.fallback_reason().map(str::to_string),
        questions: qs.len(),
        items,
    })
}

fn item(qs: &[GapQuestion], members: &[usize], sim: &cluster::Similarity) -> Item {
    // The label: the most central question.
    let mut counts: HashMap<String, usize> = HashMap::new();
    for &i in members {
        *counts.entry(qs[i].text.clone()).or_default() += 1;
    }
    let best = members[cluster::medoid(members, sim)];
    let mut wordings: Vec<Wording> = Vec::new();
    for &i in members {
        if !wordings.iter().any(|w| w.text == qs[i].text) {
            wordings.push(Wording { text: qs[i].text.clone(), count: counts[&qs[i].text] });
        }
    }
    wordings.sort_by_key(|w| std::cmp::Reverse(w.count)); // stable: first asked first among equals
    let mut pages: Vec<(String, usize)> = Vec::new();
    for &i in members {
        if let Some(p) = &qs[i].page {
            match pages.iter_mut().find(|(q, _)| q == p) {
                Some((_, n)) => *n += 1,
                None => pages.push((p.clone(), 1)),
            }
        }
    }
    pages.sort_by_key(|p| std::cmp::Reverse(p.1));
    let visitors: BTreeSet<&str> = members.iter().map(|&i| qs[i].visitor.as_str()).collect();
    Item {
        rank: 0,
        label: qs[best].text.clone(),
        title: String::new(),
        visitors: visitors.len(),
        handoffs: members.iter().map(|&i| qs[i].handoff_id).collect(),
        wordings,
        pages,
        first_seen: members.iter().map(|&i| qs[i].received_at).min().unwrap_or_default(),
        last_seen: members.iter().map(|&i| qs[i].received_at).max().unwrap_or_default(),
        state: ItemState::Open,
        draft_answer: None,
    }
}

/// Done: a check-off of this month whose questions overlap the group most.
/// Still asked: a check-off of an earlier month whose questions are, on
/// average, as similar to the group's as a group's own must be.
fn mark(store: &Store, ws: &Workspace, month: Month, grouper: &Grouper, items: &mut [Item]) -> Result<()> {
    let this = month.to_string();
    let checks = store.gap_checks(ws.id, &this)?;
    for c in checks.iter().filter(|c| c.month == this) {
        let set: BTreeSet<i64> = c.members.iter().copied().collect();
        let best = items
            .iter_mut()
            .map(|it| (it.handoffs.iter().filter(|h| set.contains(h)).count(), it))
            .filter(|(n, _)| *n > 0)
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.rank.cmp(&a.1.rank)));
        if let Some((_, it)) = best {
            it.state = ItemState::Done { check_id: c.id, note: c.note.clone(), at: c.checked_at };
        }
    }
    let earlier: Vec<&GapCheck> = checks.iter().filter(|c| c.month < this).collect();
    if earlier.is_empty() {
        return Ok(());
    }
    for it in items.iter_mut().filter(|it| it.state == ItemState::Open) {
        // The latest earlier check-off that matches.
        for c in earlier.iter().rev() {
            if similar(store, grouper, &it.handoffs, &c.members)? {
                it.state =
                    ItemState::StillAsked { check_id: c.id, month: c.month.clone(), note: c.note.clone() };
                break;
            }
        }
    }
    Ok(())
}

/// Whether two sets of handoffs' questions would merge into one group.
fn similar(store: &Store, grouper: &Grouper, a: &[i64], b: &[i64]) -> Result<bool> {
    let qa = store.gap_questions_by_ids(a, MODEL_NAME, DIM)?;
    let qb = store.gap_questions_by_ids(b, MODEL_NAME, DIM)?;
    if qa.is_empty() || qb.is_empty() {
        return Ok(false);
    }
    let all: Vec<&GapQuestion> = qa.iter().chain(&qb).collect();
    let texts: Vec<&str> = all.iter().map(|q| q.text.as_str()).collect();
    let stored: Vec<Option<Vec<f32>>> = all.iter().map(|q| q.vector.clone()).collect();
    let sim = grouper.similarity(&texts, &stored)?;
    let n = qa.len();
    let mut sum = 0.0;
    for i in 0..n {
        for j in n..all.len() {
            sum += sim.get(i, j);
        }
    }
    Ok(sum / (n * qb.len()) as f32 >= grouper.threshold())
}

/// Check off item `rank` of the month's checklist, with a note. Returns the item.
pub fn check(
    store: &mut Store,
    ws: &Workspace,
    month: Month,
    rank: usize,
    note: Option<&str>,
    grouper: &Grouper,
    now: DateTime<Utc>,
) -> Result<Item> {
    let list = build(store, ws, month, grouper)?;
    let it = pick(&list, rank)?;
    if let ItemState::Done { .. } = it.state {
        return Err(Error::Refused {
            code: ErrorCode::InvalidInput,
            message: format!(
                "item {rank} ({:?}) is already checked off for {month}; reopen it first",
                it.label
            ),
            next: Next::UncheckGap { rank },
        });
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let id = store.add_gap_check(ws.id, &month.to_string(), &it.label, &it.handoffs, note, now)?;
    let mut it = it.clone();
    it.state = ItemState::Done { check_id: id, note: note.map(str::to_string), at: now };
    Ok(it)
}

/// Reopen item `rank` of the month's checklist. Returns the item.
pub fn uncheck(
    store: &mut Store,
    ws: &Workspace,
    month: Month,
    rank: usize,
    grouper: &Grouper,
) -> Result<Item> {
    let list = build(store, ws, month, grouper)?;
    let it = pick(&list, rank)?.clone();
    let ItemState::Done { check_id, .. } = it.state else {
        return Err(Error::Invalid(format!("item {rank} ({:?}) is not checked off for {month}", it.label)));
    };
    store.remove_gap_check(check_id)?;
    Ok(Item { state: ItemState::Open, ..it })
}

fn pick(list: &Checklist, rank: usize) -> Result<&Item> {
    list.items.iter().find(|i| i.rank == rank).ok_or_else(|| Error::Refused {
        code: ErrorCode::NotFound,
        message: format!(
            "the {} checklist of {} has {} items; there is no item {rank}.",
            list.month,
            list.workspace,
            list.items.len(),
        ),
        next: Next::ListGaps { workspace: list.workspace.clone(), month: list.month.to_string() },
    })
}
