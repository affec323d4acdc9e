//! Settings from the environment (and an optional `KEY=value` file named by `MADOGUCHI_CONFIG`).
//!
//! Every setting has one name, one default and one parser here. A bad value stops start-up with a message
//! that names the variable and says what would be right.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::crypto::SecretKey;
use crate::i18n::Locale;

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub base_url: url::Url,
    pub database_url: String,
    /// A database URL with the rights to change the schema (`MADOGUCHI_MIGRATION_DATABASE_URL`): migrations run
    /// with it, and the serving pool keeps `database_url`, a role that cannot alter or drop the audit log.
    pub migration_database_url: Option<String>,
    pub database_max_connections: u32,
    pub data_dir: PathBuf,
    pub secret_key: SecretKey,
    pub default_locale: Locale,
    /// Demo data and the demo helpers. On by default only on one developer's machine (see `runs_locally`).
    pub demo_mode: bool,
    /// Proxies whose `X-Forwarded-For` is believed (`MADOGUCHI_TRUSTED_PROXIES`); empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a client may take to send a request body (`MADOGUCHI_BODY_TIMEOUT_SECONDS`).
    pub body_timeout: Duration,
    /// Whether this node works issuance runs (`MADOGUCHI_RUN_WORKER`, on by default; any number of nodes may).
    pub run_worker: bool,
    pub smtp: SmtpSettings,
    pub log_format: LogFormat,
    /// Express issuance: daily capacity and the issuing body (see `crate::issuing`).
    pub express: ExpressSettings,
}

#[derive(Clone, Debug)]
pub struct ExpressSettings {
    /// `MADOGUCHI_EXPRESS_CAPACITY_NATIONAL`, `MADOGUCHI_EXPRESS_CAPACITY_MUNICIPALITY` (the figure for a
    /// municipality without its own) and `MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY` (`id:n,id:n`).
    pub capacity: crate::domain::express_schedule::DailyCapacity,
    /// The key both sides sign callbacks and orders with (`MADOGUCHI_ISSUING_BODY_KEY`). In demo mode without
    /// one, a key derived from the secret key; outside demo mode there is no default, and without a key every
    /// callback is refused and `madoguchi issuing-body` does not start.
    pub issuing_body_key: Option<Vec<u8>>,
    /// Where accepted requests are sent (`MADOGUCHI_ISSUING_BODY_URL`, the `madoguchi issuing-body` process).
    /// Unset: in demo mode the simulated issuing body runs inside the portal; otherwise orders wait.
    pub issuing_body_url: Option<url::Url>,
    /// Where `madoguchi issuing-body` listens (`MADOGUCHI_ISSUING_BODY_BIND`).
    pub issuing_body_bind: SocketAddr,
    /// Seconds the simulated issuing body takes for each stage (`MADOGUCHI_ISSUING_BODY_STEP_SECONDS`).
    pub issuing_body_step: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `smtp://host:port`, `smtps://user:pass@host` … as lettre reads it; `None` keeps mail in the outbox only.
    pub url: Option<String>,
    pub from: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable} is not valid: {problem}. {expected}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
    pub expected: &'static str,
}

/// The raw key/value pairs settings are read from: the config file first, the environment over it.
pub struct Source {
    values: HashMap<String, String>,
}

impl Source {
    pub fn from_environment() -> Result<Source, ConfigError> {
        let mut values = HashMap::new();
        if let Ok(path) = std::env::var("MADOGUCHI_CONFIG") {
            values.extend(read_config_file(Path::new(&path))?);
        }
        values.extend(std::env::vars().filter(|(k, _)| k.starts_with("MADOGUCHI_") || k == "DATABASE_URL"));
        Ok(Source { values })
    }

    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Source {
        Source { values: pairs.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

fn read_config_file(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        variable: "MADOGUCHI_CONFIG",
        problem: format!("cannot read {}: {e}", path.display()),
        expected: "Name a readable file of KEY=value lines, or unset it.",
    })?;
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(ConfigError {
                variable: "MADOGUCHI_CONFIG",
                problem: format!("line {} of {} has no '='", n + 1, path.display()),
                expected: "Write one KEY=value a line; lines starting with # are comments.",
            });
        };
        pairs.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
    }
    Ok(pairs)
}

