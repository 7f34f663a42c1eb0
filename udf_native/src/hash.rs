//! `stable_hash64` and `stable_id`: a hash of SQL values that is identical across runs,
//! processes, platforms and Arrow physical representations of the same value.
//!
//! The hash is XXH3-64 (seed 0) of the concatenated *canonical encodings* of the
//! arguments. The encoding (one tag byte, then a fixed little-endian layout) is documented
//! in [`ENCODING_DOC`], in the UDF documentation and in `README.md`; it is pinned by the
//! golden values in `golden.rs` / `golden.json`.

use std::sync::{Arc, LazyLock};

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, FixedSizeBinaryArray, GenericByteArray,
    GenericByteViewArray, PrimitiveArray, StringBuilder, UInt64Array,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{
    ArrowPrimitiveType, ByteArrayType, ByteViewType, DataType, Date32Type, Date64Type,
    Decimal128Type, Decimal32Type, Decimal64Type, DurationMicrosecondType,
    DurationMillisecondType, DurationNanosecondType, DurationSecondType, Field, FieldRef,
    Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType,
    TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use datafusion_common::{exec_err, internal_err, Result, ScalarValue};
use datafusion_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature,
    Volatility,
};
use xxhash_rust::xxh3::xxh3_64;

use crate::common::{coerce_declared, guarded, hex16, Declared, DeclaredSignature, Param, StrArg, DOC_SECTION};

/// Tag bytes of the canonical encoding.
pub mod tag {
    pub const NULL: u8 = 0x00;
    pub const BOOLEAN: u8 = 0x01;
    pub const INT: u8 = 0x02;
    pub const UINT_ABOVE_I64: u8 = 0x03;
    pub const FLOAT: u8 = 0x04;
    pub const DECIMAL: u8 = 0x05;
    pub const STRING: u8 = 0x06;
    pub const BINARY: u8 = 0x07;
    pub const DATE32: u8 = 0x08;
    pub const DATE64: u8 = 0x09;
    pub const TIMESTAMP: u8 = 0x0A;
    pub const TIME: u8 = 0x0B;
    pub const DURATION: u8 = 0x0C;
}

/// The canonical NaN bit pattern every NaN is encoded as.
pub const CANONICAL_NAN_BITS: u64 = 0x7FF8_0000_0000_0000;

/// The algorithm and encoding, as documented for users (also in README.md).
pub const ENCODING_DOC: &str = "\
The hash is XXH3-64 with seed 0 of the concatenation of the canonical encodings of the \
arguments, in argument order. Each value is encoded as a tag byte followed by a fixed \
little-endian layout (LE = little-endian):
- NULL of any type: 0x00
- Boolean: 0x01, then 0x00 (false) or 0x01 (true)
- Int8/16/32/64, and UInt8/16/32/64 values <= 9223372036854775807: 0x02, then the value as i64 LE (8 bytes); so 1::TINYINT, 1::INT and 1::BIGINT UNSIGNED hash alike
- UInt64 values > 9223372036854775807: 0x03, then the value as u64 LE
- Float16/32/64: 0x04, then the value widened to f64, its bits as u64 LE; -0.0 is encoded as 0.0 and every NaN as 0x7FF8000000000000
- Decimal32/64/128(p, s): 0x05, then s as one signed byte, then the unscaled value as i128 LE (16 bytes); p is ignored, s is not (1.5 and 1.50 differ)
- Utf8, LargeUtf8, Utf8View: 0x06, then the byte length as u64 LE, then the UTF-8 bytes
- Binary, LargeBinary, BinaryView, FixedSizeBinary: 0x07, then the byte length as u64 LE, then the bytes
- Date32: 0x08, then days since 1970-01-01 as i64 LE
- Date64: 0x09, then milliseconds since 1970-01-01 as i64 LE
- Timestamp(unit, tz): 0x0A, then the unit byte (0 = s, 1 = ms, 2 = us, 3 = ns), then the value as i64 LE; the time zone is ignored (the value is the UTC instant)
- Time32/Time64(unit): 0x0B, then the unit byte, then the value as i64 LE
- Duration(unit): 0x0C, then the unit byte, then the value as i64 LE
Dictionary-encoded values hash like their values. Other types (lists, structs, maps, \
intervals, Decimal256, ...) are rejected when the query is planned.";

