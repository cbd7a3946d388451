//! The staff app, mounted on `admin.html`.

fn main() {
    leptos::mount::mount_to_body(meeting_manager_frontend::staff::App);
}
