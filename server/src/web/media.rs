//! Pictures uploaded on the staff pages (organisation logos, event banners): checked by their
//! content (PNG, JPEG or WebP only, `media.max_upload_bytes` at most), decoded, turned upright
//! (EXIF orientation), resized, re-encoded (which leaves every piece of metadata behind, GPS
//! positions included), kept in `media.dir` under a random name and served at `/media/<file>`.
use std::io::Cursor;

use axum::{
    Router,
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, imageops::FilterType};
use uuid::Uuid;

use crate::{AppState, app::Ctx};

/// The longest side of a logo, in pixels.
pub const LOGO_MAX_PX: u32 = 400;
/// The longest side of an event banner, in pixels.
pub const BANNER_MAX_PX: u32 = 1200;
/// Pictures larger than this (either side) are refused before decoding.
const MAX_SOURCE_PX: u32 = 12_000;

pub fn routes() -> Router {
    Router::new().route("/media/{file}", get(serve))
}

/// Why a picture was refused; each has its message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureError {
    TooBig,
    NotAnImage,
    Corrupt,
}

impl PictureError {
    pub fn key(self) -> &'static str {
        match self {
            PictureError::TooBig => "editor-picture-too-big",
            PictureError::NotAnImage => "editor-picture-not-image",
            PictureError::Corrupt => "editor-picture-corrupt",
        }
    }
}

/// A picture ready to be written: its encoded bytes and file extension.
pub struct Picture {
    pub bytes: Vec<u8>,
    pub ext: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Check, decode, resize to at most `max_px` on the longest side and re-encode (PNG stays PNG,
/// JPEG stays JPEG, WebP becomes PNG when it has transparency, JPEG otherwise).
pub fn process(data: &[u8], max_bytes: usize, max_px: u32) -> Result<Picture, PictureError> {
    if data.len() > max_bytes {
        return Err(PictureError::TooBig);
    }
    let format = match image::guess_format(data) {
        Ok(f @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => f,
        _ => return Err(PictureError::NotAnImage),
    };
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_PX);
    limits.max_image_height = Some(MAX_SOURCE_PX);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PictureError::Corrupt)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PictureError::Corrupt)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    if img.width() > max_px || img.height() > max_px {
        img = img.resize(max_px, max_px, FilterType::Lanczos3);
    }
    let alpha = img.color().has_alpha();
    let (out_format, ext) = match format {
        ImageFormat::Png => (ImageFormat::Png, "png"),
        ImageFormat::WebP if alpha => (ImageFormat::Png, "png"),
        _ => (ImageFormat::Jpeg, "jpg"),
    };
    let img = match out_format {
        ImageFormat::Png if alpha => DynamicImage::ImageRgba8(img.to_rgba8()),
        ImageFormat::Png => DynamicImage::ImageRgb8(img.to_rgb8()),
        _ => DynamicImage::ImageRgb8(img.to_rgb8()),
    };
    let mut out = Cursor::new(Vec::new());
    match out_format {
        ImageFormat::Jpeg => {
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            img.write_with_encoder(enc)
                .map_err(|_| PictureError::Corrupt)?;
        }
        _ => img
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|_| PictureError::Corrupt)?,
    }
    Ok(Picture {
        bytes: out.into_inner(),
        ext,
        width: img.width(),
        height: img.height(),
    })
}

/// [`process`] off the async threads.
pub async fn process_upload(
    state: &AppState,
    data: Vec<u8>,
    max_px: u32,
) -> Result<Picture, PictureError> {
    let max = state.config.media.max_upload_bytes;
    tokio::task::spawn_blocking(move || process(&data, max, max_px))
        .await
        .unwrap_or(Err(PictureError::Corrupt))
}

/// Write a processed picture to the media directory; its public URL.
pub async fn store(state: &AppState, picture: &Picture) -> anyhow::Result<url::Url> {
    let dir = &state.config.media.dir;
    tokio::fs::create_dir_all(dir).await?;
    let name = format!("{}.{}", Uuid::new_v4(), picture.ext);
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, &picture.bytes).await?;
    tokio::fs::rename(&tmp, dir.join(&name)).await?;
    Ok(state.urls.join(&format!("media/{name}")))
}

