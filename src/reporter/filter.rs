//! Report filters: conditions on a datasource's table field, nested the way Reporter reads
//! them (datasource → table → field → operator → array of values), checked before sending.

use std::collections::BTreeMap;

use serde_json::Value;

use super::FilterValue;

/// A condition on one field of a datasource table, for
/// [`GenerateReport::filter`](super::GenerateReport::filter).
///
/// ```
/// use auditkit::reporter::Filter;
/// use chrono::NaiveDate;
///
/// let (first, last) = (NaiveDate::from_ymd_opt(2025, 6, 1), NaiveDate::from_ymd_opt(2025, 6, 30));
/// let (first, last) = (first.ok_or("not a date")?, last.ok_or("not a date")?);
/// let accounts = Filter::field("midaz_onboarding", "account", "id").is_in(["a-1", "a-2"]);
/// let created = Filter::field("midaz_onboarding", "account", "created_at").gte(first).lte(last);
/// let amounts = Filter::field("midaz_transaction", "public.operation", "amount").between(100, 1000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Operators and their wire names: [`eq`](Self::eq) (`eq`, any value matches), [`gt`](Self::gt),
/// [`gte`](Self::gte), [`lt`](Self::lt), [`lte`](Self::lte) (one value each),
/// [`between`](Self::between) (`between`, min and max inclusive), [`is_in`](Self::is_in)
/// (`in`) and [`not_in`](Self::not_in) (`nin`). The table may be `schema.table`.
///
/// Conditions on the same field merge, whether they come from one filter or several, and a
/// request is refused before it is sent ([`Error::InvalidInput`](crate::Error::InvalidInput))
/// when an operator ends up with the wrong number of values: `gt`, `gte`, `lt` and `lte`
/// exactly one, `between` exactly two, `eq`, `in` and `nin` at least one. Reporter would
/// refuse such a request too, but only after marking its idempotency key as used (an
/// operator with no values, `{"eq": []}`, as an unknown field: 400 TPL-0015), or accept it
/// and fail the report later (a wrong number of values is checked only by its worker).
///
/// The names are checked against the data sources Reporter describes with
/// [`GenerateReport::check_names`](super::GenerateReport::check_names), or
/// [`DataSource::check`](super::DataSource::check).
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a filter does nothing until it is given to `GenerateReport::filter`"]
pub struct Filter {
    datasource: String,
    table: String,
    field: String,
    conditions: Vec<(Operator, Vec<FilterValue>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Operator {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
    Between,
    In,
    Nin,
}

impl Operator {
    fn wire(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Gt => "gt",
            Operator::Gte => "gte",
            Operator::Lt => "lt",
            Operator::Lte => "lte",
            Operator::Between => "between",
            Operator::In => "in",
            Operator::Nin => "nin",
        }
    }

    /// How many values the operator takes, as the error message says it.
    fn arity(self, count: usize) -> Result<(), &'static str> {
        let (fits, wanted) = match self {
            Operator::Gt | Operator::Gte | Operator::Lt | Operator::Lte => {
                (count == 1, "exactly one value")
            }
            Operator::Between => (count == 2, "exactly two values (min and max)"),
            Operator::Eq | Operator::In | Operator::Nin => (count >= 1, "at least one value"),
        };
        if fits { Ok(()) } else { Err(wanted) }
    }
}

impl Filter {
    /// A filter on `field` of `table` in `datasource`; add its conditions with the
    /// operator methods.
    pub fn field(
        datasource: impl Into<String>,
        table: impl Into<String>,
        field: impl Into<String>,
    ) -> Self {
        Self {
            datasource: datasource.into(),
            table: table.into(),
            field: field.into(),
            conditions: Vec::new(),
        }
    }

    fn with(mut self, operator: Operator, values: Vec<FilterValue>) -> Self {
        self.conditions.push((operator, values));
        self
    }

    fn with_all<V: Into<FilterValue>>(
        self,
        operator: Operator,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.with(operator, values.into_iter().map(Into::into).collect())
    }

    /// The field equals one of `values` (`eq`; several values are alternatives).
    pub fn eq<V: Into<FilterValue>>(self, values: impl IntoIterator<Item = V>) -> Self {
        self.with_all(Operator::Eq, values)
    }

    /// The field is greater than `value` (`gt`).
    pub fn gt(self, value: impl Into<FilterValue>) -> Self {
        self.with(Operator::Gt, vec![value.into()])
    }

    /// The field is greater than or equal to `value` (`gte`).
    pub fn gte(self, value: impl Into<FilterValue>) -> Self {
        self.with(Operator::Gte, vec![value.into()])
    }

    /// The field is less than `value` (`lt`).
    pub fn lt(self, value: impl Into<FilterValue>) -> Self {
        self.with(Operator::Lt, vec![value.into()])
    }

    /// The field is less than or equal to `value` (`lte`).
    pub fn lte(self, value: impl Into<FilterValue>) -> Self {
        self.with(Operator::Lte, vec![value.into()])
    }

