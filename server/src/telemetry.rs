//! Logging: `RUST_LOG` filters, `CHAMADO_LOG_FORMAT=json` switches to one JSON object per line.

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::config::{GlobalOptions, LogFormat};

pub fn init(options: &GlobalOptions) -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new("info,sqlx=warn,tower_http=info"))?;
    let registry = tracing_subscriber::registry().with(filter);
    let result = match options.log_format {
        LogFormat::Text => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().with_writer(std::io::stderr))
            .try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))
}
