//! Staff accounts and their profile settings.

use uuid::Uuid;

use crate::{Email, TimeZone};

/// A staff person. Department roles come from leadership and membership, not from this record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    pub id: Uuid,
    pub email: Email,
    pub full_name: String,
    pub is_system_manager: bool,
    pub is_active: bool,
    pub timezone: TimeZone,
    pub bio: Option<String>,
    pub profile_picture_url: Option<String>,
    /// What they read the staff app and their emails in; `None`: the organisation's default.
    pub language: Option<mm_i18n::Language>,
}

/// Passwords are at least 10 and at most 200 characters; the hash is made elsewhere.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    match password.chars().count() {
        0..10 => Err("must be at least 10 characters"),
        10..=200 => Ok(()),
        _ => Err("must be at most 200 characters"),
    }
}
