//! Start-up and memory of the desktop app beside a hello-world Tauri 2 app
//! (benches/hello-tauri), built with the same profile and measured in the
//! same run, printed as ratios against the targets:
//! - first inbox paint: spawn → the ready line on stdout (the UI says so
//!   after a requestAnimationFrame), ≤ the baseline's first paint + 250 ms
//!   with the demo data, + 400 ms with 100k handoffs; with the app's
//!   start-up timeline (the steps it reports before its paint, medians);
//! - idle memory of the whole process tree (the app and every descendant:
//!   WebKitWebProcess, WebKitNetworkProcess, …), RSS and PSS summed from
//!   /proc/PID/smaps_rollup after an idle pause: PSS ≤ 1.0× the baseline
//!   with the demo data, ≤ 1.2× with 100k handoffs.
//!
//! Each run gets its own Xvfb display, its own D-Bus session
//! (dbus-run-session, whose daemon and the services it starts are not
//! counted), a fresh HOME and XDG folders, and a fresh copy of its database,
//! so nothing leaks from one run into the next. Variants take turns (baseline,
//! demo, 100k, baseline, …) after one uncounted warm-up start of each binary,
//! so drift and a cold page cache do not fall on one of them; medians are
//! reported, with the per-process breakdown of each variant's median run.
//!
//! It measures binaries built beforehand in one cargo invocation with the
//! bench profile (the release profile, debug info off, as it is there), so
//! both use one Tauri build: `scripts/bench-desktop` builds them and the
//! databases, then runs this. Options: `--runs N` (5),
//! `--idle SECS` (5), `--quick` (1 run, 2 s idle: a smoke run),
//! `--no-notify` (no notification daemon in the session: notifications fail
//! at once instead of being shown by dunst), `--app`, `--baseline`,
//! `--demo-db`, `--big-db` (paths).

mod procs;
mod session;

use session::{Run, measure};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

type Res<T> = Result<T, Box<dyn Error>>;

const MIB: f64 = 1024.0;

struct Options {
    app: PathBuf,
    baseline: PathBuf,
    demo_db: PathBuf,
    big_db: PathBuf,
    runs: usize,
    idle: Duration,
    no_notify: bool,
}

/// One thing measured: a binary, and the database it opens (none for the baseline).
struct Variant {
    label: String,
    bin: PathBuf,
    db: Option<PathBuf>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("desktop bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let o = options()?;
    let count = |db: &Path| -> Res<i64> { Ok(handoff::Store::open(db)?.count(None)?) };
    let (demo_n, big_n) = (count(&o.demo_db)?, count(&o.big_db)?);
    let variants = [
        Variant { label: "baseline (hello-tauri)".into(), bin: o.baseline.clone(), db: None },
        Variant {
            label: format!("app, demo ({demo_n} handoffs)"),
            bin: o.app.clone(),
            db: Some(o.demo_db.clone()),
        },
        Variant { label: format!("app, {big_n} handoffs"), bin: o.app.clone(), db: Some(o.big_db.clone()) },
    ];
    println!("Desktop start-up and memory beside a hello-world Tauri 2 app");
    println!(
        "machine: {}; WebKitGTK {}; WEBKIT_DISABLE_DMABUF_RENDERER {}",
        machine(),
        webkit_version(),
        std::env::var("WEBKIT_DISABLE_DMABUF_RENDERER").map_or_else(|_| "unset".into(), |v| format!("={v}"))
    );
    println!(
        "{} run(s) per variant, taking turns, after one uncounted warm-up start of each binary; \
         memory after {} s idle; medians; notifications: {}",
        o.runs,
        o.idle.as_secs_f64(),
        if o.no_notify {
            "no service (--no-notify)"
        } else {
            "the session bus starts one (dunst, from scripts/setup)"
        }
    );
    for v in &variants[..2] {
        measure(v, Duration::ZERO, o.no_notify)?;
    }
    let mut runs: Vec<Vec<Run>> = variants.iter().map(|_| Vec::new()).collect();
    for round in 1..=o.runs {
        for (v, done) in variants.iter().zip(&mut runs) {
            let r = measure(v, o.idle, o.no_notify)?;
            let mut procs = r.procs.clone();
            procs.sort_by_key(|p| std::cmp::Reverse(p.pss));
            let each: Vec<String> =
                procs.iter().map(|p| format!("{} {:.0}", p.name, p.pss as f64 / MIB)).collect();
            println!(
                "  run {round}/{}: {:<28} first paint {:5.0} ms  RSS {:5.1}  PSS {:5.1} MiB ({}); load {}",
                o.runs,
                v.label,
                ms(r.paint),
                r.rss() as f64 / MIB,
                r.pss() as f64 / MIB,
                each.join(", "),
                load()
            );
            done.push(r);
        }
    }
    report(&variants, &runs);
    Ok(())
}

fn options() -> Res<Options> {
    // The bench profile builds the app's binary into the same folder as the
    // release build: target/release/handoff-desk, beside hello-tauri.
    let app = PathBuf::from(env!("CARGO_BIN_EXE_handoff-desk"));
    let target = app.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    let mut o = Options {
        baseline: app.with_file_name("hello-tauri"),
        app,
        demo_db: target.join("bench-data/demo.db"),
        big_db: target.join("bench-data/100k.db"),
        runs: 5,
        idle: Duration::from_secs(5),
        no_notify: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--bench" => {} // cargo bench passes it
            "--quick" => (o.runs, o.idle) = (1, Duration::from_secs(2)),
            "--no-notify" => o.no_notify = true,
            "--runs" => o.runs = value()?.parse::<usize>()?.max(1),
            "--idle" => o.idle = Duration::from_secs_f64(value()?.parse()?),
            "--app" => o.app = value()?.into(),
            "--baseline" => o.baseline = value()?.into(),
            "--demo-db" => o.demo_db = value()?.into(),
            "--big-db" => o.big_db = value()?.into(),
            _ => {
                return Err(format!(
                    "unknown argument {a}; options: --runs N, --idle SECS, --quick, --no-notify, --app PATH, \
                     --baseline PATH, --demo-db PATH, --big-db PATH"
                )
                .into());
            }
        }
    }
    for p in [&o.app, &o.baseline, &o.demo_db, &o.big_db] {
        if !p.is_file() {
            return Err(format!("{} does not exist: scripts/bench-desktop builds it", p.display()).into());
        }
    }
    Ok(o)
}

