//! Options every reporter command shares: where the relay is, how to reach it, what to trust.

use anyhow::Context as _;
use candour_client::RelayClient;
use candour_core::directory::{TrustPolicy, VerifiedDirectory};
use candour_core::keys::RootPublicKey;
use candour_l10n::{Language, Messages};

/// The lowest directory version this build accepts unless told otherwise.
pub const MIN_DIRECTORY_VERSION: u64 = match option_env!("CANDOUR_MIN_DIRECTORY_VERSION") {
    Some(v) => candour_core::directory::parse_build_number(v),
    None => 1,
};

/// Relay, transport and trust options.
#[derive(Debug, Clone, clap::Args)]
pub struct NetArgs {
    /// The relay's address, as your force publishes it (an https:// or .onion address). The
    /// default is the example relay on this machine.
    #[arg(long, env = "CANDOUR_RELAY", value_name = "URL", default_value = "http://127.0.0.1:8080")]
    pub relay: String,
    /// Send everything through this proxy, e.g. Tor at socks5h://127.0.0.1:9050 (the `h` makes
    /// DNS go through Tor too).
    #[arg(long, env = "CANDOUR_PROXY", value_name = "URL")]
    pub proxy: Option<String>,
    /// The organisation's root public key (candour-root-...), or a file holding it, as
    /// published on posters and the intranet. For the example organisation:
    /// keys-example/root.pub. Repeat for several roots.
    #[arg(long = "root", env = "CANDOUR_ROOT", value_name = "PUB", required = true, value_delimiter = ',')]
    pub roots: Vec<String>,
    /// How many distinct pinned roots must have signed the directory.
    #[arg(long, default_value_t = 1)]
    pub threshold: usize,
    /// Refuse directory versions below this one. The default is compiled in
    /// (`CANDOUR_MIN_DIRECTORY_VERSION` when the binary is built, else 1): a reporter's CLI keeps
    /// nothing on the device, so this is what stops a relay serving an older directory.
    #[arg(long, default_value_t = MIN_DIRECTORY_VERSION)]
    pub min_version: u64,
}

impl NetArgs {
    /// A client for the relay; a refusal is worded in `messages`' language.
    pub fn client(&self, messages: Messages) -> anyhow::Result<RelayClient> {
        RelayClient::new(&self.relay, self.proxy.as_deref()).map_err(|e| match e {
            candour_client::ClientError::OnionWithoutTor(_) => {
                anyhow::anyhow!("{}", messages.format("report-onion-needs-tor", &[("error", e.to_string().into())]))
            }
            other => other.into(),
        })
    }

    /// Fetches and verifies the directory; refuses to go on if it fails.
    pub async fn directory(&self, client: &RelayClient) -> anyhow::Result<VerifiedDirectory> {
        self.directory_in(client, Messages::new(Language::English)).await
    }

    /// [`Self::directory`], a root that cannot be read said in `messages`' language.
    pub async fn directory_in(&self, client: &RelayClient, messages: Messages) -> anyhow::Result<VerifiedDirectory> {
        let roots = self.roots.iter().map(|r| parse_root_in(r, messages)).collect::<anyhow::Result<Vec<_>>>()?;
        let policy = TrustPolicy {
            roots,
            threshold: self.threshold,
            min_version: self.min_version,
            today: candour_client::clock::today(),
        };
        Ok(client.directory(&policy).await?)
    }
}

/// A root key given inline or as a file holding it.
pub fn parse_root(arg: &str) -> anyhow::Result<RootPublicKey> {
    parse_root_in(arg, Messages::new(Language::English))
}

/// [`parse_root`], what is wrong said in `messages`' language.
fn parse_root_in(arg: &str, messages: Messages) -> anyhow::Result<RootPublicKey> {
    if let Ok(key) = arg.parse() {
        return Ok(key);
    }
    let text = std::fs::read_to_string(arg)
        .with_context(|| messages.format("report-root-unreadable", &[("root", arg.into())]))?;
    text.parse().with_context(|| messages.format("report-root-invalid", &[("root", arg.into())]))
}

/// A runtime for the network commands.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}
