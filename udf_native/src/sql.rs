//! What DataFusion's own SQL parser reads in a view's text.
//!
//! viewls reads views with sqlglot, but DataFusion is the arbiter: when sqlglot cannot
//! read a query that DataFusion parses, viewls still needs the query's dependencies and
//! the functions it calls, exactly as DataFusion will resolve them. This module parses
//! with the same parser, dialect and recursion limit as a default DataFusion session
//! (`DFParserBuilder`, GenericDialect, limit 50) and reports what the query reads.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use datafusion_common::TableReference;
use datafusion_sql::parser::{DFParserBuilder, Statement as DFStatement};
use datafusion_sql::resolve::resolve_table_references;
use datafusion_sql::sqlparser::ast::{
    Expr, Ident, ObjectName, ObjectNamePart, Statement, TableFactor, Visit, Visitor,
};

/// What one parsed statement reads.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reading {
    /// Statements in the text (a view must hold exactly one).
    pub statements: usize,
    /// Whether the (first) statement is a query: SELECT, WITH, VALUES or a set operation.
    pub query: bool,
    /// Tables and views read, CTEs and table functions excluded, as DataFusion resolves
    /// them (unquoted names lowercased): `[catalog, schema,] table`.
    pub tables: Vec<Vec<String>>,
    /// Functions called (scalar, aggregate, window and table functions), resolved the same way.
    pub functions: Vec<String>,
}

/// Parse `sql` as DataFusion does; `Err` holds DataFusion's parser error message.
pub fn read(sql: &str) -> Result<Reading, String> {
    let mut parser = DFParserBuilder::new(sql).build().map_err(|e| e.to_string())?;
    let statements = parser.parse_statements().map_err(|e| e.to_string())?;
    let mut reading = Reading { statements: statements.len(), ..Reading::default() };
    let Some(DFStatement::Statement(statement)) = statements.front() else {
        return Ok(reading);
    };
    if !matches!(statement.as_ref(), Statement::Query(_)) {
        return Ok(reading);
    }
    reading.query = true;
    let mut calls = Calls::default();
    let _ = statement.visit(&mut calls);
    let (tables, _ctes) = resolve_table_references(&statements[0], true).map_err(|e| e.to_string())?;
    reading.tables = tables
        .iter()
        .filter(|t| !matches!(t, TableReference::Bare { table } if calls.table_functions.contains(table.as_ref())))
        .map(parts)
        .collect();
    reading.functions = calls.functions.into_iter().chain(calls.table_functions).collect::<BTreeSet<_>>().into_iter().collect();
    Ok(reading)
}

fn parts(table: &TableReference) -> Vec<String> {
    match table {
        TableReference::Bare { table } => vec![table.to_string()],
        TableReference::Partial { schema, table } => vec![schema.to_string(), table.to_string()],
        TableReference::Full { catalog, schema, table } => {
            vec![catalog.to_string(), schema.to_string(), table.to_string()]
        }
    }
}

#[derive(Default)]
struct Calls {
    functions: BTreeSet<String>,
    table_functions: BTreeSet<String>,
}

impl Visitor for Calls {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(function) = expr {
            if let Some(name) = last_name(&function.name) {
                self.functions.insert(name);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table { name, args: Some(_), .. } = factor {
            if let Some(name) = last_name(name) {
                self.table_functions.insert(name);
            }
        }
        ControlFlow::Continue(())
    }
}

/// The last part of a name, normalized as DataFusion normalizes identifiers.
fn last_name(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(normalize(ident)),
        ObjectNamePart::Function(_) => None,
    }
}

fn normalize(ident: &Ident) -> String {
    if ident.quote_style.is_some() { ident.value.clone() } else { ident.value.to_ascii_lowercase() }
}

#[cfg(test)]
mod tests {
    use super::read;

    fn names(rows: &[Vec<String>]) -> Vec<String> {
        rows.iter().map(|r| r.join(".")).collect()
    }

    #[test]
    fn tables_exclude_ctes_and_table_functions() {
        let r = read("WITH c AS (SELECT * FROM \"Orders\") SELECT * FROM c JOIN Users u ON true, generate_series(3)").unwrap();
        assert_eq!((r.statements, r.query), (1, true));
        assert_eq!(names(&r.tables), ["Orders", "users"]);
        assert_eq!(r.functions, ["generate_series"]);
    }

    #[test]
    fn functions_are_normalized_and_quoted_names_kept() {
        let r = read("SELECT Upper(a), \"MyUdf\"(b), count(*) FROM public.t WHERE x IN (SELECT y FROM s)").unwrap();
        assert_eq!(names(&r.tables), ["s", "public.t"]);
        assert_eq!(r.functions, ["MyUdf", "count", "upper"]);
    }

    #[test]
    fn statements_that_are_not_queries_are_reported_as_such() {
        let r = read("INSERT INTO t VALUES (1)").unwrap();
        assert_eq!((r.statements, r.query), (1, false));
        assert_eq!(read("SELECT 1; SELECT 2").unwrap().statements, 2);
    }

    #[test]
    fn parser_errors_carry_datafusion_message_and_position() {
        let err = read("SELECT (1 FROM t").unwrap_err();
        assert!(err.contains("Line: 1"), "{err}");
    }
}
