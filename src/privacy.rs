//! `--pseudonymize KEY`: stable keyed pseudonyms for people and raters, so
//! results can be shared without the names and ids behind them (README,
//! "Sharing results: pseudonyms").
//!
//! A person id becomes `P-` and a rater id `R-` followed by the first
//! `HEX_DIGITS` hex digits of HMAC-SHA-256(key, domain ‖ 0x00 ‖ id), the
//! domain being `person` or `rater`: the same key gives the same pseudonym in
//! every run and every file, another key an unrelated one, and an employee who
//! is both rated and a rater cannot be linked across the two roles. A given
//! name becomes its person's pseudonym. Free-text comments may name anyone,
//! so they are dropped.
//!
//! It is applied once, when the evaluations have been read (`ingest`), so
//! every later stage and every output sees only pseudonyms. Messages about
//! invalid rows and the rejects file still quote the input as written: they
//! are for whoever fixes the input, who has it anyway.
//!
//! Collisions: with 48 bits, n ids collide with probability about
//! n² / 2⁴⁹ — 1 in 5.6 million for 10,000 ids, 1 in 56,000 for 100,000. A
//! collision within one run is detected and stops the run (exit 2): another
//! key resolves it. Lengthening the pseudonym instead would change it between
//! runs, which is what sharing must not do.

use crate::error::{KsaError, Result};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::io::Read;

/// Hex digits of the HMAC kept: 48 bits.
pub const HEX_DIGITS: usize = 12;

/// The shortest key accepted, in bytes: ids such as `RM001` are easy to
/// guess, so the key is all that keeps a pseudonym from being reversed by
/// trying them; a short key could be guessed as well.
pub const MIN_KEY_BYTES: usize = 16;

/// The longest key accepted, in bytes: 4 KiB, far more than a key needs
/// (HMAC-SHA-256 first hashes a key longer than its 64-byte block). A key
/// file is read only this far, so `file:/dev/zero`, a device or a large file
/// named by mistake is refused at once instead of being read into memory
/// without end. README "Limits", docs/hardening.md.
pub const MAX_KEY_BYTES: usize = 4096;

/// The environment variable the README suggests for the key
/// (`--pseudonymize env:KSA_PSEUDONYM_KEY`).
pub const KEY_ENV: &str = "KSA_PSEUDONYM_KEY";

/// A checked key, ready to hash with. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct PseudonymKey {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(<hidden>)")
    }
}

impl PseudonymKey {
    /// The value of `--pseudonymize`, as openssl reads a pass phrase:
    /// `env:NAME` (the variable's value), `file:PATH` (the file's contents
    /// without one final line break), `pass:KEY` or just `KEY` (the key
    /// itself, which then stays in the shell's history). Messages never
    /// quote the key.
    pub fn from_flag(value: &str) -> Result<PseudonymKey> {
        let (source, key): (String, Vec<u8>) = if let Some(name) = value.strip_prefix("env:") {
            let v = std::env::var_os(name).ok_or_else(|| {
                KsaError::invalid(format!(
                    "--pseudonymize env:{name}: the environment variable {name} is not set"
                ))
            })?;
            (format!("env:{name}"), v.into_encoded_bytes())
        } else if let Some(path) = value.strip_prefix("file:") {
            // Two bytes past the limit for the line break, one more to tell
            // a key over the limit.
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(MAX_KEY_BYTES as u64 + 3).read_to_end(&mut bytes))
                .map_err(|e| {
                    KsaError::invalid(format!("--pseudonymize file:{path}: cannot read it: {e}"))
                })?;
            if bytes.ends_with(b"\n") {
                bytes.pop();
                if bytes.ends_with(b"\r") {
                    bytes.pop();
                }
            }
            (format!("file:{path}"), bytes)
        } else {
            let key = value.strip_prefix("pass:").unwrap_or(value);
            ("KEY".to_string(), key.as_bytes().to_vec())
        };
        PseudonymKey::new(&key, &source)
    }

    /// A key of `MIN_KEY_BYTES` to `MAX_KEY_BYTES` bytes; `source` names it
    /// in messages (never the key itself).
    pub fn new(key: &[u8], source: &str) -> Result<PseudonymKey> {
        if key.len() > MAX_KEY_BYTES {
            return Err(KsaError::invalid(format!(
                "--pseudonymize {source}: the key is longer than {MAX_KEY_BYTES} bytes, \
                 the limit on a key"
            )));
        }
        if key.len() < MIN_KEY_BYTES {
            return Err(KsaError::invalid(format!(
                "--pseudonymize {source}: the key is {} bytes long; at least {MIN_KEY_BYTES} \
                 are needed (a random one: `openssl rand -hex 16`)",
                key.len()
            )));
        }
        let mac = Hmac::<Sha256>::new_from_slice(key)
            .map_err(|_| KsaError::Other("HMAC refused the key".to_string()))?;
        Ok(PseudonymKey { mac })
    }

    /// `P-` and the keyed hash of a person id.
    pub fn person(&self, id: &str) -> String {
        self.tag("P-", b"person", id, HEX_DIGITS)
    }

    /// `R-` and the keyed hash of a rater id.
    pub fn rater(&self, id: &str) -> String {
        self.tag("R-", b"rater", id, HEX_DIGITS)
    }

    fn tag(&self, prefix: &str, domain: &[u8], id: &str, digits: usize) -> String {
        let mut mac = self.mac.clone();
        mac.update(domain);
        mac.update(b"\0");
        mac.update(id.as_bytes());
        let code = mac.finalize().into_bytes();
        let mut out = String::with_capacity(prefix.len() + digits);
        out.push_str(prefix);
        for b in code.iter().take(digits.div_ceil(2)) {
            out.push_str(&format!("{b:02x}"));
        }
        out.truncate(prefix.len() + digits);
        out
    }
}

