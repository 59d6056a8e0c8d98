//! The hidden `_audit` sheet: what a workbook belongs to, signed with the campaign's secret.
//!
//! Rows are `key | value`, then a `账号ID列表` row followed by one account id per row. The
//! signature is HMAC-SHA256 over every field and the id list (see [`Meta::payload`]), so any
//! edit of the hidden sheet — another inspector, another account list, another campaign — is
//! seen when the workbook comes back.

use crate::campaign::Secret;

/// Keys of the hidden sheet.
pub const META_CAMPAIGN: &str = "项目";
/// The campaign's random id.
pub const META_CAMPAIGN_ID: &str = "项目ID";
/// The sample fingerprint.
pub const META_SAMPLE: &str = "样本指纹";
/// The catalog fingerprint.
pub const META_CATALOG: &str = "指标目录指纹";
/// The workbook's id.
pub const META_WORKBOOK: &str = "检查表ID";
/// The inspector.
pub const META_INSPECTOR: &str = "检查人";
/// The signature.
pub const META_SIGNATURE: &str = "签名";
/// Marks the start of the account list.
pub const META_IDS: &str = "账号ID列表";

/// What a workbook belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The campaign's name.
    pub campaign: String,
    /// The campaign's random id.
    pub campaign_id: String,
    /// SHA-256 of the sample file the workbook was made from.
    pub sample_sha256: String,
    /// SHA-256 of the catalog.
    pub catalog_sha256: String,
    /// The workbook's id: its identity when it comes back under any file name.
    pub workbook_id: String,
    /// The inspector it is for.
    pub inspector: String,
    /// The accounts in it, in order.
    pub ids: Vec<String>,
    /// HMAC-SHA256 (hex) of [`Meta::payload`].
    pub signature: String,
}

impl Meta {
    /// The signed bytes: a version tag, then every field and every id on its own line. Ids and
    /// names cannot contain a newline once cleaned, so the fields cannot be shifted.
    pub fn payload(&self) -> Vec<u8> {
        let mut s = String::from("audit-workbook-v1\n");
        for f in [
            &self.campaign,
            &self.campaign_id,
            &self.sample_sha256,
            &self.catalog_sha256,
            &self.workbook_id,
            &self.inspector,
        ] {
            s.push_str(f);
            s.push('\n');
        }
        s.push_str(&self.ids.len().to_string());
        for id in &self.ids {
            s.push('\n');
            s.push_str(id);
        }
        s.into_bytes()
    }

    /// Sign with the campaign's secret.
    pub fn signed(mut self, secret: &Secret) -> Meta {
        self.signature = secret.sign(&self.payload());
        self
    }

    /// Whether the signature is the campaign's.
    pub fn verify(&self, secret: &Secret) -> bool {
        secret.verify(&self.payload(), &self.signature)
    }

    /// The key/value rows, in the order written.
    pub fn fields(&self) -> [(&'static str, &str); 7] {
        [
            (META_CAMPAIGN, &self.campaign),
            (META_CAMPAIGN_ID, &self.campaign_id),
            (META_SAMPLE, &self.sample_sha256),
            (META_CATALOG, &self.catalog_sha256),
            (META_WORKBOOK, &self.workbook_id),
            (META_INSPECTOR, &self.inspector),
            (META_SIGNATURE, &self.signature),
        ]
    }

    /// Read the hidden sheet's rows back; `None` when they are not ours (no signature row).
    pub fn from_rows(rows: &[(u32, Vec<String>)]) -> Option<Meta> {
        let mut m = Meta::default();
        let mut in_ids = false;
        let mut signed = false;
        for (_, cells) in rows {
            let key = cells.first().cloned().unwrap_or_default();
            if in_ids {
                if !key.is_empty() {
                    m.ids.push(key);
                }
                continue;
            }
            let value = cells.get(1).cloned().unwrap_or_default();
            match key.as_str() {
                META_CAMPAIGN => m.campaign = value,
                META_CAMPAIGN_ID => m.campaign_id = value,
                META_SAMPLE => m.sample_sha256 = value,
                META_CATALOG => m.catalog_sha256 = value,
                META_WORKBOOK => m.workbook_id = value,
                META_INSPECTOR => m.inspector = value,
                META_SIGNATURE => {
                    m.signature = value;
                    signed = true;
                }
                META_IDS => in_ids = true,
                _ => {}
            }
        }
        signed.then_some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta {
            campaign: "2020Q1".into(),
            campaign_id: "abc".into(),
            sample_sha256: "s".into(),
            catalog_sha256: "c".into(),
            workbook_id: "w1".into(),
            inspector: "检查员01".into(),
            ids: vec!["A1".into(), "A2".into()],
            signature: String::new(),
        }
    }

    #[test]
    fn any_edit_breaks_the_signature() {
        let key = Secret::generate();
        let m = meta().signed(&key);
        assert!(m.verify(&key));
        let rows: Vec<(u32, Vec<String>)> = m
            .fields()
            .iter()
            .map(|(k, v)| vec![k.to_string(), v.to_string()])
            .chain(std::iter::once(vec![META_IDS.to_string()]))
            .chain(m.ids.iter().map(|i| vec![i.clone()]))
            .enumerate()
            .map(|(i, r)| (i as u32 + 1, r))
            .collect();
        assert_eq!(Meta::from_rows(&rows).unwrap(), m);
        for edit in [
            |m: &mut Meta| m.inspector = "检查员02".into(),
            |m: &mut Meta| m.ids.push("A3".into()),
            |m: &mut Meta| m.ids.swap(0, 1),
            |m: &mut Meta| m.workbook_id = "w2".into(),
            |m: &mut Meta| m.campaign_id = "other".into(),
        ] {
            let mut x = m.clone();
            edit(&mut x);
            assert!(!x.verify(&key));
        }
    }
}
