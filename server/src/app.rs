//! Building and running an instance: state, router, listener. `main.rs` and the tests call the
//! same functions.
use std::{ops::Deref, sync::Arc, time::Duration};

use activitypub_federation::config::{FederationConfig, FederationMiddleware};
use anyhow::Context;
use axum::Router;
use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio_util_shim::CancellationToken;

use crate::{
    config::Config,
    db::{self, entities::site},
    federation::actors::SigningActor,
    urls::Urls,
};

pub struct AppInner {
    pub db: DatabaseConnection,
    pub config: Config,
    pub urls: Urls,
    pub site: site::Model,
    pub web: crate::web::Web,
    /// The HTTP client for federation (no redirects, timeouts, private addresses refused in
    /// production mode).
    pub http: reqwest::Client,
    /// Wakes the delivery worker of this process when something was queued.
    pub delivery_wakeup: tokio::sync::Notify,
    /// The federation library's configuration (set once the state exists).
    pub fed: std::sync::OnceLock<FederationConfig<AppState>>,
    /// The federation policy (blocks, allow-list, actor sanctions), cached.
    pub moderation: Arc<crate::moderation::Policy>,
    /// Anonymous reports per client address.
    pub report_limiter: crate::moderation::ratelimit::Limiter,
    /// Staff sign-in attempts per client address and per account (email address).
    pub login_ip_limiter: crate::moderation::ratelimit::Limiter,
    pub login_account_limiter: crate::moderation::ratelimit::Limiter<String>,
    /// Prometheus counters and histograms of this process (`/metrics`).
    pub metrics: crate::metrics::Metrics,
    /// Buddy requests per client address (`[buddy]` config).
    pub buddy_limiter: crate::moderation::ratelimit::Limiter,
    /// Remote-follow lookups (outgoing WebFinger requests) per client address.
    pub follow_limiter: crate::moderation::ratelimit::Limiter,
    /// `http.trusted_proxies`, parsed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// SQLite: the search keys of every entry, in memory ([`crate::search::cache`]).
    pub search_cache: crate::search::KeyCache,
}

impl AppInner {
    /// The client address of a request, the key of every per-address rate limit (see
    /// [`crate::moderation::ratelimit::client_ip`]).
    pub fn client_ip(
        &self,
        ext: &axum::http::Extensions,
        headers: &axum::http::HeaderMap,
    ) -> Option<std::net::IpAddr> {
        let peer = ext
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|axum::extract::ConnectInfo(a)| a.ip());
        crate::moderation::ratelimit::client_ip(&self.trusted_proxies, peer, headers)
    }
}

/// Shared state of one instance, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<AppInner>);

impl Deref for AppState {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

/// The request context handlers receive: our state plus the federation library's config.
pub type Ctx = activitypub_federation::config::Data<AppState>;

impl AppState {
    /// Connect, migrate and load the instance's keys.
    pub async fn init(config: Config) -> anyhow::Result<AppState> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let site = db::ensure_site(&db).await?;
        let urls = Urls::new(config.base_url());
        let web = crate::web::Web::new()?;
        let http = build_client(&config)?;
        let moderation = Arc::new(crate::moderation::Policy::new(
            config.federation.mode,
            urls.domain(),
        ));
        moderation
            .refresh(&db)
            .await
            .context("loading the federation policy")?;
        let report_limiter = crate::moderation::ratelimit::Limiter::new(
            config.moderation.report_burst,
            config.moderation.report_refill_secs,
        );
        let login_ip_limiter = crate::moderation::ratelimit::Limiter::new(
            config.web.login_attempts_per_ip,
            config.web.login_refill_secs,
        );
        let login_account_limiter = crate::moderation::ratelimit::Limiter::new(
            config.web.login_attempts_per_account,
            config.web.login_refill_secs,
        );
        let buddy_limiter = crate::moderation::ratelimit::Limiter::new(
            config.buddy.request_burst,
            config.buddy.request_refill_secs,
        );
        // 20 lookups at once, then one more every 30 seconds.
        let follow_limiter = crate::moderation::ratelimit::Limiter::new(20, 30);
        let trusted_proxies = config
            .http
            .trusted_networks()
            .map_err(|e| anyhow::anyhow!("http.trusted_proxies: {e}"))?;
        Ok(AppState(Arc::new(AppInner {
            trusted_proxies,
            search_cache: crate::search::KeyCache::new(),
            db,
            config,
            urls,
            site,
            web,
            http,
            delivery_wakeup: tokio::sync::Notify::new(),
            fed: std::sync::OnceLock::new(),
            moderation,
            report_limiter,
            login_ip_limiter,
            login_account_limiter,
            metrics: crate::metrics::Metrics::new(),
            buddy_limiter,
            follow_limiter,
        })))
    }

