//! Native core of viewls, built by maturin into `viewls._native`.
//!
//! The crate defines viewls's custom SQL functions as DataFusion [`ScalarUDFImpl`]s and
//! exports them to Python through `datafusion-ffi` capsules (feature `python`). The same
//! definitions produce the UDF catalogue ([`udf_catalog`]), the only registry of custom
//! functions (DESIGN.md, "Rust-UDF-first").
//!
//! Architecture invariants:
//! - every UDF is `Immutable`, declares its signatures once ([`common::Declared`]), and
//!   carries full `Documentation` whose SQL examples are checked by the tests;
//! - kernels never panic into the FFI layer ([`common::guarded`]);
//! - `stable_hash64`'s encoding is pinned by golden values (`golden.json`).

use std::sync::Arc;

use datafusion_expr::ScalarUDF;

pub mod catalog;
pub mod common;
pub mod examples;
pub mod hash;
pub mod spans;
pub mod sql;
pub mod text;

#[cfg(feature = "python")]
mod python;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod testing;

use common::{Declared, DeclaredSignature};

/// A UDF with the catalogue facts that `ScalarUDFImpl` does not carry.
pub struct UdfEntry {
    pub udf: Arc<ScalarUDF>,
    pub signatures: &'static [DeclaredSignature],
    pub null_handling: &'static str,
}

fn entry<T: Declared>() -> UdfEntry {
    UdfEntry {
        udf: Arc::new(ScalarUDF::new_from_impl(T::default())),
        signatures: T::SIGNATURES,
        null_handling: T::NULL_HANDLING,
    }
}

/// Every UDF of the crate, in catalogue order.
pub fn registry() -> Vec<UdfEntry> {
    vec![
        entry::<hash::StableHash64>(),
        entry::<hash::StableId>(),
        entry::<spans::SpanContains>(),
        entry::<spans::SpanOverlaps>(),
        entry::<text::Utf8Normalize>(),
        entry::<text::PathNormalize>(),
        entry::<text::QualifiedName>(),
    ]
}

/// Every UDF of the crate.
pub fn udfs() -> Vec<Arc<ScalarUDF>> {
    registry().into_iter().map(|e| e.udf).collect()
}

/// The catalogue of every UDF as JSON (see README.md).
pub fn udf_catalog() -> String {
    catalog::to_json(&registry())
}

/// The major version of the datafusion-ffi crate compiled in.
pub fn datafusion_ffi_major() -> u64 {
    datafusion_ffi::version()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ffi_major_is_55() {
        assert_eq!(super::datafusion_ffi_major(), 55);
    }

    #[test]
    fn names_are_unique_and_all_immutable() {
        let udfs = super::udfs();
        let mut names: Vec<&str> = udfs.iter().map(|u| u.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), udfs.len());
        for u in &udfs {
            assert_eq!(u.signature().volatility, datafusion_expr::Volatility::Immutable);
        }
    }

    #[test]
    fn every_udf_survives_an_ffi_round_trip() {
        use datafusion_ffi::udf::FFI_ScalarUDF;
        use std::sync::Arc;
        for u in super::udfs() {
            let ffi = FFI_ScalarUDF::from(Arc::clone(&u));
            assert_eq!(ffi.name.to_string(), u.name());
            let back: Arc<dyn datafusion_expr::ScalarUDFImpl> = (&ffi).into();
            assert_eq!(back.name(), u.name());
        }
    }

    #[test]
    fn planning_errors_name_the_function_and_the_problem() {
        use arrow::datatypes::{DataType, Field};
        let udfs = super::udfs();
        let get = |n: &str| udfs.iter().find(|u| u.name() == n).unwrap();
        let list = DataType::List(Arc::new(Field::new("item", DataType::Int64, true)));
        let err = get("stable_hash64").coerce_types(&[DataType::Int64, list]).unwrap_err().to_string();
        assert!(err.contains("stable_hash64: argument 2 (value_n) has type List"), "{err}");
        let err = get("stable_hash64").coerce_types(&[]).unwrap_err().to_string();
        assert!(err.contains("stable_hash64 expects at least 1 argument, got 0"), "{err}");
        let err = get("stable_id").coerce_types(&[DataType::Utf8]).unwrap_err().to_string();
        assert!(err.contains("stable_id expects at least 2 arguments, got 1"), "{err}");
        let err = get("stable_id").coerce_types(&[DataType::Int64, DataType::Int64]).unwrap_err().to_string();
        assert!(err.contains("argument 1 (prefix) has type Int64"), "{err}");
        let err = get("span_contains").coerce_types(&vec![DataType::Int64; 3]).unwrap_err().to_string();
        assert!(err.contains("span_contains expects 4 arguments, got 3"), "{err}");
        let err = get("span_overlaps")
            .coerce_types(&[DataType::Int64, DataType::Float64, DataType::Int64, DataType::Int64])
            .unwrap_err()
            .to_string();
        assert!(err.contains("argument 2 (a_end) has type Float64, but span_overlaps expects an integer"), "{err}");
        let err = get("utf8_normalize").coerce_types(&vec![DataType::Utf8; 3]).unwrap_err().to_string();
        assert!(err.contains("utf8_normalize expects 1 or 2 arguments, got 3"), "{err}");
        assert_eq!(
            get("span_contains").coerce_types(&[DataType::Int8, DataType::UInt32, DataType::Null, DataType::Int64]).unwrap(),
            vec![DataType::Int64; 4]
        );
        assert_eq!(
            get("qualified_name").coerce_types(&[DataType::Utf8View, DataType::Null, DataType::LargeUtf8]).unwrap(),
            vec![DataType::Utf8; 3]
        );
    }

    use std::sync::Arc;
}
