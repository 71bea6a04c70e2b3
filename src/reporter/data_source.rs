//! A data source as Reporter describes it: the datasource → table → field names that
//! report filters use, and the check of a filter against them.

use serde::{Deserialize, Serialize};

use super::Filter;

/// A data source Reporter reads from, as listed (`GET v1/data-sources`: no tables) or read
/// one by one (`GET v1/data-sources/{id}`: with its tables and their fields).
///
/// ```
/// use auditkit::reporter::{DataSource, Filter};
///
/// let onboarding: DataSource = serde_json::from_value(serde_json::json!({
///     "id": "midaz_onboarding", "externalName": "onboarding", "type": "postgresql",
///     "tables": [{"name": "public.account", "fields": ["id", "name", "created_at"]}],
/// }))?;
/// assert!(onboarding.check(&Filter::field("midaz_onboarding", "account", "id").eq(["a-1"])).is_ok());
/// let typo = onboarding.check(&Filter::field("midaz_onboarding", "account", "iban").eq(["x"]));
/// assert!(typo.unwrap_err().contains("`iban`"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataSource {
    /// The name filters use for it (`midaz_onboarding`).
    pub id: String,
    /// The database's own name.
    #[serde(default)]
    pub external_name: Option<String>,
    /// `postgresql` or `mongodb`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Its tables (PostgreSQL's as `schema.table`) or collections; empty in a listing.
    #[serde(default)]
    pub tables: Vec<Table>,
}

/// A table (or collection) of a [`DataSource`], with the field names a filter may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Table {
    /// `schema.table` for PostgreSQL (a filter may leave the schema out), the collection's
    /// name for MongoDB.
    pub name: String,
    /// Its field names.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl DataSource {
    /// The table `name` names: exactly, or, for a name without a schema, the one table of
    /// that name in any schema.
    pub fn table(&self, name: &str) -> Option<&Table> {
        let exact = self.tables.iter().find(|table| table.name == name);
        exact.or_else(|| {
            if name.contains('.') {
                return None;
            }
            let mut unqualified = self
                .tables
                .iter()
                .filter(|table| table.name.rsplit_once('.').is_some_and(|(_, bare)| bare == name));
            match (unqualified.next(), unqualified.next()) {
                (Some(table), None) => Some(table),
                _ => None,
            }
        })
    }

    /// Whether `filter` names this data source, one of its tables and one of that table's
    /// fields; the error names what is unknown, with what there is instead.
    ///
    /// # Errors
    /// The sentence that names the unknown data source, table or field.
    pub fn check(&self, filter: &Filter) -> Result<(), String> {
        let (datasource, table, field) = filter.names();
        if datasource != self.id {
            return Err(format!("the filter is on data source `{datasource}`, not `{}`", self.id));
        }
        let Some(found) = self.table(table) else {
            let names: Vec<&str> = self.tables.iter().map(|t| t.name.as_str()).collect();
            return Err(format!(
                "data source `{datasource}` has no table `{table}`; its tables: {}",
                listed(&names)
            ));
        };
        if !found.fields.iter().any(|known| known == field) {
            let names: Vec<&str> = found.fields.iter().map(String::as_str).collect();
            return Err(format!(
                "table `{}` of data source `{datasource}` has no field `{field}`; its fields: {}",
                found.name,
                listed(&names)
            ));
        }
        Ok(())
    }
}

fn listed(names: &[&str]) -> String {
    if names.is_empty() { "none".to_owned() } else { names.join(", ") }
}
