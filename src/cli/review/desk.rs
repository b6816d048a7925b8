//! `candour review desk`: the desk on loopback, opened in the reviewer's browser.

use super::*;

pub(super) async fn desk(a: DeskArgs) -> anyhow::Result<ExitCode> {
    // Refused before the passphrase is asked for.
    if let Some(listen) = a.listen {
        check_loopback(listen)?;
    }
    let mut s = open(&a.common).await?;
    let report = s.sync().await?;
    finish(&report)?;
    let save_dir = match &a.save_dir {
        Some(d) => d.clone(),
        None => data_dir()?.join(format!("{}-attachments", s.reviewer_id())),
    };
    let options = DeskOptions {
        idle_timeout: Duration::from_secs(a.idle_minutes * 60),
        save_dir,
        today: a.common.today,
        initial_sync: Some(report),
    };
    let desk = match a.listen {
        Some(listen) => Desk::bind(listen, s, options).await?,
        None => {
            let (desk, shared) = Desk::bind_private(s, options).await?;
            if shared {
                eprintln!(
                    "candour: this system offers no loopback address but 127.0.0.1, so the desk shares it: any \
                     other local server would be sent the desk's cookie if this browser visited it. Close other \
                     local web tools while the desk is open."
                );
            }
            desk
        }
    };
    // A reviewer whose locale is Welsh is welcomed in Welsh (the desk's switch changes it).
    let url = match candour_l10n::Language::from_env() {
        candour_l10n::Language::Welsh => format!("{}?lang=cy", desk.login_url()),
        candour_l10n::Language::English => desk.login_url().to_owned(),
    };
    if a.common.json {
        println!("{}", serde_json::json!({"login_url": url, "listen": desk.local_addr().to_string()}));
    } else {
        println!("{url}");
    }
    std::io::stdout().flush()?;
    eprintln!(
        "candour: the desk is open at http://{}/ for the browser that opens the link above (once). Close it with \
         its \"Close desk\" button or Ctrl-C; it closes itself after {} idle minutes.",
        desk.local_addr(),
        a.idle_minutes
    );
    if !a.no_browser {
        open_browser(&url);
    }
    let stopped = desk.serve(candour_relay::shutdown_signal()).await?;
    let why = match stopped {
        Stopped::Closed => "closed from the browser",
        Stopped::Idle => "idle timeout",
        Stopped::Shutdown => "interrupted",
    };
    eprintln!("candour: desk closed ({why}).");
    Ok(ExitCode::SUCCESS)
}

/// Starts the system's browser on `url` without waiting for it.
pub(super) fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        // Reaped on a thread so the desk never waits on the browser.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("candour: could not start {opener} ({e}): open the link above in your browser."),
    }
}
