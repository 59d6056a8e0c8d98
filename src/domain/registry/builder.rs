//! Building a registry from an export's data rows: each row checked and normalised through the
//! profile's spellings (on top of the built-in lists), regions resolved, duplicated ids settled.

use super::header::HeaderMap;
use super::rejects::Rejects;
use super::RejectReason;
use super::MAX_CELL_CHARS;
use super::{is_scientific, normalize, place, Account, Field, RawTexts, Registry, Reject};
use super::{Interner, SharedText};
use crate::domain::profile::{ExportSpellings, TypeScheme};
use crate::domain::text::{clean_id, match_key};
use crate::domain::vocab::{Level, OwnerKind, Status, Term};
use std::collections::{HashMap, HashSet};

/// Memo of raw spelling → value: exports repeat a handful of spellings a million times, often
/// the same one many rows running (an export sorted by unit), which the last entry answers
/// without hashing.
struct Memo<V> {
    map: HashMap<String, V>,
    last: Option<(SharedText, V)>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            map: HashMap::new(),
            last: None,
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The value of `raw`, computed by `f` the first time (at most 10,000 spellings are kept).
    fn get(&mut self, raw: &SharedText, f: impl FnOnce(&str) -> V) -> V {
        if let Some((k, v)) = &self.last {
            if k == raw {
                return v.clone();
            }
        }
        let v = match self.map.get(raw.as_str()) {
            Some(v) => v.clone(),
            None => {
                let v = f(raw);
                if self.map.len() < 10_000 {
                    self.map.insert(raw.to_string(), v.clone());
                }
                v
            }
        };
        self.last = Some((raw.clone(), v.clone()));
        v
    }
}

/// The memos of one import, per vocabulary.
#[derive(Default)]
struct Cache {
    levels: Memo<Option<Level>>,
    types: Memo<Option<SharedText>>,
    statuses: Memo<Option<Status>>,
    kinds: Memo<Option<OwnerKind>>,
    regions: Memo<SharedText>,
    /// The region of a row that leaves 所属地区 empty, by level (省级 → 省本级).
    empty_regions: Vec<(Level, SharedText)>,
}

/// A row refused: why, a sentence for the user naming the value, and the value.
struct Refusal {
    reason: RejectReason,
    detail: String,
    value: String,
}

impl Refusal {
    fn new(reason: RejectReason, detail: impl Into<String>) -> Refusal {
        Refusal {
            reason,
            detail: detail.into(),
            value: String::new(),
        }
    }

    /// A spelling of `T` that no list knows.
    fn unknown<T: Term>(reason: RejectReason, raw: &str, examples: &str) -> Refusal {
        Refusal {
            reason,
            detail: format!(
                "{} \"{raw}\" 无法识别(应为 {}{examples})",
                T::WHAT,
                T::labels()
            ),
            value: raw.to_string(),
        }
    }
}

type RowResult<T> = Result<T, Refusal>;

/// A row's canonical fields as written, cleaned but not yet normalised; the spellings that
/// repeat down the registry are shared.
struct RawRow {
    id: String,
    name: String,
    type_raw: SharedText,
    owner: SharedText,
    level_raw: SharedText,
    region_raw: SharedText,
    kind_raw: SharedText,
    status_raw: SharedText,
    platform: SharedText,
    /// The county column's text (县(市、区)), when the export has one; placed with the region.
    county: SharedText,
}

/// Builds a registry from data rows, collecting rejects. Feed rows in order, then `finish`.
pub struct RegistryBuilder {
    header: HeaderMap,
    cache: Cache,
    /// One copy of each raw spelling (see [`SharedText`]).
    interner: Interner,
    /// The shared texts of the last row, per column [`RegistryBuilder::raw_row`] shares.
    recent: [SharedText; 8],
    accounts: Vec<(u32, Account)>,
    rejects: Rejects,
    /// Data rows pushed so far, blank ones included.
    pub rows_read: u64,
    /// Rows skipped because every cell was blank.
    pub blank_rows: u64,
    types: TypeScheme,
    /// `types` is the built-in scheme (an unknown spelling is refused, not 其他); kept, not
    /// recomputed per row.
    builtin_types: bool,
    spellings: ExportSpellings,
    /// The level of the campaign's own departments: rows at it may leave 所属地区 empty.
    own_level: Level,
}

