//! What DataFusion's own SQL parser reads in a view's text.
//!
//! viewls reads views with sqlglot, but DataFusion is the arbiter: when sqlglot cannot
//! read a query that DataFusion parses, viewls still needs the query's dependencies and
//! the functions it calls, exactly as DataFusion will resolve them. This module parses
//! with the same parser, dialect and recursion limit as a default DataFusion session
//! (`DFParserBuilder`, GenericDialect, limit 50) and reports what the query reads.
//!
//! It also proves, when it can, that viewls's canonical SQL is the very query the user
//! wrote: when DataFusion's parser reads both texts to the same statement (up to spellings
//! DataFusion's SQL planner treats alike), they plan alike, and the fidelity guard need
//! not plan the canonical SQL a second time.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use datafusion_common::TableReference;
use datafusion_sql::parser::{DFParserBuilder, Statement as DFStatement};
use datafusion_sql::resolve::resolve_table_references;
use datafusion_sql::sqlparser::ast::{
    CastKind, Expr, Ident, Join, JoinOperator, ObjectName, ObjectNamePart, Select, Statement,
    Interval, TableAlias, TableFactor, TypedString, Value, ValueWithSpan, Visit, VisitMut, Visitor, VisitorMut,
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
    /// Whether the canonical SQL given to [`read`] is proven to be the same query.
    pub same_as_canonical: bool,
}

/// Parse `sql` as DataFusion does, and `canonical` (if any) to compare it with; `Err`
/// holds DataFusion's parser error message about `sql`.
pub fn read(sql: &str, canonical: Option<&str>) -> Result<Reading, String> {
    let statements = parse(sql)?;
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
    reading.same_as_canonical = canonical.is_some_and(|canonical| same_query(statement, canonical));
    Ok(reading)
}

fn parse(sql: &str) -> Result<std::collections::VecDeque<DFStatement>, String> {
    let mut parser = DFParserBuilder::new(sql).build().map_err(|e| e.to_string())?;
    parser.parse_statements().map_err(|e| e.to_string())
}

/// Whether `canonical` parses to `written` up to [`Spelling`]: then DataFusion's planner
/// cannot tell the two texts apart. Statement equality ignores source positions.
fn same_query(written: &Statement, canonical: &str) -> bool {
    let Ok(mut statements) = parse(canonical) else { return false };
    if statements.len() != 1 {
        return false;
    }
    let Some(DFStatement::Statement(theirs)) = statements.pop_front() else { return false };
    let (mut ours, mut theirs) = (written.clone(), *theirs);
    let _ = VisitMut::visit(&mut ours, &mut Spelling);
    let _ = VisitMut::visit(&mut theirs, &mut Spelling);
    ours == theirs
}

/// Rewrites the spellings of one construct that DataFusion's SQL planner plans alike
/// (datafusion-sql 55: `relation/join.rs`, `expr/mod.rs`) to one of them: `x::t` and
/// `CAST(x AS t)`; `DATE 'x'` and `CAST('x' AS DATE)` (any type: both plan to a cast of
/// the string literal); the letter case of an interval's string (arrow parses it to a
/// value, and its only letters are units, read case-insensitively); `JOIN` and `INNER JOIN` (likewise LEFT/RIGHT [OUTER]); a table
/// alias with or without `AS`; the letter case of an unquoted function name (the planner
/// looks functions up lowercased, and names output columns after the function found).
/// Nothing else is equated: identifiers keep their case and quotes, because the planner
/// uses some of them verbatim (struct keys, argument names).
struct Spelling;

