//! The public booking wizard, mounted on `index.html`.

fn main() {
    leptos::mount::mount_to_body(meeting_manager_frontend::wizard::App);
}
