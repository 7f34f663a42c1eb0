//! The UDF snapshot: one JSON object per UDF, derived from the UDF itself (name, aliases,
//! volatility), its declared signatures and its `Documentation`. Nothing here is written
//! twice: the catalogue is what the functions say about themselves.

use datafusion_expr::Volatility;

use crate::UdfEntry;

/// Appends `s` as a JSON string literal.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn strings<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        string(out, item);
    }
    out.push(']');
}

fn key(out: &mut String, first: bool, name: &str) {
    if !first {
        out.push_str(", ");
    }
    string(out, name);
    out.push_str(": ");
}

fn volatility(v: Volatility) -> &'static str {
    match v {
        Volatility::Immutable => "immutable",
        Volatility::Stable => "stable",
        Volatility::Volatile => "volatile",
    }
}

/// The catalogue as a JSON array (see the crate README for the schema).
pub fn to_json(entries: &[UdfEntry]) -> String {
    let mut out = String::from("[");
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n ");
        }
        let udf = &entry.udf;
        let doc = udf.documentation();
        out.push('{');
        key(&mut out, true, "name");
        string(&mut out, udf.name());
        key(&mut out, false, "aliases");
        strings(&mut out, udf.aliases().iter().map(String::as_str));
        key(&mut out, false, "volatility");
        string(&mut out, volatility(udf.signature().volatility));
        key(&mut out, false, "signatures");
        out.push('[');
        for (j, sig) in entry.signatures.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push('{');
            key(&mut out, true, "arguments");
            strings(&mut out, sig.params.iter().map(|p| p.catalog_name()));
            key(&mut out, false, "returns");
            string(&mut out, &sig.returns.to_string());
            key(&mut out, false, "variadic");
            out.push_str(if sig.variadic { "true" } else { "false" });
            out.push('}');
        }
        out.push(']');
        key(&mut out, false, "description");
        string(&mut out, doc.map_or("", |d| d.description.as_str()));
        key(&mut out, false, "syntax");
        string(&mut out, doc.map_or("", |d| d.syntax_example.as_str()));
        key(&mut out, false, "arguments");
        out.push('[');
        let arguments = doc.and_then(|d| d.arguments.as_deref()).unwrap_or(&[]);
        for (j, (name, description)) in arguments.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push('{');
            key(&mut out, true, "name");
            string(&mut out, name);
            key(&mut out, false, "description");
            string(&mut out, description);
            out.push('}');
        }
        out.push(']');
        key(&mut out, false, "example");
        string(&mut out, doc.and_then(|d| d.sql_example.as_deref()).unwrap_or(""));
        key(&mut out, false, "null_handling");
        string(&mut out, entry.null_handling);
        out.push('}');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn catalog() -> Vec<Value> {
        let text = crate::udf_catalog();
        match serde_json::from_str::<Value>(&text).unwrap() {
            Value::Array(items) => items,
            other => panic!("not an array: {other}"),
        }
    }

    #[test]
    fn every_udf_is_catalogued_with_full_documentation() {
        let items = catalog();
        let names: Vec<&str> = items.iter().map(|i| i["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["stable_hash64", "stable_id", "span_contains", "span_overlaps", "utf8_normalize", "path_normalize", "qualified_name"]
        );
        for item in &items {
            let name = item["name"].as_str().unwrap();
            let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            let mut expected = vec!["name", "aliases", "volatility", "signatures", "description", "syntax", "arguments", "example", "null_handling"];
            expected.sort();
            let mut keys_sorted = keys.clone();
            keys_sorted.sort();
            assert_eq!(keys_sorted, expected, "{name}");
            assert_eq!(item["volatility"], "immutable");
            assert!(item["aliases"].as_array().unwrap().is_empty());
            for field in ["description", "syntax", "example", "null_handling"] {
                assert!(item[field].as_str().unwrap().len() > 10, "{name}.{field}");
            }
            assert!(item["syntax"].as_str().unwrap().starts_with(&format!("{name}(")));
            let arguments = item["arguments"].as_array().unwrap();
            assert!(!arguments.is_empty(), "{name}");
            for a in arguments {
                assert!(!a["name"].as_str().unwrap().is_empty());
                assert!(!a["description"].as_str().unwrap().is_empty());
            }
            let signatures = item["signatures"].as_array().unwrap();
            assert!(!signatures.is_empty());
            for s in signatures {
                assert!(s["variadic"].is_boolean());
                assert!(!s["arguments"].as_array().unwrap().is_empty());
                assert!(["UInt64", "Utf8", "Boolean"].contains(&s["returns"].as_str().unwrap()));
            }
        }
    }

    #[test]
    fn signatures_are_exported_as_declared() {
        let items = catalog();
        let sigs = |name: &str| {
            let item = items.iter().find(|i| i["name"] == name).unwrap();
            item["signatures"].to_string()
        };
        assert_eq!(sigs("stable_hash64"), r#"[{"arguments":["Any"],"returns":"UInt64","variadic":true}]"#);
        assert_eq!(sigs("stable_id"), r#"[{"arguments":["Utf8","Any"],"returns":"Utf8","variadic":true}]"#);
        assert_eq!(
            sigs("span_contains"),
            r#"[{"arguments":["Int64","Int64","Int64","Int64"],"returns":"Boolean","variadic":false}]"#
        );
        assert_eq!(
            sigs("utf8_normalize"),
            r#"[{"arguments":["Utf8"],"returns":"Utf8","variadic":false},{"arguments":["Utf8","Utf8"],"returns":"Utf8","variadic":false}]"#
        );
        assert_eq!(sigs("qualified_name"), r#"[{"arguments":["Utf8"],"returns":"Utf8","variadic":true}]"#);
    }

    #[test]
    fn the_hash_documentation_states_the_encoding() {
        let items = catalog();
        let description = items[0]["description"].as_str().unwrap();
        assert!(description.contains("XXH3-64 with seed 0"));
        assert!(description.contains("0x7FF8000000000000"));
    }

    #[test]
    fn json_escaping() {
        let mut out = String::new();
        super::string(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), "a\"b\\c\nd\u{1}é");
    }
}
