//! File names for reports. A `person_id` is data, so it may hold anything
//! (`../x`, `a/b`, `CON`, a Chinese name); the file name keeps only letters,
//! digits, `-` and `_`, so it can never leave `--out` or hide itself, and
//! names that clash — also on case-insensitive file systems — get a short
//! hash of the raw id so that no report overwrites another.

use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

const MAX_PART: usize = 48;

/// Keeps alphanumerics (any script), `-` and `_`; everything else becomes
/// `_`. Returns the safe text and whether it differs from the input.
fn sanitise(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut changed = false;
    for (i, ch) in s.chars().enumerate() {
        if i >= MAX_PART {
            changed = true;
            break;
        }
        if ch.is_alphanumeric() || ch == '-' || ch == '_' {
            out.push(ch);
        } else {
            out.push('_');
            changed = true;
        }
    }
    (out, changed)
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Hands out file names, unique within one run.
#[derive(Debug, Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    pub fn new() -> Namer {
        Namer::default()
    }

    /// `prefix-<part>-<part>….html`; empty parts are left out. The hash is
    /// added when sanitising changed something or the name is already taken.
    pub fn name(&mut self, prefix: &str, parts: &[&str]) -> String {
        format!("{}.html", self.stem(prefix, parts))
    }

    /// [`Namer::name`] without `.html`: a folder's name.
    pub fn stem(&mut self, prefix: &str, parts: &[&str]) -> String {
        let mut stem = prefix.to_string();
        let mut changed = false;
        for p in parts.iter().filter(|p| !p.is_empty()) {
            let (s, c) = sanitise(p);
            changed |= c;
            stem.push('-');
            stem.push_str(&s);
        }
        let mut name = if changed {
            format!("{stem}-{}", short_hash(parts))
        } else {
            stem.clone()
        };
        let mut n = 1;
        while self.taken.contains(&name.to_lowercase()) {
            n += 1;
            name = format!("{stem}-{}-{n}", short_hash(parts));
        }
        self.taken.insert(name.to_lowercase());
        name
    }
}

/// One folder name per unit, `unit-<part>-<part>…` with the path's parts
/// (split at `separator`), handed out as units are met: the same unit
/// always gets the same folder, and no two units share one.
#[derive(Debug, Default)]
pub struct UnitFolders {
    namer: Namer,
    by_unit: HashMap<String, String>,
}

impl UnitFolders {
    pub fn new() -> UnitFolders {
        UnitFolders::default()
    }

    /// The folder of `unit`; units with the same parts (as the org tree
    /// reads them: trimmed, empty parts dropped) share it.
    pub fn folder(&mut self, unit: &str, separator: &str) -> &str {
        let parts = crate::analysis::org::parts(unit, separator);
        let key = parts.join("\u{0}");
        if !self.by_unit.contains_key(&key) {
            let name = self.namer.stem("unit", &parts);
            self.by_unit.insert(key.clone(), name);
        }
        &self.by_unit[&key]
    }

    /// How many folders were handed out.
    pub fn len(&self) -> usize {
        self.by_unit.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_unit.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_stay_readable() {
        let mut n = Namer::new();
        assert_eq!(
            n.name("person", &["RM001", "2026H1"]),
            "person-RM001-2026H1.html"
        );
        assert_eq!(n.name("person", &["C1", ""]), "person-C1.html");
        assert_eq!(
            n.name("person", &["张三", "2026H1"]),
            "person-张三-2026H1.html"
        );
    }

    #[test]
    fn hostile_ids_cannot_escape_or_clash() {
        let mut n = Namer::new();
        let a = n.name("person", &["../../etc/passwd", ""]);
        assert!(!a.contains('/') && !a.contains(".."), "{a}");
        let b = n.name("person", &["a/b", ""]);
        let c = n.name("person", &["a_b", ""]);
        let d = n.name("person", &["A_B", ""]);
        assert_ne!(b, c);
        assert_ne!(c.to_lowercase(), d.to_lowercase());
        let long = "x".repeat(500);
        assert!(n.name("person", &[&long, ""]).len() < 80);
    }

    #[test]
    fn each_unit_gets_one_folder_of_its_own() {
        let mut f = UnitFolders::new();
        let a = f.folder("总行/华东分行/一团队", "/").to_string();
        assert_eq!(a, "unit-总行-华东分行-一团队");
        assert_eq!(f.folder("总行/华东分行/一团队", "/"), a);
        // Parts are trimmed and empty ones dropped, as in the org tree.
        assert_eq!(
            f.folder(" 总行 / 华东分行 //一团队", "/"),
            a,
            "the same parts"
        );
        assert_eq!(f.folder("总行>华东分行>一团队", ">"), a);
        assert_ne!(f.folder("总行/华东分行", "/"), a);
        let c = f.folder("a-b", "/").to_string();
        let d = f.folder("a/b", "/").to_string();
        assert_ne!(c.to_lowercase(), d.to_lowercase());
        let e = f.folder("../x", "/").to_string();
        assert!(!e.contains('/') && !e.starts_with('.'), "{e}");
        assert_eq!(f.len(), 5);
    }
}
