//! Which URLs a request may go to: credentials never cross a network in clear text.

/// Whether `url` may be used: `https://`, or `http://` to a loopback address, or any
/// `http://` when the user opted in. Credentials must not cross a network in clear text.
pub(crate) fn check_scheme(url: &url::Url, allow_insecure_http: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "`{url}` uses plain http:// to a non-loopback host, which would send credentials unencrypted; \
             use https://, or opt in with `ClientBuilder::allow_insecure_http(true)`"
        )),
        other => Err(format!(
            "`{url}` has scheme `{other}`; only https:// (or http:// on loopback) is supported"
        )),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_allowed_only_on_loopback_unless_opted_in() {
        let check = |u: &str, opt_in| check_scheme(&url::Url::parse(u).unwrap(), opt_in).is_ok();
        assert!(check("https://app.energycap.com/", false));
        assert!(check("http://127.0.0.1:8080/", false));
        assert!(check("http://127.3.4.5/", false));
        assert!(check("http://[::1]:99/", false));
        assert!(check("http://localhost/", false));
        assert!(!check("http://app.energycap.com/", false));
        assert!(!check("http://10.0.0.1/", false));
        assert!(check("http://10.0.0.1/", true));
        assert!(!check("ftp://127.0.0.1/", true));
    }
}
