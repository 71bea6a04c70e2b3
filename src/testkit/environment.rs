//! The `AUDITKIT_*` variables that point [`Client::from_env`](crate::Client::from_env) or
//! the `auditkit` command at a running sandbox.

use super::Sandbox;

impl Sandbox {
    /// The `AUDITKIT_*` variables, and their values, that configure every vendor of this
    /// sandbox for [`Client::from_env`](crate::Client::from_env) or the `auditkit` command.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sandbox = auditkit::testkit::Sandbox::start().await?;
    /// for (name, value) in sandbox.environment() {
    ///     println!("export {name}={value}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AUDITKIT_QUALTRICS_BASE_URL", self.qualtrics_url().to_string()),
            ("AUDITKIT_QUALTRICS_API_TOKEN", self.qualtrics_api_token().to_string()),
            ("AUDITKIT_EVERBRIDGE_BASE_URL", self.everbridge_url().to_string()),
            ("AUDITKIT_EVERBRIDGE_USERNAME", self.everbridge_username().to_string()),
            ("AUDITKIT_EVERBRIDGE_PASSWORD", self.everbridge_password().to_string()),
            ("AUDITKIT_ENERGYCAP_BASE_URL", self.energycap_url().to_string()),
            ("AUDITKIT_ENERGYCAP_API_KEY", self.energycap_api_key().to_string()),
            ("AUDITKIT_REPORTER_BASE_URL", self.reporter_url().to_string()),
            ("AUDITKIT_REPORTER_TOKEN", self.reporter_token().to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variable set the way `Client::from_env` reads it makes a client that reads
    /// each vendor of the sandbox.
    #[tokio::test]
    async fn the_variables_configure_a_client_of_every_vendor() {
        let sandbox = Sandbox::start().await.unwrap();
        let environment = sandbox.environment();
        let lookup = |name: &str| {
            environment.iter().find(|(key, _)| *key == name).map(|(_, value)| value.clone())
        };
        let client = crate::ClientBuilder::from_lookup(&lookup).unwrap().build().unwrap();
        assert!(
            !client.energycap().list_report_distribution_logs().send().await.unwrap().is_empty()
        );
        client.reporter().list_templates().send().await.unwrap();
        client.qualtrics().list_activity_types().send().await.unwrap();
        let to = sandbox.now();
        let from = to - chrono::Duration::days(20);
        let log =
            client.everbridge().list_audit_log(crate::everbridge::ReportType::Security, from, to);
        log.send().await.unwrap();
    }
}
