//! The JWT signing secret: configured, or generated once and kept.
//!
//! A generated secret is written to `<data-dir>/jwt-secret` with mode 0600 so that
//! tokens survive restarts. The secret is never logged.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};

const MIN_SECRET_BYTES: usize = 32;
const FILE_NAME: &str = "jwt-secret";

pub fn jwt_secret(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        if secret.len() < MIN_SECRET_BYTES {
            bail!("YUI_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long");
        }
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing.trim().len() >= MIN_SECRET_BYTES => return Ok(existing.trim().as_bytes().to_vec()),
        Ok(_) => bail!("{} is shorter than {MIN_SECRET_BYTES} bytes; delete it to generate a new one", path.display()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
    }
    crate::config::private_directory(data_dir)?;
    let mut bytes = [0_u8; 48];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the JWT secret: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new JWT signing secret");
    Ok(secret.into_bytes())
}
