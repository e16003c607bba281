//! Embeds the front end and declares the app's own commands, so the
//! capability file can grant exactly these and nothing else.

fn main() {
    let commands = &[
        "list_workspaces",
        "inbox",
        "handoff",
        "resolve",
        "contacted",
        "snooze",
        "reply_draft",
        "send_reply",
        "gap_checklist",
        "gap_check",
        "gap_uncheck",
        "gap_markdown",
        "insights",
        "ui_ready",
        "push_to_hubspot",
        "settings",
        "save_workspace",
        "try_promise",
        "create_workspace",
        "add_source",
        "test_source",
        "set_source_secret",
        "set_source_enabled",
        "remove_source",
        "acknowledge_source_gaps",
        "save_smtp",
        "test_smtp",
        "connect_hubspot",
        "disconnect_hubspot",
        "push_all_pending",
        "claim_handoff",
        "release_handoff",
        "save_team",
        "reparse_offer",
        "reparse",
        "erase_plan",
        "forget_visitor",
        "privacy",
        "save_privacy",
        "apply_retention",
        "backup_now",
        "export_handoffs",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e}"));
}