/// True if values of type `t` have a canonical encoding (and so may be hashed).
pub fn has_canonical_encoding(t: &DataType) -> bool {
    use DataType::*;
    match t {
        Null | Boolean | Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64
        | Float16 | Float32 | Float64 | Decimal32(..) | Decimal64(..) | Decimal128(..) | Utf8
        | LargeUtf8 | Utf8View | Binary | LargeBinary | BinaryView | FixedSizeBinary(_)
        | Date32 | Date64 | Timestamp(..) | Time32(_) | Time64(_) | Duration(_) => true,
        Dictionary(_, values) => has_canonical_encoding(values),
        _ => false,
    }
}

fn unit_byte(unit: &TimeUnit) -> u8 {
    match unit {
        TimeUnit::Second => 0,
        TimeUnit::Millisecond => 1,
        TimeUnit::Microsecond => 2,
        TimeUnit::Nanosecond => 3,
    }
}

#[inline]
fn put_i64(buf: &mut Vec<u8>, tag: u8, v: i64) {
    buf.push(tag);
    buf.extend_from_slice(&v.to_le_bytes());
}

#[inline]
fn put_unit_i64(buf: &mut Vec<u8>, tag: u8, unit: u8, v: i64) {
    buf.push(tag);
    buf.push(unit);
    buf.extend_from_slice(&v.to_le_bytes());
}

#[inline]
fn put_u64(buf: &mut Vec<u8>, v: u64) {
    if v <= i64::MAX as u64 {
        put_i64(buf, tag::INT, v as i64);
    } else {
        buf.push(tag::UINT_ABOVE_I64);
        buf.extend_from_slice(&v.to_le_bytes());
    }
}

/// The canonical f64 bits: -0.0 as 0.0, every NaN as [`CANONICAL_NAN_BITS`].
#[inline]
pub fn canonical_f64_bits(v: f64) -> u64 {
    if v.is_nan() {
        CANONICAL_NAN_BITS
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

#[inline]
fn put_f64(buf: &mut Vec<u8>, v: f64) {
    buf.push(tag::FLOAT);
    buf.extend_from_slice(&canonical_f64_bits(v).to_le_bytes());
}

#[inline]
fn put_decimal(buf: &mut Vec<u8>, scale: i8, v: i128) {
    buf.push(tag::DECIMAL);
    buf.push(scale as u8);
    buf.extend_from_slice(&v.to_le_bytes());
}

#[inline]
fn put_bytes(buf: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    buf.push(tag);
    buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    buf.extend_from_slice(bytes);
}

/// Appends the canonical encoding of row `i` of one argument to a buffer.
trait RowEncoder {
    fn encode(&self, i: usize, buf: &mut Vec<u8>);
}

/// A constant argument, encoded once.
struct Const(Vec<u8>);

impl RowEncoder for Const {
    #[inline]
    fn encode(&self, _i: usize, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.0);
    }
}

struct Prim<'a, T: ArrowPrimitiveType, F: Fn(&mut Vec<u8>, T::Native)> {
    array: &'a PrimitiveArray<T>,
    put: F,
}

impl<T: ArrowPrimitiveType, F: Fn(&mut Vec<u8>, T::Native)> RowEncoder for Prim<'_, T, F> {
    #[inline]
    fn encode(&self, i: usize, buf: &mut Vec<u8>) {
        if self.array.is_null(i) {
            buf.push(tag::NULL);
        } else {
            (self.put)(buf, self.array.value(i));
        }
    }
}

fn prim<'a, T: ArrowPrimitiveType, F: Fn(&mut Vec<u8>, T::Native) + 'a>(
    array: &'a dyn Array,
    put: F,
) -> Box<dyn RowEncoder + 'a> {
    Box::new(Prim { array: array.as_primitive::<T>(), put })
}

struct Bool<'a>(&'a BooleanArray);

impl RowEncoder for Bool<'_> {
    #[inline]
    fn encode(&self, i: usize, buf: &mut Vec<u8>) {
        if self.0.is_null(i) {
            buf.push(tag::NULL);
        } else {
            buf.push(tag::BOOLEAN);
            buf.push(self.0.value(i) as u8);
        }
    }
}

