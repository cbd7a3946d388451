//! The client's address for rate limiting: the socket's peer, or, when the peer is a trusted
//! reverse proxy, the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
//! A client cannot spoof its address through a header the proxy merely appends to.
//!
//! Limits count a client by its network: an IPv4 address, or the /64 an IPv6 address lies in,
//! since one subscriber is routinely given a whole /64 and could otherwise take a fresh address
//! for every request.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

pub fn client_ip(request: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip();
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    Some(resolve(peer, &forwarded, trusted))
}

/// The subject per-address limits count: the IPv4 address, or the IPv6 /64.
pub fn network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => ipnet::Ipv6Net::new(v6, 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| v6.to_string()),
        },
    }
}

/// The network of the client of `request`; a request without a peer (none reaches us that
/// way) counts as one unknown client.
pub fn client_network(request: &HttpRequest, trusted: &[IpNet]) -> String {
    client_ip(request, trusted).map_or_else(|| "unknown".to_owned(), network)
}

fn resolve(peer: IpAddr, forwarded: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Each proxy appends the address it saw: walk from the nearest one outwards.
    let mut client = peer;
    for hop in forwarded
        .iter()
        .flat_map(|h| h.split(','))
        .map(str::trim)
        .rev()
    {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_and_ipv4_by_their_address() {
        assert_eq!(network(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            network(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            network(ip("2001:db8:1:2::7"))
        );
        assert_ne!(
            network(ip("2001:db8:1:3::1")),
            network(ip("2001:db8:1:2::1"))
        );
        assert_eq!(network(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(network(ip("::ffff:203.0.113.9")), "203.0.113.9");
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        assert_eq!(
            resolve(ip("203.0.113.9"), &["198.51.100.1"], &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_counts() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("10.0.0.2"), &["198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_spoofed_leftmost_entry_is_ignored() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client sent "1.2.3.4" itself; the proxy appended the real address.
        assert_eq!(
            resolve(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn chains_of_trusted_proxies_are_walked() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            resolve(ip("10.0.0.2"), &["198.51.100.7, 10.0.0.5"], &trusted),
            ip("198.51.100.7")
        );
    }
}
