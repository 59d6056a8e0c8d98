//! The hidden `_audit` sheet: what a workbook belongs to, signed with the campaign's secret.
//!
//! Rows are `key | value`, then a `账号ID列表` row followed by one account id per row. The
//! signature is HMAC-SHA256 over every field and the id list (see [`Meta::payload`]), so any
//! edit of the hidden sheet — another inspector, another account list, another campaign — is
//! seen when the workbook comes back.

use crate::domain::monitor::Prefill;
use crate::domain::signature::Secret;

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
/// The header of the hidden pre-fill sheet: what the monitoring data pre-filled.
pub const PREFILL_HEADER: [&str; 4] = ["账号ID", "指标", "预填值", "依据"];
/// The kind of workbook; written only in rectification workbooks (an inspector workbook has
/// no such row, so its bytes are as before).
pub const META_KIND: &str = "表类型";
/// The value of [`META_KIND`] in a rectification workbook.
pub const KIND_RECTIFY: &str = "整改反馈表";
/// The responsible unit, in place of [`META_INSPECTOR`] in a rectification workbook.
pub const META_UNIT: &str = "责任单位";

/// Which workbook a hidden sheet belongs to. The kind is part of the signed payload, so a
/// workbook of one kind can never pass as the other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MetaKind {
    /// An inspector workbook (检查表), filled by an inspector.
    #[default]
    Inspection,
    /// A rectification workbook (整改反馈表), filled by a responsible unit.
    Rectification,
}

/// What a workbook belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// Inspector or rectification workbook.
    pub kind: MetaKind,
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
    /// The inspector it is for (the responsible unit, for a rectification workbook).
    pub inspector: String,
    /// The accounts in it, in order.
    pub ids: Vec<String>,
    /// Answers pre-filled from monitoring data (`sheet --monitor`), so that collect can tell a
    /// kept pre-fill from an inspector's own answer; signed with the rest.
    pub prefills: Vec<Prefill>,
    /// HMAC-SHA256 (hex) of [`Meta::payload`].
    pub signature: String,
}

