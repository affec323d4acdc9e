//! Sending one outbox mail over SMTP (lettre), and explaining a failure in terms of what to fix.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{SmtpSettings, redact_url};
use crate::store::outbox::OutboxMail;

/// How long one SMTP command may take before the attempt counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailerConfigError {
    #[error("MADOGUCHI_SMTP_URL is not set")]
    NoUrl,
    #[error("MADOGUCHI_SMTP_URL '{url}' cannot be used: {source}")]
    Url { url: String, source: lettre::transport::smtp::Error },
    #[error("MADOGUCHI_MAIL_FROM is not a mailbox: {0}")]
    From(#[from] lettre::address::AddressError),
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The stored recipient is not an address; trying again cannot help.
    #[error("the recipient address is not valid: {0}")]
    Recipient(lettre::address::AddressError),
    #[error("the message cannot be built: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl SendError {
    /// False when another attempt cannot succeed whatever the server does.
    pub fn is_retryable(&self) -> bool {
        matches!(self, SendError::Smtp(_))
    }

    /// The likely fix, for the log (after lldap's mail.rs).
    pub fn hint(&self) -> &'static str {
        let SendError::Smtp(e) = self else {
            return "the outbox row is wrong; the mail is given up";
        };
        if e.is_timeout() {
            return "the mail server did not answer in time: check the host and port in MADOGUCHI_SMTP_URL and any firewall";
        }
        if e.is_tls() {
            return "TLS failed: check smtp:// (with ?tls=required for STARTTLS) or smtps:// in MADOGUCHI_SMTP_URL, and the server's certificate";
        }
        if let Some(io) = io_error(e) {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    "the connection was refused: check the host and port in MADOGUCHI_SMTP_URL and that the mail server is running"
                }
                std::io::ErrorKind::NotFound | std::io::ErrorKind::AddrNotAvailable => {
                    "the mail server's name does not resolve: check the host in MADOGUCHI_SMTP_URL"
                }
                _ => "the connection to the mail server failed: check the host and port in MADOGUCHI_SMTP_URL",
            };
        }
        match e.status().map(|c| c.to_string()) {
            Some(code) if matches!(code.as_str(), "530" | "534" | "535" | "538" | "454") => {
                "the server refused the login: check the user name and password in MADOGUCHI_SMTP_URL"
            }
            Some(code) if matches!(code.as_str(), "550" | "551" | "553" | "554") => {
                "the server refused the sender or the recipient: check that MADOGUCHI_MAIL_FROM may send through this server"
            }
            Some(_) if e.is_transient() => "the server refused for now; the mail is tried again later",
            Some(_) => "the server refused the mail: see its reply",
            None if e.to_string().contains("authentication") => {
                "no login method fits: the server may want TLS first (smtps:// or ?tls=required) or no credentials at all"
            }
            None => "check MADOGUCHI_SMTP_URL and the mail server's log",
        }
    }
}

fn io_error(e: &lettre::transport::smtp::Error) -> Option<&std::io::Error> {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = err.source();
    }
    None
}

impl Mailer {
    pub fn from_settings(smtp: &SmtpSettings) -> Result<Mailer, MailerConfigError> {
        let url = smtp.url.as_deref().ok_or(MailerConfigError::NoUrl)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|source| MailerConfigError::Url { url: redact_url(url), source })?
            .timeout(Some(COMMAND_TIMEOUT))
            // One connection per mail, never reused: a send cut short (a worker stopping, a deadline) must not
            // leave a connection in the middle of DATA for the next mail to continue.
            .pool_config(PoolConfig::new().max_size(0))
            .build();
        Ok(Mailer { transport, from: smtp.from.parse()? })
    }

    /// The message as it goes out: `Message-ID` `<outbox-id@madoguchi>` (the same on every attempt, so a
    /// receiver can recognise a repeat), UTF-8 subject, text and HTML as multipart/alternative; a mail with a
    /// file is multipart/mixed: that alternative part, then the file as an attachment.
    pub fn build_message(&self, mail: &OutboxMail) -> Result<Message, SendError> {
        let to: Mailbox = mail.recipient.parse().map_err(SendError::Recipient)?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(message_id(&mail.id)));
        let text = MultiPart::alternative()
            .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.body_text.clone()))
            .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(mail.body_html.clone()));
        let message = match mail.attachment() {
            None => builder.multipart(text)?,
            Some(file) => {
                // A stored type that does not parse is a programming error; the file still goes, as plain text.
                let content_type = ContentType::parse(&file.content_type).unwrap_or(ContentType::TEXT_PLAIN);
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(text)
                        .singlepart(Attachment::new(file.file_name).body(file.body, content_type)),
                )?
            }
        };
        Ok(message)
    }

    pub async fn send(&self, mail: &OutboxMail) -> Result<(), SendError> {
        let message = self.build_message(mail)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// The `Message-ID` of an outbox mail.
pub fn message_id(outbox_id: &str) -> String {
    format!("<{outbox_id}@madoguchi>")
}
