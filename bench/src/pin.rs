//! Putting the suite's round-trip workloads on one CPU (`--pin CPU`, on by default at the
//! lowest CPU the benchmark may use; `--no-pin` turns it off).
//!
//! A statement's time on these workloads is mostly a hand-over between threads: sqlx's SQLite
//! worker thread and the task waiting for its row, or the client and the server process. On a
//! virtual machine, waking a thread whose CPU sits idle costs from a few to some fifty
//! microseconds, depending on what the host is doing; waking one on the same CPU is a plain
//! context switch. Every peer has its own worker thread or server process, and where the
//! scheduler happens to put each decides its speed: in one unpinned run raw sqlx's SQLite get
//! by pk took 10 µs and the ORM's 68 µs, the next run the other way round. With the
//! benchmark's threads and the local server's processes on one CPU, every peer pays the same
//! context switches and the ratios measure the clients again.
//!
//! Throughput workloads (fetch 10,000, bulk_update, group-by, full-text, bulk_create) run
//! unpinned: they keep client and server busy on both CPUs at once.
//!
//! Pinning changes the affinity of every thread of this process and of the local server
//! (every process named `postgres`, or `mariadbd`/`mysqld`), and puts the previous masks back
//! when the [`Pinned`] guard is dropped — including threads and processes started meanwhile,
//! which get their process's (or their server's) previous mask. Changing another user's
//! processes needs root or `CAP_SYS_NICE`; without it the server is left where it is and the
//! report says so. Linux only; elsewhere nothing is pinned.

use std::collections::HashMap;

/// What to pin: one CPU, the benchmark itself, and the server processes with these names.
#[derive(Debug, Clone)]
pub struct Pin {
    pub cpu: usize,
    pub servers: Vec<&'static str>,
}

/// The masks a [`Pin::apply`] replaced; put back on drop.
pub struct Pinned {
    #[cfg(target_os = "linux")]
    undo: linux::Undo,
    /// What could not be pinned, for the report.
    pub notes: Vec<String>,
}

/// The CPU pinning uses unless told otherwise: the lowest one this process may run on.
pub fn default_cpu() -> usize {
    #[cfg(target_os = "linux")]
    {
        linux::allowed_cpus().first().copied().unwrap_or(0)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Whether the server of `url` runs on this machine (so its processes can be pinned).
pub fn is_local(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    matches!(host, "" | "localhost" | "127.0.0.1" | "::1")
}

impl Pin {
    /// Moves every thread of this process and of the named servers to `self.cpu`.
    pub fn apply(&self) -> Pinned {
        #[cfg(target_os = "linux")]
        {
            let (undo, notes) = linux::pin(self.cpu, &self.servers);
            Pinned { undo, notes }
        }
        #[cfg(not(target_os = "linux"))]
        {
            Pinned {
                notes: vec!["pinning is implemented for Linux only; nothing was pinned".into()],
            }
        }
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        self.undo.restore();
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use super::HashMap;

    /// A CPU affinity mask.
    #[derive(Clone, Copy)]
    struct Mask(libc::cpu_set_t);

    impl Mask {
        fn only(cpu: usize) -> Mask {
            // SAFETY: cpu_set_t is a plain bit array; all zeroes is the empty set.
            let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
            // SAFETY: CPU_SET ignores (does not write past) a cpu beyond the set's size.
            unsafe { libc::CPU_SET(cpu, &mut set) };
            Mask(set)
        }

        /// The mask of thread `tid` (`None`: it has exited, or cannot be read).
        fn of(tid: i32) -> Option<Mask> {
            // SAFETY: as in `only`.
            let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
            // SAFETY: `set` is a valid cpu_set_t of the size passed.
            let rc = unsafe {
                libc::sched_getaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &mut set)
            };
            (rc == 0).then_some(Mask(set))
        }

        fn set(&self, tid: i32) -> std::io::Result<()> {
            // SAFETY: `self.0` is a valid cpu_set_t of the size passed.
            let rc = unsafe {
                libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &self.0)
            };
            if rc == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        }
    }

    /// The CPUs this process may run on, lowest first.
    pub fn allowed_cpus() -> Vec<usize> {
        let Some(mask) = Mask::of(0) else {
            return Vec::new();
        };
        (0..libc::CPU_SETSIZE as usize)
            // SAFETY: `cpu` is below the set's size.
            .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &mask.0) })
            .collect()
    }

    /// The threads of process `pid`.
    fn threads(pid: i32) -> Vec<i32> {
        std::fs::read_dir(format!("/proc/{pid}/task"))
            .map(|dir| {
                dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The processes whose command name is `name`.
    fn processes(name: &str) -> Vec<i32> {
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|comm| comm.trim_end() == name)
            })
            .collect()
    }

    /// The masks to put back: per thread, per process (for threads started while pinned) and
    /// per server name (for processes started while pinned).
    pub struct Undo {
        own: i32,
        servers: Vec<&'static str>,
        threads: HashMap<i32, Mask>,
        processes: HashMap<i32, Mask>,
        names: HashMap<&'static str, Mask>,
    }

    pub fn pin(cpu: usize, servers: &[&'static str]) -> (Undo, Vec<String>) {
        let own = std::process::id() as i32;
        let mut undo = Undo {
            own,
            servers: servers.to_vec(),
            threads: HashMap::new(),
            processes: HashMap::new(),
            names: HashMap::new(),
        };
        let mut notes = Vec::new();
        let target = Mask::only(cpu);
        let mut groups: Vec<(Option<&'static str>, Vec<i32>)> = vec![(None, vec![own])];
        groups.extend(servers.iter().map(|&name| (Some(name), processes(name))));
        for (name, pids) in groups {
            for pid in pids {
                let Some(before) = Mask::of(pid) else {
                    continue;
                };
                undo.processes.insert(pid, before);
                if let Some(name) = name {
                    undo.names.entry(name).or_insert(before);
                }
                for tid in threads(pid) {
                    let Some(mask) = Mask::of(tid) else {
                        continue;
                    };
                    match target.set(tid) {
                        Ok(()) => {
                            undo.threads.insert(tid, mask);
                        }
                        // Exited since it was listed.
                        Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
                        Err(e) => {
                            let who = name.unwrap_or("orm-bench");
                            let note = format!("{who} (pid {pid}) not pinned: {e}");
                            if !notes.contains(&note) {
                                notes.push(note);
                            }
                            break;
                        }
                    }
                }
            }
        }
        (undo, notes)
    }

    impl Undo {
        /// Puts every thread of this process and of the servers back on its mask from before.
        pub fn restore(&self) {
            let mut pids = vec![(None, self.own)];
            for &name in &self.servers {
                pids.extend(processes(name).into_iter().map(|pid| (Some(name), pid)));
            }
            for (name, pid) in pids {
                let fallback = self
                    .processes
                    .get(&pid)
                    .or_else(|| name.and_then(|n| self.names.get(n)));
                for tid in threads(pid) {
                    if let Some(mask) = self.threads.get(&tid).or(fallback) {
                        // A thread that exited meanwhile needs nothing.
                        let _ = mask.set(tid);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn local_hosts() {
        assert!(is_local("postgres://postgres@127.0.0.1:5432/postgres"));
        assert!(is_local("mysql://root@localhost/test"));
        assert!(is_local("postgres://u:p@[::1]:5432/db"));
        assert!(!is_local(
            "postgres://postgres@db.example.com:5432/postgres"
        ));
        assert!(!is_local("mysql://root@10.0.0.7:3306/test"));
    }
}
