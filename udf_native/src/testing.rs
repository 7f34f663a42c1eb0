//! Test helpers: call a UDF the way DataFusion's planner and executor do (coerce the
//! argument types, cast, ask for the return field, invoke).

use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion_common::config::ConfigOptions;
use datafusion_common::{Result, ScalarValue};
use datafusion_expr::{ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF};

fn prepare(udf: &ScalarUDF, args: &[ScalarValue]) -> Result<(Vec<ScalarValue>, Vec<FieldRef>, FieldRef)> {
    let types: Vec<DataType> = args.iter().map(ScalarValue::data_type).collect();
    let coerced = udf.coerce_types(&types)?;
    let args = args
        .iter()
        .zip(&coerced)
        .map(|(a, t)| if &a.data_type() == t { Ok(a.clone()) } else { a.cast_to(t) })
        .collect::<Result<Vec<_>>>()?;
    let fields: Vec<FieldRef> = args
        .iter()
        .enumerate()
        .map(|(i, a)| Arc::new(Field::new(format!("a{i}"), a.data_type(), a.is_null())))
        .collect();
    let scalar_refs: Vec<Option<&ScalarValue>> = args.iter().map(Some).collect();
    let return_field =
        udf.return_field_from_args(ReturnFieldArgs { arg_fields: &fields, scalar_arguments: &scalar_refs })?;
    Ok((args, fields, return_field))
}

fn invoke(udf: &ScalarUDF, args: Vec<ColumnarValue>, fields: Vec<FieldRef>, rows: usize, ret: FieldRef) -> Result<ColumnarValue> {
    udf.invoke_with_args(ScalarFunctionArgs {
        args,
        arg_fields: fields,
        number_rows: rows,
        return_field: ret,
        config_options: Arc::new(ConfigOptions::default()),
    })
}

/// Calls `udf` on scalar arguments (after coercion), returning a scalar.
pub fn call_scalars(udf: &ScalarUDF, args: &[ScalarValue]) -> Result<ScalarValue> {
    let (args, fields, ret) = prepare(udf, args)?;
    let out = invoke(udf, args.into_iter().map(ColumnarValue::Scalar).collect(), fields, 1, Arc::clone(&ret))?;
    let value = match out {
        ColumnarValue::Scalar(s) => s,
        ColumnarValue::Array(a) => ScalarValue::try_from_array(&a, 0)?,
    };
    assert_eq!(&value.data_type(), ret.data_type(), "{}: result type", udf.name());
    if !ret.is_nullable() {
        assert!(!value.is_null(), "{}: NULL result for a non-nullable return field", udf.name());
    }
    Ok(value)
}

/// Calls `udf` with every argument expanded to an array of `rows` rows (as datafusion-ffi
/// does), returning each row of the result.
pub fn call_arrays(udf: &ScalarUDF, args: &[ScalarValue], rows: usize) -> Result<Vec<ScalarValue>> {
    let (args, fields, ret) = prepare(udf, args)?;
    let arrays = args.iter().map(|a| a.to_array_of_size(rows)).collect::<Result<Vec<ArrayRef>>>()?;
    let out = invoke(udf, arrays.into_iter().map(ColumnarValue::Array).collect(), fields, rows, ret)?;
    let ColumnarValue::Array(out) = out else { panic!("{}: scalar result for array arguments", udf.name()) };
    assert_eq!(out.len(), rows);
    (0..rows).map(|i| ScalarValue::try_from_array(&out, i)).collect()
}
