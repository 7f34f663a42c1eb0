//! `span_contains` and `span_overlaps`: predicates over half-open integer spans
//! `[start, end)`, e.g. byte or line ranges of extracted code facts.

use std::sync::{Arc, LazyLock};

use arrow::array::{Array, BooleanArray};
use arrow::buffer::{BooleanBuffer, NullBuffer};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion_common::{internal_err, Result, ScalarValue};
use datafusion_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature,
    Volatility,
};

use crate::common::{
    any_nullable, array_len, coerce_declared, guarded, Declared, DeclaredSignature, I64Arg, Param,
    DOC_SECTION,
};

const FOUR_INTS: &[DeclaredSignature] = &[DeclaredSignature {
    params: &[Param::Int64, Param::Int64, Param::Int64, Param::Int64],
    returns: DataType::Boolean,
    variadic: false,
}];

const SPAN_NULLS: &str = "NULL if any argument is NULL.";

/// `outer_start <= inner_start AND inner_end <= outer_end`.
#[inline]
pub fn contains(os: i64, oe: i64, is: i64, ie: i64) -> bool {
    os <= is && ie <= oe
}

/// `max(a_start, b_start) < min(a_end, b_end)`: the spans share at least one position.
#[inline]
pub fn overlaps(a_s: i64, a_e: i64, b_s: i64, b_e: i64) -> bool {
    a_s.max(b_s) < a_e.min(b_e)
}

/// Evaluates a predicate over four Int64 arguments, each a scalar or an array, without
/// expanding scalars; the result is NULL wherever an argument is NULL. Generic over the
/// predicate so that it is inlined into the loop (a function pointer costs a call per row).
fn eval4<F: Fn(i64, i64, i64, i64) -> bool>(name: &str, args: &[ColumnarValue], f: F) -> Result<ColumnarValue> {
    let [a, b, c, d] = args else {
        return internal_err!("{name}: expected 4 arguments, got {}", args.len());
    };
    let rows = array_len(args);
    let args = [I64Arg::new(name, a)?, I64Arg::new(name, b)?, I64Arg::new(name, c)?, I64Arg::new(name, d)?];
    let Some(n) = rows else {
        let v = |x: &I64Arg| match x {
            I64Arg::Scalar(v) => *v,
            I64Arg::Array(_) => None,
        };
        let result = match (v(&args[0]), v(&args[1]), v(&args[2]), v(&args[3])) {
            (Some(w), Some(x), Some(y), Some(z)) => Some(f(w, x, y, z)),
            _ => None,
        };
        return Ok(ColumnarValue::Scalar(ScalarValue::Boolean(result)));
    };
    // A NULL scalar makes every row NULL.
    if args.iter().any(|a| matches!(a, I64Arg::Scalar(None))) {
        return Ok(ColumnarValue::Array(arrow::array::new_null_array(&DataType::Boolean, n)));
    }
    let mut nulls: Option<NullBuffer> = None;
    for arg in &args {
        if let I64Arg::Array(array) = arg {
            if array.len() != n {
                return internal_err!("{name}: arguments of different lengths");
            }
            nulls = NullBuffer::union(nulls.as_ref(), array.nulls());
        }
    }
    // Values under NULL slots are arbitrary but valid integers: computing them is harmless.
    let values = match &args {
        [I64Arg::Array(w), I64Arg::Array(x), I64Arg::Array(y), I64Arg::Array(z)] => {
            let (w, x, y, z) = (w.values(), x.values(), y.values(), z.values());
            BooleanBuffer::collect_bool(n, |i| f(w[i], x[i], y[i], z[i]))
        }
        _ => {
            let get = |a: &I64Arg, i: usize| match a {
                I64Arg::Scalar(v) => v.unwrap_or_default(),
                I64Arg::Array(a) => a.values()[i],
            };
            BooleanBuffer::collect_bool(n, |i| {
                f(get(&args[0], i), get(&args[1], i), get(&args[2], i), get(&args[3], i))
            })
        }
    };
    Ok(ColumnarValue::Array(Arc::new(BooleanArray::new(values, nulls))))
}

macro_rules! span_udf {
    ($ty:ident, $name:literal, $kernel:path, $doc:ident, $doc_init:expr) => {
        static $doc: LazyLock<Documentation> = LazyLock::new(|| $doc_init);

        #[derive(Debug, PartialEq, Eq, Hash)]
        pub struct $ty {
            signature: Signature,
        }

        impl Default for $ty {
            fn default() -> Self {
                Self { signature: Signature::user_defined(Volatility::Immutable) }
            }
        }

        impl Declared for $ty {
            const SIGNATURES: &'static [DeclaredSignature] = FOUR_INTS;
            const NULL_HANDLING: &'static str = SPAN_NULLS;
        }

        impl ScalarUDFImpl for $ty {
            fn name(&self) -> &str {
                $name
            }

            fn signature(&self) -> &Signature {
                &self.signature
            }

            fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
                let names = $doc.arguments.as_deref().unwrap_or(&[]);
                coerce_declared(self.name(), Self::SIGNATURES, names, arg_types)
            }

            fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
                Ok(DataType::Boolean)
            }

            fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
                Ok(Arc::new(Field::new(self.name(), DataType::Boolean, any_nullable(args.arg_fields))))
            }

            fn is_strict(&self) -> bool {
                true
            }

            fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
                guarded(self.name(), || eval4(self.name(), &args.args, $kernel))
            }

            fn documentation(&self) -> Option<&Documentation> {
                Some(&$doc)
            }
        }
    };
}

