//! Fetching an iCal feed by URL as a careful client: a time limit, a size limit, a few redirects
//! at most, and no way into our own network. A feed URL is typed by a member, so without the
//! guard it could make the server read `http://127.0.0.1/…` or a cloud metadata address for
//! them; every hop's address is checked, and the connection goes to the address checked.

use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use reqwest::{StatusCode, redirect::Policy};
use url::Url;

/// Why a feed could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("not a feed URL: {0}")]
    BadUrl(String),
    #[error("{0} is a private or local address, which calendar feeds may not use")]
    PrivateAddress(IpAddr),
    #[error(
        "port {0} is not for calendar feeds: use the standard port of http (80) or https (443)"
    )]
    Port(u16),
    #[error("{0} could not be resolved")]
    UnknownHost(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("the feed answered {0}")]
    Status(u16),
    #[error("the feed is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the feed could not be read: {0}")]
    Network(String),
}

/// Fetches feeds; one per server.
#[derive(Debug, Clone)]
pub struct FeedFetcher {
    /// Lets feeds live on loopback and private networks (`MM_ICAL_ALLOW_PRIVATE_HOSTS`, for
    /// tests and closed installations).
    pub allow_private_hosts: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
    pub max_redirects: usize,
}

impl Default for FeedFetcher {
    fn default() -> Self {
        Self {
            allow_private_hosts: false,
            timeout: Duration::from_secs(20),
            max_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

impl FeedFetcher {
    /// Checks a URL a member typed without fetching it: the scheme, and the address when the
    /// host is one. `webcal://` (what calendar apps publish) means `https://`.
    pub fn parse_url(&self, raw: &str) -> Result<Url, FeedError> {
        let raw = raw.trim();
        let raw = match raw.strip_prefix("webcal://") {
            Some(rest) => format!("https://{rest}"),
            None => raw.to_owned(),
        };
        let url = Url::parse(&raw).map_err(|e| FeedError::BadUrl(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FeedError::BadUrl(
                "only http and https feeds can be read".into(),
            ));
        }
        if let Some(port) = url.port().filter(|p| !matches!(p, 80 | 443))
            && !self.allow_private_hosts
        {
            // Another port is how a feed URL probes which services listen somewhere.
            return Err(FeedError::Port(port));
        }
        match url.host() {
            None => return Err(FeedError::BadUrl("the URL has no host".into())),
            Some(url::Host::Ipv4(ip)) => self.check(IpAddr::V4(ip))?,
            Some(url::Host::Ipv6(ip)) => self.check(IpAddr::V6(ip))?,
            Some(url::Host::Domain(_)) => {}
        }
        Ok(url)
    }

    /// The feed's text.
    pub async fn fetch(&self, raw: &str) -> Result<String, FeedError> {
        let mut url = self.parse_url(raw)?;
        for _ in 0..=self.max_redirects {
            let address = self.resolve(&url).await?;
            let host = url.host_str().unwrap_or_default().to_owned();
            let client = reqwest::Client::builder()
                // A proxy from the environment would connect on our behalf to whatever it is
                // asked, past the address check.
                .no_proxy()
                .redirect(Policy::none())
                .timeout(self.timeout)
                .connect_timeout(self.timeout.min(Duration::from_secs(10)))
                .user_agent(concat!(
                    "MeetingManager/",
                    env!("CARGO_PKG_VERSION"),
                    " calendar sync"
                ))
                // Connect to the address that was checked, not to a second answer from DNS.
                .resolve(&host, address)
                .build()
                .map_err(|e| FeedError::Network(e.to_string()))?;
            let mut response = client
                .get(url.clone())
                .header("Accept", "text/calendar, */*;q=0.5")
                .send()
                .await
                .map_err(|e| FeedError::Network(without_url(&e)))?;
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or(FeedError::Status(status.as_u16()))?;
                url = self.parse_url(
                    url.join(location)
                        .map_err(|e| FeedError::BadUrl(e.to_string()))?
                        .as_str(),
                )?;
                continue;
            }
            if status != StatusCode::OK {
                return Err(FeedError::Status(status.as_u16()));
            }
            if response
                .content_length()
                .is_some_and(|length| length > self.max_bytes as u64)
            {
                return Err(FeedError::TooLarge(self.max_bytes));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| FeedError::Network(without_url(&e)))?
            {
                if body.len() + chunk.len() > self.max_bytes {
                    return Err(FeedError::TooLarge(self.max_bytes));
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(String::from_utf8_lossy(&body).into_owned());
        }
        Err(FeedError::TooManyRedirects(self.max_redirects))
    }

    /// The first address of the URL's host, refused when it is not on the public internet.
    async fn resolve(&self, url: &Url) -> Result<SocketAddr, FeedError> {
        let port = url.port_or_known_default().unwrap_or(443);
        let host = url.host_str().unwrap_or_default();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<SocketAddr> = match literal.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|_| FeedError::UnknownHost(host.to_owned()))?
                .collect(),
        };
        // Every answer is checked: a name that also points inward is refused.
        for address in &addresses {
            self.check(address.ip())?;
        }
        addresses
            .first()
            .copied()
            .ok_or_else(|| FeedError::UnknownHost(host.to_owned()))
    }

    fn check(&self, ip: IpAddr) -> Result<(), FeedError> {
        if self.allow_private_hosts || is_public(ip) {
            Ok(())
        } else {
            Err(FeedError::PrivateAddress(ip))
        }
    }
}

/// Whether an address is on the public internet: not loopback, private, link-local (where cloud
/// metadata services live), shared, benchmarking, reserved, multicast, documentation or
/// unspecified; and not an IPv6 address that carries an IPv4 one the network may translate and
/// reach (mapped, compatible, NAT64, 6to4, Teredo) nor a deprecated site-local one.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let within = |net: &str| {
                net.parse::<ipnet::Ipv4Net>()
                    .is_ok_and(|net| net.contains(&v4))
            };
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || v4.octets()[0] == 0
                || within("100.64.0.0/10") // shared (carrier-grade NAT)
                || within("192.0.0.0/24") // IETF protocol assignments
                || within("198.18.0.0/15") // benchmarking
                || within("240.0.0.0/4")) // reserved
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let within = |net: &str| {
                net.parse::<ipnet::Ipv6Net>()
                    .is_ok_and(|net| net.contains(&v6))
            };
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || within("::/96") // IPv4-compatible (deprecated)
                || within("64:ff9b::/96") // NAT64
                || within("64:ff9b:1::/48") // local NAT64
                || within("2001::/32") // Teredo
                || within("2001:db8::/32") // documentation
                || within("2002::/16") // 6to4
                || within("fc00::/7") // unique local
                || within("fe80::/10") // link-local
                || within("fec0::/10")) // site-local (deprecated)
        }
    }
}

