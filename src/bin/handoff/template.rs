//! `handoff template list|show|teach|export|import|remove`: formats taught
//! by the user (see [`handoff::teach`]). Teaching, importing and removing
//! say what happened to the stored records.

use anyhow::{Context, Result, bail};
use chrono::Utc;
use clap::Subcommand;
use handoff::Store;
use handoff::ingest::templates::{Selection, miss_report};
use handoff::model::{FormatTemplate, TemplateField};
use handoff::teach;
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum TemplateCmd {
    /// Every taught format, with the notifications that no longer match it.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// One template (by id or sender address) as JSON, and how it is doing.
    Show {
        /// The template's id or sender address.
        template: String,
    },
    /// Teach the format of a stored notification: name the values in its original
    /// (`handoff template teach 12 --value visitor_email=dana@example.com --value transcript=…`).
    Teach {
        /// The handoff whose original shows the format.
        handoff: i64,
        /// FIELD=TEXT, the text as the original shows it (see `--original`). Fields: visitor_name,
        /// visitor_email, visitor_phone, page, question, reason, promise, date, transcript
        /// (its first and last line, separated by a newline).
        #[arg(long = "value", value_name = "FIELD=TEXT")]
        values: Vec<String>,
        /// Print the original as a template reads it, and teach nothing.
        #[arg(long)]
        original: bool,
        /// Show what the template would read, save nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a template as JSON (to share it with another data file or another person).
    Export {
        /// The template's id or sender address.
        template: String,
        /// Write to this file instead of printing.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Add a template exported elsewhere (it replaces the sender's own), then re-read
    /// every raw or partial record with it.
    Import {
        /// The JSON file.
        file: PathBuf,
    },
    /// Remove a template. Records it already read keep what it read.
    Remove {
        /// The template's id or sender address.
        template: String,
    },
}

pub(crate) fn run(store: &mut Store, cmd: TemplateCmd) -> Result<()> {
    match cmd {
        TemplateCmd::List { json } => list(store, json),
        TemplateCmd::Show { template } => {
            let t = find(store, &template)?;
            println!("{}", teach::export(&t));
            report(store, &t)
        }
        TemplateCmd::Teach { handoff, values, original, dry_run } => {
            teach_cmd(store, handoff, &values, original, dry_run)
        }
        TemplateCmd::Export { template, output } => {
            let json = teach::export(&find(store, &template)?);
            match output {
                Some(path) => {
                    std::fs::write(&path, format!("{json}\n")).with_context(|| {
                        format!("cannot write {}: check the folder exists and is writable", path.display())
                    })?;
                    println!("Wrote {}.", path.display());
                }
                None => println!("{json}"),
            }
            Ok(())
        }
        TemplateCmd::Import { file } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}: check the path", file.display()))?;
            let (t, sum) = teach::import(store, &json, Utc::now())?;
            println!("Imported template #{} for {} (\"{}\"). {}", t.id, t.sender, t.name, sum.line(false));
            Ok(())
        }
        TemplateCmd::Remove { template } => match store.remove_template(&template)? {
            Some(t) => {
                println!("Removed template #{} for {}; records it read keep what it read.", t.id, t.sender);
                Ok(())
            }
            None => bail!("no template {template:?}: `handoff template list` shows them"),
        },
    }
}

fn find(store: &Store, key: &str) -> Result<FormatTemplate> {
    store
        .template(key)?
        .with_context(|| format!("no template {key:?}: `handoff template list` shows them by id and sender"))
}

fn report(store: &Store, t: &FormatTemplate) -> Result<()> {
    if let Some(line) = miss_report(t, store.template_misses(t.id)?.count) {
        println!("{line}");
    }
    Ok(())
}

fn list(store: &Store, json: bool) -> Result<()> {
    let all = store.templates()?;
    if all.is_empty() && !json {
        println!(
            "No formats taught yet: open a raw handoff in the window and choose \"Teach Handoff Desk this format\", or `handoff template teach`."
        );
    }
    for t in &all {
        let misses = store.template_misses(t.id)?;
        if json {
            let fields: Vec<&str> = t.fields.iter().map(|r| r.field.as_str()).collect();
            let row = serde_json::json!({
                "id": t.id, "sender": t.sender, "name": t.name, "taught_at": t.taught_at,
                "fields": fields, "no_longer_matching": misses.count,
            });
            println!("{row}");
            continue;
        }
        let fields: Vec<&str> = t.fields.iter().map(|r| r.field.label()).collect();
        println!(
            "#{}  {}  \"{}\"  taught {}  reads: {}",
            t.id,
            t.sender,
            t.name,
            t.taught_at.format("%-d %b %Y"),
            fields.join(", ")
        );
        if let Some(line) = miss_report(t, misses.count) {
            println!("    {line}");
        }
    }
    Ok(())
}

fn teach_cmd(store: &mut Store, id: i64, values: &[String], original: bool, dry_run: bool) -> Result<()> {
    if original || values.is_empty() {
        let o = teach::original(store, id)?;
        if let Some(why) = o.not_teachable {
            bail!("handoff #{id} cannot be taught on: {why}");
        }
        println!(
            "From: {}\nSubject: {}\n\n{}",
            o.from.unwrap_or_default(),
            o.subject.unwrap_or_default(),
            o.text
        );
        if values.is_empty() && !original {
            eprintln!("Name values with --value FIELD=TEXT (text as shown above) to teach this format.");
        }
        return Ok(());
    }
    let mut selections = Vec::new();
    for v in values {
        let Some((field, text)) = v.split_once('=') else { bail!("--value {v:?} needs FIELD=TEXT") };
        let field: TemplateField = field.trim().parse().map_err(|()| {
            let names: Vec<&str> = TemplateField::ALL.iter().map(|f| f.as_str()).collect();
            anyhow::anyhow!("no field {field:?}; the fields are {}", names.join(", "))
        })?;
        selections.push(Selection { field, text: text.replace("\\n", "\n") });
    }
    let p = teach::preview(store, id, &selections, Utc::now())?;
    let r = &p.read;
    println!("This template reads handoff #{id} as ({}):", r.parse_status.as_str());
    let show = |label: &str, v: &Option<String>| println!("  {label:<14}{}", v.as_deref().unwrap_or("—"));
    show("name", &r.visitor.name);
    show("email", &r.visitor.email);
    show("phone", &r.visitor.phone);
    show("page", &r.page.url);
    show("question", &r.question);
    show("reason", &r.reason_detail);
    show("promise", &r.promise);
    println!("  {:<14}{} message(s)", "transcript", r.transcript.len());
    if dry_run {
        println!("Dry run: nothing saved.");
        return Ok(());
    }
    let (t, sum) = teach::teach(store, id, &selections, Utc::now())?;
    println!("Saved template #{} for {}. {}", t.id, t.sender, sum.line(false));
    Ok(())
}
