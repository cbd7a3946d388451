//! `/admin/dashboard`: headline numbers, the last 30 days, what the meetings were, who hosted
//! them, when in the week they fall, whether automatic assignment shares them fairly, and how
//! far visitors of the booking pages get. The charts are SVG drawn here from
//! `GET /analytics/summary`.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use mm_api_types::{
    BookingStatus, FunnelStep,
    analytics::{AssignmentDistribution, Count, DayCount, Funnel, Summary},
};
use uuid::Uuid;

use super::{
    Session, on_unauthorized,
    status::{self, colour as status_colour, label as status_label},
};
use crate::components::{Loading, Problem, set_title};

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// Hours ahead as people say it: hours under two days, days after.
fn lead_time(hours: f64) -> String {
    if hours < 48.0 {
        format!("{hours:.0} h")
    } else {
        format!("{:.1} days", hours / 24.0)
    }
}

fn step_label(step: FunnelStep) -> &'static str {
    match step {
        FunnelStep::Department => "Chose a department",
        FunnelStep::MeetingType => "Chose a meeting type",
        FunnelStep::Date => "Chose a date",
        FunnelStep::Time => "Chose a time",
        FunnelStep::Details => "Sent their details",
        FunnelStep::Booked => "Booked",
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    set_title("Dashboard");
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = use_navigate();
    let department = Memo::new(move |_| {
        query
            .read()
            .get("department")
            .and_then(|d| d.parse::<Uuid>().ok())
    });
    let departments = LocalResource::new(move || {
        let client = session.client();
        async move {
            match client {
                Some(client) => client.departments().await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let summary = LocalResource::new(move || {
        let (client, department) = (session.client(), department.get());
        async move {
            let client = client.ok_or(crate::api::ApiError::Network)?;
            let summary = client.summary(department).await;
            if let Err(error) = &summary {
                on_unauthorized(error);
            }
            summary
        }
    });
    let choose = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let path = if id.is_empty() {
            "/admin/dashboard".to_owned()
        } else {
            format!("/admin/dashboard?department={id}")
        };
        navigate(&path, Default::default());
    };
    view! {
        <div class="dashboard-head">
            <h1>"Dashboard"</h1>
            <label class="filter">
                "Department "
                <select on:change=choose prop:value=move || department.get().map(|d| d.to_string()).unwrap_or_default()>
                    <option value="">"All departments"</option>
                    <Transition>
                        {move || Suspend::new(async move {
                            departments.await.into_iter().map(|d| view! {
                                <option value=d.id.to_string()>{d.department_name.clone()}</option>
                            }).collect_view()
                        })}
                    </Transition>
                </select>
            </label>
        </div>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <Figures summary=summary /> }.into_any(),
                    Err(error) => view! { <Problem error=error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Figures(summary: Summary) -> impl IntoView {
    let statuses: Vec<(BookingStatus, u64)> = BookingStatus::ALL
        .iter()
        .map(|s| (*s, summary.by_status.get(s).copied().unwrap_or(0)))
        .collect();
    view! {
        <p class="meta">{format!("{} to {} · {} · {} bookings in the period", summary.from, summary.to, summary.timezone, summary.total)}</p>
        <section class="kpis" aria-label="Headline numbers">
            <div class="kpi"><span class="kpi-value">{summary.headline.today}</span><span class="kpi-label">"Today"</span></div>
            <div class="kpi"><span class="kpi-value">{summary.headline.next_7_days}</span><span class="kpi-label">"Next 7 days"</span></div>
            <div class="kpi"><span class="kpi-value">{summary.headline.this_month}</span><span class="kpi-label">"This month"</span></div>
            <div class="kpi"><span class="kpi-value">{summary.no_show_rate.map_or_else(|| "–".to_owned(), percent)}</span><span class="kpi-label">"No-show rate"</span></div>
            <div class="kpi"><span class="kpi-value">{summary.average_lead_time_hours.map_or_else(|| "–".to_owned(), lead_time)}</span><span class="kpi-label">"Booked ahead (average)"</span></div>
            {summary.funnel.as_ref().map(|funnel| view! {
                <div class="kpi"><span class="kpi-value">{funnel.conversion.map_or_else(|| "–".to_owned(), percent)}</span><span class="kpi-label">"Booking page conversion"</span></div>
            })}
        </section>
        <div class="charts">
            <figure class="chart wide-chart">
                <figcaption>"Bookings per day"</figcaption>
                <DayLine days=summary.by_day.clone() />
            </figure>
            <figure class="chart">
                <figcaption>"By status"</figcaption>
                <Bars rows=statuses.into_iter().map(|(s, n)| (status_label(s).to_owned(), n, status_colour(s))).collect() />
            </figure>
            <figure class="chart">
                <figcaption>"By meeting type"</figcaption>
                <Bars rows=counted(&summary.by_meeting_type, "#1f5fae") />
            </figure>
            <figure class="chart">
                <figcaption>"By host"</figcaption>
                <Bars rows=counted(&summary.by_member, "#6a1b9a") />
            </figure>
            <figure class="chart wide-chart">
                <figcaption>"When meetings start (weekday × hour)"</figcaption>
                <Heatmap rows=summary.heatmap.clone() />
            </figure>
        </div>
        <Fairness distributions=summary.assignment_distribution.clone() />
        {summary.funnel.clone().map(|funnel| view! { <BookingFunnel funnel=funnel /> })}
    }
}

/// How far visits of the booking pages got, step by step, and per meeting type.
#[component]
fn BookingFunnel(funnel: Funnel) -> impl IntoView {
    let of_previous = |rate: Option<f64>| rate.map_or_else(|| "–".to_owned(), percent);
    view! {
        <section class="funnel">
            <h2>"Booking pages"</h2>
            <div class="charts">
                <figure class="chart">
                    <figcaption>"Visits by the furthest step"</figcaption>
                    <Bars rows=funnel.steps.iter().map(|s| (step_label(s.step).to_owned(), s.count, "#1f5fae")).collect() />
                </figure>
                <table class="table">
                    <caption>"Each step as a share of the one before"</caption>
                    <thead><tr><th scope="col">"Step"</th><th scope="col">"Visits"</th><th scope="col">"Of previous"</th></tr></thead>
                    <tbody>
                        {funnel.steps.iter().map(|s| view! {
                            <tr><td>{step_label(s.step)}</td><td>{s.count}</td><td>{of_previous(s.rate)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!funnel.by_meeting_type.is_empty()).then(|| view! {
                <table class="table">
                    <caption>"By meeting type"</caption>
                    <thead><tr><th scope="col">"Meeting type"</th><th scope="col">"Chosen"</th><th scope="col">"Booked"</th><th scope="col">"Conversion"</th></tr></thead>
                    <tbody>
                        {funnel.by_meeting_type.iter().map(|t| {
                            let count = |step| t.steps.iter().find(|s| s.step == step).map_or(0, |s| s.count);
                            view! {
                                <tr>
                                    <td>{t.name.clone()}</td>
                                    <td>{count(FunnelStep::MeetingType)}</td>
                                    <td>{count(FunnelStep::Booked)}</td>
                                    <td>{of_previous(t.conversion)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p class="meta">"Counted per visit and day, without cookies or anything that identifies the visitor."</p>
        </section>
    }
}

fn counted(counts: &[Count], colour: &'static str) -> Vec<(String, u64, &'static str)> {
    counts
        .iter()
        .map(|c| (c.name.clone(), c.count, colour))
        .collect()
}

/// Bookings per day as a line, with the busiest day's count for scale.
#[component]
fn DayLine(days: Vec<DayCount>) -> impl IntoView {
    let (width, height, pad) = (600.0, 160.0, 24.0);
    let top = days.iter().map(|d| d.count).max().unwrap_or(0).max(1) as f64;
    let step = if days.len() > 1 {
        (width - 2.0 * pad) / (days.len() - 1) as f64
    } else {
        0.0
    };
    let point = |i: usize, count: u64| {
        (
            pad + i as f64 * step,
            height - pad - (count as f64 / top) * (height - 2.0 * pad),
        )
    };
    let points: String = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (x, y) = point(i, d.count);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let total: u64 = days.iter().map(|d| d.count).sum();
    let label = format!(
        "{total} bookings over {} days; at most {top} on one day",
        days.len()
    );
    let first = days.first().map(|d| d.date.to_string()).unwrap_or_default();
    let last = days.last().map(|d| d.date.to_string()).unwrap_or_default();
    view! {
        <svg class="chart-line" viewBox=format!("0 0 {width} {height}") role="img" aria-label=label>
            <line x1=pad y1=height - pad x2=width - pad y2=height - pad class="axis" />
            <polyline points=points fill="none" stroke="#1f5fae" stroke-width="2.5" />
            {days.iter().enumerate().filter(|(_, d)| d.count > 0).map(|(i, d)| {
                let (x, y) = point(i, d.count);
                view! { <circle cx=x cy=y r="3" fill="#1f5fae"><title>{format!("{}: {}", d.date, d.count)}</title></circle> }
            }).collect_view()}
            <text x=pad y=height - 6.0 class="tick">{first}</text>
            <text x=width - pad y=height - 6.0 class="tick" text-anchor="end">{last}</text>
            <text x=pad y=14 class="tick">{format!("{top}")}</text>
        </svg>
    }
}

/// Horizontal bars, longest first as given.
#[component]
fn Bars(rows: Vec<(String, u64, &'static str)>) -> impl IntoView {
    if rows.iter().all(|(_, n, _)| *n == 0) {
        return view! { <p class="empty">"Nothing in this period."</p> }.into_any();
    }
    let top = rows.iter().map(|(_, n, _)| *n).max().unwrap_or(1).max(1) as f64;
    let row_height = 26.0;
    let height = rows.len() as f64 * row_height;
    let label = rows
        .iter()
        .map(|(l, n, _)| format!("{l}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <svg class="chart-bars" viewBox=format!("0 0 320 {height}") role="img" aria-label=label>
            {rows.into_iter().enumerate().map(|(i, (label, count, colour))| {
                let y = i as f64 * row_height;
                let length = (count as f64 / top) * 150.0;
                view! {
                    <text x="0" y=y + 17.0 class="tick">{label}</text>
                    <rect x="130" y=y + 5.0 width=length.max(1.0) height="16" rx="3" fill=colour />
                    <text x=135.0 + length y=y + 17.0 class="tick">{count}</text>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}

/// Seven rows of 24 hours, darker where more meetings start.
#[component]
fn Heatmap(rows: Vec<Vec<u64>>) -> impl IntoView {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let top = rows.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let (cell, left, head) = (22.0, 36.0, 16.0);
    view! {
        <svg class="heatmap" viewBox=format!("0 0 {} {}", left + 24.0 * cell, head + 7.0 * cell) role="img"
            aria-label="Meetings by weekday and hour">
            {(0..24).step_by(3).map(|h| view! {
                <text x=left + h as f64 * cell + 2.0 y="12" class="tick">{format!("{h:02}")}</text>
            }).collect_view()}
            {rows.into_iter().enumerate().map(|(d, hours)| view! {
                <text x="0" y=head + d as f64 * cell + 15.0 class="tick">{DAYS.get(d).copied().unwrap_or_default()}</text>
                {hours.into_iter().enumerate().map(|(h, count)| {
                    let opacity = if count == 0 { 0.06 } else { 0.2 + 0.8 * count as f64 / top };
                    view! {
                        <rect x=left + h as f64 * cell y=head + d as f64 * cell width=cell - 2.0 height=cell - 2.0 rx="3"
                            fill="#1f5fae" fill-opacity=format!("{opacity:.2}")>
                            <title>{format!("{} {h:02}:00 — {count}", DAYS.get(d).copied().unwrap_or_default())}</title>
                        </rect>
                    }
                }).collect_view()}
            }).collect_view()}
        </svg>
    }
}

/// Each department's automatic assignments next to what its algorithm aims at.
#[component]
fn Fairness(distributions: Vec<AssignmentDistribution>) -> impl IntoView {
    (!distributions.is_empty()).then(|| view! {
        <section class="fairness">
            <h2>"Assignment distribution"</h2>
            {distributions.into_iter().map(|d| view! {
                <table class="table">
                    <caption>{format!("{} · {} · {} automatic assignments", d.department_name, status::words(d.assignment_algorithm.as_str()), d.assignments)}</caption>
                    <thead><tr><th scope="col">"Member"</th><th scope="col">"Meetings"</th><th scope="col">"Share"</th><th scope="col">"Aim"</th></tr></thead>
                    <tbody>
                        {d.members.into_iter().map(|m| view! {
                            <tr>
                                <td>{m.full_name}</td>
                                <td>{m.assignments}</td>
                                <td>{percent(m.share)}</td>
                                <td>{percent(m.expected_share)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }).collect_view()}
        </section>
    })
}