struct Bytes<'a, T: ByteArrayType>(&'a GenericByteArray<T>, u8);

impl<T: ByteArrayType> RowEncoder for Bytes<'_, T> {
    #[inline]
    fn encode(&self, i: usize, buf: &mut Vec<u8>) {
        if self.0.is_null(i) {
            buf.push(tag::NULL);
        } else {
            let value: &[u8] = self.0.value(i).as_ref();
            put_bytes(buf, self.1, value);
        }
    }
}

struct ByteViews<'a, T: ByteViewType + ?Sized>(&'a GenericByteViewArray<T>, u8);

impl<T: ByteViewType + ?Sized> RowEncoder for ByteViews<'_, T> {
    #[inline]
    fn encode(&self, i: usize, buf: &mut Vec<u8>) {
        if self.0.is_null(i) {
            buf.push(tag::NULL);
        } else {
            let value: &[u8] = self.0.value(i).as_ref();
            put_bytes(buf, self.1, value);
        }
    }
}

struct FixedBinary<'a>(&'a FixedSizeBinaryArray);

impl RowEncoder for FixedBinary<'_> {
    #[inline]
    fn encode(&self, i: usize, buf: &mut Vec<u8>) {
        if self.0.is_null(i) {
            buf.push(tag::NULL);
        } else {
            put_bytes(buf, tag::BINARY, self.0.value(i));
        }
    }
}

/// A dictionary-encoded argument: a row encodes like the value its key points to.
struct Dict<'a> {
    keys: Vec<usize>,
    key_nulls: Option<NullBuffer>,
    values: Box<dyn RowEncoder + 'a>,
}

impl RowEncoder for Dict<'_> {
    #[inline]
    fn encode(&self, i: usize, buf: &mut Vec<u8>) {
        match &self.key_nulls {
            Some(nulls) if nulls.is_null(i) => buf.push(tag::NULL),
            _ => self.values.encode(self.keys[i], buf),
        }
    }
}

/// All-NULL (the Null type).
struct Nulls;

impl RowEncoder for Nulls {
    #[inline]
    fn encode(&self, _i: usize, buf: &mut Vec<u8>) {
        buf.push(tag::NULL);
    }
}

