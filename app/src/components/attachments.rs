//! Attachments on a message: choose files or drop them on the zone, see each with its size, a
//! progress bar while the form uploads and a remove button. The browser refuses early what the
//! server would refuse under the admins' limits (one file too many, too large, an extension that
//! is not allowed); the server still decides by content. The picker appears once the page is
//! hydrated: without JavaScript the form sends its text only. With attachments turned off
//! (a limit of 0 files) there is no picker.

use leptos::prelude::*;

use crate::components::FieldMessage;
use crate::domain::{
    extension_allowed, file_extension, Limits, ATTACHMENT_EXTENSIONS, MAX_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
};
use crate::error::AppError;
use crate::i18n::*;

#[derive(Clone, Debug, PartialEq)]
pub struct PickedFile {
    pub key: u32,
    pub name: String,
    pub size: u64,
    /// 0.0 to 1.0 while uploading.
    pub progress: f64,
}

/// Why the browser did not take a file.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    TooMany,
    TooLarge(String),
    TypeNotAllowed(String),
}

/// What the browser checks before sending: the admins' limits in force.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentRules {
    pub max_files: usize,
    pub max_bytes: u64,
    /// Lower-case extensions without the dot.
    pub extensions: Vec<String>,
}

impl Default for AttachmentRules {
    fn default() -> Self {
        Self {
            max_files: MAX_ATTACHMENTS,
            max_bytes: MAX_ATTACHMENT_BYTES,
            extensions: ATTACHMENT_EXTENSIONS
                .iter()
                .map(|e| (*e).to_owned())
                .collect(),
        }
    }
}

impl From<&Limits> for AttachmentRules {
    fn from(limits: &Limits) -> Self {
        Self {
            max_files: usize::try_from(limits.max_attachments).unwrap_or(0),
            max_bytes: u64::try_from(limits.max_attachment_bytes).unwrap_or(0),
            extensions: limits
                .allowed_types
                .iter()
                .map(|e| e.to_ascii_lowercase())
                .collect(),
        }
    }
}

impl AttachmentRules {
    /// Whether a file of this name may be sent: its extension is allowed.
    fn allows(&self, name: &str) -> bool {
        extension_allowed(&self.extensions, &file_extension(name))
    }

    /// The `accept` attribute of the file input: the allowed extensions, each with its twin
    /// (jpg and jpeg are one type).
    fn accept(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        for e in &self.extensions {
            let twin = match e.as_str() {
                "jpg" => Some("jpeg"),
                "jpeg" => Some("jpg"),
                _ => None,
            };
            for e in std::iter::once(e.as_str()).chain(twin) {
                let dotted = format!(".{e}");
                if !out.contains(&dotted) {
                    out.push(dotted);
                }
            }
        }
        out.join(",")
    }
}

/// The files picked for one message (the browser's `File`s live beside, in the hydrated app).
#[derive(Clone, Copy)]
pub struct AttachmentList {
    pub files: RwSignal<Vec<PickedFile>>,
    pub refusal: RwSignal<Option<Refusal>>,
    /// Set by the page from the limits it read, before the picker is drawn.
    rules: StoredValue<AttachmentRules>,
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    next_key: StoredValue<u32>,
    #[cfg(feature = "hydrate")]
    blobs: StoredValue<Vec<(u32, web_sys::File)>, LocalStorage>,
}

impl Default for AttachmentList {
    fn default() -> Self {
        Self::new()
    }
}

impl AttachmentList {
    pub fn new() -> Self {
        Self {
            files: RwSignal::new(Vec::new()),
            refusal: RwSignal::new(None),
            rules: StoredValue::new(AttachmentRules::default()),
            next_key: StoredValue::new(0),
            #[cfg(feature = "hydrate")]
            blobs: StoredValue::new_local(Vec::new()),
        }
    }

    /// The limits to check against (the admins', read by the page).
    pub fn set_rules(&self, rules: AttachmentRules) {
        self.rules.set_value(rules);
    }

