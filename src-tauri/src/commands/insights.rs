//! Insights: a workspace's monthly figures (reasons, after hours, time to
//! first reply, promises kept) and the six months before, to see the trend.

use crate::error::CmdResult;
use crate::state::Db;
use crate::views::{Insights, MonthFigures};
use chrono::Utc;
use handoff::metrics::{self, Month};

/// The figures of `workspace` for `month` (this month when absent) and the five months before it.
#[tauri::command]
pub async fn insights(
    db: tauri::State<'_, Db>,
    workspace: String,
    month: Option<String>,
) -> CmdResult<Insights> {
    db.run(move |s| {
        let ws = s.require_workspace(&workspace)?;
        let now = Utc::now();
        let last = match month.as_deref() {
            Some(m) => Month::parse(m)?,
            None => Month::of(now, ws.tz()),
        };
        let mut months = vec![last];
        for _ in 0..5 {
            let earlier = months[months.len() - 1].previous();
            months.push(earlier);
        }
        months.reverse();
        let figures = months
            .into_iter()
            .map(|m| metrics::monthly(s, &ws, m, now).map(|f| MonthFigures::new(&f)))
            .collect::<handoff::Result<Vec<_>>>()?;
        Ok(Insights { workspace: ws.slug, workspace_name: ws.name, months: figures })
    })
    .await
}
