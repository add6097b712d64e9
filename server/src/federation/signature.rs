//! Inbound and outbound HTTP signatures, draft-cavage-http-signatures-12 as spoken by Mastodon.
//!
//! Everything here is a pure function over an [`http`](axum::http) method, path, header map and
//! body, so it can be called before any outbound fetch and tested without a server.
//!
//! Inbound order (see `docs/federation.md`, "Signatures"):
//!
//! 1. [`precheck`]: everything that can be checked before knowing the key (header present and
//!    well formed, supported algorithm, required covered headers, `Digest` against the body,
//!    `Date`/`(created)`/`(expires)` window). An unsigned or malformed request fails here, before
//!    our server makes any request.
//! 2. The caller fetches the key named by [`SignatureHeader::key_id`] and checks that its `owner`
//!    is the activity's actor ([`SignatureHeader::actor_id`] is only a hint: GoToSocial's key ids
//!    are `<actor>/main-key`, not `<actor>#main-key`).
//! 3. [`verify`] (or [`verify_with_key`]) checks the RSA PKCS#1 v1.5 SHA-256 signature.
//!
//! RFC 9421 (`Signature-Input`) is not verified: such requests get
//! [`SigError::Rfc9421Unsupported`], which a handler answers with 401 so that Mastodon ≥ 4.5 and
//! Fedify ≥ 2 retry with draft-cavage.

use std::time::{Duration, SystemTime};

use axum::http::header::{DATE, HOST};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use chrono::{DateTime, Utc};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

/// A `Signature` header longer than this is refused before parsing.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 8 * 1024;

/// The accepted distance between `now` and `Date`/`(created)`, in either direction.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Smallest RSA modulus accepted when verifying (the draft-cavage test key is 1024 bits;
/// Mastodon uses 2048). The `rsa` crate refuses moduli over 4096 bits.
pub const MIN_RSA_BITS: usize = 1024;

/// How long a signature made by [`sign`] stays valid when `(expires)` is covered.
const SIGN_EXPIRES_AFTER_SECS: i64 = 60 * 60;

/// `DigestInfo` prefix of a SHA-256 hash (RFC 8017, section 9.2, note 1). Spelt out so that the
/// padding does not depend on the `oid` feature of `sha2` being enabled somewhere in the graph.
const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

const REQUEST_TARGET: &str = "(request-target)";
const CREATED: &str = "(created)";
const EXPIRES: &str = "(expires)";
const SIGNATURE: &str = "signature";
const SIGNATURE_INPUT: &str = "signature-input";
const DIGEST: &str = "digest";

/// Base64 (standard alphabet) that accepts values with or without `=` padding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why a request's signature was refused. `Display` is a short reason fit for a 401 body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("missing Signature header")]
    MissingSignature,
    #[error("RFC 9421 signatures are not supported, retry with draft-cavage")]
    Rfc9421Unsupported,
    #[error("Signature header too long")]
    HeaderTooLong,
    #[error("multiple Signature headers")]
    MultipleSignatures,
    #[error("malformed Signature header: {0}")]
    Malformed(&'static str),
    #[error("Signature header has no keyId")]
    MissingKeyId,
    #[error("Signature header has no signature")]
    MissingSignatureValue,
    #[error("signature is not valid base64")]
    InvalidBase64,
    #[error("unsupported algorithm")]
    UnsupportedAlgorithm,
    /// The signature does not cover a header we require; the payload names it.
    #[error("signature must cover {0}")]
    NotCovered(&'static str),
    /// A covered header (or pseudo-header parameter) is absent from the request.
    #[error("covered header missing from request: {0}")]
    MissingHeader(String),
    #[error("duplicate {0} header")]
    DuplicateHeader(&'static str),
    #[error("header {0} is not valid text")]
    InvalidHeaderValue(String),
    #[error("unparseable Date header")]
    InvalidDate,
    #[error("date outside the accepted window")]
    DateOutOfWindow,
    #[error("(created) outside the accepted window")]
    CreatedOutOfWindow,
    #[error("signature has expired")]
    Expired,
    #[error("missing Digest header")]
    MissingDigest,
    #[error("Digest header has no SHA-256 value")]
    NoSha256Digest,
    #[error("malformed Digest header")]
    InvalidDigest,
    #[error("digest does not match body")]
    DigestMismatch,
    #[error("invalid public key")]
    InvalidPublicKey,
    #[error("signature does not verify")]
    BadSignature,
    #[error("invalid private key")]
    InvalidPrivateKey,
    #[error("signing failed")]
    SigningFailed,
}

/// A parsed draft-cavage `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub key_id: String,
    /// As sent (`rsa-sha256`, `hs2019`, …); `None` when absent.
    pub algorithm: Option<String>,
    /// Covered headers, lower-case, in signing order. Defaults to `["date"]` when the
    /// `headers` parameter is absent (as Mastodon does).
    pub headers: Vec<String>,
    /// The decoded signature bytes.
    pub signature: Vec<u8>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

impl SignatureHeader {
    /// The key id without its `#fragment`: the actor id for Mastodon-style `<actor>#main-key`.
    /// Only a hint: the authoritative link is the key document's `owner`.
    pub fn actor_id(&self) -> &str {
        match self.key_id.split_once('#') {
            Some((actor, _)) => actor,
            None => &self.key_id,
        }
    }

    /// Whether `name` (lower-case) is one of the covered headers.
    pub fn covers(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }

    /// Serialise as a `Signature` header value, in Mastodon's parameter order.
    pub fn to_header_string(&self) -> String {
        let mut out = format!("keyId=\"{}\"", escape_quoted(&self.key_id));
        if let Some(algorithm) = &self.algorithm {
            out.push_str(&format!(",algorithm=\"{}\"", escape_quoted(algorithm)));
        }
        if let Some(created) = self.created {
            out.push_str(&format!(",created={created}"));
        }
        if let Some(expires) = self.expires {
            out.push_str(&format!(",expires={expires}"));
        }
        out.push_str(&format!(
            ",headers=\"{}\",signature=\"{}\"",
            escape_quoted(&self.headers.join(" ")),
            STANDARD.encode(&self.signature)
        ));
        out
    }
}

fn escape_quoted(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Split `name=value, name="quoted, value"` into pairs. Quoted strings may contain commas and
/// backslash escapes. Never panics: all slicing happens at ASCII delimiters.
fn split_params(value: &str) -> Result<Vec<(&str, String)>, SigError> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Ok(out);
        }
        let Some((name, after)) = rest.split_once('=') else {
            return Err(SigError::Malformed("parameter without a value"));
        };
        let name = name.trim_matches([' ', '\t']);
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(SigError::Malformed("invalid parameter name"));
        }
        let after = after.trim_start_matches([' ', '\t']);
        if let Some(quoted) = after.strip_prefix('"') {
            let mut parsed = String::new();
            let mut escaped = false;
            let mut end = None;
            for (i, c) in quoted.char_indices() {
                if escaped {
                    parsed.push(c);
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    end = Some(i);
                    break;
                } else {
                    parsed.push(c);
                }
            }
            let Some(end) = end else {
                return Err(SigError::Malformed("unterminated quoted string"));
            };
            // `end` indexes the closing quote (one byte) in `quoted`.
            rest = quoted.get(end + 1..).unwrap_or_default();
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if !(trimmed.is_empty() || trimmed.starts_with(',')) {
                return Err(SigError::Malformed("text after a quoted string"));
            }
            rest = trimmed;
            out.push((name, parsed));
        } else {
            let end = after.find(',').unwrap_or(after.len());
            let (token, tail) = after.split_at(end);
            let token = token.trim_matches([' ', '\t']);
            if token.contains(['"', ' ', '\t', '\\']) {
                return Err(SigError::Malformed("invalid unquoted value"));
            }
            out.push((name, token.to_owned()));
            rest = tail;
        }
    }
}

fn set_once(slot: &mut Option<String>, value: String) -> Result<(), SigError> {
    if slot.is_some() {
        return Err(SigError::Malformed("duplicate parameter"));
    }
    *slot = Some(value);
    Ok(())
}

