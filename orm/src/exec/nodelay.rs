//! Turns Nagle's algorithm off on the TCP socket of each new PostgreSQL and MySQL connection.
//!
//! sqlx 0.9.0 no longer sets `TCP_NODELAY` (sqlx issue #4335; the fix, PR #4336, is merged but
//! not released) and gives no access to its socket. With Nagle on, a small write that follows
//! another write the server has not acknowledged yet waits for the server's delayed ACK, about
//! 40 ms on Linux. COPY meets that on every call: its closing `CopyDone` follows the data.
//!
//! The socket is found from outside: the server says which client port it sees
//! (`inet_client_port()`, or the processlist's `host` on MySQL) and which port it listens on; the
//! one open descriptor whose local and peer ports are those two is this connection's socket.
//! Behind a proxy or NAT the ports seen differ, nothing matches, and nothing is changed. Every
//! step is best effort: a failure leaves the connection as sqlx made it, never fails the connect.
//!
//! Remove this module once the ORM depends on a sqlx release that sets `TCP_NODELAY` itself.

/// The ports the server sees for a connection: the client's (our local port) and its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SeenPorts {
    pub(super) client: u16,
    pub(super) server: u16,
}

impl SeenPorts {
    /// From the two ports a server reported, if both are real TCP ports.
    pub(super) fn new(client: Option<i64>, server: Option<i64>) -> Option<Self> {
        Some(SeenPorts {
            client: u16::try_from(client?).ok().filter(|&p| p != 0)?,
            server: u16::try_from(server?).ok().filter(|&p| p != 0)?,
        })
    }

    /// From MySQL's processlist `host` column (`127.0.0.1:54321`, `[::1]:54321`, or `localhost`
    /// over a Unix socket) and `@@port`.
    pub(super) fn from_mysql_host(host: &str, server: Option<i64>) -> Option<Self> {
        let (_, port) = host.rsplit_once(':')?;
        SeenPorts::new(port.parse().ok(), server)
    }
}

/// Sets `TCP_NODELAY` on the open TCP socket whose local port is `ports.client` and whose peer
/// port is `ports.server`. Returns whether one was found and changed.
#[cfg(unix)]
pub(super) fn set_nodelay(ports: SeenPorts) -> bool {
    use std::mem::ManuallyDrop;
    use std::net::TcpStream;
    use std::os::fd::{FromRawFd, RawFd};

    let Ok(entries) = std::fs::read_dir("/proc/self/fd").or_else(|_| std::fs::read_dir("/dev/fd"))
    else {
        return false;
    };
    for entry in entries.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<RawFd>().ok())
        else {
            continue;
        };
        // SAFETY: the stream is never dropped, so the descriptor is never closed here, and it
        // is only asked for its addresses and given an option. If another thread closes `fd`
        // meanwhile, those calls fail (EBADF) or reach whatever now has the number; that can
        // only be changed if both its ports match, which no other live socket's do.
        let stream = ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd) });
        let matches = stream
            .local_addr()
            .is_ok_and(|local| local.port() == ports.client)
            && stream
                .peer_addr()
                .is_ok_and(|peer| peer.port() == ports.server);
        if matches {
            return stream.set_nodelay(true).is_ok();
        }
    }
    false
}

/// Elsewhere the descriptors cannot be listed; Nagle stays on.
#[cfg(not(unix))]
pub(super) fn set_nodelay(_ports: SeenPorts) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_come_from_the_server_s_answers() {
        assert_eq!(
            SeenPorts::new(Some(54321), Some(5432)),
            Some(SeenPorts {
                client: 54321,
                server: 5432
            })
        );
        assert_eq!(SeenPorts::new(None, Some(5432)), None);
        assert_eq!(SeenPorts::new(Some(70000), Some(5432)), None);
        assert_eq!(SeenPorts::new(Some(-1), Some(5432)), None);
        assert_eq!(
            SeenPorts::from_mysql_host("127.0.0.1:40000", Some(3306)).map(|p| p.client),
            Some(40000)
        );
        assert_eq!(
            SeenPorts::from_mysql_host("[::1]:40001", Some(3306)).map(|p| p.client),
            Some(40001)
        );
        assert_eq!(SeenPorts::from_mysql_host("localhost", Some(3306)), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_socket_with_both_ports_gets_nodelay() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (_server_side, _) = listener.accept().unwrap();
        assert!(!client.nodelay().unwrap());
        let ports = SeenPorts {
            client: client.local_addr().unwrap().port(),
            server: listener.local_addr().unwrap().port(),
        };
        assert!(set_nodelay(ports));
        assert!(client.nodelay().unwrap());
        assert!(!set_nodelay(SeenPorts {
            client: ports.client,
            server: ports.server.wrapping_add(1).max(1),
        }));
    }
}
