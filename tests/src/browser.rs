//! A real browser for the web app's tests: headless Chromium driven over WebDriver (ChromeDriver
//! and `fantoccini`), in a time zone and window size of the test's choosing, with a fresh
//! profile each time. Screenshots go to `target/browser-artifacts/`, where CI keeps them.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use fantoccini::{
    Client, ClientBuilder, Locator,
    actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction},
    elements::Element,
};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// How long a page may take to show what a test waits for. Generous: CI has two cores and runs
/// servers, databases and browsers side by side.
const PATIENCE: Duration = Duration::from_secs(20);

/// The built web app the test servers serve (`just frontend` builds it).
pub fn web_app_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    assert!(
        dir.join("index.html").is_file(),
        "{} has no built web app: run `just frontend` first (`just test` does)",
        dir.display()
    );
    dir.canonicalize().expect("frontend/dist")
}

/// Another website on loopback (its own origin), where an embed snippet is tried: every page
/// of it is the one it was last told to show.
pub struct AnotherWebsite {
    /// Its origin, which is also its address.
    pub url: String,
    page: std::sync::Arc<std::sync::Mutex<String>>,
    _server: tokio::task::JoinHandle<()>,
}

impl AnotherWebsite {
    pub async fn start() -> Self {
        let page = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (url, server) =
            crate::fake_http::serve(page.clone(), |html, _| crate::fake_http::html_answer(html))
                .await;
        Self {
            url,
            page,
            _server: server,
        }
    }

    pub fn show(&self, html: String) {
        *self.page.lock().expect("the page") = html;
    }
}

/// Where screenshots are kept.
pub fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/browser-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One browser window; the browser and its driver stop when it is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    profile: PathBuf,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("profile", &self.profile)
            .finish()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Killing the driver orphans the browser it started; every process of this browser names
        // its own profile on its command line, so that finds them all.
        let _ = std::process::Command::new("pkill")
            .args(["-KILL", "-f"])
            .arg(&self.profile)
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Browser {
    /// A browser whose clock runs in `zone`, speaking US English, with a `width`×`height` window.
    pub async fn open(zone: &str, width: u32, height: u32) -> Self {
        let port = free_port();
        let profile = std::env::temp_dir().join(format!("mm-chromium-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&profile).expect("profile dir");
        // Chromium takes its time zone from `TZ`, inherited through the driver.
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("TZ", zone)
            .env("LANG", "en_US.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver (Debian package chromium-driver; `just bootstrap` installs it)");
        let url = format!("http://127.0.0.1:{port}");
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--lang=en-US", format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": profile.join("downloads"),
                "download.prompt_for_download": false,
            }
        });
        // Headless windows are at least 500 px wide; phones are emulated as Chromium's device
        // mode does, with touch and a mobile viewport.
        if width < 500 {
            options["mobileEmulation"] = json!({
                "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2, "touch": true, "mobile": true}
            });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        let mut last_error = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        _driver: driver,
                        profile,
                    };
                }
                Err(error) => last_error = error.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no browser session: {last_error}");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigation");
    }

    /// The first element matching `css`, once it exists.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self
                .client
                .wait()
                .at_most(left)
                .for_element(Locator::Css(css))
                .await
            {
                Ok(element) => return element,
                // A page that navigates (a redirect to sign in) aborts the search under way;
                // the next page is the one to look at.
                Err(e)
                    if e.to_string().contains("aborted by navigation")
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("no `{css}` on {}: {e}", self.path().await),
            }
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.find(css).await;
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("elements")
    }

    /// Waits until exactly `count` elements match `css`: a list the app is still redrawing
    /// after a change is not yet its answer.
    pub async fn wait_for_count(&self, css: &str, count: usize) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let now = self
                .client
                .find_all(Locator::Css(css))
                .await
                .map(|all| all.len())
                .unwrap_or_default();
            if now == count {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {count} `{css}`, {} shows {now}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first element matching `css` whose text contains `text`, once it exists.
    pub async fn find_text(&self, css: &str, text: &str) -> Element {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            for element in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if element.text().await.is_ok_and(|t| t.contains(text)) {
                    return element;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no `{css}` containing {text:?} on {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.expect("typing");
    }

    /// Replaces what a field holds.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clearing");
        field.send_keys(text).await.expect("typing");
    }

    /// Types a customer's name, email and phone into a booking form: the wizard's or the staff's.
    pub async fn fill_customer(&self, name: &str, email: &str, phone: &str) {
        self.type_into("#customer_name", name).await;
        self.type_into("#customer_email", email).await;
        self.type_into("#customer_phone", phone).await;
    }

    /// The visible text of the first element matching `css`, with the narrow spaces some
    /// languages put before AM/PM made plain.
    pub async fn text(&self, css: &str) -> String {
        plain(&self.find(css).await.text().await.expect("text"))
    }

    /// The path and query the app is showing.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            })
            .unwrap_or_default()
    }

    /// Waits until the app shows `path`.
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let now = self.path().await;
            if now == path {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {path}, the app shows {now}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn script(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// Presses the left button on `from` and, holding it, moves the pointer in small steps to
    /// `from`'s centre shifted by `(dx, dy)` pixels, as a person drags; the button stays down
    /// until [`Browser::release`].
    pub async fn press_and_drag(&self, from: &Element, dx: f64, dy: f64) {
        let step = Some(Duration::from_millis(150));
        let mouse = MouseActions::new("mouse".to_owned())
            .then(PointerAction::MoveToElement {
                element: from.clone(),
                duration: None,
                x: 0.0,
                y: 0.0,
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            })
            .then(PointerAction::MoveBy {
                duration: step,
                x: dx / 2.0,
                y: dy / 2.0 + 8.0,
            })
            .then(PointerAction::MoveToElement {
                element: from.clone(),
                duration: step,
                x: dx,
                y: dy,
            });
        self.client
            .perform_actions(mouse)
            .await
            .expect("pressing and dragging");
    }

    /// Lets go of the button [`Browser::press_and_drag`] holds.
    pub async fn release(&self) {
        let mouse = MouseActions::new("mouse".to_owned()).then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        self.client.perform_actions(mouse).await.expect("releasing");
        self.client.release_actions().await.expect("releasing");
    }

    /// The centre of an element, in the page's CSS pixels.
    pub async fn centre(element: &Element) -> (f64, f64) {
        let (x, y, width, height) = element.rectangle().await.expect("rectangle");
        (x + width / 2.0, y + height / 2.0)
    }

    /// The text of a file the page downloaded, once the download has finished.
    pub async fn downloaded(&self, name: &str) -> String {
        let path = self.profile.join("downloads").join(name);
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Ok(text) = std::fs::read_to_string(&path) {
                return text;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no download {name} in {}",
                path.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot as `target/browser-artifacts/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("writing screenshot");
        path
    }
}

/// Text with every kind of space as a plain space.
pub fn plain(text: &str) -> String {
    text.replace(['\u{202f}', '\u{a0}'], " ")
}
