//! `Accept-Language` and `X-Forwarded-For` from any bytes: the languages chosen are tags
//! of the header, and the client is the peer or an address the header names.
#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use model::headers::{accepted_languages, forwarded_client};

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    for tag in accepted_languages(header) {
        assert!(!tag.is_empty() && header.contains(tag));
    }
    let peer: IpAddr = "127.0.0.1".parse().expect("address");
    let values: Vec<&str> = header.lines().collect();
    let client = forwarded_client(peer, &values, &[peer]);
    let named = values
        .iter()
        .flat_map(|v| v.split(','))
        .filter_map(|e| e.trim().parse::<IpAddr>().ok())
        .any(|ip| ip.to_canonical() == client);
    assert!(client == peer || named);
    assert_eq!(forwarded_client(peer, &values, &[]), peer);
});
