//! Generates the `i18n` module from `locales/*.json` (leptos_i18n).
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = std::env::var_os("OUT_DIR").map(PathBuf::from);
    let Some(out_dir) = out_dir else {
        panic!("OUT_DIR is not set: build.rs must run under cargo");
    };
    let config = Config::new("pt-BR")
        .and_then(|c| c.add_locale("en"))
        // Lets `t_string!`/`td_string!` interpolate (titles, attributes, API messages).
        .map(|c| c.parse_options(ParseOptions::new().interpolate_display(true)))
        .unwrap_or_else(|e| panic!("invalid i18n configuration: {e}"));
    let infos =
        TranslationsInfos::parse(config).unwrap_or_else(|e| panic!("cannot parse locales: {e}"));
    infos.rerun_if_locales_changed();
    infos.emit_diagnostics();
    infos
        .generate_i18n_module(out_dir.join("i18n"))
        .unwrap_or_else(|e| panic!("cannot generate the i18n module: {e}"));
}
