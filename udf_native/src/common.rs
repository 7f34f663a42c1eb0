//! What every UDF of the crate shares: the declared signatures (the single source for
//! type coercion *and* the catalogue), argument coercion, documentation section, and a
//! panic guard around the kernels.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int64Array, StringArray};
use arrow::datatypes::{DataType, FieldRef, Int64Type};
use datafusion_common::{exec_datafusion_err, internal_err, plan_err, Result, ScalarValue};
use datafusion_expr::{ColumnarValue, DocSection, ScalarUDFImpl};

/// The documentation section all viewls UDFs belong to.
pub const DOC_SECTION: DocSection = DocSection {
    include: true,
    label: "viewls functions",
    description: Some("Functions provided by viewls's native crate (udf_native)."),
};

/// The type class of one declared parameter. Arguments are coerced (cast) by DataFusion
/// to the type returned by [`Param::coerce`]; an argument outside the class is a planning
/// error that names the function, the argument and the offending type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    /// Any type with a canonical hash encoding (see `hash.rs`); passed through uncast.
    Any,
    /// A string: Utf8, LargeUtf8, Utf8View, a dictionary of strings or NULL; cast to Utf8.
    Utf8,
    /// An integer of any width or signedness, or NULL; cast to Int64.
    Int64,
}

impl Param {
    /// The name of the parameter type in the catalogue.
    pub fn catalog_name(self) -> &'static str {
        match self {
            Param::Any => "Any",
            Param::Utf8 => "Utf8",
            Param::Int64 => "Int64",
        }
    }

    fn expectation(self) -> &'static str {
        match self {
            Param::Any => "a type with a canonical encoding (NULL, Boolean, integers, floats, \
                           Decimal32/64/128, strings, binaries, dates, timestamps, times, \
                           durations, or a dictionary of these)",
            Param::Utf8 => "a string (Utf8, LargeUtf8 or Utf8View)",
            Param::Int64 => "an integer",
        }
    }

    /// The type an argument of type `t` is cast to, or `None` if `t` is not accepted.
    pub fn coerce(self, t: &DataType) -> Option<DataType> {
        match self {
            Param::Any => crate::hash::has_canonical_encoding(t).then(|| t.clone()),
            Param::Utf8 => match t {
                DataType::Null | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                    Some(DataType::Utf8)
                }
                DataType::Dictionary(_, v) => Param::Utf8.coerce(v),
                _ => None,
            },
            Param::Int64 => match t {
                DataType::Null => Some(DataType::Int64),
                t if t.is_integer() => Some(DataType::Int64),
                DataType::Dictionary(_, v) => Param::Int64.coerce(v),
                _ => None,
            },
        }
    }
}

/// One declared signature: positional parameters and the return type. When `variadic`,
/// the last parameter may repeat, so the function takes `params.len()` or more arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredSignature {
    pub params: &'static [Param],
    pub returns: DataType,
    pub variadic: bool,
}

impl DeclaredSignature {
    fn accepts_arity(&self, n: usize) -> bool {
        if self.variadic {
            n >= self.params.len()
        } else {
            n == self.params.len()
        }
    }

    fn param(&self, i: usize) -> Param {
        self.params[i.min(self.params.len() - 1)]
    }
}

/// The extra facts the catalogue needs beyond [`ScalarUDFImpl`] and its `Documentation`.
pub trait Declared: ScalarUDFImpl + Default + 'static {
    /// The declared signatures: they drive `coerce_types` and are exported as-is.
    const SIGNATURES: &'static [DeclaredSignature];
    /// How NULL arguments are treated, in one sentence or two.
    const NULL_HANDLING: &'static str;
}