    pub fn rules(&self) -> AttachmentRules {
        self.rules.get_value()
    }

    /// Whether the browser would take a file of this name and size, given how many are picked.
    pub fn check(
        rules: &AttachmentRules,
        count: usize,
        name: &str,
        size: u64,
    ) -> Result<(), Refusal> {
        if count >= rules.max_files {
            return Err(Refusal::TooMany);
        }
        if size > rules.max_bytes {
            return Err(Refusal::TooLarge(name.to_owned()));
        }
        if !rules.allows(name) {
            return Err(Refusal::TypeNotAllowed(name.to_owned()));
        }
        Ok(())
    }

    #[cfg(feature = "hydrate")]
    pub fn add(&self, file: web_sys::File) {
        let name = file.name();
        let size = file.size() as u64;
        let count = self.files.with_untracked(Vec::len);
        let checked = self
            .rules
            .with_value(|rules| Self::check(rules, count, &name, size));
        if let Err(refusal) = checked {
            self.refusal.set(Some(refusal));
            return;
        }
        self.refusal.set(None);
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.blobs.update_value(|b| b.push((key, file)));
        self.files.update(|f| {
            f.push(PickedFile {
                key,
                name,
                size,
                progress: 0.0,
            })
        });
    }

    pub fn remove(&self, key: u32) {
        self.files.update(|f| f.retain(|p| p.key != key));
        #[cfg(feature = "hydrate")]
        self.blobs.update_value(|b| b.retain(|(k, _)| *k != key));
        self.refusal.set(None);
    }

    pub fn clear(&self) {
        self.files.set(Vec::new());
        #[cfg(feature = "hydrate")]
        self.blobs.set_value(Vec::new());
        self.refusal.set(None);
    }

    /// Appends the files as `attachment` parts, in the order shown.
    #[cfg(feature = "hydrate")]
    pub fn append_to(&self, form: &web_sys::FormData) -> Result<(), wasm_bindgen::JsValue> {
        let mut result = Ok(());
        self.blobs.with_value(|blobs| {
            for (_, file) in blobs {
                if let Err(e) = form.append_with_blob_and_filename("attachment", file, &file.name())
                {
                    result = Err(e);
                }
            }
        });
        result
    }

    /// Spreads the request's progress over the files: the body carries the JSON part first,
    /// then each file in order, so a file is done once the bytes before and in it are sent.
    pub fn set_progress(&self, loaded: f64, total: f64) {
        self.files.update(|files| {
            let payload: f64 = files.iter().map(|f| f.size as f64).sum();
            // Whatever is not file bytes (the JSON part, part headers) comes first.
            let mut start = (total - payload).max(0.0);
            for file in files.iter_mut() {
                let size = (file.size as f64).max(1.0);
                file.progress = ((loaded - start) / size).clamp(0.0, 1.0);
                start += file.size as f64;
            }
        });
    }
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / (1 << 20) as f64)
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes.div_ceil(1 << 10))
    } else {
        format!("{bytes} B")
    }
}

