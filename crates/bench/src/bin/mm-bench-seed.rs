//! Writes the standard benchmark data set into the database named by `MM_DATABASE_URL`, starting
//! on the Monday after today, and prints the dates to query.

use chrono::{Datelike, Days, Utc};
use mm_bench::Dataset;
use mm_store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("MM_DATABASE_URL")
        .map_err(|_| anyhow::anyhow!("set MM_DATABASE_URL to the database to seed"))?;
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let now = Utc::now();
    let copenhagen = mm_domain::TimeZone::parse("Europe/Copenhagen")?;
    let today = copenhagen.date_of(now);
    let monday = today + Days::new(7 - u64::from(today.weekday().num_days_from_monday()));
    let dataset = Dataset::standard(monday);
    dataset.seed(&store, now).await?;
    // The HTTP benchmark script reads these lines.
    #[allow(clippy::print_stdout)]
    {
        println!("first_day={}", dataset.first_day);
        println!("last_day={}", dataset.last_day());
    }
    Ok(())
}
