//! Customers booking against a running server, for `scripts/bench-http.sh`: a steady stream of
//! bookings (beside which wrk reads slots), a crowd of clients racing for the same few slots,
//! and the audit afterwards that nobody holds two meetings at once; and the half-hour soak of
//! mixed traffic for `scripts/bench-soak.sh`.
//!
//! Every booking walks the wizard's last steps as a browser would: it reads a day's slots, picks
//! one that is open, and posts the booking. Latencies are those of the posts.

mod soak;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate, Weekday};
use clap::{Parser, Subcommand};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::{Value, json};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// Books at a steady rate, each booking on the next working day of the data set in turn.
    Steady {
        #[arg(long)]
        base: String,
        #[arg(long, default_value = "bench")]
        department: String,
        #[arg(long)]
        first_day: NaiveDate,
        #[arg(long, default_value_t = 26)]
        days: u32,
        /// Bookings per second.
        #[arg(long, default_value_t = 5.0)]
        rate: f64,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// `clients` customers at once (spread over the servers in `base`, comma-separated) race
    /// for the first open slots until `bookings` bookings are made.
    Crowd {
        #[arg(long)]
        base: String,
        #[arg(long, default_value = "crowd")]
        department: String,
        #[arg(long)]
        first_day: NaiveDate,
        #[arg(long, default_value_t = 50)]
        clients: usize,
        #[arg(long, default_value_t = 600)]
        bookings: usize,
    },
    /// Counts double bookings in the database `MM_DATABASE_URL` names; fails when there is one.
    Doubles,
    /// Mixed traffic for `minutes` (browsing, booking, staff moves, iCal syncs) while the
    /// server's memory and latencies are sampled: CSV on stdout.
    Soak {
        #[arg(long)]
        base: String,
        #[arg(long, default_value = "bench")]
        department: String,
        #[arg(long)]
        first_day: NaiveDate,
        #[arg(long, default_value_t = 26)]
        days: u32,
        #[arg(long, default_value_t = 30)]
        minutes: u64,
        #[arg(long, default_value_t = 30)]
        sample_seconds: u64,
        /// Minutes of traffic that fill the caches before growth is measured (sampled all the
        /// same).
        #[arg(long, default_value_t = 5)]
        warm_up_minutes: u64,
        /// The server's process id, whose memory is sampled.
        #[arg(long)]
        pid: u32,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_password: String,
        /// An iCal feed the members subscribe to.
        #[arg(long)]
        feed_url: String,
        /// How many members subscribe to it.
        #[arg(long, default_value_t = 20)]
        calendars: usize,
    },
}

/// One server's public booking API for one department's `call`.
#[derive(Clone)]
struct Wizard {
    client: reqwest::Client,
    api: String,
    department: String,
}

/// What one post answered.
enum Outcome {
    Booked,
    Taken,
    /// The day had no open slot left.
    DayFull,
}

impl Wizard {
    fn new(client: &reqwest::Client, base: &str, department: &str) -> Self {
        Self {
            client: client.clone(),
            api: format!("{}/api/v1/public", base.trim_end_matches('/')),
            department: department.to_owned(),
        }
    }

    /// The starts of `day`'s open slots.
    async fn open_starts(&self, day: NaiveDate) -> anyhow::Result<Vec<String>> {
        let url = format!(
            "{}/departments/{}/meeting-types/call/slots?date={day}&timezone=Europe/Copenhagen",
            self.api, self.department
        );
        let answer: Value = self
            .client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(answer["slots"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|slot| slot["start_utc"].as_str().map(str::to_owned))
            .collect())
    }

    /// Books one of the first `among` open slots of `day` for customer `n`; the time the post took.
    async fn book(
        &self,
        day: NaiveDate,
        among: usize,
        n: usize,
        rng: &mut StdRng,
    ) -> anyhow::Result<(Outcome, Duration)> {
        let starts = self.open_starts(day).await?;
        if starts.is_empty() {
            return Ok((Outcome::DayFull, Duration::ZERO));
        }
        let start = &starts[rng.gen_range(0..starts.len().min(among))];
        let body = json!({
            "department_slug": self.department,
            "meeting_slug": "call",
            "start_utc": start,
            "customer_name": format!("Load Customer {n}"),
            "customer_email": format!("load-{n}@example.com"),
            "customer_phone": "+4570000000",
            "customer_timezone": "Europe/Copenhagen",
            "customer_notes": "Load test",
            "answers": {},
        });
        let began = Instant::now();
        let answer = self
            .client
            .post(format!("{}/bookings", self.api))
            .json(&body)
            .send()
            .await?;
        let took = began.elapsed();
        match answer.status().as_u16() {
            201 => Ok((Outcome::Booked, took)),
            409 => Ok((Outcome::Taken, took)),
            status => bail!("booking answered {status}: {}", answer.text().await?),
        }
    }
}

