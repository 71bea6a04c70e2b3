//! What to do about the errors a Reporter caller can act on: Reporter's own `TPL-…` codes,
//! the idempotency codes of Lerian's shared library (lib-commons), and the codes its
//! multi-tenant middleware answers with. Each advice names what to fix.

use reqwest::StatusCode;

/// A request with the same idempotency key is still being processed (Reporter).
pub(super) const IN_FLIGHT: &str = "TPL-0039";
/// A request with the same idempotency key is still being processed (lib-commons'
/// idempotency middleware, which answers with `Retry-After: 1`).
pub(super) const SHARED_IN_FLIGHT: &str = "IDEMPOTENCY_CONFLICT";

/// The advice for `code` (answered with `status`), or `None` when the vendor's words say
/// enough.
pub(super) fn advice(status: StatusCode, code: &str) -> Option<&'static str> {
    let advice = match code {
        IN_FLIGHT => {
            "the idempotency key is still marked in flight. Reporter marks a key as processing \
             before it validates the request and never clears that mark when the request then \
             fails, so the key of a failed request answers 409 for up to 24 hours: look for the \
             report with `list_reports`, then call again with a new key"
        }
        SHARED_IN_FLIGHT => {
            "the first request with this idempotency key was still running through every retry; \
             look for its result (`list_reports`, `list_templates`) before calling again, with \
             the same key to get its answer replayed once it is done"
        }
        "TPL-0029" => {
            // Reporter's own message already says that only a Finished report downloads:
            // the advice gives the next step only, so the text does not say it twice.
            "wait for the report with `wait_for_report`, then download it"
        }
        "TPL-0009" => {
            "the id in the path is not a UUID; take ids from `list_reports` or `list_templates`"
        }
        "TPL-0010" => {
            "a template's `outputFormat` can only change together with a new template file: \
             give the file too (`update_template(..).file(..)`)"
        }
        "TPL-0015" => {
            "Reporter refuses body fields it does not know, and a filter operator with no \
             values (`{\"eq\": []}`) counts as one: remove the empty operator or the extra field"
        }
        "TPL-0019" => {
            "a query parameter is not a number or is below 1: `limit` takes 1 to 100 and \
             `page` starts at 1"
        }
        "TPL-0024" => "`limit` takes 1 to 100 items per page",
        "TPL-0040" | "IDEMPOTENCY_KEY_REUSE" => {
            "this idempotency key was already used for a different request (another body or \
             path), and the server refuses to answer with that request's result: use a new \
             key for a new request, or resend exactly the first request to get its answer"
        }
        "IDEMPOTENCY_OUTCOME_UNRECORDED" => {
            "the server ran the first request with this key but could not record its outcome: \
             look for its result (`list_reports`, `list_templates`) before you send it again \
             with a new key"
        }
        "MISSING_TOKEN" => {
            "this Reporter runs multi-tenant and wants a bearer JWT on every request: give one \
             with `reporter::Credentials::bearer`"
        }
        "INVALID_TOKEN" => {
            "the bearer token is not a JWT the server can read: give the JWT your identity \
             provider issued (with its `tenantId` claim), not an API key"
        }
        "MISSING_TENANT" => {
            "the bearer JWT has no `tenantId` claim, which multi-tenant Reporter needs: ask \
             your identity provider for a token issued for a tenant"
        }
        "INVALID_TENANT" => {
            "the `tenantId` claim of the bearer JWT is not in the form the tenant manager \
             uses: ask your identity provider for a token issued for a tenant"
        }
        "TENANT_NOT_FOUND" => {
            "the tenant named by the JWT's `tenantId` claim is not known to the tenant \
             manager: check which tenant the token was issued for"
        }
        "0131" => {
            "Reporter is suspended (or access denied) for your tenant; retrying will not help: \
             the tenant's administrator must reactivate the service"
        }
        "TENANT_DB_ERROR" => {
            "the server could not reach your tenant's database; it may be down or not \
             provisioned for Reporter: tell the operator, with the request id"
        }
        "TPL-0429" => {
            "over Reporter's rate limit (per client IP, per minute): lower the concurrency, or \
             raise `RetryPolicy::max_elapsed` so the SDK waits out the window"
        }
        _ if status == StatusCode::UNPROCESSABLE_ENTITY => {
            "the server understood the request but refused its content; the message says why"
        }
        _ => return None,
    };
    Some(advice)
}
