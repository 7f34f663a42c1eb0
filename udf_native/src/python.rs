//! The Python module `viewls._native` (feature `python`).
//!
//! Contract (relied on by viewls/engine/native.py):
//! - `version() -> str`: the crate version;
//! - `datafusion_ffi_major() -> int`: the major version of the datafusion-ffi crate
//!   compiled in; capsules must only be handed to a `datafusion` of the same major;
//! - `udfs() -> list[NativeUdf]`: `NativeUdf.name` and `NativeUdf.__datafusion_scalar_udf__()`
//!   (a PyCapsule named "datafusion_scalar_udf" holding an `FFI_ScalarUDF`), which is what
//!   `datafusion.udf(obj)` imports;
//! - `udf_catalog() -> str`: the catalogue as JSON (see README.md);
//! - `read_sql(sql, canonical=None) -> (statements, is_query, tables, functions, same)`:
//!   what DataFusion's own parser reads in `sql` (see `sql.rs`), and whether `canonical`
//!   is proven to be the same query; raises `ValueError` with DataFusion's parser error
//!   when it cannot parse `sql`.

use std::ffi::CString;
use std::sync::Arc;

use datafusion_expr::ScalarUDF;
use datafusion_ffi::udf::FFI_ScalarUDF;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// One native scalar UDF, importable by `datafusion.udf(native_udf)`.
#[pyclass(name = "NativeUdf", module = "viewls._native", frozen)]
struct NativeUdf {
    udf: Arc<ScalarUDF>,
}

#[pymethods]
impl NativeUdf {
    /// The function name, as used in SQL.
    #[getter]
    fn name(&self) -> &str {
        self.udf.name()
    }

    /// The UDF as a datafusion-ffi `FFI_ScalarUDF` in a capsule named
    /// "datafusion_scalar_udf".
    fn __datafusion_scalar_udf__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let name = CString::new("datafusion_scalar_udf").expect("no NUL in the capsule name");
        PyCapsule::new(py, FFI_ScalarUDF::from(Arc::clone(&self.udf)), Some(name))
    }

    fn __repr__(&self) -> String {
        format!("<NativeUdf {}>", self.udf.name())
    }
}

/// The crate version, so Python can check it was built from the same tree.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The major version of datafusion-ffi compiled into this module.
#[pyfunction]
fn datafusion_ffi_major() -> u64 {
    crate::datafusion_ffi_major()
}

/// Every native UDF, in catalogue order.
#[pyfunction]
fn udfs() -> Vec<NativeUdf> {
    crate::udfs().into_iter().map(|udf| NativeUdf { udf }).collect()
}

/// The catalogue of every native UDF as a JSON array.
#[pyfunction]
fn udf_catalog() -> String {
    crate::udf_catalog()
}

/// What DataFusion's parser reads in `sql`: statement count, whether the first statement
/// is a query, the tables it reads (name parts), the functions it calls, and whether
/// `canonical` is proven to be the same query.
#[pyfunction]
#[pyo3(signature = (sql, canonical=None))]
fn read_sql(
    py: Python<'_>,
    sql: &str,
    canonical: Option<&str>,
) -> PyResult<(usize, bool, Vec<Vec<String>>, Vec<String>, bool)> {
    let reading = py.allow_threads(|| crate::sql::read(sql, canonical));
    let reading = reading.map_err(pyo3::exceptions::PyValueError::new_err)?;
    Ok((reading.statements, reading.query, reading.tables, reading.functions, reading.same_as_canonical))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeUdf>()?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(datafusion_ffi_major, m)?)?;
    m.add_function(wrap_pyfunction!(udfs, m)?)?;
    m.add_function(wrap_pyfunction!(udf_catalog, m)?)?;
    m.add_function(wrap_pyfunction!(read_sql, m)?)?;
    Ok(())
}
