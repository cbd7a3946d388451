//! Fifty clients at once mixing public bookings, staff moves, internal meetings and
//! cancellations on a few hours of one day, on SQLite and on two PostgreSQL processes; then an
//! audit straight from the database, independent of the scheduling code: nobody holds two
//! meetings closer than their buffers allow, and no daily limit is exceeded. The same audit
//! after recurring series (customers' and internal) race single bookings and cancellations.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;
use mm_blackbox_tests::{Db, TestApp, at, next_monday, on_both_databases, request, support};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::SliceRandom};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    fifty_clients_mixing_every_kind_of_write_never_double_book_or_exceed_a_limit,
    series_and_single_meetings_racing_never_double_book_anyone,
);

const MEMBER_DAILY_LIMIT: usize = 3;
const DEPARTMENT_DAILY_LIMIT: usize = 8;
const CLIENTS: usize = 50;

/// One time-holding booking of one person, as the audit reads it.
#[derive(Debug)]
struct Held {
    booking: String,
    hosted: bool,
    department: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    before: i64,
    after: i64,
}

/// Every person's time-holding bookings (hosted or attended) with their department's slug and
/// their meeting type's buffers; ids as text, instants as Unix seconds.
const HELD_SQLITE: &str = "\
    SELECT hex(b.assigned_to), '1', hex(b.id), d.department_slug, \
           CAST(strftime('%s', b.start_utc) AS TEXT), CAST(strftime('%s', b.end_utc) AS TEXT), \
           CAST(COALESCE(m.buffer_before, 0) AS TEXT), CAST(COALESCE(m.buffer_after, 0) AS TEXT) \
      FROM bookings b JOIN meeting_types m ON m.id = b.meeting_type_id \
      JOIN departments d ON d.id = b.department_id \
     WHERE b.status IN ('pending', 'confirmed') \
    UNION ALL \
    SELECT hex(p.user_id), '0', hex(b.id), d.department_slug, \
           CAST(strftime('%s', b.start_utc) AS TEXT), CAST(strftime('%s', b.end_utc) AS TEXT), \
           CAST(COALESCE(m.buffer_before, 0) AS TEXT), CAST(COALESCE(m.buffer_after, 0) AS TEXT) \
      FROM booking_participants p JOIN bookings b ON b.id = p.booking_id \
      JOIN meeting_types m ON m.id = b.meeting_type_id \
      JOIN departments d ON d.id = b.department_id \
     WHERE p.user_id IS NOT NULL AND p.user_id <> b.assigned_to \
       AND b.status IN ('pending', 'confirmed')";
const HELD_POSTGRES: &str = "\
    SELECT b.assigned_to::text, '1', b.id::text, d.department_slug, \
           EXTRACT(EPOCH FROM b.start_utc)::bigint::text, EXTRACT(EPOCH FROM b.end_utc)::bigint::text, \
           COALESCE(m.buffer_before, 0)::text, COALESCE(m.buffer_after, 0)::text \
      FROM bookings b JOIN meeting_types m ON m.id = b.meeting_type_id \
      JOIN departments d ON d.id = b.department_id \
     WHERE b.status IN ('pending', 'confirmed') \
    UNION ALL \
    SELECT p.user_id::text, '0', b.id::text, d.department_slug, \
           EXTRACT(EPOCH FROM b.start_utc)::bigint::text, EXTRACT(EPOCH FROM b.end_utc)::bigint::text, \
           COALESCE(m.buffer_before, 0)::text, COALESCE(m.buffer_after, 0)::text \
      FROM booking_participants p JOIN bookings b ON b.id = p.booking_id \
      JOIN meeting_types m ON m.id = b.meeting_type_id \
      JOIN departments d ON d.id = b.department_id \
     WHERE p.user_id IS NOT NULL AND p.user_id <> b.assigned_to \
       AND b.status IN ('pending', 'confirmed')";

async fn held_time(app: &TestApp) -> BTreeMap<String, Vec<Held>> {
    let mut people: BTreeMap<String, Vec<Held>> = BTreeMap::new();
    for row in app.db_rows(HELD_SQLITE, HELD_POSTGRES).await {
        let instant = |text: &str| Utc.timestamp_opt(text.parse().unwrap(), 0).unwrap();
        people.entry(row[0].clone()).or_default().push(Held {
            hosted: row[1] == "1",
            booking: row[2].clone(),
            department: row[3].clone(),
            start: instant(&row[4]),
            end: instant(&row[5]),
            before: row[6].parse().unwrap(),
            after: row[7].parse().unwrap(),
        });
    }
    people
}

