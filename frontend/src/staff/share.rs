//! "Share": the booking link of a department or meeting type and the one-line snippet that puts
//! the wizard on another website, each with a copy button.

use leptos::{html, prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::Session;

/// The iframe another website pastes to show the wizard at `embed_url`.
fn embed_snippet(embed_url: &str, title: &str) -> String {
    format!(
        r#"<iframe src="{}" title="{}" style="width:100%;max-width:44rem;height:760px;border:0"></iframe>"#,
        attribute(embed_url),
        attribute(title)
    )
}

/// Text made safe inside a double-quoted HTML attribute.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

/// Where customers book `what` (a department or meeting type's name), and how to embed it;
/// `taking_bookings` false warns that the link finds nothing until it is switched on again.
#[component]
pub fn Share(
    what: String,
    booking_url: String,
    embed_url: String,
    taking_bookings: bool,
) -> impl IntoView {
    let snippet = embed_snippet(&embed_url, &format!("Book a meeting: {what}"));
    let session = expect_context::<Session>();
    let embedding = LocalResource::new(move || {
        let client = session.client();
        async move { client?.embedding().await.ok() }
    });
    view! {
        <section class="settings share" aria-label="Share">
            <h2>"Share"</h2>
            {(!taking_bookings).then(|| view! {
                <p class="notice warning">"Not taking bookings: customers following these find nothing until it is active again."</p>
            })}
            <CopyField id="share-link" label="Booking link" value=booking_url.clone() lines=1 />
            <p class="meta"><a href=booking_url target="_blank" rel="noopener">"Open the booking page"</a></p>
            <CopyField id="share-embed" label="Embed on your website" value=snippet lines=3 />
            <Suspense>
                {move || Suspend::new(async move {
                    embedding.await.map(|settings| embed_sites(&settings.allowed_origins))
                })}
            </Suspense>
        </section>
    }
}

/// Where the snippet works: browsers show the embedded pages only inside the sites the server
/// allows.
fn embed_sites(allowed: &[String]) -> AnyView {
    if allowed.is_empty() {
        view! {
            <p class="notice warning embed-refused">"No website may show this yet: browsers refuse the embedded booking page on every site until the server's MM_ALLOWED_ORIGINS names it (for example https://www.example.com). Ask whoever runs Meeting Manager to add your site."</p>
        }
        .into_any()
    } else {
        view! {
            <p class="meta embed-allowed">"Works on: " {allowed.join(", ")}</p>
        }
        .into_any()
    }
}

/// A read-only field whose text a button copies; where the browser refuses the clipboard (a page
/// not served over HTTPS), the text is selected for the person to copy themselves.
#[component]
fn CopyField(id: &'static str, label: &'static str, value: String, lines: u32) -> impl IntoView {
    let said = RwSignal::new(None::<&'static str>);
    let field = NodeRef::<html::Textarea>::new();
    let text = StoredValue::new(value.clone());
    let select_instead = move || {
        if let Some(field) = field.get_untracked() {
            field.select();
        }
        said.set(Some("Selected: press Ctrl+C (⌘C) to copy"));
    };
    let copy = move |_| {
        // Only secure pages (HTTPS, localhost) have `navigator.clipboard`; calling it where it
        // is missing would throw.
        let clipboard = js_sys::Reflect::get(&window().navigator(), &"clipboard".into())
            .ok()
            .filter(|c| !c.is_undefined() && !c.is_null())
            .map(JsCast::unchecked_into::<web_sys::Clipboard>);
        let Some(clipboard) = clipboard else {
            select_instead();
            return;
        };
        let written = clipboard.write_text(&text.get_value());
        spawn_local(async move {
            match JsFuture::from(written).await {
                Ok(_) => said.set(Some("Copied")),
                Err(_) => select_instead(),
            }
        });
    };
    view! {
        <div class="field copy-field">
            <label for=id>{label}</label>
            <div class="copy-row">
                <textarea id=id node_ref=field readonly rows=lines spellcheck="false"
                    on:focus=|e| {
                        if let Some(area) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                            area.select();
                        }
                    }>{value}</textarea>
                <button type="button" class="button" on:click=copy aria-describedby=format!("{id}-said")>"Copy"</button>
            </div>
            <span id=format!("{id}-said") class="meta" role="status">{move || said.get()}</span>
        </div>
    }
}