fn encoder<'a>(name: &str, array: &'a dyn Array) -> Result<Box<dyn RowEncoder + 'a>> {
    use DataType::*;
    Ok(match array.data_type() {
        Null => Box::new(Nulls),
        Boolean => Box::new(Bool(array.as_boolean())),
        Int8 => prim::<Int8Type, _>(array, |b, v| put_i64(b, tag::INT, v as i64)),
        Int16 => prim::<Int16Type, _>(array, |b, v| put_i64(b, tag::INT, v as i64)),
        Int32 => prim::<Int32Type, _>(array, |b, v| put_i64(b, tag::INT, v as i64)),
        Int64 => prim::<Int64Type, _>(array, |b, v| put_i64(b, tag::INT, v)),
        UInt8 => prim::<UInt8Type, _>(array, |b, v| put_i64(b, tag::INT, v as i64)),
        UInt16 => prim::<UInt16Type, _>(array, |b, v| put_i64(b, tag::INT, v as i64)),
        UInt32 => prim::<UInt32Type, _>(array, |b, v| put_i64(b, tag::INT, v as i64)),
        UInt64 => prim::<UInt64Type, _>(array, put_u64),
        Float16 => prim::<Float16Type, _>(array, |b, v| put_f64(b, v.to_f64())),
        Float32 => prim::<Float32Type, _>(array, |b, v| put_f64(b, v as f64)),
        Float64 => prim::<Float64Type, _>(array, put_f64),
        Decimal32(_, s) => {
            let s = *s;
            prim::<Decimal32Type, _>(array, move |b, v| put_decimal(b, s, v as i128))
        }
        Decimal64(_, s) => {
            let s = *s;
            prim::<Decimal64Type, _>(array, move |b, v| put_decimal(b, s, v as i128))
        }
        Decimal128(_, s) => {
            let s = *s;
            prim::<Decimal128Type, _>(array, move |b, v| put_decimal(b, s, v))
        }
        Utf8 => Box::new(Bytes(array.as_string::<i32>(), tag::STRING)),
        LargeUtf8 => Box::new(Bytes(array.as_string::<i64>(), tag::STRING)),
        Utf8View => Box::new(ByteViews(array.as_string_view(), tag::STRING)),
        Binary => Box::new(Bytes(array.as_binary::<i32>(), tag::BINARY)),
        LargeBinary => Box::new(Bytes(array.as_binary::<i64>(), tag::BINARY)),
        BinaryView => Box::new(ByteViews(array.as_binary_view(), tag::BINARY)),
        FixedSizeBinary(_) => Box::new(FixedBinary(array.as_fixed_size_binary())),
        Date32 => prim::<Date32Type, _>(array, |b, v| put_i64(b, tag::DATE32, v as i64)),
        Date64 => prim::<Date64Type, _>(array, |b, v| put_i64(b, tag::DATE64, v)),
        Timestamp(unit, _) => {
            let u = unit_byte(unit);
            let put = move |b: &mut Vec<u8>, v: i64| put_unit_i64(b, tag::TIMESTAMP, u, v);
            match unit {
                TimeUnit::Second => prim::<TimestampSecondType, _>(array, put),
                TimeUnit::Millisecond => prim::<TimestampMillisecondType, _>(array, put),
                TimeUnit::Microsecond => prim::<TimestampMicrosecondType, _>(array, put),
                TimeUnit::Nanosecond => prim::<TimestampNanosecondType, _>(array, put),
            }
        }
        Time32(unit) => {
            let u = unit_byte(unit);
            let put = move |b: &mut Vec<u8>, v: i32| put_unit_i64(b, tag::TIME, u, v as i64);
            match unit {
                TimeUnit::Second => prim::<Time32SecondType, _>(array, put),
                TimeUnit::Millisecond => prim::<Time32MillisecondType, _>(array, put),
                other => return internal_err!("{name}: invalid Time32 unit {other:?}"),
            }
        }
        Time64(unit) => {
            let u = unit_byte(unit);
            let put = move |b: &mut Vec<u8>, v: i64| put_unit_i64(b, tag::TIME, u, v);
            match unit {
                TimeUnit::Microsecond => prim::<Time64MicrosecondType, _>(array, put),
                TimeUnit::Nanosecond => prim::<Time64NanosecondType, _>(array, put),
                other => return internal_err!("{name}: invalid Time64 unit {other:?}"),
            }
        }
        Duration(unit) => {
            let u = unit_byte(unit);
            let put = move |b: &mut Vec<u8>, v: i64| put_unit_i64(b, tag::DURATION, u, v);
            match unit {
                TimeUnit::Second => prim::<DurationSecondType, _>(array, put),
                TimeUnit::Millisecond => prim::<DurationMillisecondType, _>(array, put),
                TimeUnit::Microsecond => prim::<DurationMicrosecondType, _>(array, put),
                TimeUnit::Nanosecond => prim::<DurationNanosecondType, _>(array, put),
            }
        }
        Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let values = encoder(name, dict.values().as_ref())?;
            let keys = dict.normalized_keys();
            let key_nulls = dict.keys().logical_nulls();
            // A key past the end of the values would be an invalid array: refuse it here
            // rather than index out of bounds in the row loop.
            let n_values = dict.values().len();
            if keys
                .iter()
                .enumerate()
                .any(|(i, &k)| k >= n_values && key_nulls.as_ref().is_none_or(|n| n.is_valid(i)))
            {
                return exec_err!("{name}: dictionary key out of bounds");
            }
            Box::new(Dict { keys, key_nulls, values })
        }
        other => {
            return exec_err!("{name}: values of type {other} have no canonical encoding");
        }
    })
}

/// Appends the canonical encoding of `array[row]` to `buf` (used by tests and examples).
pub fn encode_value(array: &dyn Array, row: usize, buf: &mut Vec<u8>) -> Result<()> {
    encoder("stable_hash64", array)?.encode(row, buf);
    Ok(())
}

/// The result of hashing the value arguments of a call.
pub enum Hashes {
    /// Every argument was a scalar.
    Scalar(u64),
    Array(Vec<u64>),
}