/// A Unix timestamp as found in `created`/`expires`: digits, optionally a fraction (truncated).
fn parse_timestamp(value: &str) -> Result<i64, SigError> {
    let (int, frac) = value.split_once('.').unwrap_or((value, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return Err(SigError::Malformed("invalid timestamp"));
    }
    int.parse::<i64>()
        .map_err(|_| SigError::Malformed("invalid timestamp"))
}

/// A covered header name: a pseudo-header `(lower-case-token)` or a valid lower-case header name.
fn valid_covered_name(name: &str) -> bool {
    if let Some(inner) = name.strip_prefix('(').and_then(|n| n.strip_suffix(')')) {
        !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    } else {
        HeaderName::from_bytes(name.as_bytes()).is_ok()
    }
}

/// Parse a draft-cavage `Signature` header value. Unknown parameters are ignored; duplicated
/// known parameters, bad syntax, bad base64 and values over [`MAX_SIGNATURE_HEADER_LEN`] bytes
/// are errors. Parameter names are matched case-insensitively.
pub fn parse_signature_header(value: &str) -> Result<SignatureHeader, SigError> {
    if value.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(SigError::HeaderTooLong);
    }
    let mut key_id = None;
    let mut algorithm = None;
    let mut headers = None;
    let mut signature = None;
    let mut created = None;
    let mut expires = None;
    for (name, value) in split_params(value)? {
        let slot = match name.to_ascii_lowercase().as_str() {
            "keyid" => &mut key_id,
            "algorithm" => &mut algorithm,
            "headers" => &mut headers,
            "signature" => &mut signature,
            "created" => &mut created,
            "expires" => &mut expires,
            _ => continue,
        };
        set_once(slot, value)?;
    }

    let key_id = key_id
        .filter(|k| !k.trim().is_empty())
        .ok_or(SigError::MissingKeyId)?;
    let signature = signature
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or(SigError::MissingSignatureValue)?;
    let signature = LENIENT_BASE64
        .decode(signature.as_bytes())
        .map_err(|_| SigError::InvalidBase64)?;
    if signature.is_empty() {
        return Err(SigError::MissingSignatureValue);
    }
    let headers: Vec<String> = match headers {
        Some(list) => list
            .split_ascii_whitespace()
            .map(str::to_ascii_lowercase)
            .collect(),
        None => vec!["date".to_owned()],
    };
    if !headers.iter().all(|h| valid_covered_name(h)) {
        return Err(SigError::Malformed("invalid name in headers"));
    }
    Ok(SignatureHeader {
        key_id,
        algorithm,
        headers,
        signature,
        created: created.as_deref().map(parse_timestamp).transpose()?,
        expires: expires.as_deref().map(parse_timestamp).transpose()?,
    })
}

/// `rsa-sha256` or `hs2019` (case-insensitive), or absent.
fn check_algorithm(algorithm: Option<&str>) -> Result<(), SigError> {
    match algorithm.map(str::trim) {
        None => Ok(()),
        Some(a) if a.eq_ignore_ascii_case("rsa-sha256") || a.eq_ignore_ascii_case("hs2019") => {
            Ok(())
        }
        Some(_) => Err(SigError::UnsupportedAlgorithm),
    }
}

/// Whether the request must carry (and sign) a `Digest`: POST, PUT, PATCH, or any request with
/// a body.
fn digest_required(method: &Method, body: &[u8]) -> bool {
    *method == Method::POST
        || *method == Method::PUT
        || *method == Method::PATCH
        || !body.is_empty()
}

/// Find and parse the request's draft-cavage `Signature` header.
fn signature_from_headers(headers: &HeaderMap) -> Result<SignatureHeader, SigError> {
    let mut values = headers.get_all(SIGNATURE).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(SigError::MultipleSignatures);
    }
    let has_input = headers.contains_key(SIGNATURE_INPUT);
    let Some(value) = first else {
        return Err(if has_input {
            SigError::Rfc9421Unsupported
        } else {
            SigError::MissingSignature
        });
    };
    if value.len() > MAX_SIGNATURE_HEADER_LEN {
        return Err(SigError::HeaderTooLong);
    }
    let Ok(text) = value.to_str() else {
        return Err(if has_input {
            SigError::Rfc9421Unsupported
        } else {
            SigError::Malformed("not ASCII text")
        });
    };
    if has_input && !text.to_ascii_lowercase().contains("keyid=") {
        return Err(SigError::Rfc9421Unsupported);
    }
    parse_signature_header(text)
}

fn check_coverage(sig: &SignatureHeader, method: &Method, body: &[u8]) -> Result<(), SigError> {
    if !sig.covers(REQUEST_TARGET) {
        return Err(SigError::NotCovered(REQUEST_TARGET));
    }
    if !sig.covers("host") {
        return Err(SigError::NotCovered("host"));
    }
    if !sig.covers("date") && !sig.covers(CREATED) {
        return Err(SigError::NotCovered("date or (created)"));
    }
    if digest_required(method, body) && !sig.covers(DIGEST) {
        return Err(SigError::NotCovered(DIGEST));
    }
    Ok(())
}

/// Compare the `Digest` header(s) with the body. Every SHA-256 entry must match; other
/// algorithms are ignored; no SHA-256 entry is an error.
fn check_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), SigError> {
    let expected = Sha256::digest(body);
    let mut found = false;
    let mut any = false;
    for value in headers.get_all(DIGEST) {
        any = true;
        let text = value.to_str().map_err(|_| SigError::InvalidDigest)?;
        for entry in text.split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let (algorithm, encoded) = entry.split_once('=').ok_or(SigError::InvalidDigest)?;
            if !algorithm.trim().eq_ignore_ascii_case("sha-256") {
                continue;
            }
            found = true;
            let decoded = LENIENT_BASE64
                .decode(encoded.trim().as_bytes())
                .map_err(|_| SigError::InvalidDigest)?;
            if decoded.as_slice() != expected.as_slice() {
                return Err(SigError::DigestMismatch);
            }
        }
    }
    if !any {
        return Err(SigError::MissingDigest);
    }
    if !found {
        return Err(SigError::NoSha256Digest);
    }
    Ok(())
}

fn window_secs(window: Duration) -> i128 {
    i128::from(window.as_secs())
}

