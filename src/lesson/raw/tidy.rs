//! The generated schema made to read as the format: TOML has no null (an
//! optional key is one left out) and one integer type, and a description
//! is prose, not the doc comment's line breaks.

use serde_json::{Map, Value as Json};

pub fn tidy(schema: &mut Json) {
    match schema {
        Json::Object(o) => tidy_object(o),
        Json::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

fn tidy_object(o: &mut Map<String, Json>) {
    // Only the keyword (a string), not a property of that name.
    if o.get("format").is_some_and(Json::is_string) {
        o.remove("format");
    }
    if let Some(Json::Array(types)) = o.get_mut("type") {
        types.retain(|t| t != "null");
        if let [one] = types.as_slice() {
            let one = one.clone();
            o.insert("type".into(), one);
        }
    }
    if let Some(Json::Array(alts)) = o.get_mut("anyOf") {
        alts.retain(|a| a.get("type").and_then(Json::as_str) != Some("null"));
        if alts.len() == 1
            && let Some(Json::Object(only)) = alts.pop()
        {
            o.remove("anyOf");
            for (k, v) in only {
                o.entry(k).or_insert(v);
            }
        }
    }
    if let Some(Json::String(d)) = o.get_mut("description") {
        *d = prose(d);
    }
    o.values_mut().for_each(tidy);
}

/// Lines joined into paragraphs.
fn prose(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_format_and_line_breaks_go() {
        let mut s = json!({
            "properties": {
                "a": { "type": ["integer", "null"], "format": "int64" },
                "b": { "anyOf": [ { "$ref": "#/$defs/x" }, { "type": "null" } ], "description": "one\ntwo\n\nthree" }
            }
        });
        tidy(&mut s);
        assert_eq!(
            s,
            json!({
                "properties": {
                    "a": { "type": "integer" },
                    "b": { "$ref": "#/$defs/x", "description": "one two\n\nthree" }
                }
            })
        );
    }
}