    /// The field lies between `min` and `max`, both included (`between`).
    pub fn between(self, min: impl Into<FilterValue>, max: impl Into<FilterValue>) -> Self {
        self.with(Operator::Between, vec![min.into(), max.into()])
    }

    /// The field is one of `values` (`in`).
    pub fn is_in<V: Into<FilterValue>>(self, values: impl IntoIterator<Item = V>) -> Self {
        self.with_all(Operator::In, values)
    }

    /// The field is none of `values` (`nin`).
    pub fn not_in<V: Into<FilterValue>>(self, values: impl IntoIterator<Item = V>) -> Self {
        self.with_all(Operator::Nin, values)
    }

    fn path(&self) -> String {
        format!("{}.{}.{}", self.datasource, self.table, self.field)
    }

    /// The data source, table and field the filter is on.
    pub(super) fn names(&self) -> (&str, &str, &str) {
        (&self.datasource, &self.table, &self.field)
    }
}

/// datasource → table → field → operator → values.
type Tree = BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeMap<Operator, Vec<Value>>>>>;

impl serde::Serialize for Operator {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.wire())
    }
}

/// The `filters` object of a create request: the filters merged and checked. No filter
/// gives `{}`, which Reporter requires rather than a missing field.
pub(super) fn filters_json(filters: &[Filter]) -> Result<Value, String> {
    let mut tree = Tree::new();
    // Keyed by the field itself, not its dotted path: a table may hold a dot.
    let mut counts = BTreeMap::<((&str, &str, &str), Operator), usize>::new();
    for filter in filters {
        let path = filter.path();
        for (what, name) in
            [("datasource", &filter.datasource), ("table", &filter.table), ("field", &filter.field)]
        {
            if name.trim().is_empty() {
                return Err(format!("a filter's {what} name is empty (filter on `{path}`)"));
            }
        }
        if filter.conditions.is_empty() {
            return Err(format!(
                "the filter on `{path}` has no condition: add one, such as `.eq([..])`"
            ));
        }
        let operators = tree
            .entry(filter.datasource.clone())
            .or_default()
            .entry(filter.table.clone())
            .or_default()
            .entry(filter.field.clone())
            .or_default();
        for (operator, values) in &filter.conditions {
            let sent = operators.entry(*operator).or_default();
            for value in values {
                let value = value.checked().map_err(|why| {
                    format!("a `{}` value of `{path}` cannot be sent: {why}", operator.wire())
                })?;
                sent.push(value.clone());
            }
            let field = (filter.datasource.as_str(), filter.table.as_str(), filter.field.as_str());
            let count = counts.entry((field, *operator)).or_default();
            *count = count.saturating_add(values.len());
        }
    }
    for (((datasource, table, field), operator), count) in counts {
        operator.arity(count).map_err(|wanted| {
            format!(
                "`{}` on `{datasource}.{table}.{field}` takes {wanted}, and the filters give \
                 it {count}; conditions on one field merge, so give each operator once per field",
                operator.wire(),
            )
        })?;
    }
    serde_json::to_value(tree).map_err(|e| format!("the filters could not be encoded: {e}"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn refused(filters: &[Filter]) -> String {
        filters_json(filters).unwrap_err()
    }

    #[test]
    fn no_filter_is_an_empty_object() {
        assert_eq!(filters_json(&[]).unwrap(), json!({}));
    }

    #[test]
    fn conditions_on_one_field_merge_across_filters() {
        let field = || Filter::field("ds", "public.account", "balance");
        let filters = [field().gte(10), field().lt(99).eq([1, 2]), field().eq([3])];
        assert_eq!(
            filters_json(&filters).unwrap(),
            json!({"ds": {"public.account": {"balance": {"gte": [10], "lt": [99], "eq": [1, 2, 3]}}}})
        );
    }

    #[test]
    fn every_operator_checks_its_number_of_values() {
        let field = || Filter::field("ds", "t", "f");
        let message = refused(&[field().gt(1).gt(2)]);
        assert!(message.contains("`gt` on `ds.t.f` takes exactly one value"), "{message}");
        assert!(message.contains("give it 2"), "{message}");
        assert!(refused(&[field().between(1, 2), field().between(3, 4)]).contains("exactly two"));
        for empty in [field().eq(Vec::<i32>::new()), field().is_in([0; 0]), field().not_in([""; 0])]
        {
            assert!(refused(&[empty]).contains("at least one value"));
        }
        assert!(filters_json(&[field().lte(1).gte(0).lt(2).gt(-1).between(0, 1)]).is_ok());
    }

    #[test]
    fn empty_names_conditionless_filters_and_unsendable_values_are_refused() {
        assert!(
            refused(&[Filter::field(" ", "t", "f").eq([1])]).contains("datasource name is empty")
        );
        assert!(refused(&[Filter::field("d", "t", "")]).contains("field name is empty"));
        assert!(refused(&[Filter::field("d", "t", "f")]).contains("has no condition"));
        let nan = refused(&[Filter::field("d", "t", "f").gt(f64::NAN)]);
        assert!(nan.contains("`gt` value of `d.t.f` cannot be sent"), "{nan}");
    }
}
