//! Values every component may need, provided once at the root.

use leptos::prelude::*;

use crate::api::get_current_user;
use crate::domain::CurrentUser;
use crate::error::AppError;

/// The signed-in person (or `None`), refetched when `refresh` is called after sign-in,
/// sign-out or a profile change.
#[derive(Clone, Copy)]
pub struct UserContext {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    version: RwSignal<u32>,
}

impl UserContext {
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }
}

pub fn provide_user_context() {
    let version = RwSignal::new(0_u32);
    let user = Resource::new(move || version.get(), |_| get_current_user());
    provide_context(UserContext { user, version });
}

pub fn use_user() -> UserContext {
    expect_context::<UserContext>()
}
