//! EnergyCAP's `filter` query syntax, as far as the simulator reads it: statements
//! `field operator 'value'` joined by ` and `, with `equals`, `not equals`, `contains`,
//! `starts with` and `one of 'a'|'b'`, compared without case on the field's text. A field
//! the objects do not have, or a statement it cannot read, is a 400.

use serde_json::Value;

/// One statement of a filter.
#[derive(Debug)]
struct Statement {
    field: String,
    operator: &'static str,
    values: Vec<String>,
}

const OPERATORS: [&str; 5] = ["not equals", "equals", "contains", "starts with", "one of"];

fn statement(text: &str) -> Result<Statement, String> {
    let text = text.trim();
    let unreadable = || format!("The filter statement \"{text}\" is not valid");
    let (field, rest) = text.split_once(' ').ok_or_else(unreadable)?;
    let rest = rest.trim_start();
    let operator =
        OPERATORS.into_iter().find(|op| rest.to_ascii_lowercase().starts_with(op)).ok_or_else(unreadable)?;
    let quoted = rest[operator.len()..].trim();
    let values = quoted
        .split('|')
        .map(|value| {
            let value = value.trim();
            value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')).map(str::to_owned)
        })
        .collect::<Option<Vec<_>>>()
        .filter(|values| !values.is_empty() && (operator == "one of" || values.len() == 1))
        .ok_or_else(unreadable)?;
    Ok(Statement { field: field.to_owned(), operator, values })
}

/// Whether `object` passes `statement`.
fn matches(statement: &Statement, object: &Value) -> bool {
    {
        let Some(value) = object.get(&statement.field) else { return false };
        let text = match value {
            Value::String(text) => text.to_lowercase(),
            other => other.to_string().to_lowercase(),
        };
        let wanted = statement.values.iter().map(|v| v.to_lowercase());
        match statement.operator {
            "equals" => wanted.into_iter().any(|v| v == text),
            "not equals" => wanted.into_iter().all(|v| v != text),
            "contains" => wanted.into_iter().any(|v| text.contains(&v)),
            "starts with" => wanted.into_iter().any(|v| text.starts_with(&v)),
            _ => wanted.into_iter().any(|v| v == text),
        }
    }
}

/// The objects of `all` the filter `text` keeps, or the 400's message; a field none of the
/// objects has is refused, as EnergyCAP refuses a field its filter does not know.
pub(super) fn apply(all: &[Value], text: &str) -> Result<Vec<Value>, String> {
    let statements = text.split(" and ").map(statement).collect::<Result<Vec<_>, _>>()?;
    for statement in &statements {
        if !all.iter().any(|object| object.get(&statement.field).is_some()) {
            return Err(format!("The filter field \"{}\" is not valid", statement.field));
        }
    }
    Ok(all.iter().filter(|object| statements.iter().all(|s| matches(s, object))).cloned().collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn statements_join_with_and_and_unknown_fields_or_syntax_are_refused() {
        let all = [
            json!({"reportDistributionName": "Monthly Cost", "reportCode": "A", "enabled": true}),
            json!({"reportDistributionName": "Weekly Use", "reportCode": "B", "enabled": false}),
        ];
        let names = |filter: &str| -> Vec<String> {
            apply(&all, filter).unwrap().iter().map(|d| d["reportCode"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(names("reportDistributionName contains 'monthly'"), ["A"]);
        assert_eq!(names("reportCode one of 'A'|'B' and enabled equals 'false'"), ["B"]);
        assert_eq!(names("reportCode not equals 'A'"), ["B"]);
        assert!(apply(&all, "colour equals 'red'").unwrap_err().contains("colour"));
        assert!(apply(&all, "reportCode equals A").unwrap_err().contains("not valid"));
    }
}