/// Hashes each row of `args` (scalars are encoded once, not expanded to arrays).
pub fn hash_rows(name: &str, args: &[ColumnarValue]) -> Result<Hashes> {
    // Keep scalar arrays alive only while their constant encoding is computed.
    let mut encoders: Vec<Box<dyn RowEncoder + '_>> = Vec::with_capacity(args.len());
    let mut rows = None;
    for arg in args {
        match arg {
            ColumnarValue::Scalar(scalar) => {
                let array: ArrayRef = scalar.to_array()?;
                let mut bytes = Vec::with_capacity(16);
                encoder(name, array.as_ref())?.encode(0, &mut bytes);
                encoders.push(Box::new(Const(bytes)));
            }
            ColumnarValue::Array(array) => {
                match rows {
                    None => rows = Some(array.len()),
                    Some(n) if n != array.len() => {
                        return internal_err!("{name}: arguments of different lengths");
                    }
                    Some(_) => {}
                }
                encoders.push(encoder(name, array.as_ref())?);
            }
        }
    }
    let mut buf = Vec::with_capacity(64);
    let mut hash_row = |i: usize| {
        buf.clear();
        for e in &encoders {
            e.encode(i, &mut buf);
        }
        xxh3_64(&buf)
    };
    Ok(match rows {
        None => Hashes::Scalar(hash_row(0)),
        Some(n) => Hashes::Array((0..n).map(hash_row).collect()),
    })
}

static STABLE_HASH64_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION,
        format!(
            "Returns a 64-bit hash of the argument values that is stable across runs, \
             processes, platforms and versions of viewls, and that does not depend on how a \
             value is physically stored (1 as INT and as BIGINT UNSIGNED hash alike; a string \
             as Utf8, LargeUtf8, Utf8View or dictionary hashes alike). Use it to build \
             deterministic keys and partitions. NULL arguments are part of the hash; the \
             result is never NULL.\n\n{ENCODING_DOC}"
        ),
        "stable_hash64(value[, ..., value_n])",
    )
    .with_argument("value", "First value to hash: an expression of any supported type.")
    .with_argument(
        "value_n",
        "Further values; they are hashed in order, so argument order matters and \
         ('ab', 'c') differs from ('a', 'bc').",
    )
    .with_sql_example(crate::examples::render("stable_hash64"))
    .build()
});

/// `stable_hash64(value, ...)`: see [`ENCODING_DOC`].
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct StableHash64 {
    signature: Signature,
}

impl Default for StableHash64 {
    fn default() -> Self {
        Self { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl Declared for StableHash64 {
    const SIGNATURES: &'static [DeclaredSignature] =
        &[DeclaredSignature { params: &[Param::Any], returns: DataType::UInt64, variadic: true }];
    const NULL_HANDLING: &'static str =
        "NULL arguments are hashed (encoded as the byte 0x00); the result is never NULL.";
}

impl ScalarUDFImpl for StableHash64 {
    fn name(&self) -> &str {
        "stable_hash64"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_declared(self.name(), Self::SIGNATURES, doc_args(&STABLE_HASH64_DOC), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt64)
    }

    fn return_field_from_args(&self, _args: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.name(), DataType::UInt64, false)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        guarded(self.name(), || {
            Ok(match hash_rows(self.name(), &args.args)? {
                Hashes::Scalar(h) => ColumnarValue::Scalar(ScalarValue::UInt64(Some(h))),
                Hashes::Array(v) => ColumnarValue::Array(Arc::new(UInt64Array::from(v))),
            })
        })
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&STABLE_HASH64_DOC)
    }
}

fn doc_args(doc: &Documentation) -> &[(String, String)] {
    doc.arguments.as_deref().unwrap_or(&[])
}

static STABLE_ID_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION,
        "Returns a stable identifier `prefix:hex`, where hex is the lower-case, zero-padded \
         16-digit hexadecimal form of stable_hash64(value, ...). The prefix names the kind \
         of entity and is not hashed. Returns NULL when the prefix is NULL; NULL values are \
         part of the hash.",
        "stable_id(prefix, value[, ..., value_n])",
    )
    .with_argument("prefix", "String prefix naming the kind of entity, e.g. 'file' or 'symbol'.")
    .with_argument("value", "First value to hash: an expression of any type stable_hash64 accepts.")
    .with_argument("value_n", "Further values, hashed in order.")
    .with_sql_example(crate::examples::render("stable_id"))
    .build()
});

