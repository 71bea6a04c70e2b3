//! Following redirects by hand, so credentials stay with the vendor's own origin.

use reqwest::{
    Method, StatusCode,
    header::{HeaderMap, LOCATION},
};
use url::Url;

/// More hops than any vendor uses; past it, something loops.
pub(super) const MAX_REDIRECTS: usize = 10;

/// Where a redirect leads and how to ask there.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Hop {
    pub(super) url: Url,
    pub(super) method: Method,
    pub(super) keep_body: bool,
}

/// The next hop for a redirect answer, `None` for any other answer (a 3xx without
/// `Location` is returned to the caller as it is). Method rewriting follows RFC 9110
/// §15.4 as browsers and reqwest apply it: 303 becomes GET, 301/302 turn POST into GET,
/// 307/308 repeat the request unchanged.
pub(super) fn next_hop(
    status: StatusCode,
    headers: &HeaderMap,
    current: &Url,
    method: &Method,
) -> Result<Option<Hop>, String> {
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Ok(None);
    }
    let Some(location) = headers.get(LOCATION) else { return Ok(None) };
    let location = location
        .to_str()
        .map_err(|_| format!("the HTTP {status} redirect has a `Location` that is not text"))?;
    let url = current.join(location).map_err(|e| {
        format!("the HTTP {status} redirect to `{location}` is not a valid URL: {e}")
    })?;
    let (method, keep_body) = match status.as_u16() {
        303 if *method != Method::HEAD => (Method::GET, false),
        301 | 302 if *method == Method::POST => (Method::GET, false),
        _ => (method.clone(), true),
    };
    Ok(Some(Hop { url, method, keep_body }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn hop(status: u16, location: &str, method: Method) -> Option<Hop> {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_str(location).unwrap());
        let current = Url::parse("https://a.example/api/v1/x").unwrap();
        next_hop(StatusCode::from_u16(status).unwrap(), &headers, &current, &method).unwrap()
    }

    #[test]
    fn relative_locations_resolve_against_the_current_url() {
        let next = hop(302, "../v2/y?q=1", Method::GET).unwrap();
        assert_eq!(next.url.as_str(), "https://a.example/api/v2/y?q=1");
        assert_eq!(next.method, Method::GET);
    }

    #[test]
    fn methods_are_rewritten_as_rfc_9110_says() {
        assert_eq!(hop(303, "/z", Method::POST).unwrap().method, Method::GET);
        assert_eq!(hop(302, "/z", Method::POST).unwrap().method, Method::GET);
        assert!(!hop(301, "/z", Method::POST).unwrap().keep_body);
        let same = hop(307, "/z", Method::POST).unwrap();
        assert_eq!((same.method, same.keep_body), (Method::POST, true));
    }

    #[test]
    fn non_redirects_and_redirects_without_location_are_answers() {
        assert_eq!(hop(304, "/z", Method::GET), None);
        assert_eq!(hop(200, "/z", Method::GET), None);
        let none = next_hop(
            StatusCode::FOUND,
            &HeaderMap::new(),
            &Url::parse("https://a.example/").unwrap(),
            &Method::GET,
        );
        assert_eq!(none, Ok(None));
    }
}
