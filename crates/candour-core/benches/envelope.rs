//! Seal and open throughput against the `age` crate used directly, in the same run.
//!
//! `cargo bench -p candour-core` prints, per size, the time for: candour seal (12 stanzas,
//! padding, framing, signature), plain `age` encryption of the same bytes to the same 12
//! recipients, candour open, and plain `age` decryption. The ratio that matters is
//! age-time / candour-time (goal >= 0.9); criterion reports both as throughput.
//! `CANDOUR_BENCH_LARGE=0` skips the 256 MiB case.

use std::io::{self, Write};

use candour_core::envelope::{self, AttachmentMeta, AttachmentSource, DiscardAttachments};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;

fn sizes() -> Vec<usize> {
    let mut v = vec![1 << 20];
    if std::env::var("CANDOUR_BENCH_LARGE").as_deref() != Ok("0") {
        v.push(256 << 20);
    }
    v
}

fn bench(c: &mut Criterion) {
    let identities: Vec<age::x25519::Identity> = (0..12).map(|_| age::x25519::Identity::generate()).collect();
    let recipients: Vec<age::x25519::Recipient> = identities.iter().map(|i| i.to_public()).collect();
    let signer = SigningKey::generate(&mut OsRng);
    let mut group = c.benchmark_group("envelope");
    group.sample_size(10);
    for size in sizes() {
        let data: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        group.throughput(Throughput::Bytes(size as u64));
        let seal = |out: Vec<u8>| {
            let mut r = &data[..];
            envelope::seal(
                envelope::EnvelopeKind::Report,
                &recipients,
                12,
                b"{}",
                vec![AttachmentSource {
                    meta: AttachmentMeta { name: "a".into(), media_type: "application/octet-stream".into() },
                    len: size as u64,
                    reader: &mut r,
                }],
                &signer,
                out,
            )
            .expect("seal")
        };
        let age_encrypt = |out: Vec<u8>| {
            let enc =
                age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).expect("enc");
            let mut w = enc.wrap_output(out).expect("wrap");
            w.write_all(&data).expect("write");
            w.finish().expect("finish")
        };
        let capacity = size + size / 8 + 64 * 1024;
        group.bench_with_input(BenchmarkId::new("candour-seal", size), &size, |b, _| {
            b.iter(|| seal(Vec::with_capacity(capacity)))
        });
        group.bench_with_input(BenchmarkId::new("age-encrypt", size), &size, |b, _| {
            b.iter(|| age_encrypt(Vec::with_capacity(capacity)))
        });
        let sealed = seal(Vec::new());
        let plain_age = age_encrypt(Vec::new());
        group.bench_with_input(BenchmarkId::new("candour-open", size), &size, |b, _| {
            b.iter(|| envelope::open(&identities[11], &sealed[..], &mut DiscardAttachments).expect("open"))
        });
        group.bench_with_input(BenchmarkId::new("age-decrypt", size), &size, |b, _| {
            b.iter(|| {
                let mut r = age::Decryptor::new(&plain_age[..])
                    .expect("dec")
                    .decrypt(std::iter::once(&identities[11] as &dyn age::Identity))
                    .expect("decrypt");
                io::copy(&mut r, &mut io::sink()).expect("read")
            })
        });
    }
    group.finish();
    let _ = io::stdout().flush();
}

criterion_group!(benches, bench);
criterion_main!(benches);
