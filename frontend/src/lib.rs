//! The browser entry point: hydrates the server-rendered page.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A second call (e.g. after a hot reload) keeps the first logger.
    let _ = console_log::init_with_level(log::Level::Warn);
    leptos::mount::hydrate_body(app::App);
    // Lets end-to-end tests (and curious people) see that the page is interactive.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