fn check_times(
    sig: &SignatureHeader,
    headers: &HeaderMap,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<(), SigError> {
    let now = i128::from(now.timestamp());
    let window = window_secs(window);

    let mut dates = headers.get_all(DATE).iter();
    let date = dates.next();
    if dates.next().is_some() {
        return Err(SigError::DuplicateHeader("Date"));
    }
    match date {
        Some(value) => {
            let text = value.to_str().map_err(|_| SigError::InvalidDate)?;
            let parsed =
                httpdate::parse_http_date(text.trim()).map_err(|_| SigError::InvalidDate)?;
            let secs = match parsed.duration_since(SystemTime::UNIX_EPOCH) {
                Ok(d) => i128::from(d.as_secs()),
                Err(_) => return Err(SigError::InvalidDate),
            };
            if (secs - now).abs() > window {
                return Err(SigError::DateOutOfWindow);
            }
        }
        None if sig.covers("date") => return Err(SigError::MissingHeader("date".to_owned())),
        None => {}
    }

    if let Some(created) = sig.created {
        let created = i128::from(created);
        if created > now + window || created < now - window {
            return Err(SigError::CreatedOutOfWindow);
        }
    }
    if let Some(expires) = sig.expires
        && i128::from(expires) < now
    {
        return Err(SigError::Expired);
    }
    Ok(())
}

/// Everything that can be checked before knowing the key (see the module documentation):
///
/// - a draft-cavage `Signature` header is present (a `Signature-Input` without one containing
///   `keyId=` gives [`SigError::Rfc9421Unsupported`]), at most [`MAX_SIGNATURE_HEADER_LEN`]
///   bytes, well formed;
/// - the algorithm is absent, `rsa-sha256` or `hs2019` (case-insensitive);
/// - covered: `(request-target)`, `host`, `date` or `(created)`, and `digest` on POST, PUT,
///   PATCH or whenever the body is not empty;
/// - on those requests a `Digest` header whose SHA-256 entries match the body (a `Digest`
///   header on other requests is checked too);
/// - every covered header is present (and `Host` only once), so that the signing string can be
///   built;
/// - `Date` (when covered or present) parses and is within `window` of `now`; `(created)` is
///   within `window` of `now`; `(expires)` has not passed.
pub fn precheck(
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
    window: Duration,
) -> Result<SignatureHeader, SigError> {
    let sig = signature_from_headers(headers)?;
    check_algorithm(sig.algorithm.as_deref())?;
    check_coverage(&sig, method, body)?;
    if digest_required(method, body) || headers.contains_key(DIGEST) {
        check_digest(headers, body)?;
    }
    if headers.get_all(HOST).iter().nth(1).is_some() {
        return Err(SigError::DuplicateHeader("Host"));
    }
    // Builds the string only to check that every covered header is there and is text.
    signing_string(&sig, method, path_and_query, headers)?;
    check_times(&sig, headers, now, window)?;
    Ok(sig)
}

/// Build the draft-cavage signing string: one `name: value` line per covered header, joined by
/// `\n`. `(request-target)` is `<method lower-case> <path_and_query>`; `(created)` and
/// `(expires)` come from the Signature header; several values of one header are joined by `", "`.
pub fn signing_string(
    sig: &SignatureHeader,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
) -> Result<String, SigError> {
    let mut lines = Vec::with_capacity(sig.headers.len());
    for name in &sig.headers {
        let value = match name.as_str() {
            REQUEST_TARGET => format!(
                "{} {}",
                method.as_str().to_ascii_lowercase(),
                path_and_query
            ),
            CREATED => sig
                .created
                .ok_or_else(|| SigError::MissingHeader(CREATED.to_owned()))?
                .to_string(),
            EXPIRES => sig
                .expires
                .ok_or_else(|| SigError::MissingHeader(EXPIRES.to_owned()))?
                .to_string(),
            pseudo if pseudo.starts_with('(') => {
                return Err(SigError::MissingHeader(pseudo.to_owned()));
            }
            header => {
                let header_name = HeaderName::from_bytes(header.as_bytes())
                    .map_err(|_| SigError::Malformed("invalid name in headers"))?;
                let mut values = Vec::new();
                for value in headers.get_all(&header_name) {
                    let text = value
                        .to_str()
                        .map_err(|_| SigError::InvalidHeaderValue(header.to_owned()))?;
                    values.push(text.trim());
                }
                if values.is_empty() {
                    return Err(SigError::MissingHeader(header.to_owned()));
                }
                values.join(", ")
            }
        };
        lines.push(format!("{name}: {value}"));
    }
    Ok(lines.join("\n"))
}

fn pkcs1v15_sha256() -> Pkcs1v15Sign {
    Pkcs1v15Sign {
        hash_len: Some(32),
        prefix: Box::new(SHA256_DIGEST_INFO_PREFIX),
    }
}

/// Parse an actor's `publicKeyPem`: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC
/// KEY`), at least [`MIN_RSA_BITS`] bits.
pub fn parse_public_key_pem(pem: &str) -> Result<RsaPublicKey, SigError> {
    let pem = pem.trim();
    let key = RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|_| SigError::InvalidPublicKey)?;
    if key.n().bits() < MIN_RSA_BITS {
        return Err(SigError::InvalidPublicKey);
    }
    Ok(key)
}

/// Parse a private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
pub fn parse_private_key_pem(pem: &str) -> Result<RsaPrivateKey, SigError> {
    let pem = pem.trim();
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|_| SigError::InvalidPrivateKey)
}

/// Parsed private keys, by the SHA-256 of their PEM text: parsing an RSA key costs about a
/// millisecond, and a fan-out signs one delivery per follower's inbox with the same key. Keyed
/// on the PEM itself, so a rotated key (`passerelle key rotate`) is a new entry and is used at
/// once. Bounded: when full, an arbitrary entry makes room.
pub struct KeyCache {
    capacity: usize,
    keys: std::sync::Mutex<std::collections::HashMap<[u8; 32], std::sync::Arc<RsaPrivateKey>>>,
}

impl KeyCache {
    pub fn new(capacity: usize) -> KeyCache {
        KeyCache {
            capacity: capacity.max(1),
            keys: Default::default(),
        }
    }

    /// The parsed key of `pem` (PKCS#8 or PKCS#1), parsed once.
    pub fn get(&self, pem: &str) -> Result<std::sync::Arc<RsaPrivateKey>, SigError> {
        let pem = pem.trim();
        let hash: [u8; 32] = Sha256::digest(pem.as_bytes()).into();
        if let Some(key) = self.lock().get(&hash) {
            return Ok(key.clone());
        }
        // Parsed without the lock held (two threads may both parse a new key: harmless).
        let key = std::sync::Arc::new(parse_private_key_pem(pem)?);
        let mut keys = self.lock();
        if keys.len() >= self.capacity
            && !keys.contains_key(&hash)
            && let Some(old) = keys.keys().next().copied()
        {
            keys.remove(&old);
        }
        Ok(keys.entry(hash).or_insert(key).clone())
    }

    /// How many keys are held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<[u8; 32], std::sync::Arc<RsaPrivateKey>>>
    {
        // A panic elsewhere while holding the lock leaves a usable map.
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The process's cache of signing keys (local actors: the instance, organisations, topics).
static SIGNING_KEYS: std::sync::LazyLock<KeyCache> =
    std::sync::LazyLock::new(|| KeyCache::new(1024));

/// The parsed private key of `pem`, from the process's [`KeyCache`]: what deliveries sign with
/// ([`sign_with_key`]).
pub fn signing_key(pem: &str) -> Result<std::sync::Arc<RsaPrivateKey>, SigError> {
    SIGNING_KEYS.get(pem)
}

/// Verify the RSA PKCS#1 v1.5 SHA-256 signature with the actor's public key PEM.
pub fn verify(
    sig: &SignatureHeader,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    public_key_pem: &str,
) -> Result<(), SigError> {
    check_algorithm(sig.algorithm.as_deref())?;
    let key = parse_public_key_pem(public_key_pem)?;
    verify_with_key(sig, method, path_and_query, headers, &key)
}

/// [`verify`] with an already parsed key.
pub fn verify_with_key(
    sig: &SignatureHeader,
    method: &Method,
    path_and_query: &str,
    headers: &HeaderMap,
    key: &RsaPublicKey,
) -> Result<(), SigError> {
    check_algorithm(sig.algorithm.as_deref())?;
    if key.n().bits() < MIN_RSA_BITS {
        return Err(SigError::InvalidPublicKey);
    }
    let text = signing_string(sig, method, path_and_query, headers)?;
    let hash = Sha256::digest(text.as_bytes());
    key.verify(pkcs1v15_sha256(), &hash, &sig.signature)
        .map_err(|_| SigError::BadSignature)
}

/// `SHA-256=<base64(sha256(body))>`, the value of a `Digest` header.
pub fn digest_header_value(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(Sha256::digest(body)))
}

/// How [`sign`] signs a request.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// `<actor>#main-key`.
    pub key_id: String,
    /// `"rsa-sha256"` or `"hs2019"`.
    pub algorithm: &'static str,
    /// Override the covered headers (lower-cased before use). By default
    /// `(request-target) host date digest content-type` on POST/PUT/PATCH or with a body
    /// (`content-type` only when the request has one), `(request-target) host date` otherwise.
    pub covered: Option<Vec<String>>,
    /// The `Date` to set (replacing any); by default an existing `Date` is kept, else now.
    pub date: Option<DateTime<Utc>>,
}

impl SignOptions {
    /// Mastodon's defaults: `rsa-sha256`, default header list, current date.
    pub fn new(key_id: impl Into<String>) -> Self {
        Self {
            key_id: key_id.into(),
            algorithm: "rsa-sha256",
            covered: None,
            date: None,
        }
    }
}

