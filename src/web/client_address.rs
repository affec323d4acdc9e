//! Who the client is, for rate limits: the TCP peer, or — only when that peer is a proxy named in
//! `MADOGUCHI_TRUSTED_PROXIES` — the address the trusted proxies put in `X-Forwarded-For`.

use std::net::{IpAddr, SocketAddr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use ipnet::IpNet;

const FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address as rate limits count it.
pub fn of(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    // Several header lines are one list, in order.
    let values: Vec<&str> = req.headers().get_all(FORWARDED_FOR).filter_map(|v| v.to_str().ok()).collect();
    let forwarded = (!values.is_empty()).then(|| values.join(","));
    client_address(peer, forwarded.as_deref(), trusted)
}

/// Walks `X-Forwarded-For` from the right (the hop nearest to us), skipping trusted proxies, and takes the first
/// address that is not one: everything left of it was written by the client and proves nothing. A header from an
/// untrusted peer is ignored, and a malformed one falls back to the peer.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let (Some(peer_ip), Some(header)) = (peer, forwarded_for) else { return peer };
    if !is_trusted(&peer_ip) {
        return peer;
    }
    let Some(hops) = header.split(',').map(|hop| parse_hop(hop.trim())).collect::<Option<Vec<IpAddr>>>() else {
        return peer;
    };
    // All hops trusted: the leftmost is as near to the client as we can see.
    hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()).copied().or(peer)
}

fn parse_hop(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>().ok().or_else(|| text.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// The client address that rate limits count against (through `MADOGUCHI_TRUSTED_PROXIES` only).
pub fn client_key(req: &HttpRequest) -> String {
    let trusted = req
        .app_data::<actix_web::web::Data<crate::web::AppState>>()
        .map(|s| s.settings.trusted_proxies.as_slice())
        .unwrap_or(&[]);
    of(req, trusted).map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let got = client_address(Some(ip("203.0.113.9")), Some("198.51.100.1"), &[]);
        assert_eq!(got, Some(ip("203.0.113.9")));
    }

    #[test]
    fn a_spoofed_header_from_an_untrusted_peer_is_ignored() {
        let trusted = nets(&["10.0.0.0/8"]);
        let got = client_address(Some(ip("203.0.113.9")), Some("198.51.100.1, 10.0.0.5"), &trusted);
        assert_eq!(got, Some(ip("203.0.113.9")));
    }

    #[test]
    fn through_a_trusted_proxy_the_client_is_the_last_untrusted_hop() {
        let trusted = nets(&["10.0.0.0/8"]);
        let got = client_address(Some(ip("10.0.0.2")), Some("198.51.100.1"), &trusted);
        assert_eq!(got, Some(ip("198.51.100.1")));
        // What the client wrote itself (left of its own address) cannot choose its bucket.
        let got = client_address(Some(ip("10.0.0.2")), Some("1.2.3.4, 198.51.100.1"), &trusted);
        assert_eq!(got, Some(ip("198.51.100.1")));
    }

    #[test]
    fn a_chain_of_two_trusted_proxies_is_walked() {
        let trusted = nets(&["10.0.0.0/8", "192.0.2.7/32"]);
        let got = client_address(Some(ip("10.0.0.2")), Some("6.6.6.6, 198.51.100.1, 192.0.2.7"), &trusted);
        assert_eq!(got, Some(ip("198.51.100.1")));
        let got = client_address(Some(ip("10.0.0.2")), Some("[2001:db8::1]:4711,192.0.2.7:80"), &trusted);
        assert_eq!(got, Some(ip("2001:db8::1")));
    }

    #[test]
    fn a_malformed_header_or_none_falls_back_to_the_peer() {
        let trusted = nets(&["10.0.0.0/8"]);
        for header in [Some("not-an-address"), Some("198.51.100.1,,"), Some(""), None] {
            assert_eq!(client_address(Some(ip("10.0.0.2")), header, &trusted), Some(ip("10.0.0.2")), "{header:?}");
        }
    }
}
