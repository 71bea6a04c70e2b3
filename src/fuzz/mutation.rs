//! Valid bodies taken apart: fields replaced by another type, an extreme number, a long
//! string or an odd timestamp, fields deleted, lists repeated, strings stretched, and then
//! a byte flipped, inserted, or the body cut anywhere.

use proptest::{collection::vec, prelude::*, sample::select};
use serde_json::{Map, Value};

use super::inputs::{ODD_TIMESTAMPS, json, number};

/// Numbers that do not fit the model's integer or float types, written into the JSON text
/// as they are (a `Value` cannot hold them).
const RAW_NUMBERS: &[&str] = &[
    "1e400",
    "-1e400",
    "1e-400",
    "-0",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890123456789",
    "1.7976931348623157e309",
    "0.000000000000000000000000000001",
];

/// A string that stands for a raw number until the JSON is written out.
const RAW_MARK: &str = "\u{0}RAW:";

/// What takes a node's place: every other type, extreme numbers, long strings, odd times.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        select(RAW_NUMBERS).prop_map(|raw| Value::String(format!("{RAW_MARK}{raw}"))),
        Just(Value::String(String::new())),
        (any::<char>(), 2_500..12_000usize)
            .prop_map(|(c, n)| Value::String(c.to_string().repeat(n))),
        select(ODD_TIMESTAMPS).prop_map(|at| Value::String(at.to_owned())),
        Just(Value::Object(Map::new())),
        Just(Value::Array(Vec::new())),
        json(),
    ]
}

/// One change to a JSON tree, at the node `at` (counted in pre-order, modulo their number).
#[derive(Debug, Clone)]
enum Edit {
    Replace {
        at: usize,
        with: Value,
    },
    /// Removes a field of an object or an element of an array.
    Delete {
        at: usize,
        which: usize,
    },
    /// Repeats the node's array elements, for long lists.
    Repeat {
        at: usize,
        times: usize,
    },
    /// Makes the `at`-th string (counting strings only) at least `len` bytes long.
    Stretch {
        at: usize,
        len: usize,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), replacement()).prop_map(|(at, with)| Edit::Replace { at, with }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(at, which)| Edit::Delete { at, which }),
        1 => (any::<usize>(), 2..40usize).prop_map(|(at, times)| Edit::Repeat { at, times }),
        2 => (any::<usize>(), 2_500..12_000usize).prop_map(|(at, len)| Edit::Stretch { at, len }),
    ]
}

/// One change to the written body.
#[derive(Debug, Clone)]
enum ByteEdit {
    None,
    Flip { at: usize, mask: u8 },
    Truncate { at: usize },
    Insert { at: usize, bytes: Vec<u8> },
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        2 => Just(ByteEdit::None),
        1 => (any::<usize>(), 1..=u8::MAX).prop_map(|(at, mask)| ByteEdit::Flip { at, mask }),
        1 => any::<usize>().prop_map(|at| ByteEdit::Truncate { at }),
        1 => (any::<usize>(), vec(any::<u8>(), 1..8)).prop_map(|(at, bytes)| ByteEdit::Insert { at, bytes }),
    ]
}

/// A valid body from `seeds`, changed by up to four edits to its JSON and one to its bytes.
pub(super) fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (0..seeds.len(), vec(edit(), 0..4), byte_edit()).prop_map(move |(seed, edits, byte_edit)| {
        let Ok(mut value) = serde_json::from_str::<Value>(seeds[seed]) else {
            panic!("seed {seed} is not JSON")
        };
        for edit in edits {
            apply(&mut value, edit);
        }
        let mut body = with_raw_numbers(value.to_string()).into_bytes();
        match byte_edit {
            ByteEdit::None => {}
            ByteEdit::Flip { at, mask } => {
                let at = at % body.len().max(1);
                if let Some(byte) = body.get_mut(at) {
                    *byte ^= mask;
                }
            }
            ByteEdit::Truncate { at } => body.truncate(at % (body.len() + 1)),
            ByteEdit::Insert { at, bytes } => {
                let at = at % (body.len() + 1);
                body.splice(at..at, bytes);
            }
        }
        body
    })
}

