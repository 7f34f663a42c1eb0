//! String UDFs: `utf8_normalize`, `path_normalize` and `qualified_name`.

use std::sync::{Arc, LazyLock};

use arrow::array::StringBuilder;
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion_common::{exec_err, internal_err, plan_err, DataFusionError, Result, ScalarValue};
use datafusion_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature,
    Volatility,
};
use unicode_normalization::{
    is_nfc_quick, is_nfd_quick, is_nfkc_quick, is_nfkd_quick, IsNormalized, UnicodeNormalization,
};

use crate::common::{
    any_nullable, array_len, coerce_declared, guarded, Declared, DeclaredSignature, Param, StrArg,
    StrView, DOC_SECTION,
};

fn doc_args(doc: &Documentation) -> &[(String, String)] {
    doc.arguments.as_deref().unwrap_or(&[])
}

/// Evaluates a string -> optional string function row by row over string arguments
/// (scalars are not expanded). `f` appends the result to `out` and returns `Ok(false)`
/// for a NULL result.
fn map_strings(
    args: &[ColumnarValue],
    mut f: impl FnMut(&[Option<&str>], &mut String) -> Result<bool>,
    name: &str,
) -> Result<ColumnarValue> {
    let owned = args.iter().map(|a| StrArg::new(name, a)).collect::<Result<Vec<_>>>()?;
    let views: Vec<StrView> = owned.iter().map(StrArg::view).collect();
    let mut row: Vec<Option<&str>> = vec![None; views.len()];
    let mut out = String::with_capacity(64);
    let Some(n) = array_len(args) else {
        for (slot, view) in row.iter_mut().zip(&views) {
            *slot = view.get(0);
        }
        out.clear();
        let value = f(&row, &mut out)?.then(|| out.clone());
        return Ok(ColumnarValue::Scalar(ScalarValue::Utf8(value)));
    };
    let data_capacity = views
        .iter()
        .find_map(|v| match v {
            StrView::Array(a) => Some(crate::common::string_bytes(a)),
            StrView::Scalar(_) => None,
        })
        .unwrap_or(0);
    let mut builder = StringBuilder::with_capacity(n, data_capacity);
    for i in 0..n {
        for (slot, view) in row.iter_mut().zip(&views) {
            *slot = view.get(i);
        }
        out.clear();
        if f(&row, &mut out)? {
            builder.append_value(&out);
        } else {
            builder.append_null();
        }
    }
    Ok(ColumnarValue::Array(Arc::new(builder.finish())))
}

// ---------------------------------------------------------------------------------------
// utf8_normalize

/// A Unicode normalization form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

impl Form {
    /// Parses a form name, ignoring case and surrounding whitespace.
    pub fn parse(name: &str) -> Option<Form> {
        let name = name.trim();
        [("NFC", Form::Nfc), ("NFD", Form::Nfd), ("NFKC", Form::Nfkc), ("NFKD", Form::Nfkd)]
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, f)| f)
    }

    fn unknown(name: &str) -> String {
        format!("utf8_normalize: unknown form '{name}'; expected NFC, NFD, NFKC or NFKD")
    }
}

/// Appends `text` in normalization form `form` to `out`. ASCII text and text the quick
/// check proves normalized are copied as they are.
pub fn normalize(text: &str, form: Form, out: &mut String) {
    let already = text.is_ascii()
        || match form {
            Form::Nfc => is_nfc_quick(text.chars()),
            Form::Nfd => is_nfd_quick(text.chars()),
            Form::Nfkc => is_nfkc_quick(text.chars()),
            Form::Nfkd => is_nfkd_quick(text.chars()),
        } == IsNormalized::Yes;
    if already {
        out.push_str(text);
    } else {
        match form {
            Form::Nfc => out.extend(text.nfc()),
            Form::Nfd => out.extend(text.nfd()),
            Form::Nfkc => out.extend(text.nfkc()),
            Form::Nfkd => out.extend(text.nfkd()),
        }
    }
}

static UTF8_NORMALIZE_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION,
        "Returns the text in a Unicode normalization form: NFC (the default; canonical \
         composition), NFD (canonical decomposition), NFKC or NFKD (compatibility \
         composition / decomposition, which also folds e.g. ligatures and full-width \
         letters). Use it before comparing, grouping or hashing text from different sources. \
         NULL if the text or the form is NULL; an unknown form is an error (at planning time \
         when the form is a literal).",
        "utf8_normalize(text[, form])",
    )
    .with_argument("text", "String expression to normalize.")
    .with_argument("form", "Normalization form: 'NFC' (default), 'NFD', 'NFKC' or 'NFKD', case-insensitive.")
    .with_sql_example(crate::examples::render("utf8_normalize"))
    .build()
});

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Utf8Normalize {
    signature: Signature,
}

