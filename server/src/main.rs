//! The `passerelle` command: serve, migrate, demo data and administration.
use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use passerelle::{
    accounts::{self, NewOrganization, Role},
    app::{self, Application, tokio_util_shim::CancellationToken},
    config::Config,
    directory::model::LangMap,
    error::AppError,
    moderation::log::Who,
};

#[derive(Parser)]
#[command(
    name = "passerelle",
    version,
    about = "A federated directory of services, events and volunteer offers for newcomers"
)]
struct Cli {
    /// Configuration file (TOML); defaults, then this file, then PASSERELLE__* variables.
    #[arg(long, global = true, env = "PASSERELLE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default command).
    Serve {
        /// Fill an empty database with demonstration data first.
        #[arg(long)]
        demo: bool,
    },
    /// Run only the delivery worker (with `delivery.run_in_server = false` on the servers).
    Worker,
    /// Create or update the database schema, then exit.
    Migrate,
    /// Copy a SQLite instance (database and uploaded files) into a new directory while it
    /// runs; on PostgreSQL, explains the pg_dump commands instead.
    Backup {
        /// A directory that does not exist yet (nothing is ever overwritten).
        path: PathBuf,
    },
    /// Fill an empty database with a small multilingual demonstration network, then exit.
    Demo,
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage the actors' signing keys.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import services into an organisation (created or updated, matched by their id in the
    /// file); prints a report per record. Exits with 1 when a record was refused.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// An Open Referral HSDS 3.0 dataset: a datapackage (zip file or directory with
    /// datapackage.json and CSV tables) or JSON (an array of services, a page of /hsds/services).
    Hsds {
        path: PathBuf,
        /// Slug of the organisation the services belong to.
        #[arg(long)]
        org: String,
        /// Report what would happen without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// A CSV file of services in the layout of docs/csv-format.md.
    Csv {
        path: PathBuf,
        /// Slug of the organisation the services belong to.
        #[arg(long)]
        org: String,
        /// Report what would happen without changing anything.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an organisation (an ActivityPub actor @slug@domain).
    Create {
        /// Lower-case letters, digits, '-' and '_': the handle is @slug@domain.
        slug: String,
        #[arg(long)]
        name: String,
        /// A short description (in the default language).
        #[arg(long)]
        summary: Option<String>,
        /// BCP-47 tag of the organisation's default language (defaults to the instance's).
        #[arg(long)]
        language: Option<String>,
        #[arg(long)]
        website: Option<String>,
        /// Followers must be approved by staff.
        #[arg(long)]
        approve_followers: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff account. The password is read from stdin when it is not a terminal,
    /// otherwise generated and printed once.
    Create {
        email: String,
        #[arg(long, value_parser = ["admin", "moderator", "editor"])]
        role: String,
        /// The organisation an editor publishes for.
        #[arg(long)]
        org: Option<String>,
    },
    /// Set a staff account's password (for the web sign-in) and end its web sessions. The
    /// password is read from stdin when it is not a terminal, otherwise generated and printed
    /// once.
    SetPassword { email: String },
    /// Change a staff account's role (and organisation); written to the moderation log.
    SetRole {
        email: String,
        #[arg(long, value_parser = ["admin", "moderator", "editor"])]
        role: String,
        /// The organisation (slug) the user publishes for; "" for none; kept when omitted.
        #[arg(long)]
        org: Option<String>,
        /// Why (kept in the moderation log).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Replace the key pair of an organisation (its followers get an Update with the new public
    /// key; works while the servers run), or of the instance actor with --instance (stop every
    /// passerelle process first, start them again after).
    Rotate {
        /// Slug of the organisation.
        #[arg(required_unless_present = "instance", conflicts_with = "instance")]
        org: Option<String>,
        /// The instance actor's key instead.
        #[arg(long)]
        instance: bool,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print a new API bearer token for a user (the last line of stdout).
    Create { email: String },
    /// Revoke a token (given the token) or all tokens of a user (given an email).
    Revoke { token_or_email: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    passerelle::telemetry::init(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(
        cli.command.unwrap_or(Command::Serve { demo: false }),
        config,
    )) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match e.downcast_ref::<AppError>() {
                Some(AppError::Validation(errors)) => {
                    for err in errors {
                        eprintln!("error: {}: {}", err.field, err.message);
                    }
                }
                _ => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Worker => {
            let state = app::AppState::init(config).await?;
            let token = CancellationToken::new();
            let t = token.clone();
            tokio::spawn(async move {
                app::shutdown_signal().await;
                t.cancel();
            });
            passerelle::federation::delivery::run(state, token).await;
            Ok(())
        }
        Command::Migrate => {
            let db = passerelle::db::connect(&config).await?;
            passerelle::db::migrate(&db).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Backup { path } => {
            let report = passerelle::backup::run(&config, &path).await?;
            println!("{report}");
            Ok(())
        }
        Command::Demo => {
            let state = app::AppState::init(config).await?;
            let report = passerelle::demo::load(&state).await?;
            println!("{report}");
            Ok(())
        }
        Command::Org {
            command:
                OrgCommand::Create {
                    slug,
                    name,
                    summary,
                    language,
                    website,
                    approve_followers,
                },
        } => {
            let state = app::AppState::init(config).await?;
            let lang = language
                .clone()
                .unwrap_or_else(|| state.config.instance.default_language.clone());
            let summary = summary
                .map(|s| LangMap::single(&lang, &s))
                .unwrap_or_default();
            let org = accounts::create_organization_logged(
                &state.db,
                &Who::command_line(),
                NewOrganization {
                    slug,
                    name,
                    summary,
                    default_language: language,
                    website,
                    manually_approves_followers: approve_followers,
                    ..Default::default()
                },
                &state.config.instance.default_language,
            )
            .await?;
            println!(
                "created organisation @{}@{} ({})",
                org.slug,
                state.urls.domain(),
                state.urls.org(&org.slug)
            );
            Ok(())
        }
        Command::User {
            command: UserCommand::Create { email, role, org },
        } => {
            let state = app::AppState::init(config).await?;
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
            let (password, generated) = read_password()?;
            let user = accounts::create_user_logged(
                &state.db,
                &Who::command_line(),
                &email,
                &password,
                role,
                org.as_deref(),
                None,
            )
            .await?;
            println!("created {} {}", user.role, user.email);
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Command::User {
            command: UserCommand::SetPassword { email },
        } => {
            let state = app::AppState::init(config).await?;
            let (password, generated) = read_password()?;
            let user = accounts::set_password(&state.db, &email, &password).await?;
            println!("password set for {} (web sessions ended)", user.email);
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Command::Key {
            command: KeyCommand::Rotate { org, instance },
        } => {
            let state = app::AppState::init(config).await?;
            match org {
                Some(slug) if !instance => {
                    passerelle::federation::keys::rotate_org(&state, &slug).await?;
                    println!(
                        "new key pair for @{slug}@{}; its followers are sent an Update",
                        state.urls.domain()
                    );
                }
                _ => {
                    passerelle::federation::keys::rotate_instance(&state).await?;
                    println!(
                        "new key pair for the instance actor; restart every passerelle process of this instance now"
                    );
                }
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::SetRole {
                    email,
                    role,
                    org,
                    reason,
                },
        } => {
            let state = app::AppState::init(config).await?;
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;
            let user = accounts::set_role(
                &state.db,
                &Who::command_line(),
                &email,
                role,
                org.as_deref(),
                reason.as_deref(),
            )
            .await?;
            println!("{} is now {}", user.email, user.role);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { email },
        } => {
            let state = app::AppState::init(config).await?;
            let token = accounts::create_token(&state.db, &email).await?;
            println!(
                "API token for {email} (shown once; send it as 'Authorization: Bearer <token>'):"
            );
            println!("{token}");
            Ok(())
        }
        Command::Import { command } => {
            use passerelle::hsds::import::{Format, import_path};
            let (format, path, org, dry_run) = match command {
                ImportCommand::Hsds { path, org, dry_run } => (Format::Hsds, path, org, dry_run),
                ImportCommand::Csv { path, org, dry_run } => (Format::Csv, path, org, dry_run),
            };
            let state = app::AppState::init(config).await?;
            let report = import_path(&state, &org, format, &path, dry_run).await?;
            println!("{report}");
            if report.refused > 0 {
                anyhow::bail!("{} record(s) refused", report.refused);
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { token_or_email },
        } => {
            let state = app::AppState::init(config).await?;
            let n = accounts::revoke_tokens(&state.db, &token_or_email).await?;
            println!("revoked {n} token(s)");
            Ok(())
        }
    }
}

/// The password from stdin when it is piped, else a generated one.
fn read_password() -> anyhow::Result<(String, bool)> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut s = String::new();
        stdin.lock().read_to_string(&mut s)?;
        let p = s.lines().next().unwrap_or("").to_string();
        if !p.is_empty() {
            return Ok((p, false));
        }
    }
    Ok((accounts::random_secret(), true))
}

async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let bind = config.server.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind} (server.bind): {e}"))?;
    let application = Application::build(config, listener).await?;
    let state = application.state.clone();
    if demo {
        let report = passerelle::demo::load(&state).await?;
        tracing::info!("{report}");
    }
    if state.config.federation.allow_insecure {
        tracing::warn!(
            "federation.allow_insecure is on: http, explicit ports and private addresses are allowed (local testing only)"
        );
    }
    let base = state.urls.base().clone();
    let orgs = {
        use sea_orm::{EntityTrait, PaginatorTrait};
        passerelle::db::entities::organization::Entity::find()
            .count(&state.db)
            .await
            .unwrap_or(0)
    };
    tracing::info!(
        "Passerelle {} listening on http://{} — public address {}",
        env!("CARGO_PKG_VERSION"),
        application.local_addr(),
        base
    );
    if orgs == 0 {
        tracing::info!(
            "No organisation yet. Create the first administrator and organisation with:\n  \
             passerelle user create admin@example.org --role admin\n  \
             passerelle org create my-org --name \"My organisation\"\n  \
             or fill a demo network with: passerelle demo"
        );
    }
    let token = CancellationToken::new();
    let workers = passerelle::federation::spawn_workers(&application, token.clone());
    let t = token.clone();
    tokio::spawn(async move {
        app::shutdown_signal().await;
        t.cancel();
    });
    application.run_until(token.clone()).await?;
    token.cancel();
    for w in workers {
        let _ = w.await;
    }
    tracing::info!("stopped");
    Ok(())
}