/// What went wrong, in a word. reqwest's errors name the URL, which may carry a private feed's
/// secret token, and their causes tell a refused connection from a silent one, which would let a
/// feed URL map which ports answer where.
fn without_url(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "transfer failed"
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_fetched_by_default() {
        let fetcher = FeedFetcher::default();
        for url in [
            "http://127.0.0.1/cal.ics",
            "http://10.1.2.3/cal.ics",
            "http://192.168.0.10/cal.ics",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/cal.ics",
            "http://[fd00::1]/cal.ics",
            "http://[::ffff:127.0.0.1]/cal.ics",
            "http://0.0.0.0/cal.ics",
            "http://[64:ff9b::a9fe:a9fe]/cal.ics",
            "http://[64:ff9b:1::a00:1]/cal.ics",
            "http://[2002:7f00:1::1]/cal.ics",
            "http://[::7f00:1]/cal.ics",
            "http://[fec0::1]/cal.ics",
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/cal.ics",
            "http://198.18.0.1/cal.ics",
            "http://198.19.255.255/cal.ics",
            "http://240.0.0.1/cal.ics",
            "http://255.255.255.255/cal.ics",
        ] {
            assert!(
                matches!(fetcher.parse_url(url), Err(FeedError::PrivateAddress(_))),
                "{url}"
            );
        }
        assert!(fetcher.parse_url("https://93.184.215.14/cal.ics").is_ok());
        assert!(
            fetcher
                .parse_url("https://calendar.google.com/x/basic.ics")
                .is_ok()
        );
    }

    #[test]
    fn only_the_web_ports_are_fetched_by_default() {
        let fetcher = FeedFetcher::default();
        assert_eq!(
            fetcher.parse_url("https://calendar.example.com:6379/cal.ics"),
            Err(FeedError::Port(6379))
        );
        assert!(
            fetcher
                .parse_url("https://calendar.example.com:443/cal.ics")
                .is_ok()
        );
        assert!(
            fetcher
                .parse_url("http://calendar.example.com:80/cal.ics")
                .is_ok()
        );
        assert!(
            fetcher
                .parse_url("https://[2606:4700::1111]/cal.ics")
                .is_ok()
        );
    }

    #[test]
    fn a_test_installation_may_read_loopback_feeds() {
        let fetcher = FeedFetcher {
            allow_private_hosts: true,
            ..FeedFetcher::default()
        };
        assert!(fetcher.parse_url("http://127.0.0.1:8080/cal.ics").is_ok());
    }

    #[test]
    fn webcal_means_https_and_other_schemes_are_refused() {
        let fetcher = FeedFetcher::default();
        assert_eq!(
            fetcher
                .parse_url("webcal://p01-caldav.icloud.com/published/2/abc")
                .map(|u| u.scheme().to_owned()),
            Ok("https".into())
        );
        assert!(matches!(
            fetcher.parse_url("file:///etc/passwd"),
            Err(FeedError::BadUrl(_))
        ));
        assert!(matches!(
            fetcher.parse_url("not a url"),
            Err(FeedError::BadUrl(_))
        ));
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_before_connecting() {
        let fetcher = FeedFetcher::default();
        assert!(matches!(
            fetcher.fetch("http://localhost/cal.ics").await,
            Err(FeedError::PrivateAddress(_))
        ));
    }
}
