//! Forgiving deserializers for non-essential fields.
//!
//! The spec is a vendored copy and the live API may drift from it (numbers
//! where strings are declared, `null` where arrays are declared). One odd
//! field must not make a whole customer or page undecodable, so these coerce
//! what they sensibly can and fall back to "absent". Essential fields (`id`,
//! page counters, the `customers` list) do not use them and fail loudly.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Scalars become strings (`80202` → `"80202"`); null, objects and arrays → `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_to_string(Value::deserialize(d)?))
}

/// Booleans, plus the string/number spellings some payloads use.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            _ => None,
        },
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        _ => None,
    })
}

/// A list of strings; `null`/non-array → empty, non-scalar items dropped.
pub(crate) fn string_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(scalar_to_string).collect(),
        _ => Vec::new(),
    })
}

/// A list of `T`; `null`/non-array → empty, items that do not decode are dropped.
pub(crate) fn lenient_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A page counter: the spec types them `number`, so `2.0` and `"2"` are
/// accepted too; anything negative, fractional or non-numeric is an error.
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(d)?;
    let n = match &value {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| whole(*f)).map(|f| f as u64)),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.ok_or_else(|| serde::de::Error::custom("a page counter is not a whole number"))
}

fn whole(f: f64) -> bool {
    f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64
}

fn scalar_to_string(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
