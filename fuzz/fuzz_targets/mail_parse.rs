//! Any bytes as an email: reading it never panics, gives a subject and sender on one
//! line each, ids without brackets, and the same key every time.
#![no_main]

use engine::mailin::{parse, seen_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = parse::parse(data);
    for id in p.message_id.iter().chain(&p.refers_to) {
        assert!(!id.is_empty() && !id.contains('<') && !id.contains('>'));
        assert!(id.len() <= 250);
    }
    assert!(p.text.len() <= parse::TEXT_MAX_BYTES);
    assert_eq!(
        seen_key(data, p.message_id.as_deref()),
        seen_key(data, p.message_id.as_deref())
    );
});
