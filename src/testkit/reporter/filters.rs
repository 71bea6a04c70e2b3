//! The checks Reporter makes on a create request's `filters`: the nesting (datasource →
//! table → field → operator → array), the operators, how many values each takes, and that
//! every field exists in the sandbox's datasources.

use serde_json::{Map, Value};

use super::refusal::Refusal;

/// The sandbox's datasources: datasource, table (plain or `schema.table`), its fields.
pub(super) const SCHEMA: [(&str, &str, &[&str]); 4] = [
    ("midaz_onboarding", "account", &["id", "name", "parent_account_id", "status", "created_at", "balance"]),
    ("midaz_onboarding", "organization", &["id", "legal_name", "status", "created_at"]),
    ("midaz_transaction", "transaction", &["id", "amount", "status", "created_at"]),
    ("midaz_transaction", "public.operation", &["id", "account_id", "amount", "created_at"]),
];

fn invalid(message: String) -> Refusal {
    Refusal::bad_request("TPL-0017", "Invalid Filter", message)
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, Refusal> {
    value.as_object().ok_or_else(|| invalid(format!("{what} must be an object")))
}

/// Accepts `filters` as Reporter would, or says why not.
pub(super) fn check(filters: &Value) -> Result<(), Refusal> {
    for (datasource, tables) in object(filters, "filters")? {
        for (table, fields) in object(tables, &format!("filters.{datasource}"))? {
            let path = format!("{datasource}.{table}");
            for (field, operators) in object(fields, &format!("filters.{path}"))? {
                let known = SCHEMA
                    .iter()
                    .any(|(d, t, fields)| {
                        let bare = t.rsplit_once('.').map(|(_, bare)| bare);
                        *d == datasource && (*t == table || bare == Some(table.as_str())) && fields.contains(&field.as_str())
                    });
                if !known {
                    return Err(Refusal::bad_request(
                        "TPL-0014",
                        "Missing Table Fields",
                        format!("The field {path}.{field} does not exist in the datasource."),
                    ));
                }
                for (operator, values) in object(operators, &format!("filters.{path}.{field}"))? {
                    let count = values.as_array().map(Vec::len).ok_or_else(|| {
                        invalid(format!("{path}.{field}.{operator} must be an array of values"))
                    })?;
                    let fits = match operator.as_str() {
                        "gt" | "gte" | "lt" | "lte" => count == 1,
                        "between" => count == 2,
                        "eq" | "in" | "nin" => count >= 1,
                        other => {
                            return Err(invalid(format!("unknown filter operator `{other}` on {path}.{field}")));
                        }
                    };
                    if !fits {
                        return Err(invalid(format!(
                            "operator `{operator}` on {path}.{field} has {count} values, which it does not take"
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn known_fields_with_the_right_number_of_values_pass() {
        let filters = json!({
            "midaz_onboarding": { "account": { "id": { "in": ["a", "b"] }, "balance": { "gte": [1], "lt": [9] } } },
            "midaz_transaction": { "public.operation": { "amount": { "between": [100, 1000] } } },
        });
        assert_eq!(check(&filters), Ok(()));
        assert_eq!(check(&json!({})), Ok(()));
    }

    #[test]
    fn wrong_arity_unknown_operators_and_unknown_fields_are_refused() {
        let refused = |filters: Value| check(&filters).unwrap_err();
        let arity = refused(json!({"midaz_onboarding": {"account": {"balance": {"gt": [1, 2]}}}}));
        assert_eq!(arity.code, "TPL-0017");
        assert!(arity.message.contains("`gt`"), "{}", arity.message);
        assert_eq!(refused(json!({"midaz_onboarding": {"account": {"id": {"in": []}}}})).code, "TPL-0017");
        assert!(refused(json!({"midaz_onboarding": {"account": {"id": {"like": ["a"]}}}})).message.contains("`like`"));
        assert_eq!(refused(json!({"midaz_onboarding": {"account": {"iban": {"eq": ["x"]}}}})).code, "TPL-0014");
        assert_eq!(refused(json!({"midaz_onboarding": ["account"]})).code, "TPL-0017");
    }
}
