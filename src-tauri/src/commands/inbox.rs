//! The inbox: filters, search, due first, a page at a time (the window
//! asks for the next page as the list scrolls near its end).

use crate::commands::window::Phase;
use crate::error::CmdResult;
use crate::state::Db;
use crate::views::{Inbox, InboxQuery, InboxRow};
use handoff::store::{InboxFilter, SearchOrder};

static ASKED: Phase = Phase::new("inbox-asked");
static ANSWERED: Phase = Phase::new("inbox-answered");

/// The inbox for a query.
#[tauri::command]
pub async fn inbox(db: tauri::State<'_, Db>, query: InboxQuery) -> CmdResult<Inbox> {
    ASKED.mark();
    let inbox = db
        .run(move |s| {
            let workspace = match &query.workspace {
                Some(slug) => Some(s.require_workspace(slug)?),
                None => None,
            };
            let ids = match query.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
                Some(q) => Some(
                    s.search(
                        q,
                        workspace.as_ref().map(|w| w.id),
                        SearchOrder::Relevance,
                        handoff::store::RANK_WINDOW,
                    )?
                    .hits
                    .into_iter()
                    .map(|h| h.handoff.id)
                    .collect(),
                ),
                None => None,
            };
            let filter = InboxFilter {
                workspace_id: workspace.map(|w| w.id),
                reason: query.reason,
                status: query.status,
                overdue_only: query.overdue_only,
                ids,
                limit: query.limit.clamp(1, 5_000) as usize,
                offset: query.offset as usize,
            };
            let now = chrono::Utc::now();
            let names = s.workspace_names()?;
            let rows: Vec<InboxRow> = s
                .inbox(&filter, now)?
                .iter()
                .map(|e| InboxRow::new(e, names.get(&e.handoff.workspace).map_or("", String::as_str)))
                .collect();
            let total = s.inbox_count(&filter, now)? as u32;
            Ok(Inbox { total, rows })
        })
        .await;
    ANSWERED.mark();
    inbox
}
