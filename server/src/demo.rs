//! Demonstration data: a small multilingual network of partner organisations.
use crate::AppState;

pub async fn load(_state: &AppState) -> anyhow::Result<String> {
    anyhow::bail!("demo data is being written")
}
