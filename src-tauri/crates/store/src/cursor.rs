//! Opaque keyset cursors: the sort key of the last row handed out, so the
//! next page starts strictly after it (never OFFSET, so a page costs the same
//! wherever it is, and rows inserted meanwhile neither repeat nor vanish).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "o")]
pub(crate) enum Cursor {
    /// After `(sort_key, id)` in name order.
    #[serde(rename = "n")]
    Name { k: String, i: String },
    /// After `(updated_ms, id)` in "recently updated" order (ms descending).
    #[serde(rename = "u")]
    Updated { m: i64, i: String },
    /// After `(sort_key, id)` in tier 0 of a search, after rowid `r` in
    /// tiers 1 and 2 (see search.rs).
    #[serde(rename = "s")]
    Search {
        t: u8,
        k: String,
        i: String,
        #[serde(default)]
        r: i64,
    },
}

impl Cursor {
    /// Hex of compact JSON: URL- and IPC-safe, and clearly not meant to be edited.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let mut out = String::with_capacity(json.len() * 2);
        for b in json {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        out
    }

    pub fn decode(s: &str) -> Result<Cursor> {
        let bytes = s.as_bytes();
        if !bytes.len().is_multiple_of(2) {
            return Err(Error::InvalidCursor);
        }
        let json = bytes
            .chunks(2)
            .map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?))
            .collect::<Option<Vec<u8>>>()
            .ok_or(Error::InvalidCursor)?;
        serde_json::from_slice(&json).map_err(|_| Error::InvalidCursor)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for c in [
            Cursor::Name {
                k: "ann lée".into(),
                i: "x1".into(),
            },
            Cursor::Updated {
                m: -5,
                i: "y".into(),
            },
            Cursor::Search {
                t: 2,
                k: "".into(),
                i: "z".into(),
                r: 42,
            },
        ] {
            assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        }
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "abc", "zz", "7b7d", &"{}".repeat(3)] {
            assert!(
                matches!(Cursor::decode(bad), Err(Error::InvalidCursor)),
                "{bad}"
            );
        }
    }
}
