//! The briefing at the top of a handoff: what the visitor wants and what the
//! bot could not do, in one or two sentences taken from the transcript, the
//! visitor's tone, buying signals, the company behind the address, and the
//! visitor's earlier handoffs.
//!
//! The parts that depend only on the handoff itself ([`BriefingFacts`]) are
//! computed offline when it is read (`ingest::briefing`) and stored beside
//! it; history and intent depend on other handoffs and are looked up when the
//! briefing is shown ([`Briefing`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The visitor's tone, from what they wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Tone {
    /// Nothing says otherwise.
    Calm,
    /// Complaints, insults, shouting, the same question again.
    Frustrated,
    /// Time pressure: urgent, today, now, a deadline, something down.
    Urgent,
}

impl Tone {
    /// The stable machine name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Calm => "calm",
            Tone::Frustrated => "frustrated",
            Tone::Urgent => "urgent",
        }
    }
}

impl FromStr for Tone {
    type Err = super::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Tone::Calm, Tone::Frustrated, Tone::Urgent]
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| super::UnknownName(s.to_string()))
    }
}

/// A buying signal in the visitor's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum BuyingSignal {
    /// Asked what it costs.
    Price,
    /// Asked for a quote or an offer.
    Quote,
    /// Wants to book, reserve or schedule.
    Booking,
    /// Asked for a demo or a trial.
    Demo,
}

impl BuyingSignal {
    /// Every signal, in display order.
    pub const ALL: [BuyingSignal; 4] =
        [BuyingSignal::Price, BuyingSignal::Quote, BuyingSignal::Booking, BuyingSignal::Demo];

    /// The stable machine name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            BuyingSignal::Price => "price",
            BuyingSignal::Quote => "quote",
            BuyingSignal::Booking => "booking",
            BuyingSignal::Demo => "demo",
        }
    }
}

impl FromStr for BuyingSignal {
    type Err = super::UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BuyingSignal::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| super::UnknownName(s.to_string()))
    }
}

/// What the handoff alone says: computed when it is read, stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BriefingFacts {
    /// One or two sentences: the visitor's ask first, then what the bot could not do.
    pub summary: String,
    /// The visitor's tone.
    pub tone: Tone,
    /// Buying signals, in [`BuyingSignal::ALL`] order.
    pub signals: Vec<BuyingSignal>,
    /// The company's address domain, when the visitor wrote from a non-freemail address.
    pub company: Option<String>,
}

/// An earlier handoff from the same visitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastHandoff {
    /// Its id.
    pub id: i64,
    /// Its workspace's short name.
    pub workspace: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Its question, if any.
    pub question: Option<String>,
    /// Its status (`open`, `resolved`, …).
    pub status: String,
}

/// The whole briefing as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Briefing {
    /// What the handoff alone says.
    pub facts: BriefingFacts,
    /// A buying signal is present: a hot lead.
    pub hot_lead: bool,
    /// Earlier handoffs from the same email or phone, newest first.
    pub history: Vec<PastHandoff>,
    /// The label of the month's gap group the question falls in, when there is one.
    pub intent: Option<String>,
}