fn parse_bool(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError {
            variable,
            problem: format!("'{other}' is not a yes/no value"),
            expected: "Use true or false.",
        }),
    }
}

impl Settings {
    pub fn load(source: &Source) -> Result<Settings, ConfigError> {
        let bind = match source.get("MADOGUCHI_BIND") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(v) => v.parse().map_err(|_| ConfigError {
                variable: "MADOGUCHI_BIND",
                problem: format!("'{v}' is not an address and port"),
                expected: "Use an IP address and a port, such as 127.0.0.1:8080 or 0.0.0.0:8080.",
            })?,
        };

        let base_url_text = source.get("MADOGUCHI_BASE_URL").unwrap_or("http://localhost:8080");
        let base_url = url::Url::parse(base_url_text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| ConfigError {
                variable: "MADOGUCHI_BASE_URL",
                problem: format!("'{base_url_text}' is not an http or https URL"),
                expected: "Use the address people type, such as https://madoguchi.example.jp.",
            })?;
        if matches!(base_url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))) {
            return Err(ConfigError {
                variable: "MADOGUCHI_BASE_URL",
                problem: format!("'{base_url_text}' uses an IP address"),
                expected: "Passkeys need a domain name: use http://localhost:PORT locally, or the service's domain.",
            });
        }

        let data_dir = PathBuf::from(source.get("MADOGUCHI_DATA_DIR").unwrap_or("data"));

        let database_url = match source.get("DATABASE_URL") {
            None => format!("sqlite:{}?mode=rwc", data_dir.join("madoguchi.db").display()),
            Some(v) if v.starts_with("sqlite:") || v.starts_with("postgres:") || v.starts_with("postgresql:") => {
                v.to_string()
            }
            Some(v) => {
                return Err(ConfigError {
                    variable: "DATABASE_URL",
                    problem: format!("'{}' is neither SQLite nor PostgreSQL", redact_url(v)),
                    expected: "Use sqlite:path/to/file.db?mode=rwc or postgres://user@host:port/database.",
                });
            }
        };

        let migration_database_url = match source.get("MADOGUCHI_MIGRATION_DATABASE_URL") {
            None => None,
            Some(v)
                if database_url.starts_with("postgres")
                    && (v.starts_with("postgres:") || v.starts_with("postgresql:")) =>
            {
                Some(v.to_string())
            }
            Some(v) => {
                return Err(ConfigError {
                    variable: "MADOGUCHI_MIGRATION_DATABASE_URL",
                    problem: format!("'{}' is not a PostgreSQL URL for a PostgreSQL DATABASE_URL", redact_url(v)),
                    expected: "Use postgres://owner@host:port/database next to a PostgreSQL DATABASE_URL, or unset it.",
                });
            }
        };

        let database_max_connections = match source.get("MADOGUCHI_DATABASE_MAX_CONNECTIONS") {
            None => 10,
            Some(v) => v.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| ConfigError {
                variable: "MADOGUCHI_DATABASE_MAX_CONNECTIONS",
                problem: format!("'{v}' is not a number from 1 to 1000"),
                expected: "Use a pool size such as 10.",
            })?,
        };

        let secret_key = match source.get("MADOGUCHI_SECRET_KEY") {
            Some(v) => SecretKey::from_hex(v).ok_or(ConfigError {
                variable: "MADOGUCHI_SECRET_KEY",
                problem: "it is not 64 hexadecimal characters".into(),
                expected: "Generate one with `openssl rand -hex 32`, or unset it to have one made under the data folder.",
            })?,
            None => SecretKey::load_or_create(&data_dir.join("secret.key")).map_err(|e| ConfigError {
                variable: "MADOGUCHI_SECRET_KEY",
                problem: format!("it is unset and {} could not be read or written: {e}", data_dir.display()),
                expected: "Set MADOGUCHI_SECRET_KEY (64 hex characters) or make MADOGUCHI_DATA_DIR writable.",
            })?,
        };

        let default_locale = match source.get("MADOGUCHI_DEFAULT_LOCALE") {
            None => Locale::Ja,
            Some(v) => Locale::from_code(v).ok_or_else(|| ConfigError {
                variable: "MADOGUCHI_DEFAULT_LOCALE",
                problem: format!("'{v}' is not a supported language"),
                expected: "Use ja, en or ja-easy.",
            })?,
        };

        let demo_mode = match source.get("MADOGUCHI_DEMO") {
            None => runs_locally(&database_url, bind, &base_url),
            Some(v) => parse_bool("MADOGUCHI_DEMO", v)?,
        };
        if demo_mode && base_url.scheme() == "https" {
            return Err(ConfigError {
                variable: "MADOGUCHI_DEMO",
                problem: "demo mode is on and MADOGUCHI_BASE_URL is https, which looks like a real deployment; demo \
                          mode lets anyone sign in as any demo officer or administrator"
                    .into(),
                expected: "Set MADOGUCHI_DEMO=false for real use; demo mode is for http://localhost only.",
            });
        }

        let trusted_proxies = match source.get("MADOGUCHI_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => parse_networks(v).map_err(|bad| ConfigError {
                variable: "MADOGUCHI_TRUSTED_PROXIES",
                problem: format!("'{bad}' is not an IP address or network"),
                expected: "List the load balancers' addresses or networks, separated by commas, such as 10.0.0.0/8,192.0.2.10.",
            })?,
        };

        let body_timeout = match source.get("MADOGUCHI_BODY_TIMEOUT_SECONDS") {
            None => Duration::from_secs(30),
            Some(v) => {
                v.parse::<u64>().ok().filter(|n| (1..=3600).contains(n)).map(Duration::from_secs).ok_or_else(|| {
                    ConfigError {
                        variable: "MADOGUCHI_BODY_TIMEOUT_SECONDS",
                        problem: format!("'{v}' is not a number of seconds from 1 to 3600"),
                        expected: "Use a number of seconds such as 30.",
                    }
                })?
            }
        };

        let run_worker = match source.get("MADOGUCHI_RUN_WORKER") {
            None => true,
            Some(v) => parse_bool("MADOGUCHI_RUN_WORKER", v)?,
        };

        let smtp_url = source.get("MADOGUCHI_SMTP_URL").map(str::to_string);
        if let Some(u) = &smtp_url
            && !(u.starts_with("smtp://") || u.starts_with("smtps://"))
        {
            return Err(ConfigError {
                variable: "MADOGUCHI_SMTP_URL",
                problem: format!("'{}' is not an smtp:// or smtps:// URL", redact_url(u)),
                expected: "Use smtp://host:port (add ?tls=required for STARTTLS) or smtps://user:password@host.",
            });
        }
        let from = source.get("MADOGUCHI_MAIL_FROM").unwrap_or("madoguchi <no-reply@localhost>").to_string();
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                variable: "MADOGUCHI_MAIL_FROM",
                problem: format!("'{from}' is not a mailbox"),
                expected: "Use a sender such as \"窓口 <no-reply@city.example.jp>\".",
            });
        }

        let log_format = match source.get("MADOGUCHI_LOG_FORMAT") {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(v) => {
                return Err(ConfigError {
                    variable: "MADOGUCHI_LOG_FORMAT",
                    problem: format!("'{v}' is not a log format"),
                    expected: "Use text or json.",
                });
            }
        };

        let express = load_express(source, demo_mode, &secret_key)?;

        Ok(Settings {
            bind,
            base_url,
            database_url,
            migration_database_url,
            database_max_connections,
            data_dir,
            secret_key,
            default_locale,
            demo_mode,
            trusted_proxies,
            body_timeout,
            run_worker,
            smtp: SmtpSettings { url: smtp_url, from },
            log_format,
            express,
        })
    }

    /// Cookies get `Secure` when people reach the service over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