span_udf!(
    SpanContains,
    "span_contains",
    contains,
    SPAN_CONTAINS_DOC,
    Documentation::builder(
        DOC_SECTION,
        "Returns true if the half-open span [inner_start, inner_end) lies within the half-open \
         span [outer_start, outer_end), i.e. outer_start <= inner_start AND inner_end <= \
         outer_end. Integer arguments of any width are cast to BIGINT. NULL if any argument \
         is NULL.",
        "span_contains(outer_start, outer_end, inner_start, inner_end)",
    )
    .with_argument("outer_start", "Start (inclusive) of the enclosing span.")
    .with_argument("outer_end", "End (exclusive) of the enclosing span.")
    .with_argument("inner_start", "Start (inclusive) of the enclosed span.")
    .with_argument("inner_end", "End (exclusive) of the enclosed span.")
    .with_sql_example(crate::examples::render("span_contains"))
    .with_related_udf("span_overlaps")
    .build()
);

span_udf!(
    SpanOverlaps,
    "span_overlaps",
    overlaps,
    SPAN_OVERLAPS_DOC,
    Documentation::builder(
        DOC_SECTION,
        "Returns true if the half-open spans [a_start, a_end) and [b_start, b_end) share at \
         least one position, i.e. max(a_start, b_start) < min(a_end, b_end). Spans that only \
         touch (a_end = b_start) do not overlap, and an empty span overlaps nothing. Integer \
         arguments of any width are cast to BIGINT. NULL if any argument is NULL.",
        "span_overlaps(a_start, a_end, b_start, b_end)",
    )
    .with_argument("a_start", "Start (inclusive) of the first span.")
    .with_argument("a_end", "End (exclusive) of the first span.")
    .with_argument("b_start", "Start (inclusive) of the second span.")
    .with_argument("b_end", "End (exclusive) of the second span.")
    .with_sql_example(crate::examples::render("span_overlaps"))
    .with_related_udf("span_contains")
    .build()
);

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Int64Array};

    fn a(v: Vec<Option<i64>>) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(Int64Array::from(v)))
    }
    fn s(v: Option<i64>) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Int64(v))
    }
    fn bools(c: ColumnarValue) -> Vec<Option<bool>> {
        match c {
            ColumnarValue::Array(a) => a.as_boolean().iter().collect(),
            ColumnarValue::Scalar(ScalarValue::Boolean(b)) => vec![b],
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn predicates() {
        assert!(contains(0, 10, 0, 10));
        assert!(contains(0, 10, 2, 3));
        assert!(contains(0, 10, 5, 5)); // empty inner span inside
        assert!(!contains(0, 10, 5, 11));
        assert!(!contains(2, 10, 1, 5));
        assert!(overlaps(0, 5, 4, 9));
        assert!(!overlaps(0, 5, 5, 9)); // touching
        assert!(!overlaps(3, 3, 0, 9)); // empty span
        assert!(!overlaps(0, 9, 3, 3));
        assert!(overlaps(0, 9, 0, 9));
        assert!(overlaps(i64::MIN, i64::MAX, -1, 0));
    }

    #[test]
    fn arrays_scalars_and_nulls() {
        let out = eval4(
            "span_contains",
            &[a(vec![Some(0), Some(0), None, Some(5)]), s(Some(10)), a(vec![Some(2), Some(-1), Some(1), Some(4)]), s(Some(3))],
            contains,
        )
        .unwrap();
        assert_eq!(bools(out), vec![Some(true), Some(false), None, Some(false)]);

        let out = eval4(
            "span_overlaps",
            &[a(vec![Some(0), Some(0)]), a(vec![Some(5), Some(5)]), a(vec![Some(4), Some(5)]), a(vec![Some(9), None])],
            overlaps,
        )
        .unwrap();
        assert_eq!(bools(out), vec![Some(true), None]);

        let out = eval4("span_overlaps", &[a(vec![Some(0), Some(1)]), s(None), s(Some(1)), s(Some(2))], overlaps).unwrap();
        assert_eq!(bools(out), vec![None, None]);

        assert_eq!(bools(eval4("c", &[s(Some(0)), s(Some(10)), s(Some(2)), s(Some(3))], contains).unwrap()), vec![Some(true)]);
        assert_eq!(bools(eval4("c", &[s(Some(0)), s(None), s(Some(2)), s(Some(3))], contains).unwrap()), vec![None]);
        assert_eq!(bools(eval4("c", &[a(vec![]), s(Some(1)), s(Some(2)), s(Some(3))], contains).unwrap()), vec![]);
    }
}
