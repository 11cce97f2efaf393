//! Parsers for the request headers Tessera reads from outside: pure functions over text,
//! so they are property-tested and fuzzed on their own.

use std::net::IpAddr;

/// The language tags of an `Accept-Language` header, most wanted first: by `q` weight,
/// then in the order given. Tags the client refuses (`q=0`) or weighs unreadably are
/// dropped; a missing weight is 1.
pub fn accepted_languages(header: &str) -> Vec<&str> {
    let mut wanted: Vec<(f32, usize, &str)> = Vec::new();
    for (order, item) in header.split(',').enumerate() {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if tag.is_empty() || q <= 0.0 || !q.is_finite() {
            continue;
        }
        wanted.push((q, order, tag));
    }
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    wanted.into_iter().map(|w| w.2).collect()
}

/// The client of a request that reached the desk from `peer`, given the values of its
/// `X-Forwarded-For` headers and the proxies the operator trusts. A peer that is not a
/// trusted proxy is the client itself (whatever the header says). Otherwise the header
/// is read from the right, where each proxy appended what it saw: the first address that
/// is not a trusted proxy is the client; anything unreadable ends the trusted chain.
pub fn forwarded_client(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for.iter().flat_map(|v| v.split(',')).rev() {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => {
                client = ip.to_canonical();
                if !trusted.contains(&client) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn languages_by_weight_then_order() {
        assert_eq!(
            accepted_languages("en;q=0.5, sl, hr;q=0.9, el;q=0, bg;q=x"),
            vec!["sl", "bg", "hr", "en"]
        );
        assert!(accepted_languages("").is_empty());
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_the_header_says() {
        let peer: IpAddr = ip("203.0.113.9");
        assert_eq!(forwarded_client(peer, &["10.0.0.1"], &[]), peer);
        let proxy: IpAddr = ip("127.0.0.1");
        let got = forwarded_client(proxy, &["198.51.100.7, 203.0.113.1", "127.0.0.1"], &[proxy]);
        assert_eq!(got, ip("203.0.113.1"));
        assert_eq!(forwarded_client(proxy, &["junk"], &[proxy]), proxy);
    }

    proptest! {
        #[test]
        fn accepted_languages_are_tags_of_the_header(header in "\\PC{0,80}") {
            for tag in accepted_languages(&header) {
                prop_assert!(!tag.is_empty());
                prop_assert!(header.contains(tag));
            }
        }

        #[test]
        fn the_client_is_the_peer_or_named_in_the_header(
            header in "[0-9a-f.:, ]{0,60}",
            trust_peer in any::<bool>(),
        ) {
            let peer: IpAddr = ip("127.0.0.1");
            let trusted = if trust_peer { vec![peer] } else { vec![] };
            let client = forwarded_client(peer, &[header.as_str()], &trusted);
            let named = header
                .split(',')
                .filter_map(|e| e.trim().parse::<IpAddr>().ok())
                .any(|ip| ip.to_canonical() == client);
            prop_assert!(client == peer || (trust_peer && named));
        }
    }
}