fn report(variants: &[Variant], runs: &[Vec<Run>]) {
    let med = |rs: &[Run], f: &dyn Fn(&Run) -> f64| median(rs.iter().map(f).collect());
    let paint = |rs: &[Run]| med(rs, &|r| ms(r.paint));
    let pss = |rs: &[Run]| med(rs, &|r| r.pss() as f64 / MIB);
    let rss = |rs: &[Run]| med(rs, &|r| r.rss() as f64 / MIB);
    println!();
    println!("{:<28} {:>24} {:>11} {:>11}", "variant (medians)", "first paint (min–max)", "RSS", "PSS");
    for (v, rs) in variants.iter().zip(runs) {
        let (lo, hi) =
            rs.iter().map(|r| ms(r.paint)).fold((f64::MAX, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
        let spread = format!("({lo:.0}–{hi:.0})");
        println!(
            "{:<28} {:>7.0} ms {spread:>13} {:>7.1} MiB {:>7.1} MiB",
            v.label,
            paint(rs),
            rss(rs),
            pss(rs)
        );
    }
    let (Some(base), Some(demo), Some(big)) = (runs.first(), runs.get(1), runs.get(2)) else { return };
    println!();
    for (name, rs, target) in [("demo", demo, 250.0), ("100k", big, 400.0)] {
        let delta = paint(rs) - paint(base);
        println!(
            "first inbox paint, {name}: {:.0} ms = baseline {delta:+.0} ms (target ≤ +{target:.0} ms): {}",
            paint(rs),
            verdict(delta <= target)
        );
    }
    for (name, rs, target) in [("demo", demo, 1.0), ("100k", big, 1.2)] {
        let ratio = pss(rs) / pss(base);
        println!(
            "idle PSS of the tree, {name}: {:.1} MiB = {ratio:.2}× baseline (+{:.1} MiB; target ≤ {target:.2}×): {}",
            pss(rs),
            pss(rs) - pss(base),
            verdict(ratio <= target)
        );
    }
    println!(
        "idle RSS of the tree (no target): demo {:.2}×, 100k {:.2}× baseline",
        rss(demo) / rss(base),
        rss(big) / rss(base)
    );
    timeline(variants, runs);
    println!();
    println!("where the memory goes (each variant's median-PSS run; MiB):");
    for (v, rs) in variants.iter().zip(runs) {
        let mut order: Vec<&Run> = rs.iter().collect();
        order.sort_by_key(|r| r.pss());
        let Some(run) = order.get(order.len() / 2) else { continue };
        println!("  {}: PSS {:.1}, RSS {:.1}", v.label, run.pss() as f64 / MIB, run.rss() as f64 / MIB);
        let mut procs = run.procs.clone();
        procs.sort_by_key(|p| std::cmp::Reverse(p.pss));
        for p in procs {
            println!(
                "    {:<24} PSS {:7.1} (anon {:6.1}, file {:6.1})  RSS {:7.1}",
                p.name,
                p.pss as f64 / MIB,
                p.pss_anon as f64 / MIB,
                p.pss_file as f64 / MIB,
                p.rss as f64 / MIB
            );
        }
    }
}

/// The app's start-up steps, medians over the runs, in ms from spawn, each
/// with the time since the step before it: where the paint's time goes.
fn timeline(variants: &[Variant], runs: &[Vec<Run>]) {
    println!();
    println!("start-up timeline (medians, ms from spawn; +ms since the step before):");
    for (v, rs) in variants.iter().zip(runs) {
        let Some(first) = rs.first() else { continue };
        let mut names: Vec<String> = first.phases.iter().map(|(n, _)| n.clone()).collect();
        for r in rs {
            for (n, _) in &r.phases {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        let mut steps: Vec<(String, f64)> = names
            .into_iter()
            .map(|n| {
                let at: Vec<f64> = rs
                    .iter()
                    .filter_map(|r| r.phases.iter().find(|(m, _)| *m == n))
                    .map(|(_, d)| ms(*d))
                    .collect();
                (n, median(at))
            })
            .collect();
        steps.push(("painted".into(), median(rs.iter().map(|r| ms(r.paint)).collect())));
        steps.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut before = 0.0;
        let line: Vec<String> = steps
            .iter()
            .map(|(n, at)| {
                let s = format!("{n} {at:.0} (+{:.0})", at - before);
                before = *at;
                s
            })
            .collect();
        println!("  {}: {}", v.label, line.join(", "));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

/// The 1-minute load average (the machine may be shared: read figures beside it).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split(' ').next().map(str::to_owned))
        .unwrap_or_default()
}

fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = info
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU", str::trim);
    let cores = info.lines().filter(|l| l.starts_with("processor")).count();
    format!("{cpu}, {cores} cores")
}

fn webkit_version() -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "libwebkit2gtk-4.1-0"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(|| "(version unknown)".into(), |o| String::from_utf8_lossy(&o.stdout).into_owned())
}
