//! Housecall Pro and the one-contact sync: the HCP key, the HCP customer
//! list, preview and apply of a sync, the sync log and the sync settings.

use tauri::State;

use crate::ipc::{
    AppError, HcpCustomerPage, HcpCustomerSummary, HcpKeyForm, HcpStatus, SyncFieldChoice,
    SyncLogLine, SyncMatchChoice, SyncPreview, SyncResult, SyncSettingsForm, SyncSettingsView,
    SyncSide, SyncTargetRef,
};
use crate::session::Sessions;
use crate::syncing;

/// HCP customers per page of the HCP panel.
const CUSTOMER_PAGE_SIZE: u32 = 50;

#[tauri::command]
pub async fn hcp_status(state: State<'_, Sessions>) -> Result<HcpStatus, AppError> {
    state.housecall().status().await
}

#[tauri::command]
pub async fn save_hcp_key(
    state: State<'_, Sessions>,
    form: HcpKeyForm,
) -> Result<HcpStatus, AppError> {
    state.housecall().save_key(&form.api_key).await
}

/// One page of HCP customers (most recently updated first), searched by
/// `query` (name, email, phone, address), each with the contact it is linked to.
#[tauri::command]
pub async fn hcp_customers(
    state: State<'_, Sessions>,
    query: String,
    page: u32,
) -> Result<HcpCustomerPage, AppError> {
    let client = state.housecall().client().await?;
    let found = client
        .list_customers(&hcp::CustomerQuery {
            q: Some(query.trim().to_owned()).filter(|q| !q.is_empty()),
            page: Some(page.max(1)),
            page_size: Some(CUSTOMER_PAGE_SIZE),
            sort_by: Some(hcp::CustomerSort::UpdatedAt),
            sort_direction: Some(hcp::SortDirection::Desc),
        })
        .await?;
    let connection = state.active().await?;
    let ids: Vec<String> = found.customers.iter().map(|c| c.id.clone()).collect();
    let links = connection
        .cached(move |s| {
            ids.iter()
                .map(|id| Ok(s.sync_link_by_hcp(id)?.map(|link| link.ghl_contact_id)))
                .collect::<store::Result<Vec<_>>>()
        })
        .await?;
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(HcpCustomerPage {
        customers: found
            .customers
            .iter()
            .zip(links)
            .map(|(customer, link)| syncing::customer_summary(customer, link))
            .collect(),
        page: count(found.page),
        total_pages: count(found.total_pages),
        total: count(found.total_items),
    })
}

/// One HCP customer as HCP has it now, with the contact it is linked to.
#[tauri::command]
pub async fn hcp_customer(
    state: State<'_, Sessions>,
    customer_id: String,
) -> Result<HcpCustomerSummary, AppError> {
    let client = state.housecall().client().await?;
    let customer = client.get_customer(&customer_id).await?;
    let connection = state.active().await?;
    let link = connection
        .cached(move |s| s.sync_link_by_hcp(&customer_id))
        .await?
        .map(|link| link.ghl_contact_id);
    Ok(syncing::customer_summary(&customer, link))
}

/// The HCP customer a contact is linked to by an earlier sync, as HCP has it now.
#[tauri::command]
pub async fn linked_customer(
    state: State<'_, Sessions>,
    contact_id: String,
) -> Result<Option<HcpCustomerSummary>, AppError> {
    let connection = state.active().await?;
    let id = contact_id.clone();
    let Some(link) = connection.cached(move |s| s.sync_link_by_ghl(&id)).await? else {
        return Ok(None);
    };
    let client = state.housecall().client().await?;
    let customer = client.get_customer(&link.hcp_customer_id).await?;
    Ok(Some(syncing::customer_summary(&customer, Some(contact_id))))
}

/// What syncing `target` would change on each side; nothing is sent.
#[tauri::command]
pub async fn sync_preview(
    state: State<'_, Sessions>,
    target: SyncTargetRef,
    match_choice: Option<SyncMatchChoice>,
) -> Result<SyncPreview, AppError> {
    let engine = engine(&state).await?;
    let preview = engine
        .preview(syncing::target(target), syncing::match_choice(match_choice))
        .await?;
    Ok(syncing::preview(preview))
}

/// Syncs `target` with the person's choices for conflicting fields; a sync
/// that stopped part-way resumes where it stopped.
#[tauri::command]
pub async fn sync_apply(
    state: State<'_, Sessions>,
    target: SyncTargetRef,
    choices: Vec<SyncFieldChoice>,
    match_choice: Option<SyncMatchChoice>,
) -> Result<SyncResult, AppError> {
    let connection = state.active().await?;
    let engine = engine(&state).await?;
    let outcome = engine
        .apply(
            syncing::target(target),
            &syncing::choices(choices)?,
            syncing::match_choice(match_choice),
        )
        .await?;
    // The contact as GHL has it now, so the list and contact view show the sync.
    if let Err(error) = connection.refresh_contact(&outcome.ghl_contact_id).await {
        tracing::warn!(message = %error.message, "synced contact not refreshed");
    }
    Ok(syncing::result(&outcome))
}

/// The sync log of a contact or customer, newest first.
#[tauri::command]
pub async fn sync_log(
    state: State<'_, Sessions>,
    target: SyncTargetRef,
) -> Result<Vec<SyncLogLine>, AppError> {
    let connection = state.active().await?;
    let entries = connection
        .cached(move |s| match target.side {
            SyncSide::Ghl => s.sync_log_for_ghl(&target.id),
            SyncSide::Hcp => s.sync_log_for_hcp(&target.id),
        })
        .await?;
    Ok(entries.into_iter().map(syncing::log_line).collect())
}

#[tauri::command]
pub async fn sync_settings(state: State<'_, Sessions>) -> Result<SyncSettingsView, AppError> {
    Ok(syncing::settings_view(&sync::SyncSettings::load(
        state.config_dir(),
    )))
}

#[tauri::command]
pub async fn save_sync_settings(
    state: State<'_, Sessions>,
    form: SyncSettingsForm,
) -> Result<SyncSettingsView, AppError> {
    let mut settings = sync::SyncSettings::load(state.config_dir());
    syncing::apply_form(&mut settings, form)?;
    syncing::save_settings(state.config_dir(), &settings)?;
    Ok(syncing::settings_view(&settings))
}

async fn engine(state: &Sessions) -> Result<sync::SyncEngine, AppError> {
    let connection = state.active().await?;
    let hcp = state.housecall().client().await?;
    connection.sync_engine(hcp, sync::SyncSettings::load(state.config_dir()))
}