    /// The activitypub_federation configuration: our domain, signed fetches by the instance
    /// actor, and the insecure switch from our config (never from the environment).
    pub async fn federation_config(&self) -> anyhow::Result<FederationConfig<AppState>> {
        let insecure = self.config.federation.allow_insecure;
        let timeout = Duration::from_secs(self.config.federation.request_timeout_secs);
        let client = self.http.clone();
        let instance = SigningActor::instance(self);
        FederationConfig::builder()
            .domain(self.urls.domain())
            .app_data(self.clone())
            .debug(insecure)
            .allow_http_urls(insecure)
            .client(client.into())
            .request_timeout(timeout)
            .http_fetch_limit(20)
            .signed_fetch_actor(&instance)
            .url_verifier(Box::new(crate::moderation::policy::Verifier(
                self.moderation.clone(),
            )))
            .build()
            .await
            .context("building the federation config")
            .inspect(|cfg| {
                let _ = self.fed.set(cfg.clone());
            })
    }
}

fn build_client(config: &Config) -> anyhow::Result<reqwest::Client> {
    let insecure = config.federation.allow_insecure;
    let timeout = Duration::from_secs(config.federation.request_timeout_secs);
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        // A fan-out sends up to `delivery.concurrency` requests to one instance at once; keeping
        // every one of those connections idle for each of hundreds of instances held thousands
        // of sockets and ~25 KB each (BENCHMARKS.md, federation memory). A few per host suffice.
        .pool_max_idle_per_host(4)
        .pool_idle_timeout(Duration::from_secs(30))
        .user_agent(format!(
            "Passerelle/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            config.base_url()
        ))
        .dns_resolver(Arc::new(
            activitypub_federation::resolver::ValidatingDnsResolver::new(vec![], !insecure),
        ))
        .build()
        .context("building the HTTP client")
}

/// A running instance.
pub struct Application {
    pub state: AppState,
    pub federation: FederationConfig<AppState>,
    listener: TcpListener,
}

impl Application {
    /// Bind first (port 0 in tests), then build with the real address known.
    pub async fn build(config: Config, listener: TcpListener) -> anyhow::Result<Application> {
        let state = AppState::init(config).await?;
        let federation = state.federation_config().await?;
        Ok(Application {
            state,
            federation,
            listener,
        })
    }

    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    pub fn router(&self) -> Router {
        router(self.federation.clone())
    }

