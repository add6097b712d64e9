//! Embeds the web interface's files into the binary, so a new page or a new group of
//! translations needs only its files:
//! - every `templates/*.html`, registered by `web::Web::new` under its file name
//!   (`templates.rs` in `OUT_DIR`);
//! - every `locales/LANG/*.ftl`, concatenated per language in file-name order into the catalogue
//!   of LANG (`catalogues.rs` in `OUT_DIR`, used by `web::i18n`).
use std::{env, fmt::Write, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<_> = fs::read_dir(&dir)
        .expect("server/templates")
        .map(|e| e.expect("template entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for path in names {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::write(out_dir.join("templates.rs"), out).unwrap();

    let locales = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("locales");
    println!("cargo:rerun-if-changed={}", locales.display());
    let mut langs: Vec<_> = fs::read_dir(&locales)
        .expect("server/locales")
        .map(|e| e.expect("locale entry").path())
        .filter(|p| p.is_dir())
        .collect();
    langs.sort();
    let mut out = String::from("&[\n");
    for dir in langs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let lang = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        let parts: Vec<String> = files
            .iter()
            .map(|f| {
                println!("cargo:rerun-if-changed={}", f.display());
                format!("include_str!({:?}), \"\\n\"", f.display().to_string())
            })
            .collect();
        writeln!(out, "    ({lang:?}, concat!({})),", parts.join(", ")).unwrap();
    }
    out.push(']');
    fs::write(out_dir.join("catalogues.rs"), out).unwrap();
}
