//! The campaign folder: manifest, file names, atomic write-then-rename, and `--force`.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "campaign.toml";
pub const REGISTRY: &str = "registry.csv";
pub const REJECTS: &str = "rejects.csv";
pub const CHANGES: &str = "registry_changes.csv";
pub const SAMPLE: &str = "sample.csv";
pub const DESIGN_DIR: &str = "design";
pub const CATALOG: &str = "catalog.toml";
pub const SHEETS_DIR: &str = "sheets";
pub const INBOX_DIR: &str = "inbox";
pub const ANSWERS: &str = "answers.csv";
pub const RESULTS: &str = "results.csv";
pub const CONFLICTS: &str = "conflicts.csv";
pub const REPORT_DIR: &str = "report";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub created: String,
    pub tool_version: String,
    /// Set by `audit demo`: the inspection answers are simulated, and every output says so.
    #[serde(default)]
    pub simulated: bool,
    pub registry: Option<RegistryEntry>,
    pub sample: Option<crate::sampling::Design>,
    pub sheets: Option<SheetsEntry>,
    pub collect: Option<CollectEntry>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub source_file: String,
    pub source_sha256: String,
    pub sheet: Option<String>,
    pub encoding: Option<String>,
    pub header_row: u32,
    pub rows_read: u64,
    pub imported: u64,
    pub rejected: u64,
    pub blank_rows: u64,
    pub active: u64,
    pub file: String,
    pub sha256: String,
    pub imported_at: String,
    pub previous: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SheetsEntry {
    pub created: String,
    pub deadline: Option<String>,
    pub catalog_file: String,
    pub catalog_sha256: String,
    pub sample_sha256: String,
    pub workbooks: Vec<WorkbookEntry>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WorkbookEntry {
    pub inspector: String,
    pub file: String,
    pub accounts: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CollectEntry {
    /// Conflicts resolved with `--prefer`: for this account, this source file's answer wins.
    #[serde(default)]
    pub resolved: Vec<Resolution>,
    #[serde(default)]
    pub received: Vec<ReceivedEntry>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    pub id: String,
    pub source: String,
}

impl CollectEntry {
    /// (account id, preferred source) pairs for `answers::merge`.
    pub fn preferences(&self) -> Vec<(String, String)> {
        self.resolved
            .iter()
            .map(|r| (r.id.clone(), r.source.clone()))
            .collect()
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReceivedEntry {
    pub source: String,
    pub inspector: String,
    pub sha256: String,
    pub inbox_file: String,
    pub collected_at: String,
    pub rows_accepted: u64,
    pub problems: u64,
}

pub struct Campaign {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

pub fn now() -> String {
    chrono::Local::now()
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(bytes);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let mut h = Sha256::new();
    std::io::copy(&mut file, &mut h).with_context(|| format!("无法读取 {}", path.display()))?;
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Produce `path` through a temp file in the same folder and a rename, so a reader never sees
/// half a file and a failure leaves the old one intact. `fill` writes the temp file.
pub fn write_atomic_file<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&Path) -> Result<()>,
{
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = fill(&tmp).and_then(|()| {
        std::fs::rename(&tmp, path).with_context(|| format!("无法写入 {}", path.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Write bytes to `path` atomically (see [`write_atomic_file`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_file(path, |tmp| {
        std::fs::write(tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))
    })
}

/// Like [`write_atomic`], but streamed: `fill` writes the content, which is hashed on the way.
/// Returns the SHA-256 of what was written.
pub fn write_atomic_with<F>(path: &Path, fill: F) -> Result<String>
where
    F: FnOnce(&mut dyn std::io::Write) -> Result<()>,
{
    struct Hashing<W> {
        inner: W,
        hasher: Sha256,
    }
    impl<W: std::io::Write> std::io::Write for Hashing<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = self.inner.write(buf)?;
            self.hasher.update(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }
    let mut digest = String::new();
    write_atomic_file(path, |tmp| {
        let file =
            std::fs::File::create(tmp).with_context(|| format!("无法写入 {}", tmp.display()))?;
        let mut w = Hashing {
            inner: std::io::BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
        };
        fill(&mut w)?;
        std::io::Write::flush(&mut w).with_context(|| format!("无法写入 {}", tmp.display()))?;
        digest = w
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(())
    })?;
    Ok(digest)
}

/// Refuse to replace an existing output unless `force`.
pub fn guard_overwrite(path: &Path, force: bool, what: &str) -> Result<()> {
    if path.exists() && !force {
        bail!("{} 已存在({what});如确需覆盖,请加 --force", path.display());
    }
    Ok(())
}

impl Campaign {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Open an existing campaign.
    pub fn open(dir: &Path) -> Result<Campaign> {
        let mpath = dir.join(MANIFEST);
        if !mpath.exists() {
            bail!(
                "{} 不是检查抽查项目目录(缺少 {MANIFEST});请先运行 audit import FILE --campaign {}",
                dir.display(),
                dir.display()
            );
        }
        let text = std::fs::read_to_string(&mpath)
            .with_context(|| format!("无法读取 {}", mpath.display()))?;
        let manifest: Manifest = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: 清单格式错误: {e}", mpath.display()))?;
        Ok(Campaign {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    /// Open a campaign, or start a new one named after its folder.
    pub fn open_or_create(dir: &Path) -> Result<Campaign> {
        if dir.join(MANIFEST).exists() {
            return Campaign::open(dir);
        }
        if dir.exists() && !dir.is_dir() {
            bail!("{} 已存在且不是目录", dir.display());
        }
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .map(|s| s.to_string())
            .unwrap_or_else(|| "campaign".into());
        Ok(Campaign {
            dir: dir.to_path_buf(),
            manifest: Manifest {
                name,
                created: now(),
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                ..Default::default()
            },
        })
    }

    pub fn save(&mut self) -> Result<()> {
        self.manifest.tool_version = env!("CARGO_PKG_VERSION").to_string();
        let text = toml::to_string_pretty(&self.manifest).context("无法生成清单")?;
        write_atomic(&self.dir.join(MANIFEST), text.as_bytes())
    }

    pub fn registry(&self) -> Result<crate::registry::Registry> {
        let entry = self.manifest.registry.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "{}: 尚未导入台账;请先运行 audit import FILE --campaign {}",
                self.dir.display(),
                self.dir.display()
            )
        })?;
        let path = self.path(&entry.file);
        let (header, rows) = crate::io::write::read_plain_csv(&path)?;
        crate::registry::Registry::from_canonical(&header, &rows)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

/// Design columns of one sampled account (the sample file's last columns).
#[derive(Clone, Debug, PartialEq)]
pub struct SampleInfo {
    pub stratum: String,
    pub reason: String,
}

impl Campaign {
    /// The sample: its accounts (as a registry) and each one's stratum and selection reason.
    pub fn sample(&self) -> Result<(crate::registry::Registry, Vec<SampleInfo>)> {
        if self.manifest.sample.is_none() {
            bail!(
                "{}: 尚未抽样;请先运行 audit sample --campaign {}",
                self.dir.display(),
                self.dir.display()
            );
        }
        let path = self.path(SAMPLE);
        let (header, rows) = crate::io::write::read_plain_csv(&path)?;
        let k = crate::sampling::SAMPLE_COLUMNS.len();
        if header.len() < k
            || header[header.len() - k..] != crate::sampling::SAMPLE_COLUMNS.map(String::from)
        {
            bail!("{}: 不是 audit 生成的样本文件", path.display());
        }
        let cut = header.len() - k;
        let mut reg_rows = Vec::with_capacity(rows.len());
        let mut info = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            if r.len() != header.len() {
                bail!("{}: 第 {} 行列数不对", path.display(), i + 2);
            }
            reg_rows.push(r[..cut].to_vec());
            info.push(SampleInfo {
                stratum: r[cut].clone(),
                reason: r[cut + 5].clone(),
            });
        }
        let reg = crate::registry::Registry::from_canonical(&header[..cut], &reg_rows)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok((reg, info))
    }

    /// The catalog fixed for this campaign at sheet time.
    pub fn catalog(&self) -> Result<crate::indicators::Catalog> {
        let path = self.path(CATALOG);
        if !path.exists() {
            bail!(
                "{}: 尚未生成检查表(缺少 {CATALOG});请先运行 audit sheet",
                self.dir.display()
            );
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("无法读取 {}", path.display()))?;
        crate::indicators::Catalog::parse(&text, &path.display().to_string())
            .map_err(|e| anyhow::anyhow!(e))
    }
}