/// Shortest issuing-body key accepted: 32 characters, as much as the HMAC-SHA256 output.
pub const ISSUING_BODY_KEY_MIN_CHARS: usize = 32;

fn load_express(source: &Source, demo_mode: bool, secret_key: &SecretKey) -> Result<ExpressSettings, ConfigError> {
    use crate::domain::express_schedule::DailyCapacity;
    let count = |variable: &'static str, v: &str| {
        v.trim().parse::<u32>().ok().filter(|n| (1..=1_000_000).contains(n)).ok_or_else(|| ConfigError {
            variable,
            problem: format!("'{v}' is not a number of cards from 1 to 1000000"),
            expected: "Use the number of express cards a day, such as 50.",
        })
    };
    let mut capacity = DailyCapacity::default();
    if let Some(v) = source.get("MADOGUCHI_EXPRESS_CAPACITY_NATIONAL") {
        capacity.national = count("MADOGUCHI_EXPRESS_CAPACITY_NATIONAL", v)?;
    }
    if let Some(v) = source.get("MADOGUCHI_EXPRESS_CAPACITY_MUNICIPALITY") {
        capacity.per_municipality = count("MADOGUCHI_EXPRESS_CAPACITY_MUNICIPALITY", v)?;
    }
    if let Some(v) = source.get("MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY") {
        for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || ConfigError {
                variable: "MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY",
                problem: format!("'{pair}' is not municipality-id:number"),
                expected: "List municipality-id:cards-a-day pairs separated by commas, such as mun-aoba:20,mun-kita:5.",
            };
            let (id, n) = pair.split_once(':').ok_or_else(bad)?;
            let n = count("MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY", n).map_err(|_| bad())?;
            capacity.municipalities.insert(id.trim().to_string(), n);
        }
    }
    let issuing_body_key = match source.get("MADOGUCHI_ISSUING_BODY_KEY") {
        Some(v) if v.chars().count() >= ISSUING_BODY_KEY_MIN_CHARS => Some(v.as_bytes().to_vec()),
        Some(_) => {
            return Err(ConfigError {
                variable: "MADOGUCHI_ISSUING_BODY_KEY",
                problem: format!("it is shorter than {ISSUING_BODY_KEY_MIN_CHARS} characters"),
                expected: "Generate one with `openssl rand -hex 32` and give the same key to the portal and the issuing body.",
            });
        }
        None if demo_mode => Some(secret_key.sign(crate::crypto::Purpose::DemoIssuingBody, b"callbacks").into_bytes()),
        None => None,
    };
    let issuing_body_url = match source.get("MADOGUCHI_ISSUING_BODY_URL") {
        None => None,
        Some(v) => {
            Some(url::Url::parse(v).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(|| {
                ConfigError {
                    variable: "MADOGUCHI_ISSUING_BODY_URL",
                    problem: format!("'{v}' is not an http or https URL"),
                    expected: "Use the address of `madoguchi issuing-body`, such as http://127.0.0.1:8090/.",
                }
            })?)
        }
    };
    let issuing_body_bind = match source.get("MADOGUCHI_ISSUING_BODY_BIND") {
        None => SocketAddr::from(([127, 0, 0, 1], 8090)),
        Some(v) => v.parse().map_err(|_| ConfigError {
            variable: "MADOGUCHI_ISSUING_BODY_BIND",
            problem: format!("'{v}' is not an address and port"),
            expected: "Use an IP address and a port, such as 127.0.0.1:8090.",
        })?,
    };
    let issuing_body_step = match source.get("MADOGUCHI_ISSUING_BODY_STEP_SECONDS") {
        None => Duration::from_secs(20),
        Some(v) => {
            v.parse::<u64>().ok().filter(|n| *n <= 86_400).map(Duration::from_secs).ok_or_else(|| ConfigError {
                variable: "MADOGUCHI_ISSUING_BODY_STEP_SECONDS",
                problem: format!("'{v}' is not a number of seconds from 0 to 86400"),
                expected: "Use a number of seconds such as 20.",
            })?
        }
    };
    Ok(ExpressSettings { capacity, issuing_body_key, issuing_body_url, issuing_body_bind, issuing_body_step })
}

