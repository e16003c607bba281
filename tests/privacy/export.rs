//! `handoff export`: JSON lines re-import to the same handoffs; the CSV opens
//! in a spreadsheet program (LibreOffice Calc, headless) cell for cell.

use crate::support::{handoff, json_lines, ok};
use std::collections::BTreeMap;
use std::path::Path;

/// What makes a handoff the same handoff: workspace, reason, visitor, page,
/// question and the transcript's authors and words.
fn essence(d: &serde_json::Value) -> String {
    let lines: Vec<String> = d["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("{}|{}", m["author"].as_str().unwrap(), m["text"].as_str().unwrap()))
        .collect();
    serde_json::json!([d["workspace"], d["reason"], d["visitor"], d["page"], d["question"], lines])
        .to_string()
}

fn essences(db: &Path) -> Vec<String> {
    let rows = json_lines(&ok(handoff(db).args(["list", "--json", "--limit", "10000"])));
    let mut all: Vec<String> = rows
        .iter()
        .map(|r| {
            let d: serde_json::Value =
                serde_json::from_str(&ok(handoff(db).args(["show", &r["id"].to_string(), "--json"])))
                    .unwrap();
            essence(&d)
        })
        .collect();
    all.sort();
    all
}

#[test]
fn json_lines_reimport_to_the_same_handoffs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["demo", "--per-client", "15"]));
    let file = dir.path().join("all.jsonl");
    let out = ok(handoff(&db).args(["export", "--format", "jsonl", "-o"]).arg(&file));
    assert!(out.contains("Exported 48 handoffs"), "{out}");

    let copy = dir.path().join("copy.db");
    let text = std::fs::read_to_string(&file).unwrap();
    let workspaces: std::collections::BTreeSet<String> =
        json_lines(&text).iter().map(|l| l["workspace"].as_str().unwrap().to_string()).collect();
    for w in &workspaces {
        ok(handoff(&copy).args(["workspace", "add", w]));
    }
    // Each line names its workspace; --workspace is only the fallback.
    ok(handoff(&copy).arg("import").arg(&file).args(["--workspace", workspaces.iter().next().unwrap()]));
    assert_eq!(essences(&db), essences(&copy));

    // --workspace and --since narrow it.
    let one = workspaces.iter().next().unwrap();
    let only = ok(handoff(&db).args(["export", "--workspace", one]));
    let lines = json_lines(&only);
    assert!(!lines.is_empty() && lines.iter().all(|l| l["workspace"] == one.as_str()));
    let recent = json_lines(&ok(handoff(&db).args(["export", "--since", "20d"])));
    assert!(!recent.is_empty() && recent.len() < 48, "{}", recent.len());
}

#[test]
fn the_csv_opens_in_a_spreadsheet_cell_for_cell() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    ok(handoff(&db).args(["init", "--workspace", "acme"]));
    let tricky = serde_json::json!({
        "id": "evt-csv", "workspace": "acme", "reason": "knowledge_gap",
        "visitor": { "name": "Zoë \"Zo\" Müller, Jr.", "email": "zoe@example.de", "phone": "+49 30 1234567" },
        "question": "=HYPERLINK(\"http://evil.test\",\"click\")",
        "transcript": [
            { "from": "visitor", "text": "Grüße, line one\nline two, with a comma" },
            { "from": "bot", "text": "-1 is not a number I know; @mention" },
        ],
    });
    let input = dir.path().join("in.json");
    std::fs::write(&input, tricky.to_string()).unwrap();
    ok(handoff(&db).arg("import").arg(&input));
    ok(handoff(&db).args(["demo", "--per-client", "3"]));
    let csv = dir.path().join("out.csv");
    ok(handoff(&db).args(["export", "--format", "csv", "-o"]).arg(&csv));

    // LibreOffice reads our CSV and writes it again as its own CSV: what it
    // wrote is what it understood each cell to be.
    let lo = dir.path().join("lo");
    let status = std::process::Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.path().join("profile").display()))
        .args([
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,true,true,false,false",
            "--outdir",
        ])
        .arg(&lo)
        .arg(&csv)
        .status()
        .expect("LibreOffice (soffice) is installed by scripts/setup");
    assert!(status.success());
    let read = |p: &Path| -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(p).unwrap();
        r.records()
            .map(|rec| rec.unwrap().iter().map(|c| c.trim_start_matches('\u{feff}').to_string()).collect())
            .collect()
    };
    let ours = read(&csv);
    let theirs = read(&lo.join("out.csv"));
    let stored = json_lines(&ok(handoff(&db).args(["list", "--json", "--limit", "100"]))).len();
    assert_eq!(ours.len(), 1 + stored);
    assert_eq!(ours, theirs, "the spreadsheet read other cells than we wrote");
    let header: Vec<&str> = ours[0].iter().map(String::as_str).collect();
    assert_eq!(header, handoff::export::CSV_COLUMNS);
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let at = ours.iter().position(|r| r[col("visitor_email")] == "zoe@example.de").unwrap();
    let row: BTreeMap<&str, &str> = header.iter().zip(&ours[at]).map(|(h, c)| (*h, c.as_str())).collect();
    assert_eq!(row["visitor_name"], "Zoë \"Zo\" Müller, Jr.");
    // A formula stays text in the spreadsheet.
    assert_eq!(row["question"], "'=HYPERLINK(\"http://evil.test\",\"click\")");
    assert!(theirs[at][col("transcript")].contains("line one\nline two, with a comma"));
}
