//! Seals or opens one file as a Candour envelope, streaming, for benchmarks against the
//! reference `age` CLI (see `benches/compare_age_cli.sh`). Prints seconds taken and peak RSS.
//!
//! ```text
//! seal_file seal STANZAS RECIPIENTS_FILE IN OUT
//! seal_file open IDENTITY_FILE IN
//! ```

use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::time::Instant;

use candour_core::envelope::{self, AttachmentMeta, AttachmentSource, DiscardAttachments};
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let started = Instant::now();
    match args.get(1).map(String::as_str) {
        Some("seal") if args.len() == 6 => {
            let stanzas: usize = args[2].parse()?;
            let recipients = std::fs::read_to_string(&args[3])?
                .lines()
                .filter(|l| l.starts_with("age1"))
                .map(|l| l.parse::<age::x25519::Recipient>().map_err(|e| e.to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            let input = File::open(&args[4])?;
            let len = input.metadata()?.len();
            let mut reader = BufReader::with_capacity(1 << 16, input);
            let out = BufWriter::with_capacity(1 << 16, File::create(&args[5])?);
            let mut out = envelope::seal(
                envelope::EnvelopeKind::Report,
                &recipients,
                stanzas,
                b"{}",
                vec![AttachmentSource {
                    meta: AttachmentMeta { name: "bench.bin".into(), media_type: "application/octet-stream".into() },
                    len,
                    reader: &mut reader,
                }],
                &SigningKey::generate(&mut OsRng),
                out,
            )?;
            out.flush()?;
        }
        Some("open") if args.len() == 4 => {
            let identity: age::x25519::Identity = std::fs::read_to_string(&args[2])?
                .lines()
                .find(|l| l.starts_with("AGE-SECRET-KEY-"))
                .ok_or("no identity in file")?
                .parse()
                .map_err(|e: &str| e.to_owned())?;
            let input = BufReader::with_capacity(1 << 16, File::open(&args[3])?);
            envelope::open(&identity, input, &mut DiscardAttachments)?;
        }
        _ => {
            return Err("usage: seal_file seal STANZAS RECIPIENTS_FILE IN OUT | seal_file open IDENTITY_FILE IN".into())
        }
    }
    let peak_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned())
        })
        .unwrap_or_else(|| "?".into());
    println!("seconds {:.3} peak_rss_kib {peak_kib}", started.elapsed().as_secs_f64());
    Ok(())
}
