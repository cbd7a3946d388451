//! Dragging a meeting: the state of a drag, the target under the pointer on the snap grid, the
//! server's verdict on it while the button is held (`check-move`), and the drop that reassigns
//! and/or reschedules, or snaps back.

use chrono::NaiveDate;
use leptos::{ev, prelude::*, task::spawn_local};
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::{Board, geometry::Hours};
use crate::{
    staff::on_unauthorized,
    zone::{self, Style},
};

/// Drops land on this grid of the clock.
const SNAP_MINUTES: i64 = 15;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD_PX: f64 = 5.0;

/// A meeting being dragged.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Drag {
    pub(super) booking_id: Uuid,
    pub(super) title: String,
    pub(super) member: Uuid,
    pub(super) start_ms: f64,
    pub(super) duration_minutes: i64,
    /// How far into the meeting, in minutes, the pointer took hold of it.
    pub(super) grab_minutes: f64,
    pub(super) pointer_from: (f64, f64),
    pub(super) moving: bool,
    pub(super) target: Option<Target>,
    /// The drop was sent; the ghost stays until the calendar reloads.
    pub(super) dropped: bool,
}

/// Where a dragged meeting would go.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Target {
    pub(super) member: Uuid,
    pub(super) day: NaiveDate,
    /// Minutes since the day's midnight.
    pub(super) minute: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Verdict {
    Checking,
    Free,
    Refused(String),
}

/// A press on a movable meeting (`starts_at`: its start in minutes since its band's midnight)
/// takes hold of it, where the pointer is.
pub(super) fn press(
    board: Board,
    ev: &ev::PointerEvent,
    meeting: Drag,
    starts_at: i64,
    hours: Hours,
) {
    if ev.button() != 0 {
        return;
    }
    let Some(block) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let _ = block.set_pointer_capture(ev.pointer_id());
    let grab = block
        .closest(".rc-cell")
        .ok()
        .flatten()
        .map(|cell| minute_at(&cell, f64::from(ev.client_y()), hours) - starts_at as f64)
        .unwrap_or(0.0);
    board.drag.set(Some(Drag {
        grab_minutes: grab,
        pointer_from: (f64::from(ev.client_x()), f64::from(ev.client_y())),
        ..meeting
    }));
}

/// The pointer moved: past the threshold a press becomes a drag, whose target follows the
/// pointer and is checked whenever it changes.
pub(super) fn pointer_moved(board: Board, ev: &ev::PointerEvent, hours: Hours) {
    let Some(mut drag) = board.drag.get_untracked().filter(|d| !d.dropped) else {
        return;
    };
    let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
    if !drag.moving {
        let (x0, y0) = drag.pointer_from;
        if (x - x0).hypot(y - y0) < DRAG_THRESHOLD_PX {
            return;
        }
        drag.moving = true;
    }
    ev.prevent_default();
    scroll_near_edges(x, y);
    let target = target_at(x, y, &drag, hours);
    if target != drag.target {
        drag.target = target.clone();
        ask(board, &drag);
    }
    board.drag.set(Some(drag));
}

/// The button came up: a press that never moved was a click; a drag drops.
pub(super) fn released(board: Board) {
    let Some(drag) = board.drag.get_untracked().filter(|d| !d.dropped) else {
        return;
    };
    if !drag.moving {
        board.drag.set(None);
        return;
    }
    board.swallow_click.set_value(true);
    drop_meeting(board, drag);
}

/// The browser took the pointer away (a scroll gesture, a lost window): nothing moves.
pub(super) fn cancelled(board: Board) {
    if board.drag.get_untracked().is_some_and(|d| !d.dropped) {
        board.drag.set(None);
        board.verdict.set(None);
    }
}

/// Minutes since the band's midnight at a viewport height inside a column cell.
fn minute_at(cell: &web_sys::Element, client_y: f64, hours: Hours) -> f64 {
    let rect = cell.get_bounding_client_rect();
    let share = ((client_y - rect.top()) / rect.height().max(1.0)).clamp(0.0, 1.0);
    hours.first as f64 + share * hours.length()
}

