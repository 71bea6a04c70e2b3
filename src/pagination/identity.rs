//! A listing's identity: what its continuations are marked with, so that one listing's
//! continuation is refused by another.

use crate::{Operation, transport::Request};

/// The identity of the listing whose first page `request` asks for: `vendor.operation:`
/// then a 64-bit FNV-1a hash of the method, the URL path, the query pairs **sorted** (so
/// the order the builder adds filters in does not matter), leaving out the pairs named in
/// `cursor_params`, and the body if any. Derived from the request itself, a filter cannot
/// be left out. The base URL's origin is not part of it (the same listing through a proxy
/// is the same listing), its path is (a gateway prefix names another deployment).
pub(crate) fn identity_of(request: &Request, cursor_params: &[&str]) -> String {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .filter(|(name, _)| !cursor_params.contains(&name.as_ref()))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    pairs.sort();
    let head = [request.method.as_str().as_bytes(), request.url.path().as_bytes()];
    let pairs = pairs.iter().flat_map(|(name, value)| [name.as_bytes(), value.as_bytes()]);
    let body = request.body.as_deref().into_iter();
    let hash = crate::fingerprint::fnv64(head.into_iter().chain(pairs).chain(body));
    named(request.operation, hash)
}

/// The identity of a listing over windows, each asked for by its first request in
/// `firsts`: one window is [`identity_of`] its request; several hash each window's
/// identity in order, so another range (other windows) or another filter is another
/// listing.
pub(crate) fn identity_of_windows(
    operation: Operation,
    firsts: &[Request],
    cursor_params: &[&str],
) -> String {
    if let [only] = firsts {
        return identity_of(only, cursor_params);
    }
    let each: Vec<String> = firsts.iter().map(|first| identity_of(first, cursor_params)).collect();
    named(operation, crate::fingerprint::fnv64(each.iter().map(|identity| identity.as_bytes())))
}

fn named(operation: Operation, hash: u64) -> String {
    let vendor = operation.vendor().to_string().to_ascii_lowercase().replace(' ', "_");
    format!("{vendor}.{}:{hash:016x}", operation.name())
}

#[cfg(test)]
mod tests {
    use reqwest::Method;

    use super::*;
    use crate::Vendor;

    fn identity(method: Method, url: &str) -> String {
        let op = Operation::new(Vendor::Reporter, "list_reports");
        identity_of(&Request::new(op, method, url::Url::parse(url).unwrap()), &["page"])
    }

    #[test]
    fn the_identity_hashes_method_path_and_sorted_query_pairs_but_not_the_cursor() {
        let base = identity(Method::GET, "https://a.test/v1/reports?status=Finished&limit=10");
        assert!(base.starts_with("lerian_reporter.list_reports:"), "{base}");
        assert_eq!(base.len(), "lerian_reporter.list_reports:".len() + 16);
        let same = [
            "https://a.test/v1/reports?limit=10&status=Finished",
            "https://a.test/v1/reports?status=Finished&page=3&limit=10",
            "https://proxy.test/v1/reports?status=Finished&limit=10",
        ];
        for url in same {
            assert_eq!(identity(Method::GET, url), base, "{url}");
        }
        let other = [
            "https://a.test/v1/reports?status=Finished&limit=20",
            "https://a.test/v1/reports?status=Finished",
            "https://a.test/v1/templates?status=Finished&limit=10",
            "https://a.test/v1/reports?status=Finished&limit=10&createdAt=2026-03-01",
        ];
        for url in other {
            assert_ne!(identity(Method::GET, url), base, "{url}");
        }
        let posted = identity(Method::POST, "https://a.test/v1/reports?status=Finished&limit=10");
        assert_ne!(posted, base);
    }

    #[test]
    fn an_identity_is_pinned_so_a_continuation_saved_today_resumes_in_a_later_version() {
        let pinned = identity(Method::GET, "https://a.test/v1/reports?status=Finished&limit=10");
        assert_eq!(pinned, "lerian_reporter.list_reports:407f0f5648d780eb");
    }
}
