//! Finding the header row of a registry export and what each of its columns holds: the
//! built-in header list ([`Field::aliases`]) with the profile's `[columns]` on top; and, for a
//! header that names no field, the fields it most resembles.

use super::Field;
use crate::domain::text::{clean, closest, match_key};
use crate::domain::vocab::{header_key, ColumnAliases};

/// Where the header was found and what each column means.
#[derive(Clone, Debug)]
pub struct HeaderMap {
    /// 1-based row the header was found on (title rows above it are skipped).
    pub row: u32,
    /// Canonical fields and the 0-based column each was found in.
    pub fields: Vec<(Field, usize)>,
    /// Other non-empty headers and their columns, kept as extra columns, in column order.
    pub extras: Vec<(String, usize)>,
    /// Every cell of the header row, cleaned.
    pub headers: Vec<String>,
}

impl HeaderMap {
    /// The column a field was found in.
    pub fn column(&self, f: Field) -> Option<usize> {
        self.fields.iter().find(|(g, _)| *g == f).map(|(_, i)| *i)
    }

    /// Try a row as the header: it must name every required field, by the profile's
    /// `[columns]` or the built-in list. Err lists the required fields it lacks.
    pub fn detect(
        row: u32,
        cells: &[String],
        columns: &ColumnAliases,
    ) -> Result<HeaderMap, Vec<Field>> {
        let h = HeaderMap::read(row, cells, columns);
        let missing: Vec<Field> = h.lacking().into_iter().filter(|f| f.required()).collect();
        if missing.is_empty() {
            Ok(h)
        } else {
            Err(missing)
        }
    }

    /// What each cell of a row names, whether or not every required field is there: one
    /// column per field (a header the profile maps beats a built-in one, 账号ID beats a bare
    /// 编号), every other non-empty header an extra column.
    pub fn read(row: u32, cells: &[String], columns: &ColumnAliases) -> HeaderMap {
        let mut fields: Vec<(Field, usize)> = Vec::new();
        let mut extras = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            let h = clean(c);
            if h.is_empty() {
                continue;
            }
            let Some(f) = columns.resolve(&h) else {
                extras.push((h, i));
                continue;
            };
            match fields.iter().position(|(g, _)| *g == f) {
                None => fields.push((f, i)),
                Some(k) if beats(columns, f, &h, &cells[fields[k].1]) => {
                    let (_, old) = fields[k];
                    extras.push((clean(&cells[old]), old));
                    fields[k] = (f, i);
                }
                Some(_) => extras.push((h, i)),
            }
        }
        extras.sort_by_key(|(_, i)| *i);
        HeaderMap {
            row,
            fields,
            extras,
            headers: cells.iter().map(|c| clean(c)).collect(),
        }
    }

    /// The fields no column names, required or not, in field order.
    pub fn lacking(&self) -> Vec<Field> {
        Field::ALL
            .into_iter()
            .filter(|f| self.column(*f).is_none())
            .collect()
    }

    /// How many cells of a row name a field: the row that names most is the closest to a
    /// header when none names every required field.
    pub fn fields_named(cells: &[String], columns: &ColumnAliases) -> usize {
        cells
            .iter()
            .filter(|c| columns.resolve(&clean(c)).is_some())
            .count()
    }
}

/// Whether header `h` should take field `f` from the header already holding it: one the profile
/// maps beats a built-in one, and 账号ID beats a bare 编号 (often a serial 1, 2, 3…) wherever
/// they stand.
fn beats(columns: &ColumnAliases, f: Field, h: &str, holder: &str) -> bool {
    match (
        columns.listed(h).is_some(),
        columns.listed(holder).is_some(),
    ) {
        (true, false) => true,
        (false, true) => false,
        _ => f == Field::Id && id_rank(h) < id_rank(holder),
    }
}

/// How strongly a header names the account id: lower wins. A bare 编号 is often a row serial.
fn id_rank(header: &str) -> usize {
    let k = header_key(header);
    ["账号ID", "备案编号", "账号编号", "备案号", "id", "编号"]
        .iter()
        .position(|a| header_key(a) == k)
        .unwrap_or(usize::MAX)
}

/// The fields among `wanted` a header that names none most resembles (by its built-in headers),
/// closest first: "行政归属层级" → 层级. Empty when nothing is alike enough to suggest.
pub fn closest_headers(header: &str, wanted: &[Field]) -> Vec<Field> {
    let key = match_key(header);
    let names: Vec<(String, Field)> = wanted
        .iter()
        .flat_map(|f| f.aliases().iter().map(move |h| (match_key(h), *f)))
        .filter(|(h, _)| !h.is_ascii())
        .collect();
    let mut out: Vec<Field> = Vec::new();
    for name in closest(&key, names.iter().map(|(h, _)| h.as_str()), names.len()) {
        if let Some((_, f)) = names.iter().find(|(h, _)| h == name) {
            if !out.contains(f) {
                out.push(*f);
            }
        }
    }
    out.truncate(2);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    /// A profile's `[columns]` names a header the built-in list does not know, and beats a
    /// built-in header for the same field.
    #[test]
    fn profile_columns_name_headers() {
        let row = s(&[
            "编号",
            "账号名称",
            "平台类型",
            "主办单位",
            "账号归属层次",
            "所属地区",
        ]);
        assert_eq!(
            HeaderMap::detect(2, &row, &ColumnAliases::default()).unwrap_err(),
            [Field::Level]
        );
        let cols = ColumnAliases::new([("账号归属层次", "层级"), ("平台类型", "type")]).unwrap();
        let h = HeaderMap::detect(2, &row, &cols).unwrap();
        assert_eq!(h.column(Field::Level), Some(4));
        assert_eq!(h.column(Field::Type), Some(2));
        let row = s(&[
            "账号ID",
            "名称",
            "类型",
            "开设主体",
            "层级",
            "地区",
            "网站编号",
        ]);
        let cols = ColumnAliases::new([("网站编号", "账号ID")]).unwrap();
        let h = HeaderMap::detect(1, &row, &cols).unwrap();
        assert_eq!(h.column(Field::Id), Some(6));
        assert_eq!(h.extras, [("账号ID".to_string(), 0)]);
    }

    #[test]
    fn unknown_headers_suggest_the_missing_field() {
        assert_eq!(
            closest_headers("账号归属层次", &[Field::Level, Field::Status])[0],
            Field::Level
        );
        assert_eq!(
            closest_headers("所属市（州）名称", &[Field::Region]),
            [Field::Region]
        );
        assert!(closest_headers("备注", &[Field::Level]).is_empty());
    }
}
