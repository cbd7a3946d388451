//! The scheduling engine on the standard data set: `cargo bench -p mm-bench` (or `just bench-engine`).

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use mm_bench::Dataset;
use mm_domain::{Interval, TimeZone};

fn engine(c: &mut Criterion) {
    let first_day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
    let dataset = Dataset::standard(first_day);
    let zone = dataset.zone;
    let now = zone.start_of_day(first_day - Days::new(1));
    let meeting = Dataset::meeting();
    let wednesday = zone.day(first_day + Days::new(9));

    let one = dataset.schedule(1);
    c.bench_function("one member, one day: slots", |b| {
        b.iter(|| black_box(one.open_slots(&meeting, black_box(wednesday)).bookable(now)))
    });

    let department = dataset.schedule(50);
    c.bench_function("50 members, one day: slots", |b| {
        b.iter(|| {
            black_box(
                department
                    .open_slots(&meeting, black_box(wednesday))
                    .bookable(now),
            )
        })
    });

    let visitor = TimeZone::parse("America/New_York").unwrap_or_default();
    let month = Interval::new(
        visitor.start_of_day(first_day),
        visitor.start_of_day(first_day + Days::new(30)),
    )
    .unwrap_or(wednesday);
    c.bench_function("50 members, one month: available dates", |b| {
        b.iter(|| {
            black_box(
                department
                    .open_slots(&meeting, black_box(month))
                    .available_dates(now, visitor),
            )
        })
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