/// A registry built: the accounts, the rows refused, and the identical copies of imported rows
/// (an account exported twice), each by row.
pub struct Finished {
    /// The accounts taken.
    pub registry: Registry,
    /// The rows refused, by row (counted in full, the first ones kept).
    pub rejects: Rejects,
    /// Rows identical to an earlier row of the same 账号ID: the account is imported once and
    /// these copies are listed (reason [`RejectReason::DuplicateRow`]), by row, counted in full
    /// and kept as rejects are.
    pub merged: Rejects,
}

fn is_total_row(cells: &[String]) -> bool {
    cells.iter().take(6).filter(|c| c.contains('计')).any(|c| {
        let k = match_key(c);
        matches!(k.as_str(), "合计" | "总计" | "小计" | "合计:" | "总计:")
            || k.starts_with("合计:")
            || k.starts_with("总计:")
            || k.starts_with("合计(")
            || k.starts_with("总计(")
    })
}

impl RegistryBuilder {
    /// A builder reading rows under `header`, with the built-in type scheme and spellings.
    pub fn new(header: HeaderMap) -> Self {
        RegistryBuilder {
            header,
            cache: Cache::default(),
            interner: Interner::default(),
            recent: Default::default(),
            accounts: Vec::new(),
            rejects: Rejects::default(),
            rows_read: 0,
            blank_rows: 0,
            types: TypeScheme::jiangsu_2020(),
            builtin_types: true,
            spellings: ExportSpellings::default(),
            own_level: Level::Province,
        }
    }

    /// For a city or county campaign: rows at the scope's own level (市级 for a city) may leave
    /// 所属地区 empty, as 省级 rows may in a province's registry.
    pub fn with_own_level(mut self, level: Level) -> Self {
        self.own_level = level;
        self
    }

    /// Classify account types by a profile's own scheme (微信/微博/抖音/今日头条/其他 …)
    /// instead of the built-in 微信/微博/移动客户端/其他: every spelling maps to a reported type
    /// (else 其他) and the original is kept as the platform.
    pub fn with_types(mut self, scheme: TypeScheme) -> Self {
        self.builtin_types = scheme.is_builtin();
        self.types = scheme;
        self
    }

    /// Read levels, statuses and owner kinds with a profile's own spellings too.
    pub fn with_spellings(mut self, spellings: ExportSpellings) -> Self {
        self.spellings = spellings;
        self
    }

    /// The header map the rows are read by.
    pub fn header(&self) -> &HeaderMap {
        &self.header
    }

    /// Add one data row (1-based spreadsheet row number); `lossy` lists the columns whose cell
    /// was a number with more than 15 digits.
    pub fn push(&mut self, row: u32, cells: &[String], lossy: &[usize]) {
        self.rows_read += 1;
        if cells.iter().all(|c| {
            c.trim_matches(crate::domain::text::is_blank_char)
                .is_empty()
        }) {
            self.blank_rows += 1;
            return;
        }
        match self.screen(cells, lossy).and_then(|()| self.account(cells)) {
            Ok(a) => self.accounts.push((row, a)),
            Err(r) => self.rejects.push(Reject {
                row,
                reason: r.reason,
                detail: r.detail,
                value: r.value,
                cells: cells.to_vec(),
            }),
        }
    }

    /// Rows that are no account or cannot be kept as they are: a 合计 row, a cell over Excel's
    /// limit, an id Excel has already damaged.
    fn screen(&self, cells: &[String], lossy: &[usize]) -> RowResult<()> {
        if is_total_row(cells) {
            return Err(Refusal::new(RejectReason::TotalRow, "合计/总计行不是账号"));
        }
        if let Some(c) = cells
            .iter()
            // A cell's bytes are at least its characters: most cells are never counted.
            .position(|c| c.len() > MAX_CELL_CHARS && c.chars().count() > MAX_CELL_CHARS)
        {
            let detail = format!(
                "第 {} 列超过 Excel 单元格上限 {MAX_CELL_CHARS} 个字符,无法写入检查表",
                c + 1
            );
            return Err(Refusal::new(RejectReason::CellTooLong, detail));
        }
        let id_col = self.header.column(Field::Id);
        if id_col.is_some_and(|c| lossy.contains(&c))
            || id_col
                .and_then(|c| cells.get(c))
                .is_some_and(|v| is_scientific(&clean_id(v)))
        {
            let detail = "编号超过15位数字,Excel 已丢失精度,请把该列设为文本后重新导出";
            return Err(Refusal::new(RejectReason::LossyId, detail));
        }
        Ok(())
    }