async fn fifty_clients_mixing_every_kind_of_write_never_double_book_or_exceed_a_limit(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "0")]).await;
    let second = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(app.second_process().await),
    };
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let setup = support(&app, 4, json!({"buffer_before": 15, "buffer_after": 15})).await;
    let admin = setup.admin.clone();
    let (status, body) = app
        .patch(
            &format!("/departments/{}", setup.department),
            &admin,
            json!({"max_bookings_per_day": DEPARTMENT_DAILY_LIMIT}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for member in &setup.members {
        let (status, body) = app
            .post(
                &format!("/users/{member}/availability-rules"),
                &admin,
                json!({"rule_name": "Limit", "is_default": true,
                       "max_bookings_per_day": MEMBER_DAILY_LIMIT}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Internal meetings of the same people, in a department without a daily limit.
    let members: Vec<Value> = setup
        .members
        .iter()
        .map(|m| json!({"user_id": m}))
        .collect();
    let (status, team) = app
        .post(
            "/departments",
            &admin,
            json!({"department_name": "Team", "department_slug": "team",
                   "timezone": "Europe/Copenhagen", "department_leader": setup.members[0],
                   "members": members}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let (status, sync) = app
        .post(
            &format!(
                "/departments/{}/meeting-types",
                team["id"].as_str().unwrap()
            ),
            &admin,
            json!({"meeting_name": "Sync", "meeting_slug": "sync", "duration": 30,
                   "is_public": false, "is_internal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sync}");
    let sync = sync["id"].as_str().unwrap().to_owned();

    let monday = next_monday();
    // A few hours everyone wants: 09:00 to 12:30 by half hours.
    let starts: Vec<String> = (0..8)
        .map(|n| at(monday, 9 + n / 2, 30 * (n % 2)))
        .collect();
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let app = apps[c % apps.len()];
        let (client, base) = (app.client.clone(), app.url("/api/v1"));
        let (admin, starts, members, sync) = (
            admin.clone(),
            starts.clone(),
            setup.members.clone(),
            sync.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(c as u64);
            let call = |method: Method, path: String, body: Value| {
                let request = client
                    .request(method, format!("{base}{path}"))
                    .bearer_auth(&admin)
                    .json(&body);
                async move {
                    let answer = request.send().await.unwrap();
                    let status = answer.status();
                    (status, answer.json::<Value>().await.unwrap_or(Value::Null))
                }
            };
            let mut outcomes = Vec::new();
            for round in 0..3 {
                let start = starts.choose(&mut rng).unwrap().clone();
                let outcome = match rng.gen_range(0..4) {
                    0 => {
                        let body = request(&start, &format!("c{c}-{round}@customer.com"));
                        call(Method::POST, "/public/bookings".into(), body).await
                    }
                    1 => {
                        let mut people = members.clone();
                        people.shuffle(&mut rng);
                        let body = json!({"meeting_type_id": sync, "host": people[0],
                                          "participants": [people[1]], "start_utc": start,
                                          "meeting_agenda": "Stress"});
                        call(Method::POST, "/bookings/internal".into(), body).await
                    }
                    kind => {
                        let (_, list) = call(
                            Method::GET,
                            "/bookings?status=confirmed&per_page=100".into(),
                            Value::Null,
                        )
                        .await;
                        let ids: Vec<String> = list["items"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|b| b["id"].as_str().unwrap().to_owned())
                            .collect();
                        let Some(id) = ids.choose(&mut rng) else {
                            continue;
                        };
                        if kind == 2 {
                            let body = json!({"start_utc": start});
                            call(Method::POST, format!("/bookings/{id}/reschedule"), body).await
                        } else {
                            let body = json!({"reason": "stress"});
                            call(Method::POST, format!("/bookings/{id}/cancel"), body).await
                        }
                    }
                };
                outcomes.push(outcome);
            }
            outcomes
        }));
    }
    let mut created = 0;
    for client in clients {
        for (status, body) in client.await.unwrap() {
            assert!(
                [
                    StatusCode::OK,
                    StatusCode::CREATED,
                    StatusCode::CONFLICT,
                    StatusCode::UNPROCESSABLE_ENTITY
                ]
                .contains(&status),
                "{status} {body}"
            );
            created += usize::from(status == StatusCode::CREATED);
        }
    }
    assert!(created > 5, "the race made bookings at all ({created})");

    let people = held_time(&app).await;
    assert_nobody_double_booked(&people);
    for (person, held) in people {
        let mut hosted_per_day: BTreeMap<_, usize> = BTreeMap::new();
        for h in held.iter().filter(|h| h.hosted) {
            *hosted_per_day
                .entry(h.start.with_timezone(&Copenhagen).date_naive())
                .or_default() += 1;
        }
        for (day, count) in hosted_per_day {
            assert!(
                count <= MEMBER_DAILY_LIMIT,
                "{person} hosts {count} on {day}"
            );
        }
    }
    let per_department: Vec<usize> = held_time(&app)
        .await
        .into_values()
        .flatten()
        .filter(|h| h.hosted && h.department == "support")
        .fold(BTreeMap::<_, usize>::new(), |mut days, h| {
            *days
                .entry(h.start.with_timezone(&Copenhagen).date_naive())
                .or_default() += 1;
            days
        })
        .into_values()
        .collect();
    for count in per_department {
        assert!(
            count <= DEPARTMENT_DAILY_LIMIT,
            "support holds {count} bookings in a day"
        );
    }
}

/// Nobody holds two meetings closer than their buffers allow.
fn assert_nobody_double_booked(people: &BTreeMap<String, Vec<Held>>) {
    for (person, held) in people {
        let mut held: Vec<&Held> = held.iter().collect();
        held.sort_by_key(|h| h.start);
        for (n, first) in held.iter().enumerate() {
            for second in &held[n + 1..] {
                let gap = chrono::Duration::minutes(first.after.max(second.before));
                assert!(
                    second.start >= first.end + gap,
                    "{person} holds {} and {} too close together",
                    first.booking,
                    second.booking
                );
            }
        }
    }
}

async fn series_and_single_meetings_racing_never_double_book_anyone(db: Db) {
    let app = TestApp::spawn_with(db, &[("MM_PUBLIC_BOOKING_RATE_LIMIT", "0")]).await;
    let second = match db {
        Db::Sqlite => None,
        Db::Postgres => Some(app.second_process().await),
    };
    let apps: Vec<&TestApp> = std::iter::once(&app).chain(second.as_ref()).collect();
    let setup = support(&app, 3, json!({"max_series_count": 4, "buffer_after": 15})).await;
    let admin = setup.admin.clone();
    let (status, planning) = app
        .post(
            &format!("/departments/{}/meeting-types", setup.department),
            &admin,
            json!({"meeting_name": "Planning", "meeting_slug": "planning", "duration": 30,
                   "is_public": false, "is_internal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{planning}");
    let planning = planning["id"].as_str().unwrap().to_owned();

    let monday = next_monday();
    // Three Mondays' mornings, by half hours: a series from the first week holds all three.
    let starts: Vec<(u64, String)> = (0..3u64)
        .flat_map(|week| {
            let day = monday + chrono::Days::new(7 * week);
            (0..6).map(move |n| (week, at(day, 9 + n / 2, 30 * (n % 2))))
        })
        .collect();
    let mut clients = Vec::new();
    for c in 0..40 {
        let app = apps[c % apps.len()];
        let (client, base) = (app.client.clone(), app.url("/api/v1"));
        let (admin, starts, members, planning) = (
            admin.clone(),
            starts.clone(),
            setup.members.clone(),
            planning.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(1000 + c as u64);
            let call = |method: Method, path: String, body: Value| {
                let request = client
                    .request(method, format!("{base}{path}"))
                    .bearer_auth(&admin)
                    .json(&body);
                async move {
                    let answer = request.send().await.unwrap();
                    let status = answer.status();
                    (status, answer.json::<Value>().await.unwrap_or(Value::Null))
                }
            };
            let first_week: Vec<&(u64, String)> = starts.iter().filter(|(w, _)| *w == 0).collect();
            let mut outcomes = Vec::new();
            for round in 0..3 {
                let outcome = match rng.gen_range(0..4) {
                    0 => {
                        let (_, start) = starts.choose(&mut rng).unwrap();
                        let body = request(start, &format!("s{c}-{round}@customer.com"));
                        call(Method::POST, "/public/bookings".into(), body).await
                    }
                    1 => {
                        let (_, start) = first_week.choose(&mut rng).unwrap();
                        let mut body = request(start, &format!("r{c}-{round}@customer.com"));
                        body["recurrence"] = json!({"frequency": "weekly", "count": 3});
                        call(Method::POST, "/public/bookings".into(), body).await
                    }
                    2 => {
                        let (_, start) = first_week.choose(&mut rng).unwrap();
                        let mut people = members.clone();
                        people.shuffle(&mut rng);
                        let body = json!({"meeting_type_id": planning, "host": people[0],
                                          "participants": [people[1]], "start_utc": start,
                                          "recurrence": {"frequency": "weekly", "count": 3}});
                        call(Method::POST, "/bookings/internal".into(), body).await
                    }
                    _ => {
                        let (_, list) = call(
                            Method::GET,
                            "/bookings?status=confirmed&per_page=100".into(),
                            Value::Null,
                        )
                        .await;
                        let Some(booking) = list["items"].as_array().unwrap().choose(&mut rng)
                        else {
                            continue;
                        };
                        let id = booking["id"].as_str().unwrap();
                        let mut body = json!({"reason": "stress"});
                        if booking["series_id"].is_string() {
                            body["scope"] = json!(["this", "following", "series"][round % 3]);
                        }
                        call(Method::POST, format!("/bookings/{id}/cancel"), body).await
                    }
                };
                outcomes.push(outcome);
            }
            outcomes
        }));
    }
    for client in clients {
        for (status, body) in client.await.unwrap() {
            assert!(
                [
                    StatusCode::OK,
                    StatusCode::CREATED,
                    StatusCode::CONFLICT,
                    StatusCode::UNPROCESSABLE_ENTITY
                ]
                .contains(&status),
                "{status} {body}"
            );
        }
    }
    assert!(
        app.db_count("SELECT COUNT(*) FROM booking_series").await > 0,
        "the race booked series at all"
    );
    assert_nobody_double_booked(&held_time(&app).await);
    // Every series holds its meetings at one host each.
    assert_eq!(
        app.db_count(
            "SELECT COUNT(*) FROM (SELECT series_id FROM bookings WHERE series_id IS NOT NULL \
             GROUP BY series_id HAVING COUNT(DISTINCT assigned_to) > 1) AS mixed"
        )
        .await,
        0
    );
}