/// The member and time under the pointer, on the snap grid, keeping the meeting inside the
/// drawn hours.
fn target_at(x: f64, y: f64, drag: &Drag, hours: Hours) -> Option<Target> {
    let document = web_sys::window()?.document()?;
    #[allow(clippy::cast_possible_truncation)]
    let under = document.element_from_point(x as f32, y as f32)?;
    let cell = under.closest(".rc-cell").ok()??;
    let member: Uuid = cell.get_attribute("data-member")?.parse().ok()?;
    let day: NaiveDate = cell.get_attribute("data-day")?.parse().ok()?;
    let start = minute_at(&cell, y, hours) - drag.grab_minutes;
    let snapped = (start / SNAP_MINUTES as f64).round() as i64 * SNAP_MINUTES;
    let latest = (hours.last - drag.duration_minutes).max(hours.first);
    Some(Target {
        member,
        day,
        minute: snapped.clamp(hours.first, latest),
    })
}

/// Scrolls the page or the calendar when a drag nears their edges, so every column and hour
/// can be reached with the pointer held down.
fn scroll_near_edges(x: f64, y: f64) {
    const EDGE: f64 = 40.0;
    const STEP: f64 = 24.0;
    let Some(window) = web_sys::window() else {
        return;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if y < EDGE {
        window.scroll_by_with_x_and_y(0.0, -STEP);
    } else if y > height - EDGE {
        window.scroll_by_with_x_and_y(0.0, STEP);
    }
    let scroller = window
        .document()
        .and_then(|d| d.query_selector(".rc-scroll").ok().flatten());
    if let Some(scroller) = scroller {
        let rect = scroller.get_bounding_client_rect();
        if x < rect.left() + EDGE {
            scroller.scroll_by_with_x_and_y(-STEP, 0.0);
        } else if x > rect.right() - EDGE {
            scroller.scroll_by_with_x_and_y(STEP, 0.0);
        }
    }
}

/// The target's start as an instant, or `None` when the drag is back where it began.
fn target_start(drag: &Drag, zone: &str) -> Option<(Target, f64)> {
    let target = drag.target.clone()?;
    let start = zone::instant_of(target.day, u32::try_from(target.minute).ok()?, zone)?;
    let unchanged = target.member == drag.member && (start - drag.start_ms).abs() < 1.0;
    (!unchanged).then_some((target, start))
}

/// Asks the server whether the target is free; only the latest question's answer is shown.
fn ask(board: Board, drag: &Drag) {
    let asked = board.asked.get_value() + 1;
    board.asked.set_value(asked);
    let Some((target, start)) = target_start(drag, &board.zone.get_value()) else {
        board.verdict.set(None);
        return;
    };
    board.verdict.set(Some(Verdict::Checking));
    let Some(client) = board.session.client() else {
        return;
    };
    let id = drag.booking_id;
    spawn_local(async move {
        let answer = client.check_move(id, target.member, zone::at(start)).await;
        if board.asked.get_value() != asked {
            return;
        }
        board.verdict.set(Some(match answer {
            Ok(result) if result.ok => Verdict::Free,
            Ok(result) => Verdict::Refused(
                result
                    .conflicts
                    .into_iter()
                    .map(|c| c.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            Err(error) => {
                on_unauthorized(&error);
                Verdict::Refused(error.to_string())
            }
        }));
    });
}

/// Ends a drag: a refused or pointless drop snaps back; otherwise the meeting is reassigned
/// and/or rescheduled and the calendar reloads.
fn drop_meeting(board: Board, drag: Drag) {
    let zone = board.zone.get_value();
    let Some((target, start)) = target_start(&drag, &zone) else {
        board.drag.set(None);
        board.verdict.set(None);
        return;
    };
    if let Some(Verdict::Refused(why)) = board.verdict.get_untracked() {
        board.drag.set(None);
        board.verdict.set(None);
        board.notice.set(Some((
            false,
            format!("{} was not moved: {why}", drag.title),
        )));
        return;
    }
    let Some(client) = board.session.client() else {
        return;
    };
    board.drag.set(Some(Drag {
        target: Some(target.clone()),
        dropped: true,
        ..drag.clone()
    }));
    let moved_in_time = (start - drag.start_ms).abs() >= 1.0;
    let new_host = (target.member != drag.member).then_some(target.member);
    spawn_local(async move {
        let answer = if moved_in_time {
            client
                .reschedule(drag.booking_id, zone::at(start), new_host, None)
                .await
        } else {
            client
                .reassign(drag.booking_id, target.member, None, None)
                .await
        };
        let when = zone::instant(zone::at(start), &zone, Style::Time);
        board.notice.set(Some(match answer {
            Ok(_) => (true, format!("{} moved to {when}.", drag.title)),
            Err(error) => {
                on_unauthorized(&error);
                (false, format!("{} was not moved: {error}", drag.title))
            }
        }));
        board.reload.update(|n| *n += 1);
    });
}