    /// One account from a row's cells (normalised, the originals kept), or why not. The checks
    /// run in the order the user is told about them: missing values, type, level, status, kind.
    fn account(&mut self, cells: &[String]) -> RowResult<Account> {
        let raw = self.raw_row(cells);
        let level = self.level_if_complete(&raw)?;
        let account_type = self.account_type(&raw.type_raw)?;
        let Some(level) = level else {
            let examples = " 或 设区市、市(州)级、县(市、区)、乡镇(街道) 等";
            return Err(Refusal::unknown::<Level>(
                RejectReason::UnknownLevel,
                &raw.level_raw,
                examples,
            ));
        };
        let status = self.status(&raw.status_raw)?;
        let owner_kind = self.owner_kind(&raw.kind_raw)?;
        let RawRow {
            id,
            name,
            type_raw,
            owner,
            level_raw,
            region_raw,
            kind_raw,
            status_raw,
            mut platform,
            county,
        } = raw;
        // An unlisted type (其他) or a profile's own scheme keeps the spelling as the platform.
        if platform.is_empty()
            && (account_type == crate::domain::profile::OTHER || !self.builtin_types)
        {
            platform = type_raw.clone();
        }
        let region = if region_raw.is_empty() {
            self.empty_region(level)
        } else {
            self.cache
                .regions
                .get(&region_raw, |r| normalize::region(r, "").into())
        };
        let extra = self
            .header
            .extras
            .iter()
            .map(|(_, i)| cells.get(*i).cloned().unwrap_or_default())
            .collect();
        Ok(Account {
            id,
            name,
            account_type,
            owner,
            level,
            region,
            owner_kind,
            status,
            platform,
            raw: RawTexts {
                account_type: type_raw,
                level: level_raw,
                region: region_raw,
                owner_kind: kind_raw,
                status: status_raw,
            },
            county,
            group: SharedText::default(),
            extra,
        })
    }

    /// The region of a row at `level` that leaves 所属地区 empty (省本级 for 省级).
    fn empty_region(&mut self, level: Level) -> SharedText {
        let known = &mut self.cache.empty_regions;
        if let Some((_, r)) = known.iter().find(|(l, _)| *l == level) {
            return r.clone();
        }
        let r = SharedText::from(normalize::region("", level.label()));
        known.push((level, r.clone()));
        r
    }

    /// A row's canonical fields, cleaned but not yet normalised. A non-ASCII id also has its
    /// full-width digits and letters folded ([`clean_id`]); an ASCII one needs no more.
    fn raw_row(&mut self, cells: &[String]) -> RawRow {
        let header = &self.header;
        let get = |f: Field| -> &str {
            header
                .fields
                .iter()
                .find(|(g, _)| *g == f)
                .and_then(|(_, i)| cells.get(*i))
                .map_or("", |s| s.trim_matches(crate::domain::text::is_blank_char))
        };
        let id = get(Field::Id);
        let (interner, recent) = (&mut self.interner, &mut self.recent);
        // The column's text of the row before is compared first: rows of one unit run together.
        let mut shared = |slot: usize, f: Field| {
            let text = get(f);
            if recent[slot].as_str() != text {
                recent[slot] = interner.get(text);
            }
            recent[slot].clone()
        };
        RawRow {
            id: if id.is_ascii() {
                id.to_string()
            } else {
                clean_id(id)
            },
            name: get(Field::Name).to_string(),
            type_raw: shared(0, Field::Type),
            owner: shared(1, Field::Owner),
            level_raw: shared(2, Field::Level),
            region_raw: shared(3, Field::Region),
            kind_raw: shared(4, Field::OwnerKind),
            status_raw: shared(5, Field::Status),
            platform: shared(6, Field::Platform),
            county: shared(7, Field::County),
        }
    }