/// The picture names ([`store`]'s) that `text` links to at `…/media/<name>`.
fn linked_names(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("/media/").filter_map(move |(i, m)| {
        let rest = &text[i + m.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        content_type(name).map(|_| name)
    })
}

/// Delete the pictures of the media directory that no organisation (its logo) and no entry
/// that is not deleted (its banner, or any other field linking `/media/<name>`) uses, once they
/// are older than `media.unused_retention_days`; also what an interrupted [`store`] left. Other
/// files are never touched. The number of files deleted.
///
/// The age protects a picture stored by a form whose entry is being saved right now, and the
/// copies other servers keep of an earlier version of an entry (they are told of the change by
/// an Update whose delivery may be retried for days).
pub async fn delete_unused(
    db: &sea_orm::DatabaseConnection,
    dir: &std::path::Path,
    retention_days: u32,
    now: std::time::SystemTime,
) -> anyhow::Result<u64> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

    use crate::db::entities::{entry, organization};
    let mut files = match tokio::fs::read_dir(dir).await {
        Ok(f) => f,
        // Nothing was ever uploaded.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let cutoff = now - std::time::Duration::from_secs(u64::from(retention_days) * 86_400);
    let mut old = Vec::new();
    while let Some(f) = files.next_entry().await? {
        let name = f.file_name().to_string_lossy().into_owned();
        let ours = content_type(&name).is_some()
            || name
                .strip_prefix('.')
                .and_then(|n| n.strip_suffix(".tmp"))
                .is_some_and(|n| content_type(n).is_some());
        if !ours {
            continue;
        }
        let meta = f.metadata().await?;
        if meta.is_file() && meta.modified()? < cutoff {
            old.push(name);
        }
    }
    if old.is_empty() {
        return Ok(0);
    }
    // What is used now, read after the listing: a picture stored and linked since is too
    // young to be in `old`.
    let mut used = std::collections::HashSet::new();
    let logos: Vec<Option<String>> = organization::Entity::find()
        .select_only()
        .column(organization::Column::IconUrl)
        .into_tuple()
        .all(db)
        .await?;
    for logo in logos.iter().flatten() {
        used.extend(linked_names(logo).map(str::to_string));
    }
    let entries: Vec<String> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Data)
        .filter(entry::Column::DeletedAt.is_null())
        .filter(entry::Column::Data.contains("/media/"))
        .into_tuple()
        .all(db)
        .await?;
    for data in &entries {
        used.extend(linked_names(data).map(str::to_string));
    }
    let mut deleted = 0;
    for name in old.iter().filter(|n| !used.contains(n.as_str())) {
        match tokio::fs::remove_file(dir.join(name)).await {
            Ok(()) => {
                tracing::info!(file = %name, "unused picture deleted");
                deleted += 1;
            }
            // Another process sharing the directory deleted it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(deleted)
}

/// Whether `name` is one of the names [`store`] gives (a UUID and `.png` or `.jpg`).
fn content_type(name: &str) -> Option<&'static str> {
    let (stem, ext) = name.rsplit_once('.')?;
    Uuid::parse_str(stem)
        .ok()
        .filter(|u| u.to_string() == stem)?;
    match ext {
        "png" => Some("image/png"),
        "jpg" => Some("image/jpeg"),
        _ => None,
    }
}

async fn serve(ctx: Ctx, Path(file): Path<String>) -> Response {
    let Some(mime) = content_type(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(ctx.config.media.dir.join(&file)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                // A name is never reused for other content.
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                (
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn linked_names_are_the_stored_pictures_names() {
        let a = "0b6f3f5e-6c1e-4a8e-9d5e-2f4f1f0e9a11.png";
        let b = "7d1c2a3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d.jpg";
        let text = format!(
            r#"{{"banner_url":"https://x.example/media/{a}","other":"/media/{b}?v=2","#
        ) + r#""not":"/media/notes.txt /media/ /media/0B6F3F5E-6C1E-4A8E-9D5E-2F4F1F0E9A11.png"}"#;
        assert_eq!(linked_names(&text).collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(linked_names("no pictures here").count(), 0);
    }

    #[test]
    fn pictures_are_checked_and_resized() {
        let p = process(&png(2000, 1000), 10_000_000, BANNER_MAX_PX).unwrap();
        assert_eq!((p.width, p.height, p.ext), (1200, 600, "png"));
        let back = image::load_from_memory(&p.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (1200, 600));
        // Small pictures keep their size.
        let p = process(&png(300, 200), 10_000_000, LOGO_MAX_PX).unwrap();
        assert_eq!((p.width, p.height), (300, 200));
        assert_eq!(
            process(b"hello, this is text", 10_000_000, 400).err(),
            Some(PictureError::NotAnImage)
        );
        let mut broken = png(50, 50);
        broken.truncate(60);
        assert_eq!(
            process(&broken, 10_000_000, 400).err(),
            Some(PictureError::Corrupt)
        );
        assert_eq!(
            process(&png(50, 50), 100, 400).err(),
            Some(PictureError::TooBig)
        );
        // GIF is an image, but not one we take.
        assert_eq!(
            process(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", 10_000, 400).err(),
            Some(PictureError::NotAnImage)
        );
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_such_as_gps_positions_is_dropped() {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 40]));
        let mut jpeg = Cursor::new(Vec::new());
        img.write_to(&mut jpeg, ImageFormat::Jpeg).unwrap();
        let jpeg = jpeg.into_inner();
        // An EXIF segment (a big-endian TIFF header, an empty IFD) carrying a GPS text.
        let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0GPSLatitude 50.6292 N".to_vec();
        let mut with = vec![0xFF, 0xD8, 0xFF, 0xE1];
        with.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        with.append(&mut exif);
        with.extend_from_slice(&jpeg[2..]);
        assert!(contains(&with, b"GPSLatitude"));
        let p = process(&with, 1_000_000, LOGO_MAX_PX).unwrap();
        assert_eq!((p.ext, p.width, p.height), ("jpg", 64, 48));
        assert!(!contains(&p.bytes, b"GPSLatitude") && !contains(&p.bytes, b"Exif"));
        assert!(image::load_from_memory(&p.bytes).is_ok());
    }

    #[test]
    fn only_our_names_are_served() {
        let u = Uuid::new_v4();
        assert_eq!(content_type(&format!("{u}.png")), Some("image/png"));
        assert_eq!(content_type(&format!("{u}.jpg")), Some("image/jpeg"));
        assert_eq!(content_type(&format!("{u}.svg")), None);
        assert_eq!(content_type("../secret.png"), None);
        assert_eq!(content_type(&format!("..%2F{u}.png")), None);
    }
}
