//! A stand-in for a Kubernetes Service in front of several replicas: a TCP proxy that
//! sends each new connection to the next backend in turn (as kube-proxy balances
//! connections, not calls).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::{TcpListener, TcpStream};

/// A running round-robin proxy; stops when dropped.
#[derive(Debug)]
pub struct RoundRobin {
    /// Where clients connect.
    pub addr: SocketAddr,
    /// The accept loop.
    task: tokio::task::JoinHandle<()>,
}

impl RoundRobin {
    /// Listens on a fresh loopback port and forwards each connection to the next of
    /// `backends`.
    pub async fn start(backends: Vec<SocketAddr>) -> std::io::Result<Self> {
        assert!(!backends.is_empty(), "a proxy needs a backend");
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let next = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let backend = backends[next.fetch_add(1, Ordering::Relaxed) % backends.len()];
                tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(backend).await {
                        server.set_nodelay(true).ok();
                        client.set_nodelay(true).ok();
                        tokio::io::copy_bidirectional(&mut client, &mut server)
                            .await
                            .ok();
                    }
                });
            }
        });
        Ok(Self { addr, task })
    }
}

impl Drop for RoundRobin {
    fn drop(&mut self) {
        self.task.abort();
    }
}