impl Default for Utf8Normalize {
    fn default() -> Self {
        Self { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl Declared for Utf8Normalize {
    const SIGNATURES: &'static [DeclaredSignature] = &[
        DeclaredSignature { params: &[Param::Utf8], returns: DataType::Utf8, variadic: false },
        DeclaredSignature { params: &[Param::Utf8, Param::Utf8], returns: DataType::Utf8, variadic: false },
    ];
    const NULL_HANDLING: &'static str = "NULL if the text or the form is NULL.";
}

impl ScalarUDFImpl for Utf8Normalize {
    fn name(&self) -> &str {
        "utf8_normalize"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_declared(self.name(), Self::SIGNATURES, doc_args(&UTF8_NORMALIZE_DOC), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        if let Some(Some(form)) = args.scalar_arguments.get(1) {
            if let Some(Some(name)) = form.try_as_str() {
                if Form::parse(name).is_none() {
                    return plan_err!("{}", Form::unknown(name));
                }
            }
        }
        Ok(Arc::new(Field::new(self.name(), DataType::Utf8, any_nullable(args.arg_fields))))
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        guarded(self.name(), || utf8_normalize(&args.args))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&UTF8_NORMALIZE_DOC)
    }
}

fn utf8_normalize(args: &[ColumnarValue]) -> Result<ColumnarValue> {
    if args.is_empty() || args.len() > 2 {
        return internal_err!("utf8_normalize: expected 1 or 2 arguments, got {}", args.len());
    }
    // The form is usually constant: parse it once (NULL form -> `Some(None)`).
    let constant_form: Option<Option<std::result::Result<Form, String>>> = match args.get(1) {
        None => Some(Some(Ok(Form::Nfc))),
        Some(ColumnarValue::Scalar(s)) => {
            let name = s.try_as_str().unwrap_or(None);
            Some(name.map(|n| Form::parse(n).ok_or_else(|| n.to_string())))
        }
        Some(ColumnarValue::Array(_)) => None,
    };
    let text_only = &args[..1];
    match constant_form {
        Some(form) => map_strings(
            text_only,
            |row, out| match (row[0], &form) {
                (None, _) | (_, None) => Ok(false),
                (Some(text), Some(Ok(form))) => {
                    normalize(text, *form, out);
                    Ok(true)
                }
                (Some(_), Some(Err(name))) => Err(DataFusionError::Execution(Form::unknown(name))),
            },
            "utf8_normalize",
        ),
        None => map_strings(
            args,
            |row, out| match (row[0], row[1]) {
                (Some(text), Some(name)) => match Form::parse(name) {
                    Some(form) => {
                        normalize(text, form, out);
                        Ok(true)
                    }
                    None => exec_err!("{}", Form::unknown(name)),
                },
                _ => Ok(false),
            },
            "utf8_normalize",
        ),
    }
}

// ---------------------------------------------------------------------------------------
// path_normalize

/// Lexical POSIX-style normalization; appends the result to `out`. `scratch` holds the
/// segment stack (reused across rows). One pass over the bytes: separators ('/' and
/// '\\') are ASCII, so every segment boundary is a character boundary.
pub fn normalize_path(path: &str, out: &mut String, scratch: &mut Vec<(usize, usize)>) {
    let bytes = path.as_bytes();
    let is_separator = |b: u8| b == b'/' || b == b'\\';
    let absolute = bytes.first().is_some_and(|&b| is_separator(b));
    scratch.clear();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && is_separator(bytes[i]) {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !is_separator(bytes[i]) {
            i += 1;
        }
        match &bytes[start..i] {
            b"" | b"." => {}
            b".." => match scratch.last() {
                Some(&(s, e)) if &bytes[s..e] != b".." => {
                    scratch.pop();
                }
                _ if absolute => {} // '..' directly under the root stays at the root
                _ => scratch.push((start, i)),
            },
            _ => scratch.push((start, i)),
        }
    }
    if absolute {
        out.push('/');
    }
    for (index, &(s, e)) in scratch.iter().enumerate() {
        if index > 0 {
            out.push('/');
        }
        out.push_str(&path[s..e]);
    }
    if out.is_empty() {
        out.push('.');
    }
}

static PATH_NORMALIZE_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION,
        "Returns a file path in a canonical lexical form, so that paths extracted by \
         different tools compare equal. Backslashes become '/', repeated '/' collapse, '.' \
         segments are removed, 'dir/..' pairs are resolved lexically (symbolic links are not \
         consulted), a leading '/' is kept and '..' directly under the root is dropped, \
         leading '..' segments of a relative path are kept, a trailing '/' is removed (except \
         for '/' itself), and an empty result becomes '.'. A leading '//' collapses to '/' \
         and Windows drive letters are kept as an ordinary first segment ('C:/src'). NULL if \
         the path is NULL.",
        "path_normalize(path)",
    )
    .with_argument("path", "String expression holding a file path.")
    .with_sql_example(crate::examples::render("path_normalize"))
    .build()
});

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PathNormalize {
    signature: Signature,
}

