//! The briefing at the top of a handoff, put together: the stored facts
//! (made now, offline, for a handoff stored before briefings existed), the
//! hot-lead mark and the visitor's earlier handoffs.
//!
//! The backfill makes the facts for every stored handoff without them, a
//! batch per transaction, so an interrupted run simply continues next time.

use crate::error::Result;
use crate::ingest::briefing::facts_of;
use crate::model::{Briefing, BriefingFacts};
use crate::store::Store;

/// Handoffs per backfill transaction.
const BATCH: usize = 500;

/// One handoff's briefing; its facts are made and stored if missing.
pub fn of(store: &mut Store, handoff_id: i64) -> Result<Briefing> {
    let facts = match store.briefing_facts(handoff_id)? {
        Some(f) => f,
        None => {
            let f = make(store, handoff_id)?;
            store.write_briefings(&[(handoff_id, f.clone())])?;
            f
        }
    };
    Ok(Briefing {
        hot_lead: !facts.signals.is_empty(),
        history: store.visitor_history(handoff_id)?,
        facts,
        intent: None,
    })
}

/// The facts of a stored handoff, read from its stored question and transcript.
fn make(store: &Store, handoff_id: i64) -> Result<BriefingFacts> {
    let d = store.detail(handoff_id)?;
    let h = &d.handoff;
    Ok(facts_of(
        h.question.as_deref().filter(|_| !h.question_derived),
        &d.transcript,
        h.visitor.email.as_deref(),
        h.reason,
        h.reason_detail.as_deref(),
    ))
}

/// Make the facts of every stored handoff that has none; how many were made.
pub fn backfill(store: &mut Store) -> Result<usize> {
    let mut done = 0;
    loop {
        let ids = store.handoffs_without_briefing(BATCH)?;
        if ids.is_empty() {
            return Ok(done);
        }
        let mut made = Vec::with_capacity(ids.len());
        for id in &ids {
            made.push((*id, make(store, *id)?));
        }
        store.write_briefings(&made)?;
        done += made.len();
        if ids.len() < BATCH {
            return Ok(done);
        }
    }
}
