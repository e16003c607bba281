//! Draft answers for the gap checklist: the answer the owner already sent to
//! one of an item's questions — the most recent sent first reply to a handoff
//! resolved as a content gap (else one answered after a knowledge gap) — with
//! what the reply template put around it (greeting, quoted question,
//! signature) taken off.

use crate::error::Result;
use crate::model::Workspace;
use crate::reply::{ANSWER_MARKER, draft};
use crate::store::{GapReply, ReplyKind, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An answer the owner already wrote to one of an item's questions: a start
/// for the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftAnswer {
    /// The answer, without the reply template's greeting, quote and signature.
    pub text: String,
    /// The handoff it answered.
    pub handoff_id: i64,
    /// Who sent it: the From line's display name, else its address.
    pub by: Option<String>,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
}

/// The first of the handoffs' sent replies (in [`Store::gap_replies`]'s
/// order of preference) that still has an answer once the template is off.
pub(super) fn draft_answer(store: &Store, ws: &Workspace, handoffs: &[i64]) -> Result<Option<DraftAnswer>> {
    for r in store.gap_replies(handoffs)? {
        let template = store.handoff(r.handoff_id)?.map(|h| draft(ws, &h, ReplyKind::Reply).body);
        if let Some(text) = answer_in_reply(&r.body_text, template.as_deref()) {
            let GapReply { handoff_id, from, sent_at, .. } = r;
            return Ok(Some(DraftAnswer { text, handoff_id, by: sender(&from), sent_at }));
        }
    }
    Ok(None)
}

/// The display name of a From line (`"Dana" <dana@x>`), else its address.
fn sender(from: &str) -> Option<String> {
    let from = from.trim();
    let (name, address) = match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if b > a => (from[..a].trim().trim_matches('"').trim(), from[a + 1..b].trim()),
        _ => ("", from),
    };
    [name, address].into_iter().find(|s| !s.is_empty()).map(str::to_string)
}

const GREETINGS: [&str; 8] =
    ["hi", "hello", "hey", "dear", "good morning", "good afternoon", "good evening", "hallo"];
const SIGN_OFFS: [&str; 14] = [
    "best regards",
    "kind regards",
    "warm regards",
    "regards",
    "best",
    "best wishes",
    "all the best",
    "thanks",
    "thank you",
    "many thanks",
    "cheers",
    "sincerely",
    "yours sincerely",
    "viele grüße",
];

/// The owner's answer in a sent reply body. `template` is the pre-filled
/// draft the reply started from (with [`ANSWER_MARKER`] where the answer
/// goes): when the body is that draft with the marker replaced, the answer is
/// exactly what replaced it. Otherwise (the owner edited around it, or the
/// template changed since) quoted lines and what introduces them, a leading
/// greeting and everything from a sign-off or `-- ` on are taken off.
/// `None` when nothing is left.
pub fn answer_in_reply(body: &str, template: Option<&str>) -> Option<String> {
    let body = body.replace("\r\n", "\n");
    if let Some((pre, post)) =
        template.map(|t| t.replace("\r\n", "\n")).as_deref().and_then(|t| t.split_once(ANSWER_MARKER))
        && let Some(answer) = body.trim().strip_prefix(pre.trim()).and_then(|b| b.strip_suffix(post.trim()))
    {
        let answer = answer.trim();
        return (!answer.is_empty()).then(|| answer.to_string());
    }
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let quoted = |l: &str| l.trim_start().starts_with('>');
    let mut paras: Vec<Vec<&str>> = vec![Vec::new()];
    for (i, &line) in lines.iter().enumerate() {
        // The quoted question, and the line that introduces it ("You asked:").
        let introduces_quote = line.ends_with(':')
            && lines[i + 1..].iter().find(|l| !l.trim().is_empty()).is_some_and(|l| quoted(l));
        if line.trim().is_empty() {
            paras.push(Vec::new());
        } else if !quoted(line) && !introduces_quote {
            paras.last_mut().into_iter().for_each(|p| p.push(line));
        }
    }
    let mut kept: Vec<Vec<&str>> = paras.into_iter().filter(|p| !p.is_empty()).collect();
    let words = |l: &str| l.trim().trim_end_matches([',', '!', '.', ':']).to_lowercase();
    if let Some(first) = kept.first()
        && let [line] = first.as_slice()
        && line.chars().count() <= 60
        && GREETINGS.iter().any(|g| {
            let w = words(line);
            w == *g || w.strip_prefix(g).is_some_and(|rest| rest.starts_with([' ', ',']))
        })
    {
        kept.remove(0);
    }
    // A sign-off paragraph ("Best regards,") or a signature separator ends the answer.
    let mut out: Vec<&str> = Vec::new();
    'paras: for p in &kept {
        if p.first().is_some_and(|l| SIGN_OFFS.contains(&words(l).as_str())) {
            break;
        }
        if !out.is_empty() {
            out.push("");
        }
        for l in p {
            if l.trim() == "--" {
                break 'paras;
            }
            out.push(l);
        }
    }
    let answer = out.join("\n").trim().to_string();
    (!answer.is_empty()).then_some(answer)
}
