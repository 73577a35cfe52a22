//! In-process connections: a client calling a server that runs in the same process gets an
//! in-memory byte stream instead of a TCP connection over loopback. Everything above the
//! byte stream is unchanged — mutual TLS, HTTP/2, gRPC framing, the partner's identity and
//! the server's whole tower stack — only the kernel's loopback and its wake-ups are
//! skipped. A server that is not (or no longer) in this process is reached over TCP.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex};
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tonic::transport::server::{Connected, TcpConnectInfo};

/// Bytes buffered each way of an in-memory connection before its writer waits.
const BUFFER: usize = 256 * 1024;
/// In-memory connections a server has not accepted yet; beyond it clients use TCP.
const BACKLOG: usize = 128;

/// The servers of this process by the address clients name them with.
static SERVERS: LazyLock<Mutex<HashMap<SocketAddr, Registered>>> = LazyLock::new(Mutex::default);
/// Tells registrations of one address apart (a server restarted on the same port).
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

struct Registered {
    id: u64,
    connections: mpsc::Sender<DuplexStream>,
    /// In-memory connections handed to the server so far.
    opened: u64,
}

/// The address clients name a server bound to `addr` with: any loopback or unspecified
/// address is the IPv4 loopback on the same port.
fn key(addr: SocketAddr) -> SocketAddr {
    let ip = addr.ip();
    if ip.is_loopback() || ip.is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    }
}

fn servers() -> std::sync::MutexGuard<'static, HashMap<SocketAddr, Registered>> {
    SERVERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A server's in-memory listener: clients of this process that call its address connect
/// here until it is dropped.
pub struct Listener {
    addr: SocketAddr,
    id: u64,
    connections: mpsc::Receiver<DuplexStream>,
}

impl Listener {
    /// Listens in memory for calls to `addr` (the server's bound TCP address).
    pub fn bind(addr: SocketAddr) -> Self {
        let (tx, rx) = mpsc::channel(BACKLOG);
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let addr = key(addr);
        servers().insert(
            addr,
            Registered {
                id,
                connections: tx,
                opened: 0,
            },
        );
        Self {
            addr,
            id,
            connections: rx,
        }
    }

    /// The next in-memory connection.
    pub async fn accept(&mut self) -> Option<DuplexStream> {
        self.connections.recv().await
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let mut servers = servers();
        if servers.get(&self.addr).is_some_and(|r| r.id == self.id) {
            servers.remove(&self.addr);
        }
    }
}

/// An in-memory connection to the server of this process at `addr`, if one listens there
/// and has room for it.
pub fn connect(addr: SocketAddr) -> Option<DuplexStream> {
    let mut servers = servers();
    let registered = servers.get_mut(&key(addr))?;
    let (client, server) = tokio::io::duplex(BUFFER);
    registered.connections.try_send(server).ok()?;
    registered.opened += 1;
    Some(client)
}

/// How many in-memory connections the server of this process at `addr` was handed since
/// it started listening (none when no server of this process listens there).
pub fn connections_to(addr: SocketAddr) -> u64 {
    servers().get(&key(addr)).map_or(0, |r| r.opened)
}

/// A connection: TCP, or in memory within this process.
#[derive(Debug)]
pub enum Io {
    /// Over TCP.
    Tcp(TcpStream),
    /// In memory, to or from a server or client of this process.
    Local(DuplexStream),
}

impl Io {
    /// The peer's address (none in memory).
    pub fn remote(&self) -> Option<SocketAddr> {
        match self {
            Self::Tcp(tcp) => tcp.peer_addr().ok(),
            Self::Local(_) => None,
        }
    }
}

impl Connected for Io {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        match self {
            Self::Tcp(tcp) => tcp.connect_info(),
            Self::Local(_) => TcpConnectInfo {
                local_addr: None,
                remote_addr: None,
            },
        }
    }
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Self::Local(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Self::Local(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_flush(cx),
            Self::Local(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Self::Local(s) => Pin::new(s).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Self::Local(s) => Pin::new(s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Tcp(s) => s.is_write_vectored(),
            Self::Local(s) => s.is_write_vectored(),
        }
    }
}

/// Opens a client's connection to `addr`: in memory when a server of this process
/// listens there, else over TCP (without Nagle's delay).
pub fn connector(
    addr: SocketAddr,
) -> impl tower::Service<
    http::Uri,
    Response = TokioIo<Io>,
    Error = std::io::Error,
    Future = BoxFuture<'static, std::io::Result<TokioIo<Io>>>,
> + Clone
+ Send
+ 'static {
    tower::service_fn(
        move |_: http::Uri| -> BoxFuture<'static, std::io::Result<TokioIo<Io>>> {
            Box::pin(async move {
                if let Some(stream) = connect(addr) {
                    return Ok(TokioIo::new(Io::Local(stream)));
                }
                let tcp = TcpStream::connect(addr).await?;
                tcp.set_nodelay(true)?;
                Ok(TokioIo::new(Io::Tcp(tcp)))
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[tokio::test]
    async fn a_client_reaches_the_listener_of_its_address_until_it_is_dropped() {
        let addr: SocketAddr = "0.0.0.0:41999".parse().unwrap();
        let mut listener = Listener::bind(addr);
        let mut client = connect("127.0.0.1:41999".parse().unwrap()).expect("registered");
        let mut server = listener.accept().await.unwrap();
        client.write_all(b"ping").await.unwrap();
        let mut got = [0; 4];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        assert_eq!(connections_to(addr), 1);
        assert!(connect("127.0.0.1:41998".parse().unwrap()).is_none());
        drop(listener);
        assert!(connect("127.0.0.1:41999".parse().unwrap()).is_none());
    }

    #[tokio::test]
    async fn a_restarted_server_keeps_its_registration_when_the_old_one_goes() {
        let addr: SocketAddr = "127.0.0.1:41997".parse().unwrap();
        let old = Listener::bind(addr);
        let mut new = Listener::bind(addr);
        drop(old);
        let _client = connect(addr).expect("the new registration stays");
        assert!(new.accept().await.is_some());
    }
}
