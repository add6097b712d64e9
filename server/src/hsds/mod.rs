//! Open Referral HSDS 3.0 exchange: the read-only HSDS API profile under `/hsds/`, a
//! downloadable HSDS datapackage, and imports of HSDS datasets and of the simple CSV layout of
//! `docs/csv-format.md`.
//!
//! What is exported: the *services* of this instance's own organisations (local entries), as
//! the public sees them ([`crate::directory::model::Entry::public_view`]: hidden locations
//! left out, approximate ones rounded), live and listed (not deleted, moderation state
//! `visible`), and not marked do-not-federate. Events and volunteer offers have no HSDS
//! equivalent and are not exported; federated entries belong to their origin instance, which
//! publishes them itself.
//!
//! Identifiers: HSDS wants UUIDs. A service's HSDS id is the id it had in the dataset it was
//! imported from (column `entries.hsds_id`, when that is a UUID), else the entry's own UUID.
//! Every nested record (location, address, schedule, phone...) gets a name-based UUID ([`sub_id`])
//! of the service id and its position, and taxonomy terms one of their code, so ids are stable
//! across exports and across instances that exchange the same records.
//!
//! What HSDS cannot say (texts in several languages, a schedule's IANA time zone, a
//! location's precision, category codes) travels in an extension property `x_passerelle` on
//! the record concerned (HSDS allows additional properties); an HSDS consumer that ignores it
//! still gets the plain HSDS fields, in the organisation's default language.
pub mod csv;
pub mod datapackage;
pub mod export;
pub mod import;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderValue, header},
    routing::{get, post},
};
use tower_http::set_header::SetResponseHeaderLayer;
use uuid::Uuid;

use crate::db::entities::entry;

/// Namespace of the name-based identifiers derived by Passerelle (a fixed random UUID).
pub const NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a9e_52d4_4c1b_9d0e_7a3b_85c4_e210);

/// The HSDS version of the API and the datapackage.
pub const HSDS_VERSION: &str = "3.0";
/// Where the profile we follow (the base HSDS 3.0 profile) is described.
pub const PROFILE_URL: &str = "https://github.com/openreferral/specification/tree/3.0";
/// The canonical OpenAPI description of the HSDS 3.0 API.
pub const OPENAPI_URL: &str =
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json";

/// Name of the extension property carrying what HSDS cannot express.
pub const EXT: &str = "x_passerelle";

/// A name-based id: an RFC 9562 UUIDv8 made of the first 16 bytes of the SHA-256 of the
/// parent id and the name (like a UUIDv5, with SHA-256 instead of SHA-1).
pub fn sub_id(parent: Uuid, name: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(parent.as_bytes());
    h.update(name.as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The HSDS id of a service entry (see the module documentation).
pub fn service_uuid(row: &entry::Model) -> Uuid {
    match row.hsds_id.as_deref() {
        Some(id) => Uuid::parse_str(id).unwrap_or_else(|_| sub_id(NAMESPACE, &row.ap_id)),
        None => row.id,
    }
}

/// The HSDS API, the datapackage and the CSV export (open GETs with `Access-Control-Allow-Origin:
/// *`, as Open Referral UK expects), and the administrators' import endpoints.
pub fn routes() -> Router {
    let public = Router::new()
        .route("/hsds", get(export::root))
        .route("/hsds/", get(export::root))
        .route("/hsds/services", get(export::services))
        .route("/hsds/services/{id}", get(export::service))
        .route("/hsds/organizations", get(export::organizations))
        .route("/hsds/organizations/{id}", get(export::organization))
        .route(
            "/hsds/service_at_locations",
            get(export::service_at_locations),
        )
        .route(
            "/hsds/service_at_locations/{id}",
            get(export::service_at_location),
        )
        .route("/hsds/taxonomies", get(export::taxonomies))
        .route("/hsds/taxonomies/{id}", get(export::taxonomy_by_id))
        .route("/hsds/taxonomy_terms", get(export::taxonomy_terms))
        .route("/hsds/taxonomy_terms/{id}", get(export::taxonomy_term))
        .route("/hsds/datapackage.zip", get(export::datapackage))
        .route(
            "/api/v1/organizations/{slug}/services.csv",
            get(csv::export_handler),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ));
    let admin = Router::new()
        .route("/api/v1/admin/import/hsds", post(import::admin_import_hsds))
        .route("/api/v1/admin/import/csv", post(import::admin_import_csv))
        .layer(DefaultBodyLimit::disable());
    public.merge(admin)
}