/// The pseudonyms given out in one run, each with the original it stands
/// for, to detect two ids that get the same one.
#[derive(Clone, Debug)]
pub struct Pseudonyms {
    key: PseudonymKey,
    digits: usize,
    people: HashMap<String, String>,
    raters: HashMap<String, String>,
}

impl Pseudonyms {
    pub fn new(key: PseudonymKey) -> Pseudonyms {
        Pseudonyms {
            key,
            digits: HEX_DIGITS,
            people: HashMap::new(),
            raters: HashMap::new(),
        }
    }

    /// The key, to pseudonymise an id without recording it (a filter).
    pub fn key(&self) -> &PseudonymKey {
        &self.key
    }

    /// The pseudonym of a person id; an error if another id of this run
    /// already has it.
    pub fn person(&mut self, id: &str) -> Result<String> {
        let p = self.key.tag("P-", b"person", id, self.digits);
        claim(&mut self.people, p, id, "person ids")
    }

    /// The pseudonym of a rater id, checked like `person`.
    pub fn rater(&mut self, id: &str) -> Result<String> {
        let p = self.key.tag("R-", b"rater", id, self.digits);
        claim(&mut self.raters, p, id, "rater ids")
    }
}

/// Records `pseudonym` as standing for `id`, unless another id has it.
fn claim(
    seen: &mut HashMap<String, String>,
    pseudonym: String,
    id: &str,
    what: &str,
) -> Result<String> {
    match seen.get(&pseudonym) {
        Some(other) if other != id => Err(KsaError::invalid(format!(
            "--pseudonymize: two different {what} get the same pseudonym {pseudonym} \
             ({} hex digits of the keyed hash, a chance of about n²/2^{} for n ids): \
             use another key",
            pseudonym.len() - 2,
            4 * (pseudonym.len() - 2) + 1
        ))),
        Some(_) => Ok(pseudonym),
        None => {
            seen.insert(pseudonym.clone(), id.to_string());
            Ok(pseudonym)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> PseudonymKey {
        PseudonymKey::new(k.as_bytes(), "KEY").unwrap()
    }

    #[test]
    fn pseudonyms_are_hmac_sha256_truncated() {
        // HMAC-SHA-256("0123456789abcdef", "person\0RM001"), computed
        // independently with `printf 'person\0RM001' | openssl dgst -sha256
        // -hmac 0123456789abcdef` (8a81ab3260a1…; as rater: 6695e104434f…).
        let k = key("0123456789abcdef");
        let p = k.person("RM001");
        assert_eq!(p, "P-8a81ab3260a1");
        assert_eq!(k.rater("RM001"), "R-6695e104434f", "domains are separate");
        assert_eq!(p, k.person("RM001"), "stable");
        assert_ne!(p, key("0123456789abcdeg").person("RM001"), "keyed");
    }

    #[test]
    fn short_keys_are_refused_without_showing_them() {
        let e = PseudonymKey::new(b"secret", "KEY").unwrap_err().to_string();
        assert!(e.contains("6 bytes") && !e.contains("secret"), "{e}");
        assert!(PseudonymKey::from_flag("pass:").is_err());
    }

    #[test]
    fn keys_over_the_limit_are_refused_without_showing_them() {
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        let e = PseudonymKey::new(long.as_bytes(), "KEY").unwrap_err();
        assert_eq!(
            e.to_string(),
            "--pseudonymize KEY: the key is longer than 4096 bytes, the limit on a key"
        );
        assert!(PseudonymKey::new(&long.as_bytes()[1..], "KEY").is_ok());
    }

    #[test]
    fn a_collision_stops_the_run() {
        let mut p = Pseudonyms::new(key("0123456789abcdef"));
        p.digits = 1; // 16 pseudonyms: 17 ids must collide
        let mut result = Ok(String::new());
        for i in 0..17 {
            result = p.person(&format!("id{i}"));
            if result.is_err() {
                break;
            }
        }
        let e = result.unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("use another key"), "{e}");
        // The same id twice is no collision.
        assert_eq!(p.person("id0").unwrap(), p.person("id0").unwrap());
    }
}
