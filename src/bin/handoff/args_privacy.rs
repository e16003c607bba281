//! The command line's privacy commands: erase a visitor, retention, backup,
//! restore, export, encryption at rest (clap).

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum PrivacyCmd {
    /// Erase a visitor: every handoff, transcript, raw original, reply, outbox job, gap embedding,
    /// search entry and team record that carries them; the freed bytes are overwritten.
    Forget {
        /// The visitor's email address.
        #[arg(required_unless_present_any = ["phone", "handoff", "scrub"], conflicts_with_all = ["phone", "handoff"])]
        email: Option<String>,
        /// The visitor's phone number (compared by its digits).
        #[arg(long, conflicts_with = "handoff")]
        phone: Option<String>,
        /// One handoff by id.
        #[arg(long)]
        handoff: Option<i64>,
        /// Erase without asking (scripts).
        #[arg(long, short)]
        yes: bool,
        /// Say what would go, erase nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only overwrite freed space again (after an erasure that another program kept from finishing).
        #[arg(long, conflicts_with_all = ["phone", "handoff", "dry_run"])]
        scrub: bool,
    },
    /// Apply each workspace's retention now (the engine does it daily), or set it.
    Retention {
        /// Set this workspace's retention (with --raw-days / --handoff-months).
        #[arg(long, short)]
        workspace: Option<String>,
        /// Remove raw originals this many days after arrival (0: keep them).
        #[arg(long, requires = "workspace")]
        raw_days: Option<u32>,
        /// Remove the personal data of handoffs this many months after they were resolved or closed (0: keep).
        #[arg(long, requires = "workspace")]
        handoff_months: Option<u32>,
        /// Say what would go, remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Copy the data file to FILE while it is in use (SQLite's online backup; encrypted when the source is).
    Backup {
        /// Where to write the copy.
        file: PathBuf,
    },
    /// Replace the data file with a backup, after checking its integrity and schema; the replaced
    /// file is kept beside it.
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Encrypt the data file in place (SQLCipher); the key goes to the OS keychain. Close the app first.
    Encrypt,
    /// Turn an encrypted data file back into a plain SQLite file. Close the app first.
    Decrypt,
    /// Write handoffs with their transcripts: CSV for spreadsheets, JSON lines for tools.
    Export {
        /// csv or jsonl.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
        /// Received on or after (YYYY-MM-DD, RFC 3339, or 30d / 12h back).
        #[arg(long)]
        since: Option<String>,
        /// Write to this file instead of printing.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}