    /// Serve until `shutdown` is cancelled, then finish in-flight requests.
    pub async fn run_until(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let router = self.router();
        // Policy changes made by other processes sharing the database are picked up within 30 s
        // (changes made here refresh the cache at once).
        let state = self.state.clone();
        let stop = shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(30)) => {}
                    _ = stop.cancelled() => break,
                }
                if let Err(e) = state.moderation.refresh(&state.db).await {
                    tracing::warn!(error = %e, "could not refresh the federation policy");
                }
            }
        });
        // SQLite: read every entry's search keys now, so that no visitor waits for it (a
        // search arriving meanwhile waits for this read instead of starting its own).
        if self.state.db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            let state = self.state.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                match state.search_cache.refresh(&state.db).await {
                    Ok(()) => tracing::info!(
                        entries = state.search_cache.size().0,
                        ms = started.elapsed().as_millis() as u64,
                        "search keys read"
                    ),
                    Err(e) => tracing::warn!(error = %e, "could not read the search keys"),
                }
            });
        }
        // Buddy requests older than the retention period go, hourly.
        let state = self.state.clone();
        spawn_hourly_purge("old buddy requests", shutdown.clone(), move || {
            let state = state.clone();
            async move {
                crate::buddy::purge(&state.db, state.config.buddy.retention_days, Utc::now()).await
            }
        });
        // And pictures that nothing uses any more, once old enough.
        let state = self.state.clone();
        spawn_hourly_purge("unused pictures", shutdown.clone(), move || {
            let state = state.clone();
            async move {
                let media = &state.config.media;
                crate::web::media::delete_unused(
                    &state.db,
                    &media.dir,
                    media.unused_retention_days,
                    std::time::SystemTime::now(),
                )
                .await
                .map_err(|e| sea_orm::DbErr::Custom(format!("{e:#}")))
            }
        });
        // So do the ids of activities received longer ago than the inbox retention.
        let state = self.state.clone();
        spawn_hourly_purge(
            "ids of old received activities",
            shutdown.clone(),
            move || {
                let state = state.clone();
                async move {
                    let f = &state.config.federation;
                    let lease = Duration::from_secs(f.inbox_claim_secs);
                    crate::federation::inbox::purge(
                        &state.db,
                        f.inbox_retention_days,
                        lease,
                        Utc::now(),
                    )
                    .await
                }
            },
        );
        // The peer address feeds the per-address limit on anonymous reports.
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
        .context("serving HTTP")
    }
}

pub fn router(federation: FederationConfig<AppState>) -> Router {
    let state: &AppState = &federation;
    let max_body = state.config.federation.max_body_bytes;
    let app = state.clone();
    crate::http::routes()
        .merge(crate::federation::inbox::routes(max_body))
        .merge(crate::web::routes())
        .merge(crate::http::ops::routes())
        .merge(crate::web::ops::routes())
        // Innermost: the matched route template, for the outer layer to label metrics with.
        .route_layer(axum::middleware::from_fn(
            crate::telemetry::keep_matched_path,
        ))
        .layer(axum::middleware::from_fn_with_state(
            app,
            crate::telemetry::observe_request,
        ))
        .layer(FederationMiddleware::new(federation))
}

/// Runs `purge` now and then every hour until `stop` is cancelled, logging what it deleted
/// (`what`) or why it failed.
pub fn spawn_hourly_purge<F, Fut>(
    what: &'static str,
    stop: CancellationToken,
    purge: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<u64, sea_orm::DbErr>> + Send,
{
    tokio::spawn(async move {
        loop {
            match purge().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "{what} deleted"),
                Err(e) => tracing::warn!(error = %e, "could not delete {what}"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
                _ = stop.cancelled() => break,
            }
        }
    })
}

/// A tiny cancellation token (tokio-util's, without the dependency).
pub mod tokio_util_shim {
    use std::sync::Arc;
    use tokio::sync::watch;

    #[derive(Clone)]
    pub struct CancellationToken {
        tx: Arc<watch::Sender<bool>>,
        rx: watch::Receiver<bool>,
    }
    impl Default for CancellationToken {
        fn default() -> Self {
            let (tx, rx) = watch::channel(false);
            CancellationToken {
                tx: Arc::new(tx),
                rx,
            }
        }
    }
    impl CancellationToken {
        pub fn new() -> Self {
            Self::default()
        }
        pub fn cancel(&self) {
            let _ = self.tx.send(true);
        }
        pub fn is_cancelled(&self) -> bool {
            *self.rx.borrow()
        }
        pub async fn cancelled(&self) {
            let mut rx = self.rx.clone();
            while !*rx.borrow_and_update() {
                if rx.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Resolves when the process receives SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight requests");
}

impl AppState {
    /// Request data for the federation library (fetching, dereferencing), outside a request.
    pub async fn data(&self) -> anyhow::Result<Ctx> {
        if self.fed.get().is_none() {
            self.federation_config().await?;
        }
        Ok(self
            .fed
            .get()
            .context("federation config")?
            .to_request_data())
    }
}