/// The picker for `list`; `error` carries the server's answer (field `attachments`, 413, 415).
#[component]
pub fn AttachmentPicker(
    list: AttachmentList,
    #[prop(into)] error: Signal<Option<AppError>>,
    /// Prefix for element ids (two pickers may share a page).
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let over = RwSignal::new(false);
    let input_id = format!("{id}-input");
    let hint_id = format!("{id}-hint");
    let msg_id = format!("{id}-msg");
    let rules = list.rules();
    let accept = rules.accept();
    let allowed = rules.max_files > 0;
    let max_files = rules.max_files;
    let max_size = StoredValue::new(human_size(rules.max_bytes));
    let types = StoredValue::new(rules.extensions.join(", "));
    let hint = move || {
        t_string!(
            i18n,
            tickets.attachments_hint,
            count = max_files,
            size = max_size.get_value(),
            types = types.get_value()
        )
        .to_string()
    };
    let server_refusal = Signal::derive(move || {
        error.get().filter(|e| {
            matches!(
                e,
                AppError::PayloadTooLarge | AppError::UnsupportedMediaType
            )
        })
    });
    let described_by = format!("{hint_id} {msg_id}");
    view! {
        <Show when=move || allowed && hydrated.get()>
            <div class="field attachments" data-testid="attachments">
                <label for=input_id.clone()>{t!(i18n, tickets.attachments)}</label>
                <div
                    class=move || if over.get() { "dropzone dropzone--over" } else { "dropzone" }
                    on:dragover=move |ev| {
                        ev.prevent_default();
                        over.set(true);
                    }
                    on:dragleave=move |_| over.set(false)
                    on:drop=move |ev| {
                        ev.prevent_default();
                        over.set(false);
                        #[cfg(feature = "hydrate")]
                        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                            for i in 0..files.length() {
                                if let Some(file) = files.get(i) {
                                    list.add(file);
                                }
                            }
                        }
                        #[cfg(not(feature = "hydrate"))]
                        let _ = ev;
                    }
                >
                    <p class="muted">{t!(i18n, tickets.drop_here)}</p>
                    <input
                        id=input_id.clone()
                        type="file"
                        multiple
                        accept=accept.clone()
                        aria-describedby=described_by.clone()
                        on:change=move |ev| {
                            #[cfg(feature = "hydrate")]
                            {
                                use wasm_bindgen::JsCast;
                                let input = ev
                                    .target()
                                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                                if let Some(input) = input {
                                    if let Some(files) = input.files() {
                                        for i in 0..files.length() {
                                            if let Some(file) = files.get(i) {
                                                list.add(file);
                                            }
                                        }
                                    }
                                    input.set_value("");
                                }
                            }
                            #[cfg(not(feature = "hydrate"))]
                            let _ = ev;
                        }
                    />
                </div>
                <span class="hint" id=hint_id.clone()>{hint}</span>
                <ul class="attachment-list" aria-live="polite">
                    <For each=move || list.files.get() key=|f| (f.key, (f.progress * 100.0) as u32) let:file>
                        {
                            let name = file.name.clone();
                            let remove_name = file.name.clone();
                            let progress_name = file.name.clone();
                            let key = file.key;
                            view! {
                                <li class="attachment-item" data-testid="picked-file">
                                    <span class="attachment-item__name">{name}</span>
                                    <span class="muted">{human_size(file.size)}</span>
                                    <progress max="100" value=(file.progress * 100.0).round()
                                        aria-label=move || { let name = progress_name.clone(); t_string!(i18n, tickets.uploading, name).to_string() }></progress>
                                    <button type="button" class="button button--small"
                                        aria-label=move || { let name = remove_name.clone(); t_string!(i18n, tickets.remove_file, name).to_string() }
                                        on:click=move |_| list.remove(key)>
                                        "×"
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
                <p class="field-message" id=msg_id.clone() role="alert">
                    {move || list.refusal.get().map(|r| match r {
                        Refusal::TooMany => t_string!(i18n, tickets.too_many_files, count = max_files).to_string(),
                        Refusal::TooLarge(name) => t_string!(i18n, tickets.file_too_large, name, size = max_size.get_value()).to_string(),
                        Refusal::TypeNotAllowed(name) => t_string!(i18n, tickets.file_type_not_allowed, name).to_string(),
                    })}
                    {move || server_refusal.get().map(|e| e.title(i18n.get_locale()))}
                </p>
                <FieldMessage error field="attachments" id=format!("{msg_id}-field") />
            </div>
        </Show>
    }
}

/// Sends a multipart form with upload progress (XMLHttpRequest: `fetch` reports none) and
/// calls `done` with the status and body; status 0 means the network failed.
#[cfg(feature = "hydrate")]
pub fn post_multipart(
    url: &str,
    form: &web_sys::FormData,
    on_progress: impl Fn(f64, f64) + 'static,
    done: impl FnOnce(u16, String) + 'static,
) -> Result<(), wasm_bindgen::JsValue> {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open_with_async("POST", url, true)?;
    xhr.set_request_header("Accept", "application/json")?;
    let progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() {
                on_progress(e.loaded(), e.total());
            }
        });
    xhr.upload()?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let done = Rc::new(RefCell::new(Some(done)));
    let finish = {
        let xhr = xhr.clone();
        let done = done.clone();
        move || {
            if let Some(done) = done.borrow_mut().take() {
                let status = xhr.status().unwrap_or(0);
                let body = xhr.response_text().ok().flatten().unwrap_or_default();
                done(status, body);
            }
        }
    };
    let on_load = Closure::<dyn Fn()>::new(finish.clone());
    let on_error = Closure::<dyn Fn()>::new(finish);
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    xhr.send_with_opt_form_data(Some(form))?;
    // The handlers must outlive this call; one request's worth of closures is left to the GC
    // of the page.
    progress.forget();
    on_load.forget();
    on_error.forget();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_refuses_what_the_server_would() {
        let rules = AttachmentRules::default();
        assert_eq!(AttachmentList::check(&rules, 0, "print.PNG", 10), Ok(()));
        assert_eq!(
            AttachmentList::check(&rules, 4, "log.txt", MAX_ATTACHMENT_BYTES),
            Ok(())
        );
        assert_eq!(
            AttachmentList::check(&rules, 5, "log.txt", 1),
            Err(Refusal::TooMany)
        );
        assert_eq!(
            AttachmentList::check(&rules, 0, "big.zip", MAX_ATTACHMENT_BYTES + 1),
            Err(Refusal::TooLarge("big.zip".to_owned()))
        );
        assert_eq!(
            AttachmentList::check(&rules, 0, "logo.svg", 10),
            Err(Refusal::TypeNotAllowed("logo.svg".to_owned()))
        );
        assert_eq!(
            AttachmentList::check(&rules, 0, "README", 10),
            Err(Refusal::TypeNotAllowed("README".to_owned()))
        );
    }

    #[test]
    fn the_browser_follows_the_admins_limits() {
        let limits = Limits {
            max_attachments: 2,
            max_attachment_bytes: 1_048_576,
            allowed_types: vec!["pdf".to_owned(), "JPEG".to_owned()],
            ..Limits::default()
        };
        let rules = AttachmentRules::from(&limits);
        assert_eq!(
            AttachmentList::check(&rules, 1, "nota.pdf", 1_048_576),
            Ok(())
        );
        assert_eq!(
            AttachmentList::check(&rules, 2, "nota.pdf", 1),
            Err(Refusal::TooMany)
        );
        assert_eq!(
            AttachmentList::check(&rules, 0, "nota.pdf", 1_048_577),
            Err(Refusal::TooLarge("nota.pdf".to_owned()))
        );
        // Allowed by default, not by these admins.
        assert_eq!(
            AttachmentList::check(&rules, 0, "log.txt", 10),
            Err(Refusal::TypeNotAllowed("log.txt".to_owned()))
        );
        // jpg and jpeg are one type.
        assert_eq!(AttachmentList::check(&rules, 0, "foto.jpg", 10), Ok(()));
        assert_eq!(rules.accept(), ".pdf,.jpeg,.jpg");
        // No attachments at all.
        let none = AttachmentRules::from(&Limits {
            max_attachments: 0,
            ..Limits::default()
        });
        assert_eq!(
            AttachmentList::check(&none, 0, "nota.pdf", 1),
            Err(Refusal::TooMany)
        );
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1500), "2 KB");
        assert_eq!(human_size(10 * 1024 * 1024), "10.0 MB");
    }
}