    /// The normalised level (None when not recognised), once every required value is there; a
    /// region is required below the campaign's own level (省级 for a province).
    fn level_if_complete(&mut self, raw: &RawRow) -> RowResult<Option<Level>> {
        let mut missing = Vec::new();
        for (f, v) in [
            (Field::Id, raw.id.as_str()),
            (Field::Name, raw.name.as_str()),
            (Field::Type, raw.type_raw.as_str()),
            (Field::Owner, raw.owner.as_str()),
            (Field::Level, raw.level_raw.as_str()),
        ] {
            if v.is_empty() {
                missing.push(f.label());
            }
        }
        let spellings = &self.spellings;
        let level = self
            .cache
            .levels
            .get(&raw.level_raw, |r| spellings.level(r));
        let no_region = raw.region_raw.is_empty() && raw.county.is_empty();
        if no_region && level.is_some_and(|l| l > self.own_level) {
            missing.push(Field::Region.label());
        }
        if !missing.is_empty() {
            return Err(Refusal::new(
                RejectReason::MissingValue,
                format!("缺少 {}", missing.join("、")),
            ));
        }
        Ok(level)
    }

    /// The reported type: by the profile's own scheme (never refused, else 其他), or by the
    /// built-in scheme, which refuses a spelling no list knows.
    fn account_type(&mut self, type_raw: &SharedText) -> RowResult<SharedText> {
        let types = &self.types;
        match self
            .cache
            .types
            .get(type_raw, |r| types.lookup(r).map(SharedText::from))
        {
            Some(t) => Ok(t),
            None if !self.builtin_types => Ok(SharedText::from(crate::domain::profile::OTHER)),
            None => Err(Refusal {
                reason: RejectReason::UnknownType,
                detail: format!(
                    "类型 \"{type_raw}\" 无法识别(应为 微信/微博/移动客户端/其他 或其常见写法)"
                ),
                value: type_raw.to_string(),
            }),
        }
    }

    /// The status; an empty cell means 正常 (exports leave it blank for active accounts).
    fn status(&mut self, status_raw: &SharedText) -> RowResult<Status> {
        if status_raw.is_empty() {
            return Ok(Status::Active);
        }
        let spellings = &self.spellings;
        self.cache
            .statuses
            .get(status_raw, |r| spellings.status(r))
            .ok_or_else(|| Refusal::unknown::<Status>(RejectReason::UnknownStatus, status_raw, ""))
    }

    /// The owner kind; an empty cell means 部门, by far the most common.
    fn owner_kind(&mut self, kind_raw: &SharedText) -> RowResult<OwnerKind> {
        if kind_raw.is_empty() {
            return Ok(OwnerKind::Department);
        }
        let spellings = &self.spellings;
        self.cache
            .kinds
            .get(kind_raw, |r| spellings.owner_kind(r))
            .ok_or_else(|| {
                Refusal::unknown::<OwnerKind>(RejectReason::UnknownOwnerKind, kind_raw, "")
            })
    }

    /// The index among the extra columns (an account's `extra`) of the column headed `name`,
    /// matched as headers are.
    pub fn extra_column(&self, name: &str) -> Option<usize> {
        let k = match_key(name);
        self.header
            .extras
            .iter()
            .position(|(h, _)| match_key(h) == k)
    }

    /// The distinct 所属地区 texts of non-provincial accounts, for guessing the province.
    pub fn raw_regions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .accounts
            .iter()
            .filter(|(_, a)| a.level != Level::Province)
            .map(|(_, a)| a.raw.region.as_str())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Resolve every account's region through the province profile; rows whose region does not
    /// resolve become rejects.
    fn place(&mut self, profile: &crate::domain::profile::Profile) {
        // In place: a second vector of a million accounts would double the import's peak.
        let mut cache = place::RegionCache::default();
        let mut refused = Vec::new();
        let town = profile
            .town_column
            .as_deref()
            .and_then(|c| self.extra_column(c));
        for (i, (row, a)) in self.accounts.iter_mut().enumerate() {
            if let Err(e) = place::place(a, profile, &mut cache, town) {
                self.rejects.push(place::reject(*row, a, &e));
                refused.push(i);
            }
        }
        if !refused.is_empty() {
            let mut i = 0;
            self.accounts.retain(|_| {
                let keep = refused.binary_search(&i).is_err();
                i += 1;
                keep
            });
        }
    }

