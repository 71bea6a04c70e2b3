//! Locking that a panicking test cannot break: the sandbox's state stays usable after a
//! test panicked while holding one of its locks.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, taking the data over even when a panic poisoned it.
pub(crate) fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock must not break the next request.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poisoned_lock_still_hands_out_its_data() {
        let mutex = Mutex::new(1);
        let poisoned = std::panic::catch_unwind(|| {
            let _guard = lock(&mutex);
            panic!("a test fails while holding the lock");
        });
        assert!(poisoned.is_err() && mutex.is_poisoned());
        *lock(&mutex) += 1;
        assert_eq!(*lock(&mutex), 2);
    }
}
