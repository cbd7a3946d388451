//! The soak: half an hour (or `minutes`) of the mixed traffic an organisation's server meets —
//! visitors browsing the booking pages, customers booking, staff moving meetings between
//! members, members' iCal calendars syncing — while the server's memory (RSS) and each kind of
//! request's latency are sampled every `sample_seconds`. A line per sample goes to stdout as
//! CSV; the end compares memory and latency once the warm-up is over with the last minutes.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

use super::{Outcome, Wizard, percentile, report};

/// The name of the calendars the soak subscribes (the data set's own point at a host that does
/// not resolve, so their syncs fail every minute: the failure path is soaked too).
const FEED_NAME: &str = "Soak feed";

/// What the soak is pointed at.
pub struct Soak {
    pub base: String,
    pub department: String,
    pub days: Vec<NaiveDate>,
    pub minutes: u64,
    pub sample_seconds: u64,
    /// The first minutes fill the caches (each SQLite connection's pages, the slot tables):
    /// memory growth is measured from their end.
    pub warm_up_minutes: u64,
    /// The server process whose memory is sampled.
    pub pid: u32,
    pub admin_email: String,
    pub admin_password: String,
    /// An iCal feed each of the first `calendars` members subscribes to (`?member=N` added).
    pub feed_url: String,
    pub calendars: usize,
}

/// What one sample keeps for the summary.
#[derive(Clone, Copy)]
struct Sample {
    minute: f64,
    rss_mib: f64,
    browse_p99_ms: f64,
    book_p99_ms: f64,
}

/// Latencies of one kind of request since the last sample, and its failures.
#[derive(Default)]
struct Window {
    took: Vec<Duration>,
    failed: usize,
}

#[derive(Default)]
struct Windows {
    browse: Window,
    book: Window,
    staff: Window,
}

type Shared = Arc<Mutex<Windows>>;

fn record(
    windows: &Shared,
    pick: fn(&mut Windows) -> &mut Window,
    result: anyhow::Result<Duration>,
) {
    let Ok(mut windows) = windows.lock() else {
        return;
    };
    let window = pick(&mut windows);
    match result {
        Ok(took) => window.took.push(took),
        Err(error) => {
            if window.failed == 0 {
                eprintln!("failed: {error:#}");
            }
            window.failed += 1;
        }
    }
}

/// The server's resident memory, in MiB.
fn rss_mib(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading the memory of process {pid}"))?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .context("VmRSS")?;
    Ok(kib / 1024.0)
}

async fn json_of(response: reqwest::Response) -> anyhow::Result<Value> {
    let status = response.status();
    if !status.is_success() {
        bail!("{status}: {}", response.text().await.unwrap_or_default());
    }
    Ok(response.json().await?)
}

/// A staff session: signs in as the System Manager and subscribes members to the feed.
struct Staff {
    client: reqwest::Client,
    api: String,
    token: String,
    department_id: String,
    members: Vec<String>,
}