    /// Place every account's region through `profile` (see `place`), settle duplicated ids and
    /// return the registry, the rejects and the merged copies, by row. Rows of one id that are
    /// all identical are one account exported more than once: the first is imported, the others
    /// are listed as merged. Rows of one id that differ are all rejected: which one is right is
    /// for the office to say.
    pub fn finish(mut self, profile: &crate::domain::profile::Profile) -> Finished {
        self.place(profile);
        let mut counts: HashMap<&str, u32> = HashMap::with_capacity(self.accounts.len());
        for (_, a) in &self.accounts {
            *counts.entry(a.id.as_str()).or_default() += 1;
        }
        let dup: HashSet<String> = counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k.to_string())
            .collect();
        let mut rejects = self.rejects;
        let extra_headers = self.header.extras.iter().map(|(h, _)| h.clone()).collect();
        let mut merged = Rejects::default();
        let accounts = if dup.is_empty() {
            // The common case: no copy of a million accounts.
            self.accounts.into_iter().map(|(_, a)| a).collect()
        } else {
            let serials = serial_columns(&self.header);
            let dups = Duplicates {
                ids: &dup,
                serials: &serials,
            };
            settle_duplicates(self.accounts, &dups, &mut rejects, &mut merged)
        };
        rejects.sort();
        merged.sort();
        Finished {
            registry: Registry {
                extra_headers,
                accounts,
            },
            rejects,
            merged,
        }
    }
}

/// The extra columns (by position in `Registry::extra_headers`) that number the export's rows
/// (序号): an account exported twice differs there and nowhere else.
fn serial_columns(header: &HeaderMap) -> Vec<usize> {
    header
        .extras
        .iter()
        .enumerate()
        .filter(|(_, (h, _))| {
            let k = crate::domain::vocab::header_key(h);
            ["序号", "行号", "序", "编号", "no", "number"].contains(&k.as_str())
        })
        .map(|(k, _)| k)
        .collect()
}

/// The ids that occur more than once, and the serial columns their copies may differ in.
struct Duplicates<'a> {
    ids: &'a HashSet<String>,
    serials: &'a [usize],
}

impl Duplicates<'_> {
    /// Whether two rows of one id are the same account exported twice: every value equal but
    /// a row serial.
    fn same(&self, a: &Account, b: &Account) -> bool {
        let extras = |x: &Account| {
            x.extra
                .iter()
                .enumerate()
                .filter(|(i, _)| !self.serials.contains(i))
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        let fields = |x: &Account| Account {
            extra: Vec::new(),
            ..x.clone()
        };
        fields(a) == fields(b) && extras(a) == extras(b)
    }
}

