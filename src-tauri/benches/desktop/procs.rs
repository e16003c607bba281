//! The process table from /proc: who is whose child, what each runs, and
//! how much memory each holds (smaps_rollup). Zombies are left out: they
//! hold no memory and cannot be killed again.

use std::collections::HashMap;

/// One process of a measured tree; sizes in KiB.
#[derive(Clone)]
pub struct Proc {
    pub name: String,
    pub rss: u64,
    pub pss: u64,
    pub pss_anon: u64,
    pub pss_file: u64,
}

/// Every live process: pid → parent pid.
pub fn parents() -> HashMap<u32, u32> {
    let mut table = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return table };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
        // "pid (comm) state ppid …": comm may hold spaces and parentheses.
        let Some(close) = stat.rfind(')') else { continue };
        let mut rest = stat[close + 1..].split_whitespace();
        let (state, ppid) = (rest.next(), rest.next().and_then(|p| p.parse().ok()));
        if let (Some(state), Some(ppid)) = (state, ppid)
            && state != "Z"
        {
            table.insert(pid, ppid);
        }
    }
    table
}

/// `root` and all its descendants.
pub fn tree(table: &HashMap<u32, u32>, root: u32) -> Vec<u32> {
    let mut found = vec![root];
    let mut i = 0;
    while let Some(&p) = found.get(i) {
        found.extend(table.iter().filter(|(_, ppid)| **ppid == p).map(|(c, _)| *c));
        i += 1;
    }
    found
}

/// The file name of the program `pid` runs: argv[0]'s, which keeps
/// WebKit's helpers readable where their comm is cut to 15 bytes.
pub fn program(pid: u32) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    String::from_utf8_lossy(argv0).rsplit('/').next().unwrap_or_default().to_string()
}

/// Whether `pid` runs with `var=value` in its environment.
pub fn has_env(pid: u32, var: &str, value: &str) -> bool {
    let want = format!("{var}={value}");
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    environ.split(|b| *b == 0).any(|kv| kv == want.as_bytes())
}

/// `pid`'s memory now, or None when it is gone.
pub fn memory(pid: u32) -> Option<Proc> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let field = |name: &str| -> u64 {
        rollup
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    let name = Some(program(pid)).filter(|n| !n.is_empty()).unwrap_or_else(|| format!("pid {pid}"));
    Some(Proc {
        name,
        rss: field("Rss"),
        pss: field("Pss"),
        pss_anon: field("Pss_Anon"),
        pss_file: field("Pss_File"),
    })
}
