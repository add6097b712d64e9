//! What the benchmark binaries record about the machine they ran on (`mod common;` in each).
#![allow(dead_code)] // each binary uses a part

/// A field of `/proc/<pid>/status` (`pid` may be `self`).
pub fn status_field(pid: &str, field: &str) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| {
            l.strip_prefix(&format!("{field}:"))
                .map(|v| v.trim().to_string())
        })
}

/// The CPUs a process may run on (`Cpus_allowed_list`).
pub fn cpus_of(pid: &str) -> String {
    status_field(pid, "Cpus_allowed_list").unwrap_or_else(|| "unknown".into())
}

/// The CPU model, the CPUs online, and how many this process may use.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|r| r.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let n = std::thread::available_parallelism().map_or(0, |n| n.get());
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    format!("{model}; CPUs online {online}; usable by this process {n}")
}

/// The load average over 1, 5 and 15 minutes.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
