//! `unmapped`: the source event minus what a mapping placed, so nothing is lost.
//!
//! A mapping names the paths it placed; everything else stays, at its place in the source
//! and under its wire name, including the models' `other` maps (which serialize inline).
//! Deriving the rest from the source, rather than listing what to keep, means a field the
//! SDK learns tomorrow is kept today.

use serde::Serialize;
use serde_json::{Map, Value};

/// The members of `unmapped` that are ours: `auditkit` (the mapping's notes, and the
/// `auditkit` command's origin of the line) and `auditkit_chain` (an archive's chain).
pub(crate) const RESERVED: [&str; 2] = ["auditkit", "auditkit_chain"];

/// The fields of `source` not in `placed`, without nulls and without objects left empty.
/// A top-level field with a [reserved](RESERVED) name is kept as `vendor_<name>` (with
/// more `vendor_` while that name is taken too), so that ours never overwrite or double it.
pub(crate) fn rest(source: &impl Serialize, placed: &[&[&str]]) -> Map<String, Value> {
    // The models serialize to JSON objects with string keys: this cannot fail for them.
    let mut value = serde_json::to_value(source).unwrap_or_default();
    for path in placed {
        remove(&mut value, path);
    }
    let mut rest = match prune(value) {
        Some(Value::Object(rest)) => rest,
        _ => Map::new(),
    };
    for name in RESERVED {
        if let Some(field) = rest.remove(name) {
            let mut renamed = format!("vendor_{name}");
            while rest.contains_key(&renamed) {
                renamed.insert_str(0, "vendor_");
            }
            tracing::debug!(field = name, kept_as = %renamed, "a vendor field has a name of ours in OCSF `unmapped`");
            rest.insert(renamed, field);
        }
    }
    rest
}

fn remove(value: &mut Value, path: &[&str]) {
    match path {
        [] => {}
        [last] => {
            if let Value::Object(map) = value {
                map.remove(*last);
            }
        }
        [first, tail @ ..] => {
            if let Some(inner) = value.get_mut(*first) {
                remove(inner, tail);
            }
        }
    }
}

/// Drops nulls and empty objects, at any depth (a vendor's null says nothing).
fn prune(value: Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Object(map) => {
            let map: Map<String, Value> = map
                .into_iter()
                .filter_map(|(key, value)| prune(value).map(|value| (key, value)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_vendor_field_with_a_name_of_ours_is_kept_under_another() {
        let source = json!({
            "auditkit": {"theirs": 1}, "auditkit_chain": "x", "vendor_auditkit_chain": "y"
        });
        assert_eq!(
            Value::Object(rest(&source, &[])),
            json!({
                "vendor_auditkit": {"theirs": 1},
                "vendor_auditkit_chain": "y",
                "vendor_vendor_auditkit_chain": "x"
            })
        );
    }

    #[test]
    fn placed_paths_nulls_and_emptied_objects_go_and_everything_else_stays() {
        let source = json!({
            "id": "1", "gone": null,
            "descriptor": {"userId": "U", "location": {"city": "X", "dmaCode": 501}, "auth": {"m": "B"}},
            "list": [1, null]
        });
        let rest = rest(
            &source,
            &[
                &["id"],
                &["descriptor", "userId"],
                &["descriptor", "location", "city"],
                &["descriptor", "auth", "m"],
                &["absent", "deep"],
            ],
        );
        assert_eq!(
            Value::Object(rest),
            json!({"descriptor": {"location": {"dmaCode": 501}}, "list": [1, null]})
        );
    }
}