/// Whether the settings plainly describe one developer's machine: SQLite, a loopback bind address and an
/// `http://localhost` base URL. Only then is demo mode on without being asked for.
fn runs_locally(database_url: &str, bind: SocketAddr, base_url: &url::Url) -> bool {
    database_url.starts_with("sqlite:")
        && bind.ip().is_loopback()
        && base_url.scheme() == "http"
        && base_url.host_str() == Some("localhost")
}

/// Comma- or space-separated addresses and CIDR networks; a bare address is a network of one. `Err` names the
/// first entry that is neither.
fn parse_networks(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<ipnet::IpNet>()
                .or_else(|_| t.parse::<IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| t.to_string())
        })
        .collect()
}

/// A URL with any password replaced, for messages and logs.
pub fn redact_url(text: &str) -> String {
    match url::Url::parse(text) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap().to_string();
        let mut all: Vec<(&str, &str)> = vec![("MADOGUCHI_DATA_DIR", data.as_str())];
        all.extend_from_slice(pairs);
        Settings::load(&Source::from_pairs(all))
    }

    #[test]
    fn defaults_start_a_local_portal() {
        let s = load(&[]).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url.as_str(), "http://localhost:8080/");
        assert!(s.database_url.starts_with("sqlite:"));
        assert!(s.demo_mode);
        assert_eq!(s.default_locale, Locale::Ja);
        assert!(!s.secure_cookies());
    }

    #[test]
    fn express_capacity_and_the_issuing_body_key() {
        let s = load(&[
            ("MADOGUCHI_EXPRESS_CAPACITY_NATIONAL", "300"),
            ("MADOGUCHI_EXPRESS_CAPACITY_MUNICIPALITY", "7"),
            ("MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY", "mun-aoba:20, mun-kita:5"),
        ])
        .unwrap();
        assert_eq!(s.express.capacity.national, 300);
        assert_eq!(s.express.capacity.of_municipality("mun-aoba"), 20);
        assert_eq!(s.express.capacity.of_municipality("mun-other"), 7);
        assert!(s.express.issuing_body_key.is_some(), "demo mode derives a key");
        let e = load(&[("MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY", "mun-aoba=20")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_EXPRESS_CAPACITY_BY_MUNICIPALITY");
        // Outside demo mode there is no default key, and a short one is refused.
        assert!(load(&[("MADOGUCHI_DEMO", "false")]).unwrap().express.issuing_body_key.is_none());
        let e = load(&[("MADOGUCHI_ISSUING_BODY_KEY", "short")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_ISSUING_BODY_KEY");
        let key = "k".repeat(40);
        let s = load(&[("MADOGUCHI_DEMO", "false"), ("MADOGUCHI_ISSUING_BODY_KEY", &key)]).unwrap();
        assert_eq!(s.express.issuing_body_key.as_deref(), Some(key.as_bytes()));
    }

    #[test]
    fn a_bad_value_names_the_variable_and_the_fix() {
        let e = load(&[("MADOGUCHI_BIND", "localhost")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_BIND");
        assert!(e.to_string().contains("127.0.0.1:8080"));

        let e = load(&[("MADOGUCHI_BASE_URL", "http://127.0.0.1:8080")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_BASE_URL");
        assert!(e.expected.contains("domain"));

        let e = load(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(e.variable, "DATABASE_URL");

        let e = load(&[("MADOGUCHI_SECRET_KEY", "abc")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_SECRET_KEY");

        let e = load(&[("MADOGUCHI_DEFAULT_LOCALE", "fr")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_DEFAULT_LOCALE");

        let e = load(&[("MADOGUCHI_DEMO", "perhaps")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_DEMO");

        let e = load(&[("MADOGUCHI_SMTP_URL", "http://mail")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_SMTP_URL");
    }

    #[test]
    fn demo_mode_is_on_by_default_only_on_a_developers_machine() {
        assert!(load(&[]).unwrap().demo_mode, "SQLite, 127.0.0.1 and http://localhost: a developer's machine");
        assert!(load(&[("MADOGUCHI_BIND", "[::1]:8080")]).unwrap().demo_mode);
        for setting in [
            ("DATABASE_URL", "postgres://app@db/madoguchi"),
            ("MADOGUCHI_BIND", "0.0.0.0:8080"),
            ("MADOGUCHI_BIND", "192.0.2.1:8080"),
            ("MADOGUCHI_BASE_URL", "http://madoguchi.example.jp"),
            ("MADOGUCHI_BASE_URL", "http://localhost.example.jp"),
        ] {
            assert!(!load(&[setting]).unwrap().demo_mode, "{setting:?} starts without demo mode");
        }
        // Asked for explicitly, demo mode is on anywhere plain http is used (a shared test server, say).
        let s = load(&[("DATABASE_URL", "postgres://app@db/madoguchi"), ("MADOGUCHI_DEMO", "true")]).unwrap();
        assert!(s.demo_mode);
        assert!(!load(&[("MADOGUCHI_DEMO", "false")]).unwrap().demo_mode);
    }

    #[test]
    fn demo_mode_over_https_is_refused_and_says_why() {
        let https = ("MADOGUCHI_BASE_URL", "https://madoguchi.example.jp");
        let s = load(&[https]).unwrap();
        assert!(!s.demo_mode, "https starts without demo mode");
        let e = load(&[https, ("MADOGUCHI_DEMO", "true")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_DEMO");
        let text = e.to_string();
        assert!(text.contains("https") && text.contains("administrator"), "{text}");
        assert!(text.contains("MADOGUCHI_DEMO=false"), "{text}");
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        assert!(load(&[]).unwrap().trusted_proxies.is_empty());
        let s = load(&[("MADOGUCHI_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.10 ,::1")]).unwrap();
        let nets: Vec<String> = s.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["10.0.0.0/8", "192.0.2.10/32", "::1/128"]);
        let e = load(&[("MADOGUCHI_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_TRUSTED_PROXIES");
        assert!(e.problem.contains("proxy.local"));
    }

    #[test]
    fn the_body_timeout_is_seconds_with_a_default() {
        assert_eq!(load(&[]).unwrap().body_timeout, Duration::from_secs(30));
        assert_eq!(load(&[("MADOGUCHI_BODY_TIMEOUT_SECONDS", "2")]).unwrap().body_timeout, Duration::from_secs(2));
        for bad in ["0", "-1", "soon", "100000"] {
            let e = load(&[("MADOGUCHI_BODY_TIMEOUT_SECONDS", bad)]).unwrap_err();
            assert_eq!(e.variable, "MADOGUCHI_BODY_TIMEOUT_SECONDS");
        }
    }

    #[test]
    fn a_migration_role_goes_with_postgres_only() {
        assert_eq!(load(&[]).unwrap().migration_database_url, None);
        let s = load(&[
            ("DATABASE_URL", "postgres://app@db/madoguchi"),
            ("MADOGUCHI_MIGRATION_DATABASE_URL", "postgres://owner:secret@db/madoguchi"),
        ])
        .unwrap();
        assert_eq!(s.migration_database_url.as_deref(), Some("postgres://owner:secret@db/madoguchi"));
        let e = load(&[("MADOGUCHI_MIGRATION_DATABASE_URL", "postgres://owner:hunter2@db/madoguchi")]).unwrap_err();
        assert_eq!(e.variable, "MADOGUCHI_MIGRATION_DATABASE_URL");
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn passwords_in_urls_are_never_echoed() {
        let e = load(&[("DATABASE_URL", "mysql://user:hunter2@db/x")]).unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
        let e = load(&[("MADOGUCHI_SMTP_URL", "http://user:hunter2@mail")]).unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn the_secret_key_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_str().unwrap();
        let a = Settings::load(&Source::from_pairs([("MADOGUCHI_DATA_DIR", data)])).unwrap();
        let b = Settings::load(&Source::from_pairs([("MADOGUCHI_DATA_DIR", data)])).unwrap();
        assert_eq!(a.secret_key, b.secret_key);
    }

    #[cfg(unix)]
    #[test]
    fn the_data_folder_and_the_secret_key_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("new/data");
        Settings::load(&Source::from_pairs([("MADOGUCHI_DATA_DIR", data.to_str().unwrap())])).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("secret.key")), 0o600);
    }

    #[test]
    fn the_config_file_is_read_and_the_environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("madoguchi.conf");
        std::fs::write(&file, "# comment\nMADOGUCHI_BIND=0.0.0.0:9000\nMADOGUCHI_DEMO=false\n").unwrap();
        let mut values: HashMap<String, String> = read_config_file(&file).unwrap().into_iter().collect();
        values.insert("MADOGUCHI_DEMO".into(), "true".into());
        values.insert("MADOGUCHI_DATA_DIR".into(), dir.path().to_str().unwrap().into());
        let s = Settings::load(&Source { values }).unwrap();
        assert_eq!(s.bind.port(), 9000);
        assert!(s.demo_mode);

        std::fs::write(&file, "no equals sign\n").unwrap();
        assert_eq!(read_config_file(&file).unwrap_err().variable, "MADOGUCHI_CONFIG");
    }
}
