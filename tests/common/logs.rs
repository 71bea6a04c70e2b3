//! What the library logs, captured for a test.

use std::sync::{Arc, Mutex};

/// Everything logged at warn and above while the guard lives (this thread only).
pub fn warnings() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let logged = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(logged.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    (logged, tracing::subscriber::set_default(subscriber))
}

pub fn text(logged: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&logged.lock().unwrap()).into_owned()
}