impl VisitorMut for Spelling {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        match expr {
            Expr::Cast { kind: kind @ CastKind::DoubleColon, .. } => *kind = CastKind::Cast,
            Expr::TypedString(TypedString { data_type, value, .. })
                if matches!(value.value, Value::SingleQuotedString(_)) =>
            {
                *expr = Expr::Cast {
                    kind: CastKind::Cast,
                    expr: Box::new(Expr::Value(value.clone())),
                    data_type: data_type.clone(),
                    array: false,
                    format: None,
                };
            }
            Expr::Interval(Interval { value, .. }) => {
                if let Expr::Value(ValueWithSpan { value: Value::SingleQuotedString(text), .. }) = value.as_mut() {
                    text.make_ascii_lowercase();
                }
            }
            Expr::Function(function) => {
                for part in function.name.0.iter_mut() {
                    if let ObjectNamePart::Identifier(ident) = part {
                        if ident.quote_style.is_none() {
                            ident.value.make_ascii_lowercase();
                        }
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &mut Select) -> ControlFlow<()> {
        select.from.iter_mut().flat_map(|from| from.joins.iter_mut()).for_each(join_spelling);
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::NestedJoin { table_with_joins, .. } = factor {
            table_with_joins.joins.iter_mut().for_each(join_spelling);
        }
        if let Some(alias) = alias(factor) {
            alias.explicit = true;
        }
        ControlFlow::Continue(())
    }
}

fn join_spelling(join: &mut Join) {
    let operator = std::mem::replace(&mut join.join_operator, JoinOperator::CrossApply);
    join.join_operator = match operator {
        JoinOperator::Join(c) => JoinOperator::Inner(c),
        JoinOperator::Left(c) => JoinOperator::LeftOuter(c),
        JoinOperator::Right(c) => JoinOperator::RightOuter(c),
        other => other,
    };
}

fn alias(factor: &mut TableFactor) -> Option<&mut TableAlias> {
    match factor {
        TableFactor::Table { alias, .. }
        | TableFactor::Derived { alias, .. }
        | TableFactor::TableFunction { alias, .. }
        | TableFactor::Function { alias, .. }
        | TableFactor::UNNEST { alias, .. }
        | TableFactor::JsonTable { alias, .. }
        | TableFactor::OpenJsonTable { alias, .. }
        | TableFactor::NestedJoin { alias, .. }
        | TableFactor::Pivot { alias, .. }
        | TableFactor::Unpivot { alias, .. }
        | TableFactor::MatchRecognize { alias, .. }
        | TableFactor::XmlTable { alias, .. }
        | TableFactor::SemanticView { alias, .. } => alias.as_mut(),
    }
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
    use super::{read, Reading};

    fn read_alone(sql: &str) -> Result<Reading, String> {
        read(sql, None)
    }

    fn same(written: &str, canonical: &str) -> bool {
        read(written, Some(canonical)).unwrap().same_as_canonical
    }

    #[test]
    fn spellings_the_planner_reads_alike_are_the_same_query() {
        assert!(same("select a::int, count(*) from t x join u y on x.k = y.k left join w on true group by 1",
                     "SELECT CAST(a AS INT), count(*) FROM t AS x INNER JOIN u AS y ON x.k = y.k LEFT OUTER JOIN w ON TRUE GROUP BY 1"));
        assert!(same("SELECT * FROM (a JOIN b USING (k)) j", "SELECT * FROM (a INNER JOIN b USING (k)) AS j"));
        assert!(same("SELECT date '2024-01-02' + interval '3 days' FROM t",
                     "SELECT CAST('2024-01-02' AS DATE) + INTERVAL '3 DAYS' FROM t"));
        assert!(same("SELECT UPPER(Trim(a)), Count(*) FROM t", "SELECT upper(trim(a)), count(*) FROM t"));
    }

    #[test]
    fn anything_else_is_not_proven() {
        assert!(!same("SELECT a FROM t", "SELECT A FROM t"));
        assert!(!same("SELECT \"SQRT\"(a) FROM t", "SELECT sqrt(a) FROM t"));
        assert!(!same("SELECT a FROM t", "SELECT \"a\" FROM t"));
        assert!(!same("SELECT {Outer: 1}", "SELECT {outer: 1}"));
        assert!(!same("SELECT a FROM t", "SELECT a FROM t; SELECT 1"));
        assert!(!same("SELECT a FROM t", "SELECT a FROM"));
        assert!(!same("SELECT try_cast(a AS int) FROM t", "SELECT CAST(a AS INT) FROM t"));
        assert!(!same("SELECT date '2024-01-02'", "SELECT CAST('2024-01-03' AS DATE)"));
        assert!(!same("SELECT 'Days'", "SELECT 'days'"));
        assert!(!same("SELECT interval '1 day 1'", "SELECT INTERVAL '1 DAY'"));
        assert!(!same("SELECT a FROM t LEFT JOIN u ON true", "SELECT a FROM t RIGHT JOIN u ON true"));
    }

    fn names(rows: &[Vec<String>]) -> Vec<String> {
        rows.iter().map(|r| r.join(".")).collect()
    }

    #[test]
    fn tables_exclude_ctes_and_table_functions() {
        let r = read_alone("WITH c AS (SELECT * FROM \"Orders\") SELECT * FROM c JOIN Users u ON true, generate_series(3)").unwrap();
        assert_eq!((r.statements, r.query), (1, true));
        assert_eq!(names(&r.tables), ["Orders", "users"]);
        assert_eq!(r.functions, ["generate_series"]);
    }

    #[test]
    fn functions_are_normalized_and_quoted_names_kept() {
        let r = read_alone("SELECT Upper(a), \"MyUdf\"(b), count(*) FROM public.t WHERE x IN (SELECT y FROM s)").unwrap();
        assert_eq!(names(&r.tables), ["s", "public.t"]);
        assert_eq!(r.functions, ["MyUdf", "count", "upper"]);
    }

    #[test]
    fn statements_that_are_not_queries_are_reported_as_such() {
        let r = read_alone("INSERT INTO t VALUES (1)").unwrap();
        assert_eq!((r.statements, r.query), (1, false));
        assert_eq!(read_alone("SELECT 1; SELECT 2").unwrap().statements, 2);
    }

    #[test]
    fn parser_errors_carry_datafusion_message_and_position() {
        let err = read_alone("SELECT (1 FROM t").unwrap_err();
        assert!(err.contains("Line: 1"), "{err}");
    }
}
