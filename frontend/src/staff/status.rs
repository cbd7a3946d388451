//! How a booking's status looks everywhere in the staff app: the calendar, the list, the charts.

/// Status colours as the specification names them; internal meetings are purple whatever
/// their status while they hold time.
pub fn colour(status: &str) -> &'static str {
    match status {
        "confirmed" => "#2e7d32",
        "pending" => "#f9a825",
        "cancelled" => "#c62828",
        "completed" => "#1565c0",
        _ => "#757575",
    }
}

/// `no_show` → `No-show`.
pub fn label(status: &str) -> String {
    let mut label = status.replace('_', "-");
    if let Some(first) = label.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    label
}

/// The CSS class of a booking's block or badge.
pub fn class(status: &str, booking_type: &str) -> &'static str {
    match (status, booking_type) {
        ("confirmed" | "pending", "internal") => "st-internal",
        ("confirmed", _) => "st-confirmed",
        ("pending", _) => "st-pending",
        ("cancelled", _) => "st-cancelled",
        ("completed", _) => "st-completed",
        _ => "st-no-show",
    }
}

/// Only meetings still ahead of their people can be moved.
pub fn is_movable(status: &str) -> bool {
    matches!(status, "confirmed" | "pending")
}