fn with_raw_numbers(text: String) -> String {
    let marked = serde_json::to_string(RAW_MARK).unwrap_or_default();
    let open = marked.trim_end_matches('"');
    if !text.contains(open) {
        return text;
    }
    RAW_NUMBERS.iter().fold(text, |text, raw| text.replace(&format!("{open}{raw}\""), raw))
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(fields) => fields.values().map(count).sum(),
        _ => 0,
    }
}

/// What an [`Edit`] does to the node it reaches.
type Change = Box<dyn FnOnce(&mut Value)>;

fn apply(value: &mut Value, edit: Edit) {
    if let Edit::Stretch { at, len } = edit {
        let mut strings = Vec::new();
        strings_mut(value, &mut strings);
        let count = strings.len();
        if let Some(text) = strings.get_mut(at % count.max(1)) {
            let unit = if text.is_empty() { "x".to_owned() } else { text.clone() };
            **text = unit.repeat(len / unit.len() + 1);
        }
        return;
    }
    let nodes = count(value);
    let (at, change): (usize, Change) = match edit {
        Edit::Replace { at, with } => (at, Box::new(move |node| *node = with)),
        Edit::Delete { at, which } => (
            at,
            Box::new(move |node| match node {
                Value::Object(fields) if !fields.is_empty() => {
                    let key = fields.keys().nth(which % fields.len()).cloned().unwrap_or_default();
                    fields.remove(&key);
                }
                Value::Array(items) if !items.is_empty() => {
                    items.remove(which % items.len());
                }
                _ => {}
            }),
        ),
        Edit::Stretch { .. } => return,
        Edit::Repeat { at, times } => (
            at,
            Box::new(move |node| {
                if let Value::Array(items) = node {
                    let copy = items.clone();
                    for _ in 1..times {
                        items.extend(copy.iter().cloned());
                    }
                }
            }),
        ),
    };
    let mut change = Some(change);
    visit(value, at % nodes, &mut 0, &mut change);
}

fn strings_mut<'a>(value: &'a mut Value, strings: &mut Vec<&'a mut String>) {
    match value {
        Value::String(text) => strings.push(text),
        Value::Array(items) => items.iter_mut().for_each(|item| strings_mut(item, strings)),
        Value::Object(fields) => fields.values_mut().for_each(|field| strings_mut(field, strings)),
        _ => {}
    }
}

/// Applies `change` to the node numbered `target` in pre-order.
fn visit(value: &mut Value, target: usize, seen: &mut usize, change: &mut Option<Change>) {
    if *seen == target {
        if let Some(change) = change.take() {
            change(value);
        }
        return;
    }
    *seen += 1;
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| visit(item, target, seen, change)),
        Value::Object(fields) => {
            fields.values_mut().for_each(|field| visit(field, target, seen, change));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_numbers_are_written_as_numbers() {
        let value = serde_json::json!({"a": format!("{RAW_MARK}1e400")});
        assert_eq!(with_raw_numbers(value.to_string()), r#"{"a":1e400}"#);
    }

    #[test]
    fn an_edit_reaches_the_node_it_counts_to() {
        let mut value = serde_json::json!({"a": [1, 2], "b": {"c": 3}});
        apply(&mut value, Edit::Replace { at: 2, with: Value::Null });
        assert_eq!(value, serde_json::json!({"a": [null, 2], "b": {"c": 3}}));
        apply(&mut value, Edit::Delete { at: 4, which: 0 });
        assert_eq!(value, serde_json::json!({"a": [null, 2], "b": {}}));
        let mut value = serde_json::json!({"a": "ab", "b": {"c": "", "d": 1}});
        apply(&mut value, Edit::Stretch { at: 1, len: 3 });
        assert_eq!(value, serde_json::json!({"a": "ab", "b": {"c": "xxxx", "d": 1}}));
    }
}
