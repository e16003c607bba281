//! The commands the window may call: thin adapters from IPC to the core,
//! one module per screen. Each is granted by name in
//! `capabilities/default.json` (declared in build.rs).

pub mod claims;
pub mod gaps;
pub mod handoff;
pub mod inbox;
pub mod insights;
pub mod privacy;
pub mod reparse;
pub mod reply;
pub mod report;
pub mod settings;
pub mod signin;
pub mod template;
pub mod window;
pub mod workspaces;

#[cfg(test)]
mod error_paths;
