//! Native core of viewls, built by maturin into `viewls._native`.

use pyo3::prelude::*;

/// The crate version, so Python can check it was built from the same tree.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