/// `stable_id(prefix, value, ...)` = `prefix || ':' || hex16(stable_hash64(value, ...))`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct StableId {
    signature: Signature,
}

impl Default for StableId {
    fn default() -> Self {
        Self { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl Declared for StableId {
    const SIGNATURES: &'static [DeclaredSignature] = &[DeclaredSignature {
        params: &[Param::Utf8, Param::Any],
        returns: DataType::Utf8,
        variadic: true,
    }];
    const NULL_HANDLING: &'static str =
        "NULL if the prefix is NULL; NULL values are hashed like any other value.";
}

impl ScalarUDFImpl for StableId {
    fn name(&self) -> &str {
        "stable_id"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_declared(self.name(), Self::SIGNATURES, doc_args(&STABLE_ID_DOC), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let nullable = args.arg_fields.first().is_none_or(|f| f.is_nullable());
        Ok(Arc::new(Field::new(self.name(), DataType::Utf8, nullable)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        guarded(self.name(), || stable_id(self.name(), &args.args))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&STABLE_ID_DOC)
    }
}

fn stable_id(name: &str, args: &[ColumnarValue]) -> Result<ColumnarValue> {
    if args.len() < 2 {
        return internal_err!("{name}: expected a prefix and at least one value");
    }
    let prefix = StrArg::new(name, &args[0])?;
    let prefix = prefix.view();
    let hashes = hash_rows(name, &args[1..])?;
    let n = crate::common::array_len(args);
    let Some(n) = n else {
        let Hashes::Scalar(h) = hashes else { return internal_err!("{name}: scalar mismatch") };
        let value = prefix.get(0).map(|p| format!("{p}:{}", std::str::from_utf8(&hex16(h)).unwrap_or("")));
        return Ok(ColumnarValue::Scalar(ScalarValue::Utf8(value)));
    };
    let hash_at = |i: usize| match &hashes {
        Hashes::Scalar(h) => *h,
        Hashes::Array(v) => v[i],
    };
    let prefix_bytes = match prefix {
        crate::common::StrView::Scalar(p) => p.map_or(0, |p| p.len()) * n,
        crate::common::StrView::Array(a) => crate::common::string_bytes(a),
    };
    let mut builder = StringBuilder::with_capacity(n, prefix_bytes + 17 * n);
    let mut value = String::with_capacity(64);
    for i in 0..n {
        match prefix.get(i) {
            None => builder.append_null(),
            Some(p) => {
                value.clear();
                value.push_str(p);
                value.push(':');
                // hex16 yields ASCII digits only.
                value.push_str(std::str::from_utf8(&hex16(hash_at(i))).unwrap_or(""));
                builder.append_value(&value);
            }
        }
    }
    Ok(ColumnarValue::Array(Arc::new(builder.finish())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{
        BinaryViewArray, DictionaryArray, Float32Array, Int32Array, Int8Array, LargeStringArray,
        NullArray, StringArray, StringViewArray, UInt64Array as U64,
    };
    use arrow::datatypes::Int16Type as K16;

    fn hashes_of(args: Vec<ColumnarValue>) -> Vec<u64> {
        match hash_rows("t", &args).unwrap() {
            Hashes::Scalar(h) => vec![h],
            Hashes::Array(v) => v,
        }
    }

    fn arr(a: impl Array + 'static) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(a))
    }

    #[test]
    fn representations_of_one_value_hash_alike() {
        let one_i8 = hashes_of(vec![arr(Int8Array::from(vec![Some(1), None]))]);
        let one_i32 = hashes_of(vec![arr(Int32Array::from(vec![Some(1), None]))]);
        let one_u64 = hashes_of(vec![arr(U64::from(vec![Some(1), None]))]);
        let null = hashes_of(vec![arr(NullArray::new(2))]);
        assert_eq!(one_i8, one_i32);
        assert_eq!(one_i8, one_u64);
        assert_eq!(one_i8[1], null[0]);
        assert_eq!(null[0], null[1]);

        let strings = vec![Some("a"), None, Some(""), Some("é")];
        let utf8 = hashes_of(vec![arr(StringArray::from(strings.clone()))]);
        let large = hashes_of(vec![arr(LargeStringArray::from(strings.clone()))]);
        let view = hashes_of(vec![arr(StringViewArray::from(strings.clone()))]);
        let dict: DictionaryArray<K16> = strings.iter().copied().collect();
        let dict = hashes_of(vec![arr(dict)]);
        assert_eq!(utf8, large);
        assert_eq!(utf8, view);
        assert_eq!(utf8, dict);

        // Binary and string of the same bytes differ (different tags).
        let bin = hashes_of(vec![arr(BinaryViewArray::from(vec![Some(b"a".as_ref())]))]);
        assert_ne!(bin[0], utf8[0]);

        // Float32 widened to f64.
        let f32s = hashes_of(vec![arr(Float32Array::from(vec![1.5f32, -0.0, f32::NAN]))]);
        let f64s = hashes_of(vec![arr(arrow::array::Float64Array::from(vec![1.5, 0.0, -f64::NAN]))]);
        assert_eq!(f32s, f64s);
    }

    #[test]
    fn scalars_and_arrays_agree() {
        let array = hashes_of(vec![
            arr(StringArray::from(vec!["x", "x"])),
            arr(arrow::array::Int64Array::from(vec![Some(7), None])),
        ]);
        let scalar = |v: Option<i64>| {
            hashes_of(vec![
                ColumnarValue::Scalar(ScalarValue::Utf8(Some("x".into()))),
                ColumnarValue::Scalar(ScalarValue::Int64(v)),
            ])[0]
        };
        assert_eq!(array, vec![scalar(Some(7)), scalar(None)]);
        let mixed = hashes_of(vec![
            ColumnarValue::Scalar(ScalarValue::Utf8(Some("x".into()))),
            arr(arrow::array::Int64Array::from(vec![Some(7), None])),
        ]);
        assert_eq!(mixed, array);
        // A NULL literal of type Null equals a typed NULL.
        let untyped = hashes_of(vec![ColumnarValue::Scalar(ScalarValue::Null)]);
        let typed = hashes_of(vec![ColumnarValue::Scalar(ScalarValue::Utf8(None))]);
        assert_eq!(untyped, typed);
    }

    #[test]
    fn dictionary_with_null_keys_and_null_values() {
        let values = Arc::new(StringArray::from(vec![Some("a"), None]));
        let keys = Int32Array::from(vec![Some(0), Some(1), None, Some(0)]);
        let dict = DictionaryArray::try_new(keys, values).unwrap();
        let h = hashes_of(vec![arr(dict)]);
        let plain = hashes_of(vec![arr(StringArray::from(vec![Some("a"), None, None, Some("a")]))]);
        assert_eq!(h, plain);
    }

    #[test]
    fn unsupported_types_are_refused() {
        let list = arrow::array::ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1)])]);
        let err = hash_rows("stable_hash64", &[arr(list)]).err().unwrap().to_string();
        assert!(err.contains("stable_hash64") && err.contains("List"), "{err}");
        assert!(!has_canonical_encoding(&DataType::Interval(arrow::datatypes::IntervalUnit::DayTime)));
        assert!(!has_canonical_encoding(&DataType::Decimal256(40, 0)));
        assert!(has_canonical_encoding(&DataType::Dictionary(Box::new(DataType::Int8), Box::new(DataType::Date32))));
    }

    #[test]
    fn stable_id_rows() {
        let out = stable_id(
            "stable_id",
            &[
                arr(StringArray::from(vec![Some("f"), None, Some("")])),
                ColumnarValue::Scalar(ScalarValue::Int64(Some(1))),
            ],
        )
        .unwrap();
        let ColumnarValue::Array(out) = out else { panic!("expected an array") };
        let out = out.as_string::<i32>();
        let h = hashes_of(vec![ColumnarValue::Scalar(ScalarValue::Int64(Some(1)))])[0];
        assert_eq!(out.value(0), format!("f:{h:016x}"));
        assert!(out.is_null(1));
        assert_eq!(out.value(2), format!(":{h:016x}"));
        // NULL prefix scalar -> NULL.
        let out = stable_id(
            "stable_id",
            &[ColumnarValue::Scalar(ScalarValue::Utf8(None)), ColumnarValue::Scalar(ScalarValue::Int64(Some(1)))],
        )
        .unwrap();
        assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Utf8(None))));
    }
}