/// The accounts with duplicated ids settled: identical copies (a row serial aside) merged into
/// the first, differing ones all rejected (each reject names every row of its id).
fn settle_duplicates(
    accounts: Vec<(u32, Account)>,
    dups: &Duplicates<'_>,
    rejects: &mut Rejects,
    merged: &mut Rejects,
) -> Vec<Account> {
    let dup = dups.ids;
    let mut copies: HashMap<&str, Vec<(u32, &Account)>> = HashMap::new();
    for (row, a) in &accounts {
        if dup.contains(&a.id) {
            copies.entry(a.id.as_str()).or_default().push((*row, a));
        }
    }
    let identical: HashSet<String> = copies
        .iter()
        .filter(|(_, rows)| rows.iter().all(|(_, a)| dups.same(a, rows[0].1)))
        .map(|(id, _)| id.to_string())
        .collect();
    let rows_of: HashMap<String, Vec<u32>> = copies
        .into_iter()
        .map(|(id, rows)| (id.to_string(), rows.iter().map(|(r, _)| *r).collect()))
        .collect();
    let mut out = Vec::with_capacity(accounts.len());
    let mut seen: HashSet<String> = HashSet::new();
    for (row, a) in accounts {
        if !dup.contains(&a.id) {
            out.push(a);
            continue;
        }
        let rows = &rows_of[&a.id];
        // At most ten rows named: an id copied a million times must not write a million
        // numbers into each of its million rejects.
        let list = format!(
            "{}{}",
            rows.iter()
                .take(10)
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("、"),
            if rows.len() > 10 { " 等" } else { "" }
        );
        let mut cells = super::Registry::canonical_row(&a, false);
        cells.truncate(Field::ALL.len());
        if identical.contains(&a.id) {
            if seen.insert(a.id.clone()) {
                out.push(a);
                continue;
            }
            merged.push(Reject {
                row,
                reason: RejectReason::DuplicateRow,
                detail: format!(
                    "与第 {} 行完全相同{}(账号ID \"{}\" 出现在第 {list} 行),按 1 个账号导入",
                    rows[0],
                    if dups.serials.is_empty() {
                        ""
                    } else {
                        "(序号除外)"
                    },
                    a.id
                ),
                value: a.id.clone(),
                cells,
            });
        } else {
            rejects.push(Reject {
                row,
                reason: RejectReason::DuplicateId,
                detail: format!(
                    "账号ID \"{}\" 出现 {} 次(第 {list} 行),内容不同,无法判断哪一行正确",
                    a.id,
                    rows.len()
                ),
                value: a.id.clone(),
                cells,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocab::ColumnAliases;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn jiangsu() -> crate::domain::profile::Profile {
        crate::domain::profile::Profile::builtin(crate::domain::profile::province("江苏").unwrap())
    }

    /// An account exported twice (its 序号 aside) is one account; an id whose rows differ is
    /// rejected on every row.
    #[test]
    fn identical_copies_merge_and_differing_ones_are_rejected() {
        let header = s(&[
            "序号",
            "账号ID",
            "名称",
            "类型",
            "开设主体",
            "层级",
            "地区",
            "备注",
        ]);
        let h = HeaderMap::detect(1, &header, &ColumnAliases::default()).unwrap();
        let mut b = RegistryBuilder::new(h);
        let row = |serial: &str, id: &str, name: &str| {
            s(&[serial, id, name, "微信", "某局", "省级", "", "x"])
        };
        b.push(2, &row("1", "A", "甲"), &[]);
        b.push(3, &row("2", "B", "乙"), &[]);
        b.push(4, &row("3", "A", "甲"), &[]);
        b.push(5, &row("4", "B", "乙2"), &[]);
        b.push(6, &row("5", "A", "甲"), &[]);
        let f = b.finish(&jiangsu());
        assert_eq!(f.registry.accounts.len(), 1);
        assert_eq!(f.registry.accounts[0].extra, ["1", "x"]);
        let merged: Vec<u32> = f.merged.iter().map(|r| r.row).collect();
        assert_eq!(merged, [4, 6]);
        assert!(
            f.merged.kept()[0]
                .detail
                .starts_with("与第 2 行完全相同(序号除外)"),
            "{}",
            f.merged.kept()[0].detail
        );
        let rejected: Vec<(u32, RejectReason)> =
            f.rejects.iter().map(|r| (r.row, r.reason)).collect();
        assert_eq!(
            rejected,
            [
                (3, RejectReason::DuplicateId),
                (5, RejectReason::DuplicateId)
            ]
        );
    }

    /// A profile's spellings are read as rows arrive.
    #[test]
    fn a_profiles_spellings_apply() {
        let header = s(&["账号ID", "名称", "类型", "开设主体", "层级", "地区"]);
        let h = HeaderMap::detect(1, &header, &ColumnAliases::default()).unwrap();
        let profile = crate::domain::profile::Profile::parse(
            "province = \"江苏\"\n[levels.aliases]\n\"地市本级\" = \"市级\"\n",
        )
        .unwrap();
        let mut b = RegistryBuilder::new(h).with_spellings(profile.spellings.clone());
        b.push(
            2,
            &s(&["A", "甲", "微信", "南京市某局", "地市本级", "南京"]),
            &[],
        );
        b.push(
            3,
            &s(&["B", "乙", "微信", "南京市某局", "地市直管", "南京"]),
            &[],
        );
        let f = b.finish(&profile);
        assert_eq!(f.registry.accounts[0].level, Level::City);
        assert_eq!(f.rejects.kept()[0].reason, RejectReason::UnknownLevel);
        assert_eq!(f.rejects.kept()[0].value, "地市直管");
    }
}