/// The working days of the `days` days from `first`.
fn working_days(first: NaiveDate, days: u32) -> Vec<NaiveDate> {
    first
        .iter_days()
        .take(days as usize)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

/// The `p`-th percentile (0–100) of `sorted`, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn summary(mut posts: Vec<Duration>) -> String {
    posts.sort();
    format!(
        "p50_ms={:.1} p99_ms={:.1} max_ms={:.1}",
        percentile(&posts, 50.0),
        percentile(&posts, 99.0),
        percentile(&posts, 100.0)
    )
}

async fn steady(
    wizard: Wizard,
    days: Vec<NaiveDate>,
    rate: f64,
    seconds: u64,
) -> anyhow::Result<()> {
    let posts = Arc::new(Mutex::new(Vec::new()));
    let taken = Arc::new(AtomicUsize::new(0));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    let total = (rate * seconds as f64).round() as usize;
    let mut running = Vec::with_capacity(total);
    for n in 0..total {
        tick.tick().await;
        let (wizard, posts, taken) = (wizard.clone(), posts.clone(), taken.clone());
        let day = days[n % days.len()];
        // Open loop: a slow booking does not delay the next one.
        running.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(n as u64);
            let (outcome, took) = wizard.book(day, usize::MAX, n, &mut rng).await?;
            match outcome {
                Outcome::Booked => posts
                    .lock()
                    .map_err(|_| anyhow::anyhow!("poisoned"))?
                    .push(took),
                Outcome::Taken => _ = taken.fetch_add(1, Ordering::Relaxed),
                Outcome::DayFull => bail!("{day} is full: seed a fresh data set"),
            }
            anyhow::Ok(())
        }));
    }
    for task in running {
        task.await??;
    }
    let posts = std::mem::take(&mut *posts.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    report(&format!(
        "bookings={} taken={} {}",
        posts.len(),
        taken.load(Ordering::Relaxed),
        summary(posts)
    ));
    Ok(())
}

async fn crowd(
    wizards: Vec<Wizard>,
    days: Vec<NaiveDate>,
    clients: usize,
    bookings: usize,
) -> anyhow::Result<()> {
    let booked = Arc::new(AtomicUsize::new(0));
    let began = Instant::now();
    let mut running = Vec::with_capacity(clients);
    for c in 0..clients {
        let wizard = wizards[c % wizards.len()].clone();
        let (booked, days) = (booked.clone(), days.clone());
        running.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(c as u64);
            let (mut posts, mut taken, mut day) = (Vec::new(), 0_usize, 0_usize);
            let mut n = c;
            while booked.load(Ordering::Relaxed) < bookings {
                let Some(date) = days.get(day) else {
                    bail!("every day is full before {bookings} bookings");
                };
                // Everyone wants one of the first three open slots: the rush this measures.
                match wizard.book(*date, 3, n, &mut rng).await? {
                    (Outcome::Booked, took) => {
                        booked.fetch_add(1, Ordering::Relaxed);
                        posts.push(took);
                    }
                    (Outcome::Taken, took) => {
                        taken += 1;
                        posts.push(took);
                    }
                    (Outcome::DayFull, _) => day += 1,
                }
                n += clients;
            }
            anyhow::Ok((posts, taken))
        }));
    }
    let (mut posts, mut taken) = (Vec::new(), 0);
    for task in running {
        let (mine, my_taken) = task.await??;
        posts.extend(mine);
        taken += my_taken;
    }
    let seconds = began.elapsed().as_secs_f64();
    let made = booked.load(Ordering::Relaxed);
    report(&format!(
        "bookings={made} taken={taken} seconds={seconds:.1} per_second={:.0} {}",
        made as f64 / seconds,
        summary(posts)
    ));
    Ok(())
}

#[allow(clippy::print_stdout)]
fn report(line: &str) {
    println!("{line}");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    match Cli::parse().scenario {
        Scenario::Steady {
            base,
            department,
            first_day,
            days,
            rate,
            seconds,
        } => {
            let wizard = Wizard::new(&client, &base, &department);
            steady(wizard, working_days(first_day, days), rate, seconds).await
        }
        Scenario::Crowd {
            base,
            department,
            first_day,
            clients,
            bookings,
        } => {
            let wizards = base
                .split(',')
                .map(|b| Wizard::new(&client, b, &department))
                .collect();
            crowd(wizards, working_days(first_day, 28), clients, bookings).await
        }
        Scenario::Soak {
            base,
            department,
            first_day,
            days,
            minutes,
            sample_seconds,
            warm_up_minutes,
            pid,
            admin_email,
            admin_password,
            feed_url,
            calendars,
        } => {
            let plan = soak::Soak {
                base,
                department,
                days: working_days(first_day, days),
                minutes,
                sample_seconds,
                warm_up_minutes,
                pid,
                admin_email,
                admin_password,
                feed_url,
                calendars,
            };
            soak::run(client, plan).await
        }
        Scenario::Doubles => {
            let url = std::env::var("MM_DATABASE_URL").context("set MM_DATABASE_URL")?;
            let doubles = mm_store::Store::connect(&url)
                .await?
                .double_bookings()
                .await?;
            report(&format!("doubles={}", doubles.len()));
            if let Some(first) = doubles.first() {
                bail!("double bookings, e.g. {first:?}");
            }
            Ok(())
        }
    }
}