/// An HTTP date (IMF-fixdate). Formatted by chrono so that no date can make it panic.
fn http_date(date: DateTime<Utc>) -> String {
    date.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Sign a request the way Mastodon does (draft-cavage), inserting `Date` (unless present, or
/// replaced by `opts.date`), `Digest` (on POST/PUT/PATCH, with a body, or when covered) and
/// `Signature` into `headers`. `Host` must already be in `headers` when covered. When the list
/// covers `(created)`/`(expires)`, they are set to the date and the date plus one hour.
pub fn sign(
    method: &Method,
    path_and_query: &str,
    headers: &mut HeaderMap,
    body: &[u8],
    private_key_pem: &str,
    opts: &SignOptions,
) -> Result<(), SigError> {
    let key = parse_private_key_pem(private_key_pem)?;
    sign_with_key(method, path_and_query, headers, body, &key, opts)
}

/// [`sign`] with an already parsed key (deliveries take it from [`signing_key`], which saves
/// parsing the PEM on every delivery).
pub fn sign_with_key(
    method: &Method,
    path_and_query: &str,
    headers: &mut HeaderMap,
    body: &[u8],
    key: &RsaPrivateKey,
    opts: &SignOptions,
) -> Result<(), SigError> {
    check_algorithm(Some(opts.algorithm))?;
    let date = opts.date.unwrap_or_else(Utc::now);
    if opts.date.is_some() || !headers.contains_key(DATE) {
        let value = HeaderValue::from_str(&http_date(date))
            .map_err(|_| SigError::InvalidHeaderValue("date".to_owned()))?;
        headers.insert(DATE, value);
    }
    let covered: Vec<String> = match &opts.covered {
        Some(list) => list.iter().map(|h| h.to_ascii_lowercase()).collect(),
        None if digest_required(method, body) => {
            let mut list: Vec<String> = [REQUEST_TARGET, "host", "date", DIGEST]
                .iter()
                .map(|h| (*h).to_owned())
                .collect();
            if headers.contains_key(axum::http::header::CONTENT_TYPE) {
                list.push("content-type".to_owned());
            }
            list
        }
        None => [REQUEST_TARGET, "host", "date"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect(),
    };
    if digest_required(method, body) || covered.iter().any(|h| h == DIGEST) {
        let value = HeaderValue::from_str(&digest_header_value(body))
            .map_err(|_| SigError::InvalidHeaderValue(DIGEST.to_owned()))?;
        headers.insert(DIGEST, value);
    }
    let created = covered
        .iter()
        .any(|h| h == CREATED)
        .then(|| date.timestamp());
    let expires = covered
        .iter()
        .any(|h| h == EXPIRES)
        .then(|| date.timestamp().saturating_add(SIGN_EXPIRES_AFTER_SECS));
    attach_signature(
        method,
        path_and_query,
        headers,
        key,
        &opts.key_id,
        opts.algorithm,
        covered,
        created,
        expires,
    )
}

/// Sign the current `headers` for `covered` and insert the `Signature` header, touching nothing
/// else.
#[allow(clippy::too_many_arguments)]
fn attach_signature(
    method: &Method,
    path_and_query: &str,
    headers: &mut HeaderMap,
    key: &RsaPrivateKey,
    key_id: &str,
    algorithm: &str,
    covered: Vec<String>,
    created: Option<i64>,
    expires: Option<i64>,
) -> Result<(), SigError> {
    if key_id.trim().is_empty() {
        return Err(SigError::MissingKeyId);
    }
    if !covered.iter().all(|h| valid_covered_name(h)) {
        return Err(SigError::Malformed("invalid name in headers"));
    }
    let mut sig = SignatureHeader {
        key_id: key_id.to_owned(),
        algorithm: Some(algorithm.to_owned()),
        headers: covered,
        signature: Vec::new(),
        created,
        expires,
    };
    let text = signing_string(&sig, method, path_and_query, headers)?;
    let hash = Sha256::digest(text.as_bytes());
    // With an RNG the private-key operation is blinded.
    sig.signature = key
        .sign_with_rng(&mut rand::thread_rng(), pkcs1v15_sha256(), &hash)
        .map_err(|_| SigError::SigningFailed)?;
    let value = HeaderValue::from_str(&sig.to_header_string())
        .map_err(|_| SigError::InvalidHeaderValue(SIGNATURE.to_owned()))?;
    headers.insert(SIGNATURE, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;
    use rand::{Rng as _, SeedableRng as _};
    use rsa::pkcs1::EncodeRsaPublicKey as _;
    use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
    use std::sync::LazyLock;

    struct TestKey {
        private_pem: String,
        public_pem: String,
    }

    fn make_key() -> TestKey {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        TestKey {
            private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public_pem: key
                .to_public_key()
                .to_public_key_pem(LineEnding::LF)
                .unwrap(),
        }
    }

    static KEY: LazyLock<TestKey> = LazyLock::new(make_key);
    static OTHER_KEY: LazyLock<TestKey> = LazyLock::new(make_key);

    const KEY_ID: &str = "https://remote.example/users/alice#main-key";
    const INBOX: &str = "/users/bob/inbox";
    const BODY: &[u8] = br#"{"type":"Follow","actor":"https://remote.example/users/alice"}"#;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
    }

    fn base_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_static("passerelle.example"));
        h.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/activity+json"),
        );
        h
    }

    fn opts(algorithm: &'static str) -> SignOptions {
        SignOptions {
            key_id: KEY_ID.to_owned(),
            algorithm,
            covered: None,
            date: Some(now()),
        }
    }

    fn covered(list: &str) -> Option<Vec<String>> {
        Some(list.split_whitespace().map(str::to_owned).collect())
    }

    fn signed(method: &Method, body: &[u8], o: &SignOptions) -> HeaderMap {
        let mut h = base_headers();
        sign(method, INBOX, &mut h, body, &KEY.private_pem, o).unwrap();
        h
    }

    fn pre(method: &Method, h: &HeaderMap, body: &[u8]) -> Result<SignatureHeader, SigError> {
        precheck(method, INBOX, h, body, now(), DEFAULT_WINDOW)
    }

    fn full_check(
        method: &Method,
        h: &HeaderMap,
        body: &[u8],
    ) -> Result<SignatureHeader, SigError> {
        let sig = pre(method, h, body)?;
        verify(&sig, method, INBOX, h, &KEY.public_pem)?;
        Ok(sig)
    }

    /// Re-sign the headers as they are now (no Date/Digest touched).
    fn resign(
        method: &Method,
        h: &mut HeaderMap,
        list: &str,
        created: Option<i64>,
        expires: Option<i64>,
    ) {
        let key = parse_private_key_pem(&KEY.private_pem).unwrap();
        attach_signature(
            method,
            INBOX,
            h,
            &key,
            KEY_ID,
            "hs2019",
            covered(list).unwrap(),
            created,
            expires,
        )
        .unwrap();
    }

    fn set(h: &mut HeaderMap, name: &'static str, value: &str) {
        h.insert(name, HeaderValue::from_str(value).unwrap());
    }

    // --- round trips -------------------------------------------------------------------------

    #[test]
    fn round_trip_post_rsa_sha256() {
        let h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        assert_eq!(h[DIGEST], digest_header_value(BODY).as_str());
        assert_eq!(h[DATE], "Wed, 01 May 2024 12:00:00 GMT");
        let sig = full_check(&Method::POST, &h, BODY).unwrap();
        assert_eq!(sig.key_id, KEY_ID);
        assert_eq!(sig.actor_id(), "https://remote.example/users/alice");
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(
            sig.headers,
            ["(request-target)", "host", "date", "digest", "content-type"]
        );
        assert_eq!(sig.signature.len(), 256);
    }

    #[test]
    fn round_trip_post_hs2019() {
        let h = signed(&Method::POST, BODY, &opts("hs2019"));
        let sig = full_check(&Method::POST, &h, BODY).unwrap();
        assert_eq!(sig.algorithm.as_deref(), Some("hs2019"));
    }

    #[test]
    fn round_trip_get_both_algorithms() {
        for algorithm in ["rsa-sha256", "hs2019"] {
            let mut h = HeaderMap::new();
            h.insert(HOST, HeaderValue::from_static("passerelle.example"));
            sign(
                &Method::GET,
                "/users/bob?page=1",
                &mut h,
                b"",
                &KEY.private_pem,
                &opts(algorithm),
            )
            .unwrap();
            assert!(!h.contains_key(DIGEST));
            let sig = precheck(
                &Method::GET,
                "/users/bob?page=1",
                &h,
                b"",
                now(),
                DEFAULT_WINDOW,
            )
            .unwrap();
            assert_eq!(sig.headers, ["(request-target)", "host", "date"]);
            verify(&sig, &Method::GET, "/users/bob?page=1", &h, &KEY.public_pem).unwrap();
            // The query is part of (request-target).
            assert_eq!(
                verify(&sig, &Method::GET, "/users/bob", &h, &KEY.public_pem),
                Err(SigError::BadSignature)
            );
        }
    }

    #[test]
    fn sign_keeps_existing_date_and_accepts_pkcs1_keys() {
        let mut h = base_headers();
        set(&mut h, "date", "Wed, 01 May 2024 11:59:00 GMT");
        let mut o = opts("rsa-sha256");
        o.date = None;
        sign(&Method::POST, INBOX, &mut h, BODY, &KEY.private_pem, &o).unwrap();
        assert_eq!(h[DATE], "Wed, 01 May 2024 11:59:00 GMT");
        let sig = pre(&Method::POST, &h, BODY).unwrap();
        let public = parse_public_key_pem(&KEY.public_pem).unwrap();
        let pkcs1 = public.to_pkcs1_pem(LineEnding::CRLF).unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
        verify(&sig, &Method::POST, INBOX, &h, &pkcs1).unwrap();
        // Surrounding whitespace in publicKeyPem is tolerated.
        verify(
            &sig,
            &Method::POST,
            INBOX,
            &h,
            &format!("\n{}\n\n", KEY.public_pem),
        )
        .unwrap();
    }

    #[test]
    fn sign_without_content_type_and_with_defaults() {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_static("passerelle.example"));
        let o = SignOptions::new(KEY_ID);
        sign(&Method::POST, INBOX, &mut h, BODY, &KEY.private_pem, &o).unwrap();
        let sig = precheck(&Method::POST, INBOX, &h, BODY, Utc::now(), DEFAULT_WINDOW).unwrap();
        assert_eq!(sig.headers, ["(request-target)", "host", "date", "digest"]);
        verify(&sig, &Method::POST, INBOX, &h, &KEY.public_pem).unwrap();
    }

    #[test]
    fn key_cache_parses_once_signs_verifiably_and_tells_keys_apart() {
        let cache = KeyCache::new(2);
        let a = cache.get(&KEY.private_pem).unwrap();
        // The same PEM (surrounding whitespace aside) is the same parsed key, not parsed again.
        let again = cache.get(&format!("\n{}\n", KEY.private_pem)).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &again));
        assert_eq!(cache.len(), 1);
        let sign_as = |key: &RsaPrivateKey| {
            let mut h = base_headers();
            sign_with_key(&Method::POST, INBOX, &mut h, BODY, key, &opts("rsa-sha256")).unwrap();
            h
        };
        // The cached key signs what the matching public key verifies.
        let h = sign_as(&a);
        let sig = pre(&Method::POST, &h, BODY).unwrap();
        verify(&sig, &Method::POST, INBOX, &h, &KEY.public_pem).unwrap();

        // Another PEM (a rotated key) is another key: its signatures verify with its own public
        // key only.
        let b = cache.get(&OTHER_KEY.private_pem).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&a, &b));
        assert_ne!(a.n(), b.n());
        assert_eq!(cache.len(), 2);
        let h = sign_as(&b);
        let sig = pre(&Method::POST, &h, BODY).unwrap();
        assert_eq!(
            verify(&sig, &Method::POST, INBOX, &h, &KEY.public_pem),
            Err(SigError::BadSignature)
        );
        verify(&sig, &Method::POST, INBOX, &h, &OTHER_KEY.public_pem).unwrap();

        // A PKCS#1 PEM of the first key parses to the same key (another entry).
        let pkcs1 = {
            use rsa::pkcs1::EncodeRsaPrivateKey as _;
            a.to_pkcs1_pem(LineEnding::LF).unwrap().to_string()
        };
        let c = cache.get(&pkcs1).unwrap();
        assert_eq!(c.n(), a.n());
        // Bounded: still two entries.
        assert_eq!(cache.len(), 2);
        // A bad PEM is an error and is not kept.
        assert_eq!(
            cache
                .get("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")
                .err(),
            Some(SigError::InvalidPrivateKey)
        );
        assert_eq!(cache.len(), 2);
        // The process-wide cache behaves the same.
        assert!(std::sync::Arc::ptr_eq(
            &signing_key(&KEY.private_pem).unwrap(),
            &signing_key(&KEY.private_pem).unwrap()
        ));
    }

    #[test]
    fn sign_refuses_bad_input() {
        let mut h = base_headers();
        assert_eq!(
            sign(
                &Method::POST,
                INBOX,
                &mut h,
                BODY,
                &KEY.private_pem,
                &opts("hmac-sha256")
            ),
            Err(SigError::UnsupportedAlgorithm)
        );
        assert_eq!(
            sign(
                &Method::POST,
                INBOX,
                &mut h,
                BODY,
                "not a key",
                &opts("rsa-sha256")
            ),
            Err(SigError::InvalidPrivateKey)
        );
        let mut no_host = HeaderMap::new();
        assert_eq!(
            sign(
                &Method::GET,
                INBOX,
                &mut no_host,
                b"",
                &KEY.private_pem,
                &opts("hs2019")
            ),
            Err(SigError::MissingHeader("host".to_owned()))
        );
        let mut o = opts("hs2019");
        o.key_id = String::new();
        assert_eq!(
            sign(&Method::POST, INBOX, &mut h, BODY, &KEY.private_pem, &o),
            Err(SigError::MissingKeyId)
        );
    }

    // --- known answers -----------------------------------------------------------------------

    /// The public key of draft-cavage-http-signatures-12, appendix C.
    const CAVAGE_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----";
    const CAVAGE_PATH: &str = "/foo?param=value&pet=dog";
    const CAVAGE_BODY: &[u8] = br#"{"hello": "world"}"#;

    fn cavage_headers(signature: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        set(&mut h, "host", "example.com");
        set(&mut h, "date", "Sun, 05 Jan 2014 21:31:40 GMT");
        set(&mut h, "content-type", "application/json");
        set(
            &mut h,
            "digest",
            "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
        );
        set(&mut h, "content-length", "18");
        set(&mut h, "signature", signature);
        h
    }

    fn cavage_now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2014, 1, 5, 21, 31, 40).unwrap()
    }

    #[test]
    fn draft_cavage_all_headers_vector() {
        let h = cavage_headers(
            "keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date \
             content-type digest content-length\",signature=\"vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhg\
             Ykz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukW\
             gHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=\"",
        );
        assert_eq!(digest_header_value(CAVAGE_BODY), h[DIGEST]);
        let sig = precheck(
            &Method::POST,
            CAVAGE_PATH,
            &h,
            CAVAGE_BODY,
            cavage_now(),
            DEFAULT_WINDOW,
        )
        .unwrap();
        assert_eq!(
            signing_string(&sig, &Method::POST, CAVAGE_PATH, &h).unwrap(),
            "(request-target): post /foo?param=value&pet=dog\n\
             host: example.com\n\
             date: Sun, 05 Jan 2014 21:31:40 GMT\n\
             content-type: application/json\n\
             digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\n\
             content-length: 18"
        );
        verify(&sig, &Method::POST, CAVAGE_PATH, &h, CAVAGE_PUBLIC_KEY).unwrap();
        assert_eq!(
            verify(&sig, &Method::POST, "/foo", &h, CAVAGE_PUBLIC_KEY),
            Err(SigError::BadSignature)
        );
        // Years later, the same request is stale.
        assert_eq!(
            precheck(
                &Method::POST,
                CAVAGE_PATH,
                &h,
                CAVAGE_BODY,
                now(),
                DEFAULT_WINDOW
            ),
            Err(SigError::DateOutOfWindow)
        );
    }

    #[test]
    fn draft_cavage_basic_vector_lacks_digest() {
        let h = cavage_headers(
            "keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",\
             signature=\"qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2\
             aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgd\
             DEmn04swr2Os0=\"",
        );
        let sig = parse_signature_header(h[SIGNATURE].to_str().unwrap()).unwrap();
        // The signature itself is valid…
        verify(&sig, &Method::POST, CAVAGE_PATH, &h, CAVAGE_PUBLIC_KEY).unwrap();
        // …but a POST whose digest is not signed is refused.
        assert_eq!(
            precheck(
                &Method::POST,
                CAVAGE_PATH,
                &h,
                CAVAGE_BODY,
                cavage_now(),
                DEFAULT_WINDOW
            ),
            Err(SigError::NotCovered("digest"))
        );
    }

    #[test]
    fn digest_header_value_format() {
        assert_eq!(
            digest_header_value(b""),
            "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    // --- parsing -----------------------------------------------------------------------------

    #[test]
    fn parses_mastodon_style_header() {
        let value = "keyId=\"https://mastodon.example/users/Gargron#main-key\",algorithm=\"rsa-sha256\",\
            headers=\"(request-target) host date digest content-type\",signature=\"bjQLnP+zepicpUTmu3\
            gKLHiQHT+zNzh2hRGjBhevoB1L9RIvNEVUxTveLruM0rfj0WAK1jHDhaXXzOI8d4VFmtvBtMkA/+SNV1tdpcY4B\
            AEl9l2w/j4kSUt26phkV9mGCE/tCLl4r019GWp0RqhrWACeY2thHbFiEbZamq3/KcXlLZxQjFAjRzRNjAetkcvW\
            Bor8df9ikvBioJyjgcieced7mprp4wsNvbb1EKJk753ngVAde2uSronrBZxat0PbZ1humPrSfaC5lovAOaHvNMk\
            5ubjlI6i++J1HhgjF7PbKNYdY9tJ+bPRScpN5d6dI/Yg5HbZ5ztp9x78fAF7oeQ==\"";
        let sig = parse_signature_header(value).unwrap();
        assert_eq!(
            sig.key_id,
            "https://mastodon.example/users/Gargron#main-key"
        );
        assert_eq!(sig.actor_id(), "https://mastodon.example/users/Gargron");
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(
            sig.headers,
            ["(request-target)", "host", "date", "digest", "content-type"]
        );
        assert_eq!(sig.signature.len(), 256);
        assert_eq!(sig.created, None);
        assert_eq!(sig.expires, None);
        // Serialising and parsing again gives the same header.
        assert_eq!(
            parse_signature_header(&sig.to_header_string()).unwrap(),
            sig
        );
    }

    #[test]
    fn parser_details() {
        // Spaces, upper-case header names, unknown parameters, unquoted integers, a quoted
        // comma and an escaped quote.
        let sig = parse_signature_header(
            " keyId = \"https://a.example/actor/main-key\" , foo=\"x, y\", bar=baz,\
             algorithm=\"hs2019\", created=1402170695, expires=1402170699.5 ,\
             headers=\"(request-target)  Host DATE\", signature=\"AAAA\", note=\"a \\\"q\\\", b\"",
        )
        .unwrap();
        assert_eq!(sig.key_id, "https://a.example/actor/main-key");
        assert_eq!(sig.actor_id(), "https://a.example/actor/main-key");
        assert_eq!(sig.headers, ["(request-target)", "host", "date"]);
        assert_eq!(sig.created, Some(1_402_170_695));
        assert_eq!(sig.expires, Some(1_402_170_699));
        assert_eq!(sig.signature, [0, 0, 0]);
        // Unpadded base64 is accepted.
        assert_eq!(
            parse_signature_header("keyId=\"k\",signature=\"AAE\"")
                .unwrap()
                .signature,
            [0, 1]
        );
        // No headers parameter: defaults to date.
        assert_eq!(
            parse_signature_header("keyId=\"k\",signature=\"AAAA\"")
                .unwrap()
                .headers,
            ["date"]
        );
        let err = |v: &str| parse_signature_header(v).unwrap_err();
        assert_eq!(err("signature=\"AAAA\""), SigError::MissingKeyId);
        assert_eq!(err("keyId=\"\",signature=\"AAAA\""), SigError::MissingKeyId);
        assert_eq!(err("keyId=\"k\""), SigError::MissingSignatureValue);
        assert_eq!(
            err("keyId=\"k\",signature=\"\""),
            SigError::MissingSignatureValue
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"!!!!\""),
            SigError::InvalidBase64
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"AAAA\",keyId=\"j\""),
            SigError::Malformed("duplicate parameter")
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"AAAA"),
            SigError::Malformed("unterminated quoted string")
        );
        assert_eq!(
            err("keyId=\"k\"x,signature=\"AAAA\""),
            SigError::Malformed("text after a quoted string")
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"AAAA\",created=-5"),
            SigError::Malformed("invalid timestamp")
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"AAAA\",created=99999999999999999999"),
            SigError::Malformed("invalid timestamp")
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"AAAA\",headers=\"(request-target) bad:name\""),
            SigError::Malformed("invalid name in headers")
        );
        assert_eq!(
            err("keyId=\"k\",signature=\"AAAA\",headers=\"(a_b)\""),
            SigError::Malformed("invalid name in headers")
        );
        assert_eq!(
            err("keyId"),
            SigError::Malformed("parameter without a value")
        );
        assert_eq!(err("=x"), SigError::Malformed("invalid parameter name"));
    }

    #[test]
    fn signing_string_joins_repeated_headers_and_pseudo_headers() {
        let mut h = HeaderMap::new();
        h.append("x-thing", HeaderValue::from_static(" a "));
        h.append("x-thing", HeaderValue::from_static("b"));
        h.insert(HOST, HeaderValue::from_static("h.example"));
        let sig = SignatureHeader {
            key_id: "k".to_owned(),
            algorithm: None,
            headers: [
                "(request-target)",
                "(created)",
                "(expires)",
                "host",
                "x-thing",
            ]
            .map(str::to_owned)
            .to_vec(),
            signature: vec![1],
            created: Some(10),
            expires: Some(20),
        };
        assert_eq!(
            signing_string(&sig, &Method::DELETE, "/a?b=c", &h).unwrap(),
            "(request-target): delete /a?b=c\n(created): 10\n(expires): 20\nhost: h.example\nx-thing: a, b"
        );
        let mut no_created = sig.clone();
        no_created.created = None;
        assert_eq!(
            signing_string(&no_created, &Method::DELETE, "/a", &h),
            Err(SigError::MissingHeader("(created)".to_owned()))
        );
        let mut unknown = sig.clone();
        unknown.headers = vec!["(algorithm)".to_owned()];
        assert_eq!(
            signing_string(&unknown, &Method::DELETE, "/a", &h),
            Err(SigError::MissingHeader("(algorithm)".to_owned()))
        );
        let mut missing = sig;
        missing.headers = vec!["x-other".to_owned()];
        assert_eq!(
            signing_string(&missing, &Method::DELETE, "/a", &h),
            Err(SigError::MissingHeader("x-other".to_owned()))
        );
    }

    // --- refusals ----------------------------------------------------------------------------

    #[test]
    fn missing_signature() {
        let h = base_headers();
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::MissingSignature)
        );
        assert_eq!(
            SigError::MissingSignature.to_string(),
            "missing Signature header"
        );
    }

    #[test]
    fn rfc9421_only_is_refused_with_a_retry_hint() {
        let mut h = base_headers();
        set(&mut h, "digest", &digest_header_value(BODY));
        set(&mut h, "date", "Wed, 01 May 2024 12:00:00 GMT");
        set(
            &mut h,
            "signature-input",
            "sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1714564800;\
             keyid=\"https://remote.example/users/alice#main-key\";alg=\"rsa-v1_5-sha256\"",
        );
        set(&mut h, "signature", "sig1=:AAAA:");
        let err = pre(&Method::POST, &h, BODY).unwrap_err();
        assert_eq!(err, SigError::Rfc9421Unsupported);
        assert_eq!(
            err.to_string(),
            "RFC 9421 signatures are not supported, retry with draft-cavage"
        );
        h.remove("signature");
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::Rfc9421Unsupported)
        );

        // Both kinds at once: the draft-cavage one is used.
        let mut both = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        set(
            &mut both,
            "signature-input",
            "sig1=(\"@method\");keyid=\"x\"",
        );
        full_check(&Method::POST, &both, BODY).unwrap();
    }

    #[test]
    fn body_altered_after_signing() {
        let h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        let other = br#"{"type":"Delete","actor":"https://remote.example/users/alice"}"#;
        let err = pre(&Method::POST, &h, other).unwrap_err();
        assert_eq!(err, SigError::DigestMismatch);
        assert_eq!(err.to_string(), "digest does not match body");
        assert_eq!(pre(&Method::POST, &h, b""), Err(SigError::DigestMismatch));
    }

    #[test]
    fn digest_missing_on_post() {
        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        h.remove(DIGEST);
        assert_eq!(pre(&Method::POST, &h, BODY), Err(SigError::MissingDigest));
    }

    #[test]
    fn digest_not_covered() {
        let mut o = opts("rsa-sha256");
        o.covered = covered("(request-target) host date content-type");
        let h = signed(&Method::POST, BODY, &o);
        let err = pre(&Method::POST, &h, BODY).unwrap_err();
        assert_eq!(err, SigError::NotCovered("digest"));
        assert_eq!(err.to_string(), "signature must cover digest");
        // Also on a PUT, and on a GET that carries a body.
        let h = signed(&Method::PUT, BODY, &o);
        assert_eq!(
            pre(&Method::PUT, &h, BODY),
            Err(SigError::NotCovered("digest"))
        );
    }

    #[test]
    fn request_target_not_covered() {
        let mut o = opts("rsa-sha256");
        o.covered = covered("host date digest");
        let h = signed(&Method::POST, BODY, &o);
        let err = pre(&Method::POST, &h, BODY).unwrap_err();
        assert_eq!(err.to_string(), "signature must cover (request-target)");
    }

    #[test]
    fn host_not_covered_or_absent() {
        let mut o = opts("rsa-sha256");
        o.covered = covered("(request-target) date digest");
        let h = signed(&Method::POST, BODY, &o);
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::NotCovered("host"))
        );

        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        h.remove(HOST);
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::MissingHeader("host".to_owned()))
        );

        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        h.append(HOST, HeaderValue::from_static("evil.example"));
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::DuplicateHeader("Host"))
        );
    }

    #[test]
    fn date_missing_or_not_covered() {
        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        h.remove(DATE);
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::MissingHeader("date".to_owned()))
        );

        let mut o = opts("rsa-sha256");
        o.covered = covered("(request-target) host digest");
        let h = signed(&Method::POST, BODY, &o);
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::NotCovered("date or (created)"))
        );
    }

    #[test]
    fn date_window() {
        let at = |offset: chrono::TimeDelta| {
            let mut o = opts("rsa-sha256");
            o.date = Some(now() + offset);
            let h = signed(&Method::POST, BODY, &o);
            full_check(&Method::POST, &h, BODY)
        };
        let err = at(chrono::TimeDelta::hours(-2)).unwrap_err();
        assert_eq!(err, SigError::DateOutOfWindow);
        assert_eq!(err.to_string(), "date outside the accepted window");
        assert_eq!(
            at(chrono::TimeDelta::hours(2)),
            Err(SigError::DateOutOfWindow)
        );
        assert_eq!(
            at(chrono::TimeDelta::seconds(3601)),
            Err(SigError::DateOutOfWindow)
        );
        at(chrono::TimeDelta::minutes(-59)).unwrap();
        at(chrono::TimeDelta::minutes(59)).unwrap();
        at(chrono::TimeDelta::seconds(-3600)).unwrap();
        // A shorter window.
        let h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        assert_eq!(
            precheck(
                &Method::POST,
                INBOX,
                &h,
                BODY,
                now() + chrono::TimeDelta::minutes(6),
                Duration::from_secs(300)
            ),
            Err(SigError::DateOutOfWindow)
        );
    }

    #[test]
    fn unparseable_or_duplicate_date() {
        for bad in [
            "yesterday",
            "",
            "Wed, 32 May 2024 12:00:00 GMT",
            "1714564800",
        ] {
            let mut h = base_headers();
            set(&mut h, "date", bad);
            set(&mut h, "digest", &digest_header_value(BODY));
            resign(
                &Method::POST,
                &mut h,
                "(request-target) host date digest",
                None,
                None,
            );
            assert_eq!(
                pre(&Method::POST, &h, BODY),
                Err(SigError::InvalidDate),
                "{bad:?}"
            );
        }
        // A Date that is present but not covered is still checked.
        let mut h = base_headers();
        set(&mut h, "date", "soon");
        set(&mut h, "digest", &digest_header_value(BODY));
        let ts = now().timestamp();
        resign(
            &Method::POST,
            &mut h,
            "(request-target) host (created) digest",
            Some(ts),
            None,
        );
        assert_eq!(pre(&Method::POST, &h, BODY), Err(SigError::InvalidDate));

        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        h.append(
            DATE,
            HeaderValue::from_static("Wed, 01 May 2024 12:00:00 GMT"),
        );
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::DuplicateHeader("Date"))
        );
    }

    #[test]
    fn created_and_expires() {
        let ts = now().timestamp();
        let request = |created: Option<i64>, expires: Option<i64>| {
            let mut h = base_headers();
            set(&mut h, "digest", &digest_header_value(BODY));
            resign(
                &Method::POST,
                &mut h,
                "(request-target) (created) (expires) host digest",
                created,
                expires,
            );
            h
        };
        // Valid (created)/(expires) without any Date header.
        let h = request(Some(ts - 10), Some(ts + 300));
        assert!(!h.contains_key(DATE));
        let sig = full_check(&Method::POST, &h, BODY).unwrap();
        assert_eq!(sig.created, Some(ts - 10));
        assert_eq!(sig.expires, Some(ts + 300));

        let h = request(Some(ts + 2 * 3600), Some(ts + 3 * 3600));
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::CreatedOutOfWindow)
        );
        let h = request(Some(ts - 2 * 3600), Some(ts + 300));
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::CreatedOutOfWindow)
        );
        let h = request(Some(ts - 60), Some(ts - 10));
        assert_eq!(pre(&Method::POST, &h, BODY), Err(SigError::Expired));
        let h = request(Some(i64::MAX), Some(i64::MAX));
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::CreatedOutOfWindow)
        );

        // Covered but absent from the Signature header.
        let mut h = base_headers();
        set(&mut h, "digest", &digest_header_value(BODY));
        let mut sig =
            parse_signature_header(request(Some(ts), Some(ts + 1))[SIGNATURE].to_str().unwrap())
                .unwrap();
        sig.created = None;
        set(&mut h, "signature", &sig.to_header_string());
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::MissingHeader("(created)".to_owned()))
        );

        // sign() fills (created) and (expires) itself when they are covered.
        let mut o = opts("hs2019");
        o.covered = covered("(request-target) (created) (expires) host date digest");
        let h = signed(&Method::POST, BODY, &o);
        let sig = full_check(&Method::POST, &h, BODY).unwrap();
        assert_eq!(sig.created, Some(ts));
        assert_eq!(sig.expires, Some(ts + 3600));
    }

    #[test]
    fn wrong_key_or_tampered_request() {
        let h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        let sig = pre(&Method::POST, &h, BODY).unwrap();
        let err = verify(&sig, &Method::POST, INBOX, &h, &OTHER_KEY.public_pem).unwrap_err();
        assert_eq!(err, SigError::BadSignature);
        assert_eq!(err.to_string(), "signature does not verify");
        // Signed for one path, replayed to another.
        assert_eq!(
            verify(&sig, &Method::POST, "/inbox", &h, &KEY.public_pem),
            Err(SigError::BadSignature)
        );
        // Another method.
        assert_eq!(
            verify(&sig, &Method::PUT, INBOX, &h, &KEY.public_pem),
            Err(SigError::BadSignature)
        );
        // Another covered header value.
        let mut changed = h.clone();
        set(&mut changed, "content-type", "text/html");
        assert_eq!(
            verify(&sig, &Method::POST, INBOX, &changed, &KEY.public_pem),
            Err(SigError::BadSignature)
        );
        // Truncated signature.
        let mut short = sig.clone();
        short.signature.truncate(100);
        assert_eq!(
            verify(&short, &Method::POST, INBOX, &h, &KEY.public_pem),
            Err(SigError::BadSignature)
        );
        // Unusable keys.
        assert_eq!(
            verify(
                &sig,
                &Method::POST,
                INBOX,
                &h,
                "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"
            ),
            Err(SigError::InvalidPublicKey)
        );
        assert_eq!(
            verify(&sig, &Method::POST, INBOX, &h, ""),
            Err(SigError::InvalidPublicKey)
        );
    }

    #[test]
    fn signature_over_a_different_path() {
        let mut h = base_headers();
        sign(
            &Method::POST,
            "/users/carol/inbox",
            &mut h,
            BODY,
            &KEY.private_pem,
            &opts("hs2019"),
        )
        .unwrap();
        assert_eq!(
            full_check(&Method::POST, &h, BODY),
            Err(SigError::BadSignature)
        );
    }

    #[test]
    fn unsupported_algorithm() {
        let h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        let mut sig = pre(&Method::POST, &h, BODY).unwrap();
        for algorithm in ["hmac-sha256", "rsa-sha512", "ecdsa-sha256", "ed25519", ""] {
            sig.algorithm = Some(algorithm.to_owned());
            let mut h2 = h.clone();
            set(&mut h2, "signature", &sig.to_header_string());
            let err = pre(&Method::POST, &h2, BODY).unwrap_err();
            assert_eq!(err, SigError::UnsupportedAlgorithm, "{algorithm}");
            assert_eq!(err.to_string(), "unsupported algorithm");
            assert_eq!(
                verify(&sig, &Method::POST, INBOX, &h2, &KEY.public_pem),
                Err(SigError::UnsupportedAlgorithm)
            );
        }
        // Case-insensitive names and an absent algorithm are fine.
        for algorithm in [Some("RSA-SHA256"), Some("HS2019"), None] {
            sig.algorithm = algorithm.map(str::to_owned);
            let mut h2 = h.clone();
            set(&mut h2, "signature", &sig.to_header_string());
            full_check(&Method::POST, &h2, BODY).unwrap();
        }
    }

    #[test]
    fn lower_case_digest_algorithm_accepted() {
        let mut h = base_headers();
        set(&mut h, "date", "Wed, 01 May 2024 12:00:00 GMT");
        let lower = digest_header_value(BODY).replace("SHA-256=", "sha-256=");
        set(&mut h, "digest", &lower);
        resign(
            &Method::POST,
            &mut h,
            "(request-target) host date digest",
            None,
            None,
        );
        full_check(&Method::POST, &h, BODY).unwrap();
    }

    #[test]
    fn multiple_digests() {
        let good = digest_header_value(BODY);
        let good_b64 = good.trim_start_matches("SHA-256=");
        let sha512 = "SHA-512=z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
        let with_digest = |value: &str| {
            let mut h = base_headers();
            set(&mut h, "date", "Wed, 01 May 2024 12:00:00 GMT");
            set(&mut h, "digest", value);
            resign(
                &Method::POST,
                &mut h,
                "(request-target) host date digest",
                None,
                None,
            );
            h
        };
        full_check(
            &Method::POST,
            &with_digest(&format!("{sha512}, {good}")),
            BODY,
        )
        .unwrap();
        full_check(
            &Method::POST,
            &with_digest(&format!("{good},{sha512}")),
            BODY,
        )
        .unwrap();
        // Unpadded base64 is tolerated.
        full_check(
            &Method::POST,
            &with_digest(&format!("Sha-256={}", good_b64.trim_end_matches('='))),
            BODY,
        )
        .unwrap();
        assert_eq!(
            pre(
                &Method::POST,
                &with_digest(&format!(
                    "{sha512}, SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
                )),
                BODY
            ),
            Err(SigError::DigestMismatch)
        );
        // Two SHA-256 entries: both must match.
        assert_eq!(
            pre(
                &Method::POST,
                &with_digest(&format!(
                    "{good}, SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
                )),
                BODY
            ),
            Err(SigError::DigestMismatch)
        );
        assert_eq!(
            pre(&Method::POST, &with_digest(sha512), BODY),
            Err(SigError::NoSha256Digest)
        );
        assert_eq!(
            pre(&Method::POST, &with_digest("SHA-256=***"), BODY),
            Err(SigError::InvalidDigest)
        );
        assert_eq!(
            pre(&Method::POST, &with_digest("garbage"), BODY),
            Err(SigError::InvalidDigest)
        );
        // Several Digest header lines are read together.
        let mut h = base_headers();
        set(&mut h, "date", "Wed, 01 May 2024 12:00:00 GMT");
        h.append(DIGEST, HeaderValue::from_str(sha512).unwrap());
        h.append(DIGEST, HeaderValue::from_str(&good).unwrap());
        resign(
            &Method::POST,
            &mut h,
            "(request-target) host date digest",
            None,
            None,
        );
        full_check(&Method::POST, &h, BODY).unwrap();
    }

    #[test]
    fn garbage_and_oversized_headers() {
        let garbage = [
            "",
            " ",
            ",,,,",
            "=",
            "\"",
            "keyId=",
            "keyId=\"",
            "keyId=\"\\",
            "keyId=\"a\\\"",
            "keyId=a,signature=b,headers=c",
            "Signature keyId=\"a\"",
            "keyId=\"k\",signature=\"AAAA\",headers=\"(\"",
            "keyId=\"k\",signature=\"AAAA\",headers=\"()\"",
            "keyId=\"k\",signature=\"AAAA\",headers=\")(\"",
            "keyId=\"k\",signature=\"AAAA\",headers=\"host\",expires=1.2.3",
            "keyId=\"k\",signature=\"AAAA\",created=",
            "keyId=\"k\",signature=\"AAAA\",created=.5",
            "keyId=\"k\",signature==",
            "sig1=:AAAA:",
        ];
        for value in garbage {
            let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
            set(&mut h, "signature", value);
            assert!(pre(&Method::POST, &h, BODY).is_err(), "{value:?}");
            let _ = parse_signature_header(value);
        }
        // Non-UTF-8 bytes in the header.
        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        h.insert(
            SIGNATURE,
            HeaderValue::from_bytes(b"keyId=\"\xff\"").unwrap(),
        );
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::Malformed("not ASCII text"))
        );
        // Oversized.
        let big = format!(
            "keyId=\"k\",headers=\"(request-target) host date digest\",signature=\"{}\"",
            "A".repeat(MAX_SIGNATURE_HEADER_LEN)
        );
        assert_eq!(parse_signature_header(&big), Err(SigError::HeaderTooLong));
        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        set(&mut h, "signature", &big);
        assert_eq!(pre(&Method::POST, &h, BODY), Err(SigError::HeaderTooLong));
        // Two Signature headers.
        let mut h = signed(&Method::POST, BODY, &opts("rsa-sha256"));
        let copy = h[SIGNATURE].clone();
        h.append(SIGNATURE, copy);
        assert_eq!(
            pre(&Method::POST, &h, BODY),
            Err(SigError::MultipleSignatures)
        );
    }

    #[test]
    fn parse_never_panics_on_random_input() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5157_0001);
        let alphabet: Vec<char> =
            "keyIdalgorithmheaderssignaturecreatedexpires=\",\\ \t()#:/+-.0123456789AZaz\u{e9}\u{1F600}"
                .chars()
                .collect();
        let valid = "keyId=\"https://a.example/u#main-key\",algorithm=\"hs2019\",created=1,expires=2,\
                     headers=\"(request-target) host date\",signature=\"AAAA\"";
        for round in 0..4000 {
            let input: String = if round % 2 == 0 {
                let len = rng.gen_range(0..200);
                (0..len)
                    .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                    .collect()
            } else {
                // Mutations of a valid header: replace, delete or insert a few characters.
                let mut chars: Vec<char> = valid.chars().collect();
                for _ in 0..rng.gen_range(1..6) {
                    let pos = rng.gen_range(0..=chars.len());
                    let c = alphabet[rng.gen_range(0..alphabet.len())];
                    match rng.gen_range(0..3) {
                        0 if pos < chars.len() => chars[pos] = c,
                        1 if pos < chars.len() => {
                            chars.remove(pos);
                        }
                        _ => chars.insert(pos, c),
                    }
                }
                chars.into_iter().collect()
            };
            if let Ok(sig) = parse_signature_header(&input) {
                assert!(!sig.key_id.is_empty());
                assert!(!sig.signature.is_empty());
                assert!(sig.headers.iter().all(|h| valid_covered_name(h)));
                // Whatever parsed must survive a round trip through the serialiser.
                assert_eq!(parse_signature_header(&sig.to_header_string()), Ok(sig));
            }
        }
    }
}