impl Staff {
    async fn sign_in(client: &reqwest::Client, soak: &Soak) -> anyhow::Result<Self> {
        let api = format!("{}/api/v1", soak.base.trim_end_matches('/'));
        let login = json_of(
            client
                .post(format!("{api}/auth/login"))
                .json(&json!({"email": soak.admin_email, "password": soak.admin_password}))
                .send()
                .await?,
        )
        .await?;
        let token = login["access_token"]
            .as_str()
            .context("a token")?
            .to_owned();
        let departments = json_of(
            client
                .get(format!("{api}/departments"))
                .bearer_auth(&token)
                .send()
                .await?,
        )
        .await?;
        let department = departments["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["department_slug"] == soak.department.as_str())
            .context("the department")?;
        let members = department["members"]
            .as_array()
            .context("its members")?
            .iter()
            .filter_map(|m| m["user_id"].as_str().map(str::to_owned))
            .collect();
        Ok(Self {
            client: client.clone(),
            department_id: department["id"].as_str().context("its id")?.to_owned(),
            api,
            token,
            members,
        })
    }

    async fn subscribe(&self, feed_url: &str, calendars: usize) -> anyhow::Result<()> {
        for (n, member) in self.members.iter().take(calendars).enumerate() {
            json_of(
                self.client
                    .post(format!("{}/users/{member}/calendar-integrations", self.api))
                    .bearer_auth(&self.token)
                    .json(&json!({
                        "integration_type": "ical",
                        "integration_name": FEED_NAME,
                        "ical_url": format!("{feed_url}?member={n}"),
                    }))
                    .send()
                    .await?,
            )
            .await?;
        }
        Ok(())
    }

    /// How many of the first `calendars` members' calendars synced successfully at least once.
    async fn synced(&self, calendars: usize) -> anyhow::Result<usize> {
        let mut synced = 0;
        for member in self.members.iter().take(calendars) {
            let list = json_of(
                self.client
                    .get(format!("{}/users/{member}/calendar-integrations", self.api))
                    .bearer_auth(&self.token)
                    .send()
                    .await?,
            )
            .await?;
            synced += list
                .as_array()
                .or_else(|| list["items"].as_array())
                .into_iter()
                .flatten()
                .filter(|c| c["integration_name"] == FEED_NAME)
                .filter(|c| {
                    let ok = !c["last_sync_utc"].is_null() && c["sync_status"] == "success";
                    if !ok {
                        eprintln!("not synced: {c}");
                    }
                    ok
                })
                .count();
        }
        Ok(synced)
    }

    /// Moves one of `day`'s confirmed meetings to another member, as a leader dragging it in
    /// the calendar does: the check while dragging, then the move.
    async fn move_one(&self, day: NaiveDate, rng: &mut StdRng) -> anyhow::Result<Duration> {
        let began = Instant::now();
        let list = json_of(
            self.client
                .get(format!("{}/bookings", self.api))
                .bearer_auth(&self.token)
                .query(&[
                    ("department_id", self.department_id.as_str()),
                    ("status", "confirmed"),
                    ("from", &format!("{day}T00:00:00Z")),
                    (
                        "to",
                        &format!("{}T00:00:00Z", day.succ_opt().unwrap_or(day)),
                    ),
                    ("per_page", "50"),
                ])
                .send()
                .await?,
        )
        .await?;
        let items = list["items"].as_array().context("items")?;
        if items.is_empty() {
            return Ok(began.elapsed());
        }
        let booking = &items[rng.gen_range(0..items.len())];
        let id = booking["id"].as_str().context("id")?;
        let to = &self.members[rng.gen_range(0..self.members.len())];
        let check = json_of(
            self.client
                .post(format!("{}/bookings/{id}/check-move", self.api))
                .bearer_auth(&self.token)
                .json(&json!({"assigned_to": to, "start_utc": booking["start_utc"]}))
                .send()
                .await?,
        )
        .await?;
        if check["ok"] == true {
            let moved = self
                .client
                .post(format!("{}/bookings/{id}/reassign", self.api))
                .bearer_auth(&self.token)
                .json(&json!({"assigned_to": to, "reason": "Soak"}))
                .send()
                .await?;
            // Taken meanwhile (409) is an answer too.
            if !(moved.status().is_success() || moved.status().as_u16() == 409) {
                bail!("reassign answered {}", moved.status());
            }
        }
        Ok(began.elapsed())
    }
}

/// One visitor's look at a meeting type: a month's dates, then a day's times.
async fn browse(wizard: &Wizard, day: NaiveDate) -> anyhow::Result<Duration> {
    let began = Instant::now();
    let month = day.format("%Y-%m").to_string();
    json_of(
        wizard
            .client
            .get(format!(
                "{}/departments/{}/meeting-types/call/available-dates",
                wizard.api, wizard.department
            ))
            .query(&[("month", month.as_str()), ("timezone", "Europe/Copenhagen")])
            .send()
            .await?,
    )
    .await?;
    wizard.open_starts(day).await?;
    Ok(began.elapsed())
}

pub async fn run(client: reqwest::Client, soak: Soak) -> anyhow::Result<()> {
    let staff = Staff::sign_in(&client, &soak).await?;
    staff.subscribe(&soak.feed_url, soak.calendars).await?;
    let wizard = Wizard::new(&client, &soak.base, &soak.department);
    let windows: Shared = Arc::default();
    let until = Instant::now() + Duration::from_secs(soak.minutes * 60);
    let days = Arc::new(soak.days.clone());
    let mut tasks = tokio::task::JoinSet::new();
    // Four visitors browsing without pause.
    for v in 0..4_u64 {
        let (wizard, windows, days) = (wizard.clone(), windows.clone(), days.clone());
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(v);
            while Instant::now() < until {
                let day = days[rng.gen_range(0..days.len())];
                record(&windows, |w| &mut w.browse, browse(&wizard, day).await);
            }
        });
    }
    // A customer booking every second, on a random day.
    {
        let (wizard, windows, days) = (wizard.clone(), windows.clone(), days.clone());
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(100);
            let mut every = tokio::time::interval(Duration::from_secs(1));
            let mut n = 0;
            while Instant::now() < until {
                every.tick().await;
                n += 1;
                let day = days[rng.gen_range(0..days.len())];
                let result = match wizard.book(day, usize::MAX, n, &mut rng).await {
                    Ok((Outcome::Booked | Outcome::Taken, took)) => Ok(took),
                    // A full day costs only its read.
                    Ok((Outcome::DayFull, _)) => continue,
                    Err(error) => Err(error),
                };
                record(&windows, |w| &mut w.book, result);
            }
        });
    }
    // A leader moving a meeting every two seconds.
    let staff = Arc::new(staff);
    {
        let (windows, days, staff) = (windows.clone(), days.clone(), staff.clone());
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(200);
            let mut every = tokio::time::interval(Duration::from_secs(2));
            while Instant::now() < until {
                every.tick().await;
                let day = days[rng.gen_range(0..days.len())];
                record(
                    &windows,
                    |w| &mut w.staff,
                    staff.move_one(day, &mut rng).await,
                );
            }
        });
    }

    report(
        "minute,rss_mib,browse_n,browse_p50_ms,browse_p99_ms,book_n,book_p50_ms,book_p99_ms,staff_n,staff_p50_ms,staff_p99_ms,failed",
    );
    let began = Instant::now();
    let mut samples: Vec<Sample> = Vec::new();
    let mut every = tokio::time::interval(Duration::from_secs(soak.sample_seconds));
    every.tick().await;
    while Instant::now() < until {
        every.tick().await;
        let taken = std::mem::take(&mut *windows.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
        let rss = rss_mib(soak.pid)?;
        let line = |w: &mut Window| {
            w.took.sort();
            (
                w.took.len(),
                percentile(&w.took, 50.0),
                percentile(&w.took, 99.0),
            )
        };
        let (mut browse_w, mut book_w, mut staff_w) = (taken.browse, taken.book, taken.staff);
        let (b, k, s) = (line(&mut browse_w), line(&mut book_w), line(&mut staff_w));
        let failed = browse_w.failed + book_w.failed + staff_w.failed;
        let minute = began.elapsed().as_secs_f64() / 60.0;
        report(&format!(
            "{minute:.1},{rss:.1},{},{:.1},{:.1},{},{:.1},{:.1},{},{:.1},{:.1},{failed}",
            b.0, b.1, b.2, k.0, k.1, k.2, s.0, s.1, s.2
        ));
        samples.push(Sample {
            minute,
            rss_mib: rss,
            browse_p99_ms: b.2,
            book_p99_ms: k.2,
        });
    }
    while tasks.join_next().await.is_some() {}
    let synced = staff.synced(soak.calendars).await?;
    let warm: Vec<_> = samples
        .iter()
        .copied()
        .filter(|s| s.minute >= soak.warm_up_minutes as f64)
        .collect();
    let (Some(first), Some(warmed), Some(last)) = (samples.first(), warm.first(), warm.last())
    else {
        bail!("no sample after the warm-up: run for longer");
    };
    // Single samples swing with the allocator's timing; five-minute means do not.
    let mean_rss = |s: &[Sample]| s.iter().map(|s| s.rss_mib).sum::<f64>() / s.len() as f64;
    let window = (300 / soak.sample_seconds.max(1)) as usize;
    let early = mean_rss(&warm[..window.clamp(1, warm.len())]);
    let late = mean_rss(&warm[warm.len().saturating_sub(window)..]);
    let growth = |from: f64, to: f64| (to - from) / from * 100.0;
    report(&format!(
        "# calendars_synced={synced}/{} rss_first_mib={:.1} rss_after_warm_up_mib={:.1} rss_last_mib={:.1} rss_max_mib={:.1} growth_after_warm_up_percent={:.1} growth_from_first_percent={:.1} rss_mean_first_5min_after_warm_up_mib={early:.1} rss_mean_last_5min_mib={late:.1} growth_of_means_percent={:.1} browse_p99_after_warm_up_ms={:.1} browse_p99_last_ms={:.1} book_p99_after_warm_up_ms={:.1} book_p99_last_ms={:.1}",
        soak.calendars,
        first.rss_mib,
        warmed.rss_mib,
        last.rss_mib,
        samples.iter().map(|s| s.rss_mib).fold(0.0, f64::max),
        growth(warmed.rss_mib, last.rss_mib),
        growth(first.rss_mib, last.rss_mib),
        growth(early, late),
        warmed.browse_p99_ms,
        last.browse_p99_ms,
        warmed.book_p99_ms,
        last.book_p99_ms
    ));
    Ok(())
}