/// `coerce_types` for a function declared by `sigs`: picks the signature by arity and
/// coerces every argument to its parameter's type, or fails with a planning error that
/// says what was expected.
pub fn coerce_declared(
    name: &str,
    sigs: &[DeclaredSignature],
    arg_names: &[(String, String)],
    arg_types: &[DataType],
) -> Result<Vec<DataType>> {
    let n = arg_types.len();
    let Some(sig) = sigs.iter().find(|s| s.accepts_arity(n)) else {
        return plan_err!("{name} expects {}, got {n}", describe_arities(sigs));
    };
    arg_types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let param = sig.param(i);
            param.coerce(t).ok_or_else(|| {
                let arg = arg_names
                    .get(i.min(arg_names.len().saturating_sub(1)))
                    .map(|(name, _)| format!(" ({name})"))
                    .unwrap_or_default();
                datafusion_common::DataFusionError::Plan(format!(
                    "{name}: argument {}{arg} has type {t}, but {name} expects {}",
                    i + 1,
                    param.expectation()
                ))
            })
        })
        .collect()
}

fn describe_arities(sigs: &[DeclaredSignature]) -> String {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let mut fixed: Vec<usize> = sigs.iter().filter(|s| !s.variadic).map(|s| s.params.len()).collect();
    fixed.sort_unstable();
    fixed.dedup();
    let min_variadic = sigs.iter().filter(|s| s.variadic).map(|s| s.params.len()).min();
    let mut parts: Vec<String> = fixed.iter().map(|n| n.to_string()).collect();
    let last = fixed.last().copied().unwrap_or(0);
    match (parts.len(), min_variadic) {
        (_, Some(m)) if parts.is_empty() => format!("at least {m} {}", plural(m)),
        (_, Some(m)) => format!("{} or at least {m} {}", parts.join(", "), plural(m)),
        (1, None) => format!("{} {}", parts[0], plural(last)),
        _ => {
            let tail = parts.pop().unwrap_or_default();
            format!("{} or {tail} {}", parts.join(", "), plural(last))
        }
    }
}

/// Runs a kernel, turning a panic into an execution error. The kernels are written not to
/// panic, but a panic must never unwind into DataFusion's FFI layer (`extern "C"`), which
/// would abort the host process.
pub fn guarded<T>(name: &str, kernel: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(kernel)) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            internal_err!("{name} panicked: {message}")
        }
    }
}

/// True if any argument field is nullable.
pub fn any_nullable(fields: &[FieldRef]) -> bool {
    fields.iter().any(|f| f.is_nullable())
}

/// The number of rows of a call: the length of its first array argument, or `None` when
/// every argument is a scalar (the result is then a scalar too).
pub fn array_len(args: &[ColumnarValue]) -> Option<usize> {
    args.iter().find_map(|a| match a {
        ColumnarValue::Array(a) => Some(a.len()),
        ColumnarValue::Scalar(_) => None,
    })
}

/// A coerced string argument: a constant or a Utf8 array.
pub enum StrArg {
    Scalar(Option<String>),
    Array(ArrayRef),
}

impl StrArg {
    pub fn new(name: &str, arg: &ColumnarValue) -> Result<Self> {
        match arg {
            ColumnarValue::Scalar(s) => match s.try_as_str() {
                Some(v) => Ok(StrArg::Scalar(v.map(str::to_string))),
                None if s.is_null() => Ok(StrArg::Scalar(None)),
                None => internal_err!("{name}: expected a string scalar, got {}", s.data_type()),
            },
            ColumnarValue::Array(a) => match a.data_type() {
                DataType::Utf8 => Ok(StrArg::Array(Arc::clone(a))),
                DataType::Null => Ok(StrArg::Scalar(None)),
                t => internal_err!("{name}: expected a Utf8 array, got {t}"),
            },
        }
    }

    /// A borrowed view for the row loop.
    pub fn view(&self) -> StrView<'_> {
        match self {
            StrArg::Scalar(s) => StrView::Scalar(s.as_deref()),
            StrArg::Array(a) => StrView::Array(a.as_string::<i32>()),
        }
    }
}