impl Default for PathNormalize {
    fn default() -> Self {
        Self { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl Declared for PathNormalize {
    const SIGNATURES: &'static [DeclaredSignature] =
        &[DeclaredSignature { params: &[Param::Utf8], returns: DataType::Utf8, variadic: false }];
    const NULL_HANDLING: &'static str = "NULL if the path is NULL.";
}

impl ScalarUDFImpl for PathNormalize {
    fn name(&self) -> &str {
        "path_normalize"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_declared(self.name(), Self::SIGNATURES, doc_args(&PATH_NORMALIZE_DOC), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.name(), DataType::Utf8, any_nullable(args.arg_fields))))
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        guarded(self.name(), || {
            let mut scratch = Vec::new();
            map_strings(
                &args.args,
                |row, out| match row.first().copied().flatten() {
                    Some(path) => {
                        normalize_path(path, out, &mut scratch);
                        Ok(true)
                    }
                    None => Ok(false),
                },
                self.name(),
            )
        })
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&PATH_NORMALIZE_DOC)
    }
}

// ---------------------------------------------------------------------------------------
// qualified_name

/// Joins the non-NULL, non-empty parts with '.'; `false` (NULL) if there is none.
pub fn join_qualified(parts: &[Option<&str>], out: &mut String) -> bool {
    for part in parts.iter().flatten() {
        if !part.is_empty() {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    !out.is_empty()
}

static QUALIFIED_NAME_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION,
        "Returns the dotted qualified name made of the given parts, e.g. package, module, \
         class and member names from extracted code facts: the non-NULL, non-empty parts \
         joined with '.', in order (parts are not split or trimmed). NULL if every part is \
         NULL or empty.",
        "qualified_name(part[, ..., part_n])",
    )
    .with_argument("part", "First name part: a string expression.")
    .with_argument("part_n", "Further name parts; NULL and empty parts are skipped.")
    .with_sql_example(crate::examples::render("qualified_name"))
    .build()
});

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    signature: Signature,
}

