//! Change alerts: the rules (Settings → Alerts) and the activity feed.

use tauri::State;

use crate::alerts::{self, ActivityItem, AlertRuleForm, AlertRuleView, AlertRules};
use crate::ipc::AppError;
use crate::session::Sessions;

/// Entries per feed page when the UI does not say.
const DEFAULT_FEED_PAGE: u32 = 50;

#[tauri::command]
pub async fn alert_rules(state: State<'_, Sessions>) -> Result<AlertRules, AppError> {
    let connection = state.active().await?;
    let rules = connection.cached(alerts::rule_views).await?;
    Ok(AlertRules {
        rules,
        fields: alerts::fields(),
        hcp_configured: state.housecall().status().await?.configured,
    })
}

/// Creates or replaces a rule; a rule that could never match is a
/// `validation` error saying what is missing.
#[tauri::command]
pub async fn save_alert_rule(
    state: State<'_, Sessions>,
    rule: AlertRuleForm,
) -> Result<AlertRuleView, AppError> {
    let connection = state.active().await?;
    let rule = alerts::new_rule(rule);
    connection
        .cached(move |s| {
            let saved = s.save_alert_rule(&rule)?;
            alerts::rule_views(s)?
                .into_iter()
                .find(|r| r.id == saved.id)
                .ok_or(store::Error::NotFound {
                    what: "alert rule",
                    id: saved.id.to_string(),
                })
        })
        .await
}

#[tauri::command]
pub async fn delete_alert_rule(state: State<'_, Sessions>, id: i64) -> Result<(), AppError> {
    let connection = state.active().await?;
    connection.cached(move |s| s.delete_alert_rule(id)).await?;
    Ok(())
}

/// Feed entries, newest first; `before` (an entry id) continues a page.
#[tauri::command]
pub async fn activity(
    state: State<'_, Sessions>,
    limit: Option<u32>,
    before: Option<i64>,
) -> Result<Vec<ActivityItem>, AppError> {
    let connection = state.active().await?;
    let limit = limit.unwrap_or(DEFAULT_FEED_PAGE) as usize;
    let entries = connection
        .cached(move |s| s.activity(limit, before))
        .await?;
    Ok(entries.into_iter().map(alerts::activity_item).collect())
}

/// Marks one entry (`id`) or, without it, every entry read; the cache
/// status then carries the new unread count.
#[tauri::command]
pub async fn mark_activity_read(
    state: State<'_, Sessions>,
    id: Option<i64>,
) -> Result<(), AppError> {
    let connection = state.active().await?;
    connection.cached(move |s| s.mark_activity_read(id)).await?;
    connection.cache().changed().await;
    Ok(())
}
