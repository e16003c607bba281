//! The command line's connection commands: sources (IMAP, relay), the reply
//! identity (SMTP) and the HubSpot portal (clap).

use clap::Subcommand;

#[derive(Subcommand)]
pub(crate) enum SmtpCmd {
    /// Set where replies go out from; asks for the password and keeps it in the OS keychain.
    Set {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
        /// Server name (default: found from the From address: a provider
        /// preset, the domain's autoconfig file, SRV or MX records).
        #[arg(long)]
        host: Option<String>,
        /// Port (default: 465 implicit TLS, 587 STARTTLS, 25 plain).
        #[arg(long)]
        port: Option<u16>,
        /// implicit (465), starttls (587), or plain (loopback only); default starttls.
        #[arg(long)]
        tls: Option<String>,
        /// Login name (omit for servers without login; with --oauth, default the From address).
        #[arg(long)]
        user: Option<String>,
        /// Sign in with google or microsoft in the browser instead of a password.
        #[arg(long, value_parser = ["google", "microsoft"])]
        oauth: Option<String>,
        /// The From address.
        #[arg(long)]
        from: String,
        /// The From display name.
        #[arg(long)]
        name: Option<String>,
        /// Bcc every reply to this address (a shared mailbox).
        #[arg(long)]
        bcc: Option<String>,
        /// Read the password from one line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Save without checking the login first.
        #[arg(long)]
        no_check: bool,
    },
    /// Log in to the workspace's SMTP server without sending anything.
    Test {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum HubspotCmd {
    /// Connect a workspace to its HubSpot portal: checks the token and its
    /// scopes, creates the escalation properties, keeps the token in the OS keychain.
    Connect {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
        /// Read the token from one line of standard input.
        #[arg(long)]
        token_stdin: bool,
        /// The API's address (a test stand-in, or a regional endpoint).
        #[arg(long, default_value = handoff::model::HUBSPOT_API)]
        base_url: String,
        /// Push only when asked (`handoff push ID`), not every new handoff.
        #[arg(long)]
        manual: bool,
        /// Also set the contact's lead status to NEW (sales reps own that field: opt in only if they agree).
        #[arg(long)]
        lead_status: bool,
        /// Requests per ten seconds your HubSpot plan allows: 100 (Free/Starter), 190 (Pro/Enterprise), 250 (API add-on).
        #[arg(long, default_value_t = 100)]
        rate: u32,
    },
    /// Connection, pause reasons and push counts per workspace.
    Status {
        /// Only this workspace.
        #[arg(long, short)]
        workspace: Option<String>,
    },
    /// Forget a workspace's portal and delete its token from the keychain.
    Disconnect {
        /// Workspace.
        #[arg(long, short)]
        workspace: String,
    },
}

// Parsed once per process: the size of the `add` variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub(crate) enum SourceCmd {
    /// Add a source; asks for its password or token and keeps it in the OS keychain.
    #[command(subcommand)]
    Add(AddSource),
    /// List sources with their last outcome.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Replace a source's password or token in the keychain (after it changed).
    Secret {
        /// `workspace/name`.
        source: String,
        /// Read the secret from one line of standard input instead of asking.
        #[arg(long, alias = "token-stdin")]
        password_stdin: bool,
        /// Save without first checking that the server accepts it.
        #[arg(long)]
        no_check: bool,
    },
    /// Sign a Google or Microsoft source in again (after "sign in again").
    Signin {
        /// `workspace/name`.
        source: String,
        /// Save without first checking that the server accepts the sign-in.
        #[arg(long)]
        no_check: bool,
    },
    /// List the folders of an IMAP source's mailbox (Gmail's labels too), to pick one for `--folder`.
    Folders {
        /// `workspace/name`.
        source: String,
    },
    /// Show the mail server settings found for an address (preset,
    /// autoconfig, SRV or MX), without connecting.
    Discover {
        /// The mailbox address.
        address: String,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Remove a source (its handoffs stay) and its keychain item.
    Remove {
        /// `workspace/name`.
        source: String,
    },
    /// Resume a disabled source.
    Enable {
        /// `workspace/name`.
        source: String,
    },
    /// Pause a source without removing it.
    Disable {
        /// `workspace/name`.
        source: String,
    },
    /// Acknowledge a relay source's retention-gap notice (events that expired on
    /// the relay before they were fetched), so it is no longer shown.
    AckGap {
        /// `workspace/name`.
        source: String,
    },
}

#[derive(clap::Args)]
pub(crate) struct AddCommon {
    /// Workspace the handoffs go to.
    #[arg(long, short)]
    pub(crate) workspace: String,
    /// Short name for the source (lower-case letters, digits, dashes).
    #[arg(long)]
    pub(crate) name: String,
    /// Read the secret from one line of standard input instead of asking.
    #[arg(long, alias = "token-stdin")]
    pub(crate) password_stdin: bool,
    /// Save without first checking that the server accepts the secret.
    #[arg(long)]
    pub(crate) no_check: bool,
}

#[derive(Subcommand)]
pub(crate) enum AddSource {
    /// An IMAP mailbox that receives the bot's notification emails.
    Imap {
        #[command(flatten)]
        common: AddCommon,
        /// Server name (default: found from the address: a provider preset,
        /// the domain's autoconfig file, SRV or MX records).
        #[arg(long)]
        host: Option<String>,
        /// Port (default: 993 for implicit TLS, 143 otherwise).
        #[arg(long)]
        port: Option<u16>,
        /// implicit (993), starttls (143), or plain (loopback only).
        #[arg(long)]
        tls: Option<String>,
        /// Login name: the mailbox address.
        #[arg(long)]
        user: String,
        /// Sign in with google or microsoft in the browser instead of a password.
        #[arg(long, value_parser = ["google", "microsoft"])]
        oauth: Option<String>,
        /// Folder to watch.
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// Only messages whose From contains this.
        #[arg(long = "from")]
        from_filter: Option<String>,
        /// Only messages whose Subject contains this.
        #[arg(long = "subject")]
        subject_filter: Option<String>,
        /// Poll instead of using IDLE.
        #[arg(long)]
        no_idle: bool,
        /// Seconds between polls when IDLE is off or not offered.
        #[arg(long, default_value_t = 60)]
        poll_seconds: u64,
    },
    /// A channel on a handoff-relay (for chatbots that send webhooks).
    Relay {
        #[command(flatten)]
        common: AddCommon,
        /// The relay's base URL, e.g. https://relay.example.com.
        #[arg(long)]
        url: String,
        /// Seconds each long-poll waits for news.
        #[arg(long, default_value_t = 50)]
        wait_seconds: u64,
    },
}
