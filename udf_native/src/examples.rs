//! The SQL examples of the UDF documentation, as data: rendered into each UDF's
//! `Documentation::sql_example`, and evaluated by the tests so that no documented result
//! can be wrong.

/// A literal in an example call or result.
#[derive(Debug, Clone, Copy)]
pub enum Lit {
    /// A string literal (Utf8).
    S(&'static str),
    /// An integer literal (Int64).
    I(i64),
    /// An unsigned result (UInt64).
    U(u64),
    B(bool),
    Null,
}

impl Lit {
    fn sql(self) -> String {
        match self {
            Lit::S(s) => format!("'{}'", s.replace('\'', "''")),
            Lit::I(v) => v.to_string(),
            Lit::U(v) => v.to_string(),
            Lit::B(b) => b.to_string(),
            Lit::Null => "NULL".to_string(),
        }
    }
}

pub struct Example {
    pub args: &'static [Lit],
    pub result: Lit,
}

use Lit::*;

macro_rules! ex {
    ([$($arg:expr),* $(,)?], $result:expr) => {
        Example { args: &[$($arg),*], result: $result }
    };
}

/// The examples of one UDF (empty for an unknown name).
pub fn examples(name: &str) -> &'static [Example] {
    match name {
        "stable_hash64" => &[
            ex!([I(1)], U(8627188581306031383)),
            ex!([S("abc")], U(2785613543231911589)),
            ex!([Null], U(14144645293874801883)),
            ex!([I(1), S("a"), Null, B(true)], U(14642881691271474361)),
        ],
        "stable_id" => &[
            ex!([S("file"), S("src/app.py")], S("file:f2a55255247ea35b")),
            ex!([S("span"), S("src/app.py"), I(10), I(42)], S("span:ea6738200fcc9a4f")),
            ex!([Null, I(1)], Null),
        ],
        "span_contains" => &[
            ex!([I(0), I(10), I(2), I(5)], B(true)),
            ex!([I(0), I(10), I(5), I(12)], B(false)),
            ex!([I(0), I(10), Null, I(5)], Null),
        ],
        "span_overlaps" => &[
            ex!([I(0), I(5), I(4), I(9)], B(true)),
            ex!([I(0), I(5), I(5), I(9)], B(false)),
            ex!([I(3), I(3), I(0), I(9)], B(false)),
        ],
        "utf8_normalize" => &[
            ex!([S("\u{fb01}le"), S("NFKC")], S("file")),
            ex!([S("\u{ff36}\u{ff49}\u{ff45}\u{ff57}"), S("nfkc")], S("View")),
            ex!([S("\u{212b}")], S("\u{c5}")),
            ex!([Null], Null),
        ],
        "path_normalize" => &[
            ex!([S("a//b/./c/../d/")], S("a/b/d")),
            ex!([S("/../x")], S("/x")),
            ex!([S("../a/../../b")], S("../../b")),
            ex!([S("C:\\src\\x.py")], S("C:/src/x.py")),
            ex!([S("")], S(".")),
        ],
        "qualified_name" => &[
            ex!([S("pkg"), Null, S("Mod"), S(""), S("f")], S("pkg.Mod.f")),
            ex!([S("a.b"), S("c")], S("a.b.c")),
            ex!([Null, S("")], Null),
        ],
        _ => &[],
    }
}

/// The examples of `name` as SQL, one statement per line with its result in a comment.
pub fn render(name: &str) -> String {
    let lines: Vec<(String, String)> = examples(name)
        .iter()
        .map(|e| {
            let args: Vec<String> = e.args.iter().map(|a| a.sql()).collect();
            (format!("SELECT {name}({});", args.join(", ")), e.result.sql())
        })
        .collect();
    let width = lines.iter().map(|(sql, _)| sql.chars().count()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(sql, result)| format!("{sql:width$}  -- {result}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion_common::ScalarValue;

    fn scalar(lit: Lit) -> ScalarValue {
        match lit {
            S(s) => ScalarValue::Utf8(Some(s.to_string())),
            I(v) => ScalarValue::Int64(Some(v)),
            U(v) => ScalarValue::UInt64(Some(v)),
            B(b) => ScalarValue::Boolean(Some(b)),
            Null => ScalarValue::Null,
        }
    }

    #[test]
    fn every_documented_example_holds() {
        let mut checked = 0;
        for entry in crate::registry() {
            let name = entry.udf.name().to_string();
            let examples = examples(&name);
            assert!(!examples.is_empty(), "{name} has no examples");
            for e in examples {
                let args: Vec<ScalarValue> = e.args.iter().map(|a| scalar(*a)).collect();
                let got = crate::testing::call_scalars(&entry.udf, &args).unwrap();
                let expected = scalar(e.result);
                let same = if expected.is_null() { got.is_null() } else { got == expected };
                assert!(same, "{name}{:?}: documented {expected:?}, got {got:?}", e.args);
                // The same through 3-row arrays, as the FFI layer passes arguments.
                let rows = crate::testing::call_arrays(&entry.udf, &args, 3).unwrap();
                assert!(rows.iter().all(|r| r == &got), "{name}{:?}: arrays gave {rows:?}", e.args);
                checked += 1;
            }
        }
        assert!(checked >= 20);
    }

    #[test]
    fn rendering() {
        let text = render("path_normalize");
        assert!(text.starts_with("SELECT path_normalize('a//b/./c/../d/');  -- 'a/b/d'\n"), "{text}");
        assert_eq!(Lit::S("it's").sql(), "'it''s'");
    }
}
