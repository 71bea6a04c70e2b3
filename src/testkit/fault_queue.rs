//! The injected faults still waiting for requests, and what one that applies does: answer
//! instead of the simulator, delay it, spoil its answer, or hang up.

use std::{sync::Mutex, time::Duration};

use bytes::Bytes;
use hyper::{
    StatusCode,
    header::{LOCATION, RETRY_AFTER},
};
use serde_json::json;

use super::{
    faults::{Action, Fault, FaultBody},
    lock::lock,
    sim::SimResponse,
    spoil,
};

/// What a fault that applies asks the server to do with one request.
#[derive(Debug)]
pub(crate) enum Effect {
    /// Answer with this; the simulator never sees the request.
    Respond(SimResponse),
    /// Wait, then let the simulator answer.
    Delay(Duration),
    /// Let the simulator answer, then spoil the answer.
    Spoil(fn(SimResponse) -> SimResponse),
    /// Close the connection without answering.
    Disconnect,
}

/// A fault that applied to the current request.
#[derive(Debug)]
pub(crate) struct Fired {
    pub(crate) effect: Effect,
    pub(crate) extras: Extras,
}

/// What a fault adds to whatever answer goes out.
#[derive(Debug)]
pub(crate) struct Extras {
    retry_after: Option<String>,
}

impl Extras {
    pub(crate) fn apply(&self, response: SimResponse) -> SimResponse {
        match &self.retry_after {
            Some(value) => response.with_header(RETRY_AFTER, value),
            None => response,
        }
    }
}

/// The injected faults still waiting for requests, in injection order.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, fault: Fault) {
        if fault.times > 0 {
            self.lock().push(fault);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Counts the request against every matching fault up to the first one that is due,
    /// and returns what that one does.
    pub(crate) fn fire(&self, method: &str, path: &str) -> Option<Fired> {
        let mut faults = self.lock();
        let index = faults.iter_mut().position(|fault| {
            if !fault.matches(method, path) {
                return false;
            }
            if fault.after > 0 {
                fault.after -= 1;
                return false;
            }
            true
        })?;
        let fault = &mut faults[index];
        fault.times -= 1;
        let extras = Extras { retry_after: fault.retry_after.clone() };
        let fired = Fired { effect: fault.effect(), extras };
        if fault.times == 0 {
            drop(faults.remove(index));
        }
        Some(fired)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        lock(&self.faults)
    }
}

impl Fault {
    /// What the fault does to the request it applies to.
    fn effect(&self) -> Effect {
        match &self.action {
            Action::Status(code) => Effect::Respond(self.answer(*code)),
            Action::Latency(delay) => Effect::Delay(*delay),
            Action::CutBody => Effect::Spoil(spoil::cut),
            Action::MalformedBody => Effect::Spoil(spoil::malform),
            Action::Redirect { location, status } => {
                Effect::Respond(self.answer(*status).with_header(LOCATION, location))
            }
            Action::Disconnect => Effect::Disconnect,
        }
    }

    fn answer(&self, code: u16) -> SimResponse {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match &self.body {
            Some(FaultBody::Json(value)) => SimResponse::json(status, value),
            Some(FaultBody::Text(text)) => {
                SimResponse::bytes(status, "text/plain; charset=utf-8", Bytes::from(text.clone()))
            }
            None => SimResponse::json(
                status,
                &json!({ "message": format!("injected fault: {status}") }),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_lets_the_first_matching_requests_through_then_applies_times_times() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(503).path("/a").after(2).times(2));
        let fired: Vec<bool> = (0..6)
            .map(|i| {
                let path = if i == 1 { "/b" } else { "/a/x" };
                queue.fire("GET", path).is_some()
            })
            .collect();
        // Request 1 goes to /b and does not count.
        assert_eq!(fired, [false, false, false, true, true, false]);
        assert_eq!(queue.len(), 0);
    }

    #[test]
    fn method_filter_is_case_insensitive_and_first_due_fault_wins() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(500).method("post"));
        queue.push(Fault::status(502));
        let Some(Fired { effect: Effect::Respond(first), .. }) = queue.fire("GET", "/x") else {
            panic!("the catch-all fault should fire");
        };
        assert_eq!(first.status, StatusCode::BAD_GATEWAY);
        let Some(Fired { effect: Effect::Respond(second), .. }) = queue.fire("POST", "/x") else {
            panic!("the POST fault should fire");
        };
        assert_eq!(second.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(queue.fire("POST", "/x").is_none());
    }

    #[test]
    fn zero_times_never_applies() {
        let queue = FaultQueue::default();
        queue.push(Fault::status(503).times(0));
        assert!(queue.fire("GET", "/").is_none());
    }
}
