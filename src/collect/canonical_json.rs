//! Canonical JSON: one text per JSON value, whatever order its keys came in, whatever
//! whitespace surrounded them, whatever serde_json features the build turns on. The keys
//! of events that carry no id, and of undecodable items, are hashes of it.

use serde_json::{Number, Value};

/// The canonical JSON text of `value`: the same text for the same value.
///
/// ```
/// use auditkit::collect::canonical_json;
/// use serde_json::json;
///
/// let value: serde_json::Value = serde_json::from_str(r#"{ "b": [1, 2.50, 1e2], "a": "é" }"#)?;
/// assert_eq!(canonical_json(&value), r#"{"a":"é","b":[1,2.5,100.0]}"#);
/// assert_eq!(canonical_json(&json!({"a": "é", "b": [1, 2.5, 100.0]})), canonical_json(&value));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// What canonical means, exactly:
///
/// - **No insignificant whitespace**: no space or line break outside strings.
/// - **Objects** have their members sorted by name, compared as UTF-8 bytes (Rust's `str`
///   order); a name that came twice in the server's text counts once, with its last value
///   (as serde_json reads it).
/// - **Strings** (names and values) are written as serde_json writes them: `"` and `\`
///   escaped, control characters as `\n`, `\t`, … or `\u00XX`, everything else (`/`, `é`,
///   emoji) as the UTF-8 characters themselves.
/// - **Numbers**: an integer that fits `i64` or `u64` is written in decimal digits
///   (`100`, `-7`); any other number is read as the `f64` nearest to it and written as
///   serde_json writes an `f64`, the shortest text that reads back to the same `f64`, with
///   a fraction or an exponent (`2.5`, `100.0` for `1e2` or `100.00`, `1e+22` for `1e22`, `-0.0` for
///   `-0`).
/// - `true`, `false` and `null` as such; arrays in their order.
///
/// It does not depend on serde_json's feature flags: `preserve_order` changes the order a
/// [`Value`]'s object keeps, and members are sorted here anyway; `arbitrary_precision`
/// keeps a number's text (`1e2`, `-0`), and numbers are written from their value here.
/// Two limits remain, both outside what audit records carry: a float with more than 15
/// significant digits may be read one unit in its last place apart with or without
/// `float_roundtrip`, and a number beyond `f64`'s range, which serde_json refuses without
/// `arbitrary_precision`, is kept as written with it.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

/// The canonical JSON of JSON text, or `None` when `raw` is not JSON.
pub(crate) fn canonical_json_of(raw: &[u8]) -> Option<String> {
    serde_json::from_slice::<Value>(raw).ok().map(|value| canonical_json(&value))
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(yes) => out.push_str(if *yes { "true" } else { "false" }),
        Value::Number(number) => write_number(number, out),
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut sorted: Vec<_> = members.iter().collect();
            sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (n, (name, value)) in sorted.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_value(value, out);
            }
            out.push('}');
        }
    }
}

fn write_string(text: &str, out: &mut String) {
    // Serializing a `str` cannot fail; the fallback only keeps this panic-free.
    out.push_str(&serde_json::to_string(text).unwrap_or_default());
}

/// From the number's value, never its text: with `arbitrary_precision`, serde_json keeps
/// the text as the server wrote it.
fn write_number(number: &Number, out: &mut String) {
    let float = number.as_f64();
    // `-0` is an integer text but a float value (serde_json reads it as `-0.0` without
    // `arbitrary_precision`, and as the text `-0` with it): the value decides.
    let negative_zero = float.is_some_and(|f| f == 0.0 && f.is_sign_negative());
    if let (Some(unsigned), false) = (number.as_u64(), negative_zero) {
        out.push_str(&unsigned.to_string());
    } else if let (Some(signed), false) = (number.as_i64(), negative_zero) {
        out.push_str(&signed.to_string());
    } else if let Some(float) = float {
        // A finite `f64` always serializes.
        out.push_str(&serde_json::to_string(&float).unwrap_or_default());
    } else {
        out.push_str(&number.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> String {
        canonical_json_of(text.as_bytes()).unwrap()
    }

    #[test]
    fn key_order_and_whitespace_do_not_change_the_canonical_json() {
        let a = of(r#"{"zeta":1,"alpha":{"y":[2, {"b":1,"a":0}],"x":1},"eventTime":"t"}"#);
        let b = of(
            "{\n  \"eventTime\" : \"t\",\n  \"alpha\": {\"x\": 1, \"y\": [ 2 ,{\"a\":0,\"b\":1} ]},\t\"zeta\": 1 }",
        );
        assert_eq!(a, b);
        assert_eq!(a, r#"{"alpha":{"x":1,"y":[2,{"a":0,"b":1}]},"eventTime":"t","zeta":1}"#);
        // A value, an array's order or a name does change it.
        assert_ne!(a, of(r#"{"zeta":2,"alpha":{"y":[2,{"b":1,"a":0}],"x":1},"eventTime":"t"}"#));
        assert_ne!(of("[1,2]"), of("[2,1]"));
        assert_ne!(of(r#"{"a":1}"#), of(r#"{"A":1}"#));
    }

    #[test]
    fn numbers_are_written_from_their_value_not_their_text() {
        for (text, canonical) in [
            ("100", "100"),
            ("-7", "-7"),
            ("18446744073709551615", "18446744073709551615"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("1e2", "100.0"),
            ("1E+2", "100.0"),
            ("100.00", "100.0"),
            ("2.50", "2.5"),
            ("-0", "-0.0"),
            ("-0.0", "-0.0"),
            ("0.1", "0.1"),
            ("1e22", "1e+22"),
            ("18446744073709551616", "1.8446744073709552e+19"),
        ] {
            assert_eq!(of(text), canonical, "{text}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_writes_them() {
        assert_eq!(of(r#""\u00e9\/\u0001\n\"""#), "\"é/\\u0001\\n\\\"\"");
        assert_eq!(of(r#"{"\u0062":true,"a":null}"#), r#"{"a":null,"b":true}"#);
    }

    #[test]
    fn a_name_given_twice_counts_once_with_its_last_value() {
        assert_eq!(of(r#"{"a":1,"a":2}"#), r#"{"a":2}"#);
    }

    #[test]
    fn text_that_is_not_json_has_no_canonical_form() {
        assert_eq!(canonical_json_of(b"{\"a\":"), None);
        assert_eq!(canonical_json_of(b"\xff"), None);
    }
}
