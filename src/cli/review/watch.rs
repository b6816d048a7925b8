//! `candour review watch`: sync every few minutes and raise content-free alerts
//! (`candour_review::alerts`) on the desktop and by email through the reviewer's own SMTP
//! server. What is sent is a count and plain words, never a case's content.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context as _};
use candour_review::alerts::{alert_body, Alert, Watch, ALERT_TITLE};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::*;

/// `watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    #[command(flatten)]
    common: Common,
    /// Minutes between syncs.
    #[arg(long, value_name = "MINUTES", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=1440))]
    every: u64,
    /// Sync once, raise what there is, and stop (for scripts and a first try).
    #[arg(long)]
    once: bool,
    /// Show alerts as desktop notifications (notify-send).
    #[arg(long)]
    desktop: bool,
    /// Email alerts to this address (through --smtp).
    #[arg(long, value_name = "ADDRESS", requires = "smtp")]
    email_to: Option<String>,
    /// The sender address of alert emails.
    #[arg(long, value_name = "ADDRESS", default_value = "candour@localhost")]
    email_from: String,
    /// Your own SMTP server, as host:port.
    #[arg(long, value_name = "HOST:PORT", requires = "email_to")]
    smtp: Option<String>,
    /// How to secure the SMTP connection: starttls, tls, or none (only to a loopback server).
    #[arg(long, value_name = "MODE", default_value = "starttls", value_parser = ["starttls", "tls", "none"])]
    smtp_security: String,
    /// SMTP user name; the password is read from the file CANDOUR_SMTP_PASSWORD_FILE names.
    #[arg(long, value_name = "USER")]
    smtp_user: Option<String>,
}

/// Where alerts go.
struct Delivery {
    desktop: bool,
    mail: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox, Mailbox)>,
}

impl Delivery {
    fn from_args(a: &WatchArgs) -> anyhow::Result<Delivery> {
        let mail = match (&a.email_to, &a.smtp) {
            (Some(to), Some(server)) => {
                let (host, port) = server.rsplit_once(':').context("--smtp is host:port")?;
                let port: u16 = port.parse().context("--smtp's port is a number")?;
                let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                let mut builder = match a.smtp_security.as_str() {
                    "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
                    "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
                    // Unencrypted mail leaves this machine only if it never leaves this machine.
                    _ if loopback => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    _ => bail!("--smtp-security none is allowed only for a server on this machine (127.0.0.1)"),
                }
                .port(port)
                .timeout(Some(Duration::from_secs(60)));
                if let Some(user) = &a.smtp_user {
                    let file = std::env::var_os("CANDOUR_SMTP_PASSWORD_FILE")
                        .context("--smtp-user needs CANDOUR_SMTP_PASSWORD_FILE naming a file with the password")?;
                    let password = std::fs::read_to_string(&file).context("reading the SMTP password file")?;
                    builder = builder.credentials(Credentials::new(user.clone(), password.trim_end().to_owned()));
                }
                let to: Mailbox = to.parse().with_context(|| format!("{to:?} is not an email address"))?;
                let from: Mailbox =
                    a.email_from.parse().with_context(|| format!("{:?} is not an email address", a.email_from))?;
                Some((builder.build(), from, to))
            }
            _ => None,
        };
        if !a.desktop && mail.is_none() {
            bail!("say where alerts go: --desktop, or --email-to with --smtp");
        }
        Ok(Delivery { desktop: a.desktop, mail })
    }

    /// Raises `alerts`; a failed delivery is said and does not stop the watch.
    async fn raise(&self, alerts: &[Alert]) {
        if alerts.is_empty() {
            return;
        }
        let body = alert_body(alerts);
        eprint!("{body}");
        if self.desktop {
            let shown =
                std::process::Command::new("notify-send").args(["--app-name=Candour", ALERT_TITLE, &body]).status();
            if !shown.is_ok_and(|s| s.success()) {
                eprintln!("candour: no desktop notification could be shown (is notify-send installed?)");
            }
        }
        if let Some((transport, from, to)) = &self.mail {
            let message = Message::builder().from(from.clone()).to(to.clone()).subject(ALERT_TITLE).body(body);
            match message {
                Ok(m) => {
                    if let Err(e) = transport.send(m).await {
                        eprintln!("candour: the alert email was not sent: {e}");
                    }
                }
                Err(e) => eprintln!("candour: the alert email could not be written: {e}"),
            }
        }
    }
}

/// Syncs every `--every` minutes (or once) and raises the alerts each sync calls for.
pub(super) async fn watch(a: WatchArgs) -> anyhow::Result<ExitCode> {
    let delivery = Delivery::from_args(&a)?;
    let mut s = open(&a.common).await?;
    let mut watch = Watch::new();
    loop {
        match s.sync().await {
            Ok(report) => {
                let today = day(&a.common);
                let cases: Vec<_> = s.cases().collect();
                let alerts = watch.after_sync(&report, s.directory(), &cases, today);
                delivery.raise(&alerts).await;
                let code = finish(&report)?;
                if a.once {
                    return Ok(code);
                }
            }
            // A watch outlives a relay that is down for a moment; a single sync says so.
            Err(e) if !a.once => eprintln!("candour: sync failed, trying again in {} minutes: {e}", a.every),
            Err(e) => return Err(e.into()),
        }
        tokio::time::sleep(Duration::from_secs(a.every * 60)).await;
    }
}