impl Default for QualifiedName {
    fn default() -> Self {
        Self { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl Declared for QualifiedName {
    const SIGNATURES: &'static [DeclaredSignature] =
        &[DeclaredSignature { params: &[Param::Utf8], returns: DataType::Utf8, variadic: true }];
    const NULL_HANDLING: &'static str =
        "NULL and empty parts are skipped; NULL if every part is NULL or empty.";
}

impl ScalarUDFImpl for QualifiedName {
    fn name(&self) -> &str {
        "qualified_name"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        coerce_declared(self.name(), Self::SIGNATURES, doc_args(&QUALIFIED_NAME_DOC), arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        // Never NULL if some part is a non-empty literal.
        let has_literal_part = args
            .scalar_arguments
            .iter()
            .any(|s| matches!(s.and_then(|s| s.try_as_str()), Some(Some(p)) if !p.is_empty()));
        Ok(Arc::new(Field::new(self.name(), DataType::Utf8, !has_literal_part)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        guarded(self.name(), || map_strings(&args.args, |row, out| Ok(join_qualified(row, out)), self.name()))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&QUALIFIED_NAME_DOC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray, StringArray};

    fn path(p: &str) -> String {
        let mut out = String::new();
        normalize_path(p, &mut out, &mut Vec::new());
        out
    }

    /// The reference algorithm, written independently (split + stack of owned strings).
    fn reference_path(p: &str) -> String {
        let p = p.replace('\\', "/");
        let absolute = p.starts_with('/');
        let mut parts: Vec<&str> = Vec::new();
        for part in p.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.last().is_some_and(|l| *l != "..") {
                        parts.pop();
                    } else if !absolute {
                        parts.push("..");
                    }
                }
                _ => parts.push(part),
            }
        }
        let joined = parts.join("/");
        if absolute {
            format!("/{joined}")
        } else if joined.is_empty() {
            ".".into()
        } else {
            joined
        }
    }

    #[test]
    fn path_examples() {
        for (input, expected) in [
            ("a//b/./c/../d/", "a/b/d"),
            ("/../x", "/x"),
            ("../a/../../b", "../../b"),
            ("", "."),
            ("C:\\src\\x.py", "C:/src/x.py"),
            ("/", "/"),
            ("//", "/"),
            ("///a//", "/a"),
            (".", "."),
            ("./", "."),
            ("a/..", "."),
            ("a/../..", ".."),
            ("/a/../..", "/"),
            ("..", ".."),
            ("../..", "../.."),
            ("./../a", "../a"),
            ("a/b/c", "a/b/c"),
            ("/a/b", "/a/b"),
            ("a\\..\\b", "b"),
            ("..a/b..", "..a/b.."),
            (".hidden/./x", ".hidden/x"),
            ("src/é/ü.py", "src/é/ü.py"),
        ] {
            assert_eq!(path(input), expected, "path_normalize({input:?})");
            assert_eq!(reference_path(input), expected, "reference({input:?})");
        }
    }

    #[test]
    fn path_matches_reference_exhaustively() {
        // Every path of up to 6 segments drawn from a small alphabet.
        let alphabet = ["a", "b", ".", "..", "", "\\", "x.py"];
        let mut paths = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for p in &paths {
                for seg in alphabet {
                    next.push(if p.is_empty() { seg.to_string() } else { format!("{p}/{seg}") });
                    next.push(format!("{p}{seg}"));
                }
            }
            paths.extend(next);
            paths.sort();
            paths.dedup();
            if paths.len() > 200_000 {
                break;
            }
        }
        for p in &paths {
            let got = path(p);
            assert_eq!(got, reference_path(p), "path_normalize({p:?})");
            assert_eq!(path(&got), got, "not idempotent on {p:?}");
        }
    }

    fn norm(text: &str, form: &str) -> String {
        let mut out = String::new();
        normalize(text, Form::parse(form).unwrap(), &mut out);
        out
    }

    #[test]
    fn unicode_forms() {
        let composed = "\u{e9}"; // é
        let decomposed = "e\u{301}";
        assert_eq!(norm(decomposed, "NFC"), composed);
        assert_eq!(norm(composed, "NFD"), decomposed);
        assert_eq!(norm(composed, "nfc"), composed);
        assert_eq!(norm("\u{fb01}", "NFKC"), "fi"); // ﬁ ligature
        assert_eq!(norm("\u{fb01}", "NFC"), "\u{fb01}");
        assert_eq!(norm("\u{fb01}", "NFKD"), "fi");
        assert_eq!(norm("\u{ff36}\u{ff49}\u{ff45}\u{ff57}", "NFKC"), "View"); // full-width
        assert_eq!(norm("\u{212b}", "NFC"), "\u{c5}"); // ANGSTROM SIGN -> Å
        assert_eq!(norm("\u{1e9b}\u{323}", "NFKD"), "s\u{323}\u{307}");
        assert_eq!(norm("\u{1e9b}\u{323}", "NFKC"), "\u{1e69}");
        assert_eq!(norm("", "NFD"), "");
        assert_eq!(norm("plain ascii", "NFKD"), "plain ascii");
        assert_eq!(norm("\u{ac00}", "NFD"), "\u{1100}\u{1161}"); // Hangul syllable
        assert_eq!(norm("\u{1100}\u{1161}", "NFC"), "\u{ac00}");
    }

    #[test]
    fn form_parsing() {
        assert_eq!(Form::parse("nfkd"), Some(Form::Nfkd));
        assert_eq!(Form::parse(" NfC "), Some(Form::Nfc));
        assert_eq!(Form::parse("NFX"), None);
        assert_eq!(Form::parse(""), None);
    }

    fn strings(c: ColumnarValue) -> Vec<Option<String>> {
        match c {
            ColumnarValue::Array(a) => a.as_string::<i32>().iter().map(|s| s.map(str::to_string)).collect(),
            ColumnarValue::Scalar(ScalarValue::Utf8(s)) => vec![s],
            other => panic!("unexpected {other:?}"),
        }
    }
    fn a(v: Vec<Option<&str>>) -> ColumnarValue {
        ColumnarValue::Array(Arc::new(StringArray::from(v)))
    }
    fn s(v: Option<&str>) -> ColumnarValue {
        ColumnarValue::Scalar(ScalarValue::Utf8(v.map(str::to_string)))
    }

    #[test]
    fn utf8_normalize_arguments() {
        let texts = a(vec![Some("e\u{301}"), None, Some("\u{fb01}"), Some("")]);
        assert_eq!(
            strings(utf8_normalize(std::slice::from_ref(&texts)).unwrap()),
            vec![Some("\u{e9}".into()), None, Some("\u{fb01}".into()), Some("".into())]
        );
        assert_eq!(
            strings(utf8_normalize(&[texts.clone(), s(Some("NFKC"))]).unwrap()),
            vec![Some("\u{e9}".into()), None, Some("fi".into()), Some("".into())]
        );
        assert_eq!(strings(utf8_normalize(&[texts.clone(), s(None)]).unwrap()), vec![None, None, None, None]);
        let forms = a(vec![Some("nfd"), Some("NFX"), None, Some("NFKD")]);
        assert_eq!(
            strings(utf8_normalize(&[texts.clone(), forms]).unwrap()),
            vec![Some("e\u{301}".into()), None, None, Some("".into())]
        );
        let err = utf8_normalize(&[texts.clone(), s(Some("NFX"))]).unwrap_err().to_string();
        assert!(err.contains("utf8_normalize: unknown form 'NFX'; expected NFC, NFD, NFKC or NFKD"), "{err}");
        let err = utf8_normalize(&[texts, a(vec![Some("NFC"), None, Some("bad"), Some("NFC")])]).unwrap_err();
        assert!(err.to_string().contains("unknown form 'bad'"), "{err}");
        assert_eq!(strings(utf8_normalize(&[s(Some("\u{212b}"))]).unwrap()), vec![Some("\u{c5}".into())]);
        assert_eq!(strings(utf8_normalize(&[s(None), s(Some("NFC"))]).unwrap()), vec![None]);
        // A NULL text is NULL even with an unknown form.
        assert_eq!(strings(utf8_normalize(&[s(None), s(Some("bad"))]).unwrap()), vec![None]);
    }

    #[test]
    fn utf8_normalize_rejects_literal_unknown_form_at_planning() {
        let udf = Utf8Normalize::default();
        let fields: Vec<FieldRef> = vec![Arc::new(Field::new("t", DataType::Utf8, true)), Arc::new(Field::new("f", DataType::Utf8, false))];
        let bad = ScalarValue::Utf8(Some("nfx".into()));
        let err = udf
            .return_field_from_args(ReturnFieldArgs { arg_fields: &fields, scalar_arguments: &[None, Some(&bad)] })
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown form 'nfx'"), "{err}");
        let good = ScalarValue::Utf8(Some("nfkc".into()));
        let field = udf
            .return_field_from_args(ReturnFieldArgs { arg_fields: &fields, scalar_arguments: &[None, Some(&good)] })
            .unwrap();
        assert!(field.is_nullable());
    }

    #[test]
    fn qualified_name_rows() {
        let out = strings(
            map_strings(
                &[a(vec![Some("pkg"), None, Some(""), None]), s(None), a(vec![Some("Mod"), Some("x"), Some(""), None]), s(Some("")), s(Some("f"))],
                |row, out| Ok(join_qualified(row, out)),
                "qualified_name",
            )
            .unwrap(),
        );
        assert_eq!(out, vec![Some("pkg.Mod.f".into()), Some("x.f".into()), Some("f".into()), Some("f".into())]);
        let out = strings(
            map_strings(&[a(vec![Some(""), None, Some("a.b")]), a(vec![None, Some(""), Some("c")])], |row, out| Ok(join_qualified(row, out)), "q").unwrap(),
        );
        assert_eq!(out, vec![None, None, Some("a.b.c".into())]);
        let out = strings(map_strings(&[s(Some("a")), s(None), s(Some("b"))], |row, out| Ok(join_qualified(row, out)), "q").unwrap());
        assert_eq!(out, vec![Some("a.b".into())]);
        let out = strings(map_strings(&[s(None), s(Some(""))], |row, out| Ok(join_qualified(row, out)), "q").unwrap());
        assert_eq!(out, vec![None]);
    }

    #[test]
    fn path_normalize_arrays_keep_nulls() {
        let mut scratch = Vec::new();
        let out = map_strings(
            &[a(vec![Some("a//b"), None, Some("")])],
            |row, out| match row[0] {
                Some(p) => {
                    normalize_path(p, out, &mut scratch);
                    Ok(true)
                }
                None => Ok(false),
            },
            "path_normalize",
        )
        .unwrap();
        let ColumnarValue::Array(out) = out else { panic!() };
        assert_eq!(out.null_count(), 1);
        assert_eq!(strings(ColumnarValue::Array(out)), vec![Some("a/b".into()), None, Some(".".into())]);
    }
}
