//! What every Reporter list takes besides its filters: the page size and the order, in the
//! snake_case Reporter 1.1 prefers (its camelCase names are deprecated aliases).

use crate::{SortOrder, transport::Request};

/// The largest `limit` Reporter accepts (its `MAX_PAGINATION_LIMIT`).
pub(super) const MAX_LIMIT: u32 = 100;

/// The page size and the order of a Reporter list.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PageOptions {
    pub(super) limit: Option<u32>,
    pub(super) sort_order: Option<SortOrder>,
}

impl PageOptions {
    /// `request` with the order and the page size, once the page size is checked (1 to 100).
    pub(super) fn apply(self, request: Request) -> Result<Request, String> {
        if let Some(limit) = self.limit.filter(|limit| *limit == 0 || *limit > MAX_LIMIT) {
            return Err(format!(
                "`limit` is {limit}; Reporter takes 1 to {MAX_LIMIT} items per page"
            ));
        }
        Ok(request
            .query_opt("sort_order", self.sort_order.map(wire))
            .query_opt("limit", self.limit))
    }
}

/// Reporter's spelling of an order.
fn wire(order: SortOrder) -> &'static str {
    match order {
        SortOrder::Asc => "asc",
        SortOrder::Desc => "desc",
    }
}

#[cfg(test)]
mod tests {
    use reqwest::Method;

    use super::*;

    #[test]
    fn limit_is_checked_against_reporters_range_and_sent_with_the_order() {
        let op = crate::Operation::new(crate::Vendor::Reporter, "list_reports");
        let url = url::Url::parse("https://reporter.test/v1/reports").unwrap();
        let apply = |limit| {
            let options = PageOptions { limit, sort_order: Some(SortOrder::Asc) };
            options.apply(Request::new(op, Method::GET, url.clone())).map(|r| r.url.to_string())
        };
        assert!(apply(None).unwrap().ends_with("?sort_order=asc"));
        assert!(apply(Some(1)).is_ok());
        assert!(apply(Some(100)).unwrap().ends_with("?sort_order=asc&limit=100"));
        assert!(apply(Some(0)).unwrap_err().contains("1 to 100"));
        assert!(apply(Some(101)).unwrap_err().contains("101"));
    }
}