#[derive(Clone, Copy)]
pub enum StrView<'a> {
    Scalar(Option<&'a str>),
    Array(&'a StringArray),
}

/// The bytes of string data `array` spans. Not `value_data().len()`: an array sliced from
/// a larger one shares its whole buffer, and sizing output by it over-allocates per batch.
pub fn string_bytes(array: &StringArray) -> usize {
    let offsets = array.value_offsets();
    (offsets[offsets.len() - 1] - offsets[0]) as usize
}

impl<'a> StrView<'a> {
    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            StrView::Scalar(s) => *s,
            StrView::Array(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// A coerced integer argument: a constant or an Int64 array.
pub enum I64Arg<'a> {
    Scalar(Option<i64>),
    Array(&'a Int64Array),
}

impl<'a> I64Arg<'a> {
    pub fn new(name: &str, arg: &'a ColumnarValue) -> Result<Self> {
        match arg {
            ColumnarValue::Scalar(ScalarValue::Int64(v)) => Ok(I64Arg::Scalar(*v)),
            ColumnarValue::Scalar(s) if s.is_null() => Ok(I64Arg::Scalar(None)),
            ColumnarValue::Array(a) if a.data_type() == &DataType::Int64 => {
                Ok(I64Arg::Array(a.as_primitive::<Int64Type>()))
            }
            ColumnarValue::Array(a) if a.data_type() == &DataType::Null => Ok(I64Arg::Scalar(None)),
            other => Err(exec_datafusion_err!(
                "{name}: expected an Int64 argument, got {}",
                other.data_type()
            )),
        }
    }
}

/// Lower-case, zero-padded 16-digit hex of `h`.
#[inline]
pub fn hex16(h: u64) -> [u8; 16] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = DIGITS[((h >> (60 - 4 * i)) & 0xf) as usize];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex16_is_zero_padded_lower_case() {
        assert_eq!(&hex16(0), b"0000000000000000");
        assert_eq!(&hex16(0xABCDEF), b"0000000000abcdef");
        assert_eq!(&hex16(u64::MAX), b"ffffffffffffffff");
        assert_eq!(std::str::from_utf8(&hex16(0x0123456789abcdef)).unwrap(), format!("{:016x}", 0x0123456789abcdefu64));
    }

    #[test]
    fn arity_descriptions() {
        const ONE: DeclaredSignature = DeclaredSignature { params: &[Param::Utf8], returns: DataType::Utf8, variadic: false };
        const TWO: DeclaredSignature = DeclaredSignature { params: &[Param::Utf8, Param::Utf8], returns: DataType::Utf8, variadic: false };
        const VAR: DeclaredSignature = DeclaredSignature { params: &[Param::Utf8, Param::Any], returns: DataType::Utf8, variadic: true };
        assert_eq!(describe_arities(&[ONE]), "1 argument");
        assert_eq!(describe_arities(&[ONE, TWO]), "1 or 2 arguments");
        assert_eq!(describe_arities(&[VAR]), "at least 2 arguments");
        assert_eq!(describe_arities(&[ONE, VAR]), "1 or at least 2 arguments");
    }

    #[test]
    fn param_coercion() {
        use arrow::datatypes::TimeUnit;
        assert_eq!(Param::Int64.coerce(&DataType::UInt8), Some(DataType::Int64));
        assert_eq!(Param::Int64.coerce(&DataType::Null), Some(DataType::Int64));
        assert_eq!(Param::Int64.coerce(&DataType::Float64), None);
        assert_eq!(Param::Int64.coerce(&DataType::Utf8), None);
        assert_eq!(Param::Utf8.coerce(&DataType::Utf8View), Some(DataType::Utf8));
        assert_eq!(Param::Utf8.coerce(&DataType::LargeUtf8), Some(DataType::Utf8));
        assert_eq!(
            Param::Utf8.coerce(&DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))),
            Some(DataType::Utf8)
        );
        assert_eq!(Param::Utf8.coerce(&DataType::Int64), None);
        let ts = DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()));
        assert_eq!(Param::Any.coerce(&ts), Some(ts.clone()));
        assert_eq!(Param::Any.coerce(&DataType::Decimal256(40, 2)), None);
    }
}