impl Meta {
    /// The signed bytes: a version tag, then every field and every id on its own line. Ids and
    /// names cannot contain a newline once cleaned, so the fields cannot be shifted.
    pub fn payload(&self) -> Vec<u8> {
        let mut s = String::from(match self.kind {
            MetaKind::Inspection => "audit-workbook-v1\n",
            MetaKind::Rectification => "audit-rectify-v1\n",
        });
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
        // Only a pre-filled workbook carries this part, so earlier workbooks keep their
        // signatures. Each text is prefixed by its length, so no field can run into another.
        if !self.prefills.is_empty() {
            s.push_str(&format!("\nprefill {}", self.prefills.len()));
            for p in &self.prefills {
                for field in [&p.id, &p.code, &p.evidence] {
                    s.push_str(&format!("\n{}:{field}", field.len()));
                }
                s.push_str(&format!("\n{}", p.value));
            }
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

    /// The key/value rows, in the order written. An inspector workbook's are the seven it
    /// always had; a rectification workbook starts with [`META_KIND`] and names its unit.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut f = Vec::with_capacity(8);
        if self.kind == MetaKind::Rectification {
            f.push((META_KIND, KIND_RECTIFY));
        }
        let who = match self.kind {
            MetaKind::Inspection => META_INSPECTOR,
            MetaKind::Rectification => META_UNIT,
        };
        f.extend([
            (META_CAMPAIGN, self.campaign.as_str()),
            (META_CAMPAIGN_ID, &self.campaign_id),
            (META_SAMPLE, &self.sample_sha256),
            (META_CATALOG, &self.catalog_sha256),
            (META_WORKBOOK, &self.workbook_id),
            (who, &self.inspector),
            (META_SIGNATURE, &self.signature),
        ]);
        f
    }

    /// Read the hidden sheet's rows back, strictly: only our keys, each once, nothing in other
    /// cells, a signature in the form we write. Anything else is [`MetaError::Tampered`].
    pub fn from_rows(rows: &[(u32, Vec<String>)]) -> Result<Meta, MetaError> {
        let mut m = Meta::default();
        let mut seen = std::collections::HashSet::new();
        let mut in_ids = false;
        for (_, cells) in rows {
            let used: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
            let key = cells.first().cloned().unwrap_or_default();
            if in_ids {
                match (used.len(), key.is_empty()) {
                    (0, _) => {}
                    (1, false) => m.ids.push(key),
                    _ => return Err(MetaError::Tampered),
                }
                continue;
            }
            if used.is_empty() {
                continue;
            }
            let value = cells.get(1).cloned().unwrap_or_default();
            if cells.iter().skip(2).any(|c| !c.is_empty()) || !seen.insert(key.clone()) {
                return Err(MetaError::Tampered);
            }
            let slot = match key.as_str() {
                META_CAMPAIGN => &mut m.campaign,
                META_CAMPAIGN_ID => &mut m.campaign_id,
                META_SAMPLE => &mut m.sample_sha256,
                META_CATALOG => &mut m.catalog_sha256,
                META_WORKBOOK => &mut m.workbook_id,
                META_INSPECTOR | META_UNIT => &mut m.inspector,
                META_KIND if value == KIND_RECTIFY => {
                    m.kind = MetaKind::Rectification;
                    continue;
                }
                META_SIGNATURE => &mut m.signature,
                META_IDS if value.is_empty() => {
                    in_ids = true;
                    continue;
                }
                _ => return Err(MetaError::Tampered),
            };
            *slot = value;
        }
        if !seen.contains(META_SIGNATURE) {
            return Err(MetaError::NotOurs);
        }
        let canonical = m.signature.len() == 64
            && m.signature
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        // Each kind names its signer with its own key, and only a rectification workbook
        // has a kind row.
        let (who, keys) = match m.kind {
            MetaKind::Inspection => (META_INSPECTOR, 8),
            MetaKind::Rectification => (META_UNIT, 9),
        };
        if !canonical || !in_ids || seen.len() != keys || !seen.contains(who) {
            return Err(MetaError::Tampered);
        }
        Ok(m)
    }
}

/// The rows of the hidden pre-fill sheet: the header, then one row per pre-filled answer.
pub fn prefill_rows(prefills: &[Prefill]) -> Vec<[String; 4]> {
    let header = PREFILL_HEADER.map(String::from);
    std::iter::once(header)
        .chain(prefills.iter().map(|p| {
            [
                p.id.clone(),
                p.code.clone(),
                crate::domain::answers::value_label(crate::domain::indicators::Kind::Veto, p.value),
                p.evidence.clone(),
            ]
        }))
        .collect()
}

/// Read the hidden pre-fill sheet back, strictly: our header, then rows of exactly four cells
/// with a value of 是 or 否. Anything else is [`MetaError::Tampered`].
pub fn prefills_from_rows(rows: &[(u32, Vec<String>)]) -> Result<Vec<Prefill>, MetaError> {
    let Some((_, header)) = rows.first() else {
        return Err(MetaError::Tampered);
    };
    if header.len() != 4 || header.iter().zip(PREFILL_HEADER).any(|(h, e)| h != e) {
        return Err(MetaError::Tampered);
    }
    rows[1..]
        .iter()
        .map(|(_, r)| match r.as_slice() {
            [id, code, value, evidence] if !id.is_empty() && !code.is_empty() => Ok(Prefill {
                id: id.clone(),
                code: code.clone(),
                value: crate::domain::answers::value_from_label(
                    crate::domain::indicators::Kind::Veto,
                    value,
                )
                .ok_or(MetaError::Tampered)?,
                evidence: evidence.clone(),
            }),
            _ => Err(MetaError::Tampered),
        })
        .collect()
}

/// Why a hidden sheet cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaError {
    /// No signature at all: not a workbook this version of the tool made.
    NotOurs,
    /// Ours, but something was added, removed or changed.
    Tampered,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        Meta {
            kind: MetaKind::Inspection,
            campaign: "2020Q1".into(),
            campaign_id: "abc".into(),
            sample_sha256: "s".into(),
            catalog_sha256: "c".into(),
            workbook_id: "w1".into(),
            inspector: "检查员01".into(),
            ids: vec!["A1".into(), "A2".into()],
            prefills: Vec::new(),
            signature: String::new(),
        }
    }

    #[test]
    fn prefills_are_signed_and_read_back_strictly() {
        let key = Secret::generate();
        let plain = meta().signed(&key);
        let mut m = meta();
        m.prefills = vec![Prefill {
            id: "A1".into(),
            code: "V6".into(),
            value: 1,
            evidence: "最后更新 2020-02-28,距监测时间 2020-03-22 23 天".into(),
        }];
        let m = m.signed(&key);
        assert_ne!(m.signature, plain.signature);
        let rows: Vec<(u32, Vec<String>)> = prefill_rows(&m.prefills)
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i as u32 + 1, r.to_vec()))
            .collect();
        assert_eq!(prefills_from_rows(&rows).unwrap(), m.prefills);
        let mut flipped = m.clone();
        flipped.prefills[0].value = 0;
        assert!(!flipped.verify(&key));
        let mut dropped = m.clone();
        dropped.prefills.clear();
        assert!(!dropped.verify(&key), "removing the pre-fill sheet is seen");
        let mut bad = rows.clone();
        bad[1].1[2] = "可能".into();
        assert_eq!(prefills_from_rows(&bad), Err(MetaError::Tampered));
        bad = rows.clone();
        bad[1].1.push("x".into());
        assert_eq!(prefills_from_rows(&bad), Err(MetaError::Tampered));
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
        // Additions the signature does not cover are refused too.
        let mut extra = rows.clone();
        extra.insert(1, (99, vec!["备注".into(), "x".into()]));
        assert_eq!(Meta::from_rows(&extra), Err(MetaError::Tampered));
        let mut twice = rows.clone();
        twice.insert(0, (99, vec![META_INSPECTOR.into(), "某人".into()]));
        assert_eq!(Meta::from_rows(&twice), Err(MetaError::Tampered));
        let mut col_c = rows.clone();
        col_c[0].1.push("x".into());
        assert_eq!(Meta::from_rows(&col_c), Err(MetaError::Tampered));
        let mut upper = rows.clone();
        upper[6].1[1] = m.signature.to_uppercase();
        assert_eq!(Meta::from_rows(&upper), Err(MetaError::Tampered));
        assert_eq!(Meta::from_rows(&rows[..6]), Err(MetaError::NotOurs));
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

    fn rows_of(m: &Meta) -> Vec<(u32, Vec<String>)> {
        m.fields()
            .iter()
            .map(|(k, v)| vec![k.to_string(), v.to_string()])
            .chain(std::iter::once(vec![META_IDS.to_string()]))
            .chain(m.ids.iter().map(|i| vec![i.clone()]))
            .enumerate()
            .map(|(i, r)| (i as u32 + 1, r))
            .collect()
    }

    #[test]
    fn a_rectification_workbook_cannot_pass_as_an_inspector_workbook() {
        let key = Secret::generate();
        let insp = meta().signed(&key);
        let mut rect = meta();
        rect.kind = MetaKind::Rectification;
        rect.inspector = "南京市".into();
        let rect = rect.signed(&key);
        // The inspector workbook's hidden sheet is exactly the seven rows it always had.
        assert_eq!(insp.fields().len(), 7);
        assert_eq!(insp.fields()[5].0, META_INSPECTOR);
        let back = Meta::from_rows(&rows_of(&rect)).unwrap();
        assert_eq!(back, rect);
        assert!(back.verify(&key));
        // Same fields under the other kind: the signature no longer holds.
        let mut as_insp = rect.clone();
        as_insp.kind = MetaKind::Inspection;
        assert!(!as_insp.verify(&key));
        // Removing the kind row (and so relabelling the workbook) is refused outright.
        let mut rows = rows_of(&rect);
        rows.remove(0);
        assert_eq!(Meta::from_rows(&rows), Err(MetaError::Tampered));
        // A kind row added to an inspector workbook is refused too.
        let mut rows = rows_of(&insp);
        rows.insert(0, (0, vec![META_KIND.into(), KIND_RECTIFY.into()]));
        assert_eq!(Meta::from_rows(&rows), Err(MetaError::Tampered));
        let mut rows = rows_of(&rect);
        rows[0].1[1] = "别的表".into();
        assert_eq!(Meta::from_rows(&rows), Err(MetaError::Tampered));
    }
}
