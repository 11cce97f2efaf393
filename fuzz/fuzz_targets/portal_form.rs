//! The portal's new-ticket form, from any bytes, decoded as the server functions decode
//! a form post: what decodes and validates becomes a ticket the customer can read back
//! with its private link; everything else is refused with field errors, never a fault.
#![no_main]

use std::sync::OnceLock;

use engine::{Engine, ErrorKind, Options};
use libfuzzer_sys::fuzz_target;
use model::{Channel, NewTicket};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let options = Options {
                run_indexer: false,
                max_messages_per_ticket: 10,
                ..Options::default()
            };
            let engine = Engine::open_with(&dir.path().join("data"), options).expect("engine");
            (dir, engine)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let Ok(form) = std::str::from_utf8(data) else {
        return;
    };
    // The same decoder and limits as server_fn's form codec.
    let Ok(input) = serde_qs::Config::new(5, false).deserialize_str::<NewTicket>(form) else {
        return;
    };
    let errors = model::validate_new_ticket(&input);
    match engine().create_ticket(&input, Channel::Portal) {
        Ok(created) => {
            assert!(errors.is_empty());
            let secret = created.link.rsplit('/').next().expect("link");
            let ticket = engine()
                .customer_ticket(created.number, secret)
                .expect("the customer reads their new ticket");
            assert_eq!(ticket.number, created.number);
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
            assert!(!errors.is_empty());
        }
    }
});
