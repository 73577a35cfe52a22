//! Where e-mail goes: an SMTP server (lettre, STARTTLS/TLS with rustls), or — when no
//! SMTP server is configured, as in `tandem up` — `.eml` files in a folder, so a newcomer
//! can open what the staff would receive.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use tandem_mesh::outbox::Failure;

use crate::store::outbox::Outgoing;

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Where the dispatcher delivers.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder of `.eml` files.
    Directory(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::Directory(dir) => write!(f, "Transport::Directory({})", dir.display()),
        }
    }
}

impl Transport {
    /// An SMTP transport from a URL: `smtp://host:25` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS), `smtps://user:pass@host:465` (TLS).
    pub fn smtp(url: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("invalid SMTP URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self::Smtp(transport))
    }

    /// Delivers `m`; Ok only when the SMTP server accepted it (or the file is written). A
    /// refusal for good (5xx, a bad address) is a permanent failure; a 4xx answer or a
    /// connection error is worth retrying.
    pub async fn send(&self, m: &Outgoing) -> Result<(), Failure> {
        let email = build(m)?;
        match self {
            Self::Smtp(smtp) => match smtp.send(email).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(Failure::permanent(e.to_string())),
                Err(e) => Err(Failure::retry(e.to_string())),
            },
            Self::Directory(dir) => {
                let path = dir.join(file_name(&m.message_id));
                let bytes = email.formatted();
                let dir = dir.clone();
                let written = path.clone();
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    std::fs::create_dir_all(&dir)?;
                    let partial = written.with_extension("eml.partial");
                    std::fs::write(&partial, bytes)?;
                    std::fs::rename(&partial, &written)
                })
                .await
                .map_err(|e| Failure::retry(e.to_string()))?
                .map_err(|e| Failure::retry(format!("{}: {e}", path.display())))?;
                // Recipients and subject stay in the file: personal data is not logged.
                tracing::info!(
                    file = %path.display(),
                    "e-mail written (no SMTP server configured)"
                );
                Ok(())
            }
        }
    }
}

/// A safe file name for a Message-ID.
fn file_name(message_id: &str) -> String {
    let stem: String = message_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{stem}.eml")
}

/// The MIME message of a queued e-mail: its stored Message-ID and date, plain text and
/// HTML alternatives.
pub fn build(m: &Outgoing) -> Result<Message, Failure> {
    let mailbox = |raw: &str| {
        raw.trim()
            .parse::<Mailbox>()
            .map_err(|e| Failure::permanent(format!("bad address {raw:?}: {e}")))
    };
    let date = m
        .queued_at()
        .ok_or_else(|| Failure::permanent(format!("bad date {:?}", m.date)))?;
    let mut builder = Message::builder()
        .message_id(Some(format!("<{}>", m.message_id)))
        .date(std::time::SystemTime::from(date))
        .from(mailbox(&m.from)?)
        .subject(m.subject.clone());
    for to in m.to.iter().filter(|s| !s.trim().is_empty()) {
        builder = builder.to(mailbox(to)?);
    }
    for cc in m.cc.iter().filter(|s| !s.trim().is_empty()) {
        builder = builder.cc(mailbox(cc)?);
    }
    // Quoted-printable keeps the .eml files and raw messages readable.
    let qp = |text: &str| {
        Body::new_with_encoding(text.to_owned(), ContentTransferEncoding::QuotedPrintable)
            .map_err(|_| Failure::permanent("cannot encode the body"))
    };
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(qp(&m.text)?),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(qp(&m.html)?),
                ),
        )
        .map_err(|e| Failure::permanent(format!("cannot build the message: {e}")))
}
