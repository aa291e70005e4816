//! Server functions: the UI's road to the service layer. Each one authenticates, parses, calls a
//! service and maps the result; the rules live in `server::services`.

mod help_center;

pub use help_center::*;
