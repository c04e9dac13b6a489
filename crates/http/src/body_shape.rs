//! JSON bodies have the shape the OpenAPI document gives them, before serde reads
//! them.
//!
//! serde's derived deserialisers accept a struct written as a JSON array of its
//! fields in declared order (`["Array team"]` would create a team), and refuse a
//! whole number written as `1.0` where an integer is expected, which JSON Schema calls
//! an integer. Neither matches the contract. So a body is first read as a JSON value
//! and walked together with its schema from the document: wherever the schema says
//! object, the value must be an object (`400 malformed_body` naming the field
//! otherwise), and whole floats where it says integer become integers. Only then
//! does serde read the value into the request type. The schemas come from the same
//! document that is served, so the check and the contract cannot drift.

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// The component schemas of the API document, by name.
#[derive(Clone, Default)]
pub struct BodySchemas {
    components: BTreeMap<String, RefOr<Schema>>,
}

/// Where a body breaks its schema's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// The field, as a dotted path (`tasks[2]`, `budget`); empty for the whole body.
    pub path: String,
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str("the body must be a JSON object")
        } else {
            write!(f, "`{}` must be a JSON object", self.path)
        }
    }
}

const REF_PREFIX: &str = "#/components/schemas/";

fn has(types: &SchemaType, wanted: Type) -> bool {
    match types {
        SchemaType::Type(t) => *t == wanted,
        SchemaType::Array(ts) => ts.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}

impl BodySchemas {
    #[must_use]
    pub fn from_spec(spec: &OpenApi) -> Self {
        let components = spec.components.as_ref().map(|c| c.schemas.clone().into_iter().collect()).unwrap_or_default();
        Self { components }
    }

    /// Checks `value` against the component schema `name`, making whole floats
    /// integers where integers are expected. Unknown names are not checked (serde
    /// still is).
    pub fn conform(&self, name: &str, value: &mut Value) -> Result<(), ShapeError> {
        match self.components.get(name) {
            Some(schema) => self.walk(schema, value, String::new(), 0),
            None => Ok(()),
        }
    }

    fn walk(&self, schema: &RefOr<Schema>, value: &mut Value, path: String, depth: u8) -> Result<(), ShapeError> {
        if depth > 32 {
            return Ok(());
        }
        let schema = match schema {
            RefOr::Ref(reference) => {
                let name = reference.ref_location.trim_start_matches(REF_PREFIX);
                match self.components.get(name) {
                    Some(RefOr::T(schema)) => schema,
                    _ => return Ok(()),
                }
            }
            RefOr::T(schema) => schema,
        };
        match schema {
            Schema::Object(object) => {
                if value.is_null() && has(&object.schema_type, Type::Null) {
                    return Ok(());
                }
                if has(&object.schema_type, Type::Integer)
                    && let Some(whole) = value.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    && !value.is_i64()
                    && !value.is_u64()
                {
                    #[allow(clippy::cast_possible_truncation)]
                    let whole = whole as i64;
                    *value = Value::from(whole);
                }
                let is_object_schema = has(&object.schema_type, Type::Object) || !object.properties.is_empty();
                if !is_object_schema {
                    return Ok(());
                }
                let Value::Object(fields) = value else {
                    return if value.is_array() { Err(ShapeError { path }) } else { Ok(()) };
                };
                for (name, property) in &object.properties {
                    if let Some(field) = fields.get_mut(name) {
                        let nested = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                        self.walk(property, field, nested, depth + 1)?;
                    }
                }
                Ok(())
            }
            Schema::Array(array) => {
                let (Value::Array(items), ArrayItems::RefOrSchema(item)) = (value, &array.items) else { return Ok(()) };
                for (index, element) in items.iter_mut().enumerate() {
                    self.walk(item, element, format!("{path}[{index}]"), depth + 1)?;
                }
                Ok(())
            }
            // Optional nested objects are `oneOf: [null, $ref]`; walk the non-null one.
            Schema::OneOf(one) => {
                if value.is_null() {
                    return Ok(());
                }
                let non_null: Vec<&RefOr<Schema>> = one
                    .items
                    .iter()
                    .filter(|item| !matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null)))
                    .collect();
                match non_null.as_slice() {
                    [only] => self.walk(only, value, path, depth + 1),
                    _ => Ok(()),
                }
            }
            Schema::AllOf(all) => {
                for item in &all.items {
                    self.walk(item, value, path.clone(), depth + 1)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schemas() -> BodySchemas {
        BodySchemas::from_spec(&crate::openapi::document())
    }

    #[test]
    fn objects_must_be_objects_at_every_depth() {
        let schemas = schemas();
        let mut team = json!(["Array team"]);
        assert_eq!(schemas.conform("TeamRequest", &mut team), Err(ShapeError { path: String::new() }));
        let mut split = json!({"tasks": [{"title": "a", "instructions": "", "estimated_minutes": 30,
                                           "due_at": "2030-01-01T00:00:00Z"}, ["b", "", 30]]});
        assert_eq!(schemas.conform("SplitRequest", &mut split), Err(ShapeError { path: "tasks[1]".into() }));
        let mut rate = json!({"hourly_rate": [1200, "JPY"]});
        assert_eq!(schemas.conform("HourlyRateRequest", &mut rate), Err(ShapeError { path: "hourly_rate".into() }));
        let mut fine = json!({"hourly_rate": {"amount_minor": 1200}});
        assert_eq!(schemas.conform("HourlyRateRequest", &mut fine), Ok(()));
    }

    /// Every request body is a named component, so every body is checked.
    #[test]
    fn every_request_body_is_a_checked_component() {
        let spec = crate::openapi::document();
        let schemas = BodySchemas::from_spec(&spec);
        let mut bodies = 0;
        for (path, item) in &spec.paths.paths {
            let operations = [&item.get, &item.put, &item.post, &item.delete, &item.patch];
            for body in operations.into_iter().flatten().filter_map(|op| op.request_body.as_ref()) {
                for content in body.content.values() {
                    let Some(RefOr::Ref(reference)) = &content.schema else {
                        panic!("{path}: the request body is not a named schema");
                    };
                    let name = reference.ref_location.trim_start_matches(REF_PREFIX);
                    assert!(schemas.components.contains_key(name), "{path}: {name} is not a component");
                    bodies += 1;
                }
            }
        }
        assert!(bodies > 30, "{bodies} bodies");
    }

    #[test]
    fn whole_floats_become_integers_where_integers_are_expected() {
        let schemas = schemas();
        let mut level = json!({"level": 3.0, "evidence": "x"});
        assert_eq!(schemas.conform("AssessmentRequest", &mut level), Ok(()));
        assert_eq!(level, json!({"level": 3, "evidence": "x"}));
        let mut fraction = json!({"level": 3.5, "evidence": "x"});
        assert_eq!(schemas.conform("AssessmentRequest", &mut fraction), Ok(()));
        assert_eq!(fraction["level"], json!(3.5), "a real fraction stays for serde to refuse");
    }
}
