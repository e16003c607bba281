//! Embeds the static page and declares the one command, so the capability
//! file can grant exactly it.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&["ready"])),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e}"));
}
