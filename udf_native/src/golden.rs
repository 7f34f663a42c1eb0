//! Golden values pinning `stable_hash64` / `stable_id`. Each case carries
//! - the SQL expression (the key in `golden.json`, checked by the Python tests through
//!   DataFusion),
//! - the argument values DataFusion produces for that expression,
//! - the canonical encoding built by hand from the specification, and
//! - the expected result, hard-coded.
//!
//! A change of hash algorithm or encoding fails here, and `golden.json` cannot drift from
//! this table.

use std::collections::BTreeMap;

use arrow::datatypes::DataType;
use datafusion_common::ScalarValue;
use xxhash_rust::xxh3::xxh3_64;

enum Expect {
    Hash(u64),
    Id(Option<&'static str>),
}

struct Case {
    sql: &'static str,
    args: Vec<ScalarValue>,
    /// The concatenated canonical encodings of the hashed values, built by hand.
    bytes: Vec<u8>,
    expect: Expect,
}

fn int(v: i64) -> Vec<u8> {
    [vec![0x02], v.to_le_bytes().to_vec()].concat()
}
fn string(s: &str) -> Vec<u8> {
    [vec![0x06], (s.len() as u64).to_le_bytes().to_vec(), s.as_bytes().to_vec()].concat()
}
fn float(v: f64) -> Vec<u8> {
    [vec![0x04], v.to_bits().to_le_bytes().to_vec()].concat()
}
fn utf8(s: &str) -> ScalarValue {
    ScalarValue::Utf8(Some(s.into()))
}
const NULL: u8 = 0x00;

fn cases() -> Vec<Case> {
    use Expect::*;
    use ScalarValue as V;
    let case = |sql, args, bytes, expect| Case { sql, args, bytes, expect };
    // 2024-01-02 03:04:05 UTC in nanoseconds; 2024-02-29 in days.
    let ts_ns = 1_704_164_645_000_000_000i64;
    let leap_day = 19_782i32;
    vec![
        case("stable_hash64(NULL)", vec![V::Null], vec![NULL], Hash(0xc44bdff4074eecdb)),
        case("stable_hash64(NULL, NULL)", vec![V::Null, V::Null], vec![NULL, NULL], Hash(0x3325230e1f285505)),
        case("stable_hash64(1)", vec![V::Int64(Some(1))], int(1), Hash(0x77b9ee4e4f0d5d17)),
        case("stable_hash64(CAST(1 AS TINYINT))", vec![V::Int8(Some(1))], int(1), Hash(0x77b9ee4e4f0d5d17)),
        case("stable_hash64(CAST(1 AS BIGINT))", vec![V::Int64(Some(1))], int(1), Hash(0x77b9ee4e4f0d5d17)),
        case("stable_hash64(CAST(1 AS INT UNSIGNED))", vec![V::UInt32(Some(1))], int(1), Hash(0x77b9ee4e4f0d5d17)),
        case("stable_hash64(-1)", vec![V::Int64(Some(-1))], int(-1), Hash(0x51957c455b8e6c65)),
        case(
            "stable_hash64(CAST(18446744073709551615 AS BIGINT UNSIGNED))",
            vec![V::UInt64(Some(u64::MAX))],
            [vec![0x03], u64::MAX.to_le_bytes().to_vec()].concat(),
            Hash(0x461f577b67b45767),
        ),
        case("stable_hash64('abc')", vec![utf8("abc")], string("abc"), Hash(0x26a87cc23ddaf6a5)),
        case(
            "stable_hash64(arrow_cast('abc', 'LargeUtf8'))",
            vec![V::LargeUtf8(Some("abc".into()))],
            string("abc"),
            Hash(0x26a87cc23ddaf6a5),
        ),
        case(
            "stable_hash64(arrow_cast('abc', 'Utf8View'))",
            vec![V::Utf8View(Some("abc".into()))],
            string("abc"),
            Hash(0x26a87cc23ddaf6a5),
        ),
        case(
            "stable_hash64(arrow_cast('abc', 'Dictionary(Int32, Utf8)'))",
            vec![V::Dictionary(Box::new(DataType::Int32), Box::new(utf8("abc")))],
            string("abc"),
            Hash(0x26a87cc23ddaf6a5),
        ),
        case("stable_hash64('')", vec![utf8("")], string(""), Hash(0xf910c9b2637410d1)),
        case("stable_hash64('ab', 'c')", vec![utf8("ab"), utf8("c")], [string("ab"), string("c")].concat(), Hash(0x8597e67c5624d3b0)),
        case("stable_hash64('a', 'bc')", vec![utf8("a"), utf8("bc")], [string("a"), string("bc")].concat(), Hash(0xffb6581f6d063f13)),
        case("stable_hash64('é')", vec![utf8("é")], string("\u{e9}"), Hash(0x17dd1e789f213c75)),
        case(
            "stable_hash64(X'00ff')",
            vec![V::Binary(Some(vec![0x00, 0xff]))],
            [vec![0x07], 2u64.to_le_bytes().to_vec(), vec![0x00, 0xff]].concat(),
            Hash(0xb057ee022dba6694),
        ),
        case("stable_hash64(true)", vec![V::Boolean(Some(true))], vec![0x01, 0x01], Hash(0x070d80d6a76865f3)),
        case("stable_hash64(false)", vec![V::Boolean(Some(false))], vec![0x01, 0x00], Hash(0xab94ac0ace7276c0)),
        case("stable_hash64(1.5)", vec![V::Float64(Some(1.5))], float(1.5), Hash(0x1feb7ca504b6705d)),
        case("stable_hash64(CAST(1.5 AS FLOAT))", vec![V::Float32(Some(1.5))], float(1.5), Hash(0x1feb7ca504b6705d)),
        case("stable_hash64(CAST(-0.0 AS DOUBLE))", vec![V::Float64(Some(-0.0))], float(0.0), Hash(0xee53fd1b240e9dc6)),
        case("stable_hash64(CAST(0.0 AS DOUBLE))", vec![V::Float64(Some(0.0))], float(0.0), Hash(0xee53fd1b240e9dc6)),
        case(
            "stable_hash64(CAST('NaN' AS DOUBLE))",
            vec![V::Float64(Some(f64::NAN))],
            [vec![0x04], 0x7FF8_0000_0000_0000u64.to_le_bytes().to_vec()].concat(),
            Hash(0x4540988cb3890760),
        ),
        case(
            "stable_hash64(CAST(12.34 AS DECIMAL(10, 2)))",
            vec![V::Decimal128(Some(1234), 10, 2)],
            [vec![0x05, 2], 1234i128.to_le_bytes().to_vec()].concat(),
            Hash(0x752bd3a3899943c3),
        ),
        case(
            "stable_hash64(DATE '2024-02-29')",
            vec![V::Date32(Some(leap_day))],
            [vec![0x08], (leap_day as i64).to_le_bytes().to_vec()].concat(),
            Hash(0xf0a03b703ea3b538),
        ),
        case(
            "stable_hash64(TIMESTAMP '2024-01-02 03:04:05')",
            vec![V::TimestampNanosecond(Some(ts_ns), None)],
            [vec![0x0A, 3], ts_ns.to_le_bytes().to_vec()].concat(),
            Hash(0x178202c08bd8cd9d),
        ),
        case(
            "stable_hash64(arrow_cast(1700000000000000, 'Timestamp(Microsecond, None)'))",
            vec![V::TimestampMicrosecond(Some(1_700_000_000_000_000), None)],
            [vec![0x0A, 2], 1_700_000_000_000_000i64.to_le_bytes().to_vec()].concat(),
            Hash(0x9a75c2ff9f20c84a),
        ),
        case(
            "stable_hash64(1, 'a', NULL, true)",
            vec![V::Int64(Some(1)), utf8("a"), V::Null, V::Boolean(Some(true))],
            [int(1), string("a"), vec![NULL], vec![0x01, 0x01]].concat(),
            Hash(0xcb35f751204eacb9),
        ),
        case("stable_id('x', 1)", vec![utf8("x"), V::Int64(Some(1))], int(1), Id(Some("x:77b9ee4e4f0d5d17"))),
        case(
            "stable_id('file', 'src/app.py')",
            vec![utf8("file"), utf8("src/app.py")],
            string("src/app.py"),
            Id(Some("file:f2a55255247ea35b")),
        ),
        case(
            "stable_id('span', 'src/app.py', 10, 42)",
            vec![utf8("span"), utf8("src/app.py"), V::Int64(Some(10)), V::Int64(Some(42))],
            [string("src/app.py"), int(10), int(42)].concat(),
            Id(Some("span:ea6738200fcc9a4f")),
        ),
        case("stable_id('x', NULL)", vec![utf8("x"), V::Null], vec![NULL], Id(Some("x:c44bdff4074eecdb"))),
        case("stable_id('', 1)", vec![utf8(""), V::Int64(Some(1))], int(1), Id(Some(":77b9ee4e4f0d5d17"))),
        case("stable_id(NULL, 1)", vec![V::Null, V::Int64(Some(1))], int(1), Id(None)),
    ]
}

fn f16_type_check() -> DataType {
    ScalarValue::Float32(Some(1.5)).cast_to(&DataType::Float16).unwrap().data_type()
}

fn udf(name: &str) -> std::sync::Arc<datafusion_expr::ScalarUDF> {
    crate::udfs().into_iter().find(|u| u.name() == name).unwrap()
}

#[test]
fn hand_built_encodings_hash_to_the_pinned_values() {
    for c in cases() {
        let h = xxh3_64(&c.bytes);
        match c.expect {
            Expect::Hash(expected) => assert_eq!(h, expected, "{}: {h:#018x}", c.sql),
            Expect::Id(Some(id)) => assert_eq!(id.rsplit(':').next().unwrap(), format!("{h:016x}"), "{}", c.sql),
            Expect::Id(None) => {}
        }
    }
}

#[test]
fn the_kernel_encodes_like_the_specification() {
    for c in cases() {
        let values = match c.expect {
            Expect::Hash(_) => &c.args[..],
            Expect::Id(_) => &c.args[1..],
        };
        let mut bytes = Vec::new();
        for v in values {
            crate::hash::encode_value(v.to_array().unwrap().as_ref(), 0, &mut bytes).unwrap();
        }
        assert_eq!(bytes, c.bytes, "{}", c.sql);
    }
}

#[test]
fn the_udfs_return_the_pinned_values() {
    let (hash, id) = (udf("stable_hash64"), udf("stable_id"));
    for c in cases() {
        let (udf, expected) = match c.expect {
            Expect::Hash(h) => (&hash, ScalarValue::UInt64(Some(h))),
            Expect::Id(s) => (&id, ScalarValue::Utf8(s.map(str::to_string))),
        };
        let got = crate::testing::call_scalars(udf, &c.args).unwrap();
        assert_eq!(got, expected, "{}", c.sql);
        let rows = crate::testing::call_arrays(udf, &c.args, 2).unwrap();
        assert_eq!(rows, vec![expected.clone(), expected], "{} (arrays)", c.sql);
    }
}

#[test]
fn golden_json_matches_this_table() {
    let text = include_str!("../golden.json");
    let json: BTreeMap<String, Option<String>> = serde_json::from_str(text).unwrap();
    let table: BTreeMap<String, Option<String>> = cases()
        .into_iter()
        .map(|c| {
            let expected = match c.expect {
                Expect::Hash(h) => Some(format!("{h:016x}")),
                Expect::Id(s) => s.map(str::to_string),
            };
            (c.sql.to_string(), expected)
        })
        .collect();
    assert_eq!(json, table);
}

#[test]
fn golden_equivalences_and_differences() {
    let by_sql: BTreeMap<&str, u64> = cases()
        .iter()
        .filter_map(|c| match c.expect {
            Expect::Hash(h) => Some((c.sql, h)),
            _ => None,
        })
        .collect();
    let same = |a: &str, b: &str| assert_eq!(by_sql[a], by_sql[b], "{a} vs {b}");
    same("stable_hash64(CAST(1 AS TINYINT))", "stable_hash64(CAST(1 AS BIGINT))");
    same("stable_hash64(1)", "stable_hash64(CAST(1 AS INT UNSIGNED))");
    same("stable_hash64(CAST(-0.0 AS DOUBLE))", "stable_hash64(CAST(0.0 AS DOUBLE))");
    same("stable_hash64(1.5)", "stable_hash64(CAST(1.5 AS FLOAT))");
    same("stable_hash64('abc')", "stable_hash64(arrow_cast('abc', 'Utf8View'))");
    assert_ne!(by_sql["stable_hash64('ab', 'c')"], by_sql["stable_hash64('a', 'bc')"]);
    assert_ne!(by_sql["stable_hash64(NULL)"], by_sql["stable_hash64(NULL, NULL)"]);
    assert_ne!(by_sql["stable_hash64(NULL)"], by_sql["stable_hash64('')"]);
    assert_ne!(by_sql["stable_hash64(true)"], by_sql["stable_hash64(1)"]);
}

#[test]
fn time_zones_are_ignored_and_units_are_not() {
    let hash = udf("stable_hash64");
    let call = |v: ScalarValue| crate::testing::call_scalars(&hash, &[v]).unwrap();
    let utc = call(ScalarValue::TimestampMicrosecond(Some(1_700_000_000_000_000), Some("UTC".into())));
    let plus = call(ScalarValue::TimestampMicrosecond(Some(1_700_000_000_000_000), Some("+01:00".into())));
    let naive = call(ScalarValue::TimestampMicrosecond(Some(1_700_000_000_000_000), None));
    assert_eq!(utc, plus);
    assert_eq!(utc, naive);
    assert_eq!(utc, ScalarValue::UInt64(Some(0x9a75c2ff9f20c84a)));
    let millis = call(ScalarValue::TimestampMillisecond(Some(1_700_000_000_000), None));
    assert_ne!(millis, utc, "the unit is part of the encoding");
    // Date64, Time32/64 and Duration each have their own tag.
    let d64 = call(ScalarValue::Date64(Some(86_400_000)));
    let t32 = call(ScalarValue::Time32Second(Some(5)));
    let t64 = call(ScalarValue::Time64Nanosecond(Some(5)));
    let dur = call(ScalarValue::DurationSecond(Some(5)));
    let expected = |bytes: Vec<u8>| ScalarValue::UInt64(Some(xxh3_64(&bytes)));
    assert_eq!(d64, expected([vec![0x09], 86_400_000i64.to_le_bytes().to_vec()].concat()));
    assert_eq!(t32, expected([vec![0x0B, 0], 5i64.to_le_bytes().to_vec()].concat()));
    assert_eq!(t64, expected([vec![0x0B, 3], 5i64.to_le_bytes().to_vec()].concat()));
    assert_eq!(dur, expected([vec![0x0C, 0], 5i64.to_le_bytes().to_vec()].concat()));
    // Float16 and Decimal32/64 widen like Float64 and Decimal128.
    let f16 = call(ScalarValue::Float32(Some(1.5)).cast_to(&DataType::Float16).unwrap());
    assert_eq!(f16_type_check(), DataType::Float16);
    assert_eq!(f16, ScalarValue::UInt64(Some(0x1feb7ca504b6705d)));
    let d32 = call(ScalarValue::Decimal32(Some(1234), 9, 2));
    let d64 = call(ScalarValue::Decimal64(Some(1234), 18, 2));
    assert_eq!(d32, ScalarValue::UInt64(Some(0x752bd3a3899943c3)));
    assert_eq!(d64, d32);
    let fsb = call(ScalarValue::FixedSizeBinary(2, Some(vec![0x00, 0xff])));
    assert_eq!(fsb, ScalarValue::UInt64(Some(0xb057ee022dba6694)));
}
