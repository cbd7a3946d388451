//! Fresh databases for the store's own tests.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::Store;

/// A fresh SQLite database, and a fresh PostgreSQL one when `MM_TEST_POSTGRES_URL` names a
/// cluster (as `just test` does); migrated.
pub(crate) async fn stores() -> Vec<Store> {
    let id = Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("mm-store-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut urls = vec![format!("sqlite://{}", dir.join("t.db").display())];
    urls.extend(postgres_url().await);
    let mut stores = Vec::new();
    for url in urls {
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        stores.push(store);
    }
    stores
}

/// The address of a fresh, empty PostgreSQL database, when `MM_TEST_POSTGRES_URL` names a
/// cluster.
pub(crate) async fn postgres_url() -> Option<String> {
    let admin = std::env::var("MM_TEST_POSTGRES_URL").ok()?;
    let id = Uuid::new_v4().simple().to_string();
    let cluster = Store::connect(&admin).await.unwrap();
    cluster
        .db
        .execute_unprepared(&format!("CREATE DATABASE mm_store_{id}"))
        .await
        .unwrap();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    Some(format!("{base}/mm_store_{id}"))
}
