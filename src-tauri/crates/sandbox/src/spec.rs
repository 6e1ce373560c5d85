//! GHL OpenAPI 3.0 files as JSON Schema (draft 2020-12) validators.
//!
//! [`Spec::load`] reads one spec file, pulls in the component schemas of every file
//! it references (`../common/common-schemas.json#/components/schemas/X`), rewrites
//! those `$ref`s to local `#/components/schemas/X`, and translates OpenAPI 3.0
//! idioms (`nullable`, boolean `exclusiveMinimum`, `$ref` siblings) so a standard
//! validator reads them with OpenAPI's meaning. `additionalProperties` is left
//! alone: the spec allows extra keys. Validators compile
//! `{ "$ref": "#/components/schemas/X", "components": ... }`.
//!
//! Used by the sandbox's contract tests to check responses, and meant for checking
//! requests made by the `ghl` client too.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::RecordedRequest;

const LOCAL_PREFIX: &str = "#/components/schemas/";
const FORM_TYPE: &str = "application/x-www-form-urlencoded";
const FORM_SCHEMA: &str = "/requestBody/content/application~1x-www-form-urlencoded/schema";
const JSON_TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "object", "array", "null",
];

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("unsupported $ref {reference:?} in {path}")]
    UnsupportedRef { path: PathBuf, reference: String },
    #[error("schema {name} is defined differently in {first} and {second}")]
    Conflict {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("the spec has no operation {method} {path}")]
    NoOperation { method: String, path: String },
    #[error("{method} {path} declares no JSON schema for {what}")]
    NoSchema {
        method: String,
        path: String,
        what: String,
    },
    #[error("the spec has no component schema {0}")]
    NoComponent(String),
    #[error("cannot patch {schema}{pointer}: no such location")]
    BadPatch { schema: String, pointer: String },
    #[error("schema does not compile: {0}")]
    Compile(String),
    #[error("unsound translation:\n  {}", .0.join("\n  "))]
    Unsound(Vec<String>),
    #[error("cannot find the shared specs directory (set SWITCHBOARD_SPECS_DIR)")]
    NoSpecsDir,
}

/// A documented difference between the spec and the live API that the sandbox
/// reproduces on purpose; apply with [`Spec::apply_drift`].
#[derive(Debug, Clone, Copy)]
pub struct Drift {
    pub schema: &'static str,
    /// JSON pointer inside the component schema.
    pub pointer: &'static str,
    /// JSON text of the replacement sub-schema.
    pub replacement: &'static str,
    pub reason: &'static str,
}

/// Live search responses differ from the history spec's `Contact` schema.
pub const SEARCH_CONTACT_DRIFT: &[Drift] = &[
    Drift {
        schema: "Contact",
        pointer: "/properties/dateOfBirth",
        replacement: r#"{"type": ["string", "number"]}"#,
        reason: "search returns dateOfBirth as epoch millis (highlevel-api-docs#314); \
                 the schema says string",
    },
    Drift {
        schema: "Contact",
        pointer: "/properties/searchAfter/items",
        replacement: r#"{"type": ["string", "number"]}"#,
        reason: "searchAfter is [sortValue, id] with a numeric sort value for date sorts, \
                 as the schema's own example [1234, \"102goXVW3lIExEQPOnd3\"] shows; \
                 its items say string",
    },
];

/// Write bodies whose declared types contradict their own examples and
/// descriptions: apply before checking requests a client sent.
pub const WRITE_BODY_DRIFT: &[Drift] = &[
    Drift {
        schema: "CreateContactDto",
        pointer: "/properties/dateOfBirth",
        replacement: r#"{"type": ["string", "null"]}"#,
        reason: "declared object, but described (and sent) as a date string like 1990-09-25",
    },
    Drift {
        schema: "UpsertContactDto",
        pointer: "/properties/dateOfBirth",
        replacement: r#"{"type": ["string", "null"]}"#,
        reason: "declared object, but described (and sent) as a date string like 1990-09-25",
    },
    Drift {
        schema: "UpdateContactDto",
        pointer: "/properties/dateOfBirth",
        replacement: r#"{"type": ["string", "null"]}"#,
        reason: "declared object, but described (and sent) as a date string like 1990-09-25",
    },
    Drift {
        schema: "NumericField",
        pointer: "/properties/field_value",
        replacement: r#"{"type": "number"}"#,
        reason: "declared object; its example is the number 100",
    },
    Drift {
        schema: "MonetoryField",
        pointer: "/properties/field_value",
        replacement: r#"{"type": "number"}"#,
        reason: "declared object; its example is the number 100.5",
    },
];

/// Body keys the live API accepts although the spec's DTO does not declare them
/// (highlevel-api-docs#314): `(method, path, key)`. [`RequestChecker`] does not
/// report them.
pub const LIVE_BODY_KEYS: &[(&str, &str, &str)] = &[
    ("PUT", "/contacts/{contactId}", "companyName"),
    ("PUT", "/contacts/{contactId}", "type"),
    ("PUT", "/contacts/{contactId}", "keyword"),
    ("PUT", "/contacts/{contactId}", "ssn"),
    ("POST", "/contacts/", "type"),
    ("POST", "/contacts/upsert", "type"),
];

/// Token-request keys the sandbox accepts beyond the spec's DTO: RFC 7636's
/// PKCE verifier, which GHL documents nowhere (API-NOTES §5.5). `(method,
/// path, key)`; [`RequestChecker`] does not report them.
pub const PKCE_BODY_KEYS: &[(&str, &str, &str)] = &[("POST", "/oauth/token", "code_verifier")];

/// One loaded spec file with its referenced files' schemas merged in.
#[derive(Debug, Clone)]
pub struct Spec {
    path: PathBuf,
    /// The translated OpenAPI document; `components.schemas` holds every schema.
    doc: Value,
}

/// A compiled validator for one schema of a [`Spec`].
pub struct SchemaValidator {
    /// What it validates, for messages (`Contact`, `GET /contacts/{contactId} 200`).
    pub name: String,
    root: Value,
    validator: jsonschema::Validator,
}

impl fmt::Debug for SchemaValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaValidator")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl SchemaValidator {
    /// `Err` lists every violation as `<instance pointer>: <message>`.
    pub fn validate(&self, instance: &Value) -> Result<(), Vec<String>> {
        let errors: Vec<String> = self
            .validator
            .iter_errors(instance)
            .map(|e| format!("{}: {}", e.instance_path, e))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn is_valid(&self, instance: &Value) -> bool {
        self.validator.is_valid(instance)
    }

    /// JSON pointers of object keys in `instance` that the schema does not declare.
    /// Extra keys are legal (no `additionalProperties: false` in the spec), so this is
    /// a typo detector, not a validity check. Free-form objects are not inspected.
    pub fn undeclared_keys(&self, instance: &Value) -> Vec<String> {
        let mut out = Vec::new();
        undeclared(&self.root, &self.root, instance, String::new(), &mut out, 0);
        out.sort();
        out
    }
}

/// Where `/work/shared/specs` lives: `$SWITCHBOARD_SPECS_DIR`, else `shared/specs`
/// next to the repository that contains this crate.
pub fn specs_dir() -> Result<PathBuf, SpecError> {
    if let Some(dir) = std::env::var_os("SWITCHBOARD_SPECS_DIR") {
        return Ok(PathBuf::from(dir));
    }
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .filter(|dir| dir.join(".git").exists() || is_workspace_root(dir))
        .find_map(|root| {
            let candidate = root.parent()?.join("shared").join("specs");
            candidate.is_dir().then_some(candidate)
        })
        .ok_or(SpecError::NoSpecsDir)
}

fn is_workspace_root(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|s| s.contains("[workspace]"))
}

/// `ghl/apps/contacts.json`, the contract for every contacts operation.
pub fn ghl_contacts() -> Result<Spec, SpecError> {
    Spec::load(specs_dir()?.join("ghl/apps/contacts.json"))
}

/// `ghl/apps/oauth.json`, the contract for the token endpoint.
pub fn ghl_oauth() -> Result<Spec, SpecError> {
    Spec::load(specs_dir()?.join("ghl/apps/oauth.json"))
}

/// The older contacts spec that still defines the search response
/// (`SearchContactSuccessResponseDto`, `Contact`).
pub fn ghl_contacts_history() -> Result<Spec, SpecError> {
    Spec::load(specs_dir()?.join("ghl/history/apps-contacts-7f7c8a65.json"))
}

fn read_json(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| SpecError::Json {
        path: path.to_owned(),
        source,
    })
}

fn component_schemas(doc: &Value) -> Map<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Collects translated component schemas from the main file and every file it
/// references, checking that a name means the same schema everywhere.
struct Loader {
    schemas: Map<String, Value>,
    origin: BTreeMap<String, PathBuf>,
    loaded: HashSet<PathBuf>,
}

impl Loader {
    fn add_file(&mut self, path: &Path, doc: &Value) -> Result<(), SpecError> {
        self.loaded.insert(path.to_owned());
        let base = path.parent().unwrap_or(Path::new("."));
        for (name, mut schema) in component_schemas(doc) {
            self.translate(&mut schema, base, path)?;
            match self.schemas.get(&name) {
                Some(existing) if *existing != schema => {
                    return Err(SpecError::Conflict {
                        first: self.origin.get(&name).cloned().unwrap_or_default(),
                        second: path.to_owned(),
                        name,
                    });
                }
                Some(_) => {}
                None => {
                    self.origin.insert(name.clone(), path.to_owned());
                    self.schemas.insert(name, schema);
                }
            }
        }
        Ok(())
    }

    /// `file#/components/schemas/X` → `#/components/schemas/X`, loading `file`.
    fn localize_ref(
        &mut self,
        reference: &str,
        base: &Path,
        from: &Path,
    ) -> Result<String, SpecError> {
        let unsupported = || SpecError::UnsupportedRef {
            path: from.to_owned(),
            reference: reference.to_owned(),
        };
        let (file, fragment) = reference.split_once('#').ok_or_else(unsupported)?;
        let name = fragment
            .strip_prefix("/components/schemas/")
            .filter(|n| !n.is_empty() && !n.contains('/'))
            .ok_or_else(unsupported)?;
        if !file.is_empty() {
            let path = normalize(&base.join(file));
            if !self.loaded.contains(&path) {
                let doc = read_json(&path)?;
                self.add_file(&path, &doc)?;
            }
        }
        Ok(format!("{LOCAL_PREFIX}{name}"))
    }

    /// OpenAPI 3.0 Schema Object → JSON Schema 2020-12, in place.
    fn translate(&mut self, schema: &mut Value, base: &Path, from: &Path) -> Result<(), SpecError> {
        let Value::Object(o) = schema else {
            return Ok(());
        };
        let nullable = o.remove("nullable") == Some(Value::Bool(true));
        if let Some(Value::String(reference)) = o.get("$ref") {
            let local = self.localize_ref(&reference.clone(), base, from)?;
            // OpenAPI 3.0 ignores every sibling of $ref; 2020-12 would apply them.
            o.retain(|k, _| k == "description");
            o.insert("$ref".to_owned(), Value::String(local));
        } else {
            for key in ["items", "not", "additionalProperties"] {
                if let Some(sub) = o.get_mut(key) {
                    self.translate(sub, base, from)?;
                }
            }
            for key in ["allOf", "anyOf", "oneOf"] {
                if let Some(Value::Array(subs)) = o.get_mut(key) {
                    for sub in subs {
                        self.translate(sub, base, from)?;
                    }
                }
            }
            if let Some(Value::Object(props)) = o.get_mut("properties") {
                for sub in props.values_mut() {
                    self.translate(sub, base, from)?;
                }
            }
            // 3.0 booleans modify minimum/maximum; 2020-12 wants the bound itself.
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(exclusive)) = o.get(flag).cloned() {
                    o.remove(flag);
                    if exclusive {
                        if let Some(b) = o.remove(bound) {
                            o.insert(flag.to_owned(), b);
                        }
                    }
                }
            }
        }
        if nullable {
            match o.get_mut("type") {
                Some(Value::String(t)) => {
                    let t = std::mem::take(t);
                    o.insert("type".to_owned(), json!([t, "null"]));
                    if let Some(Value::Array(values)) = o.get_mut("enum") {
                        if !values.contains(&Value::Null) {
                            values.push(Value::Null);
                        }
                    }
                }
                _ => {
                    let inner = std::mem::take(o);
                    *schema = json!({ "anyOf": [Value::Object(inner), { "type": "null" }] });
                }
            }
        }
        Ok(())
    }
}

/// Resolves `..` without touching the file system (paths need not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl Spec {
    pub fn load(path: impl AsRef<Path>) -> Result<Spec, SpecError> {
        let path = normalize(path.as_ref());
        let mut doc = read_json(&path)?;
        let mut loader = Loader {
            schemas: Map::new(),
            origin: BTreeMap::new(),
            loaded: HashSet::new(),
        };
        loader.add_file(&path, &doc)?;
        // Schemas inline in operations (parameters, bodies, responses).
        let base = path.parent().unwrap_or(Path::new(".")).to_owned();
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            for item in paths.values_mut() {
                let Value::Object(ops) = item else { continue };
                for op in ops.values_mut() {
                    for schema in operation_schemas(op) {
                        loader.translate(schema, &base, &path)?;
                    }
                }
            }
        }
        if let Value::Object(root) = &mut doc {
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(c) = components {
                c.insert("schemas".to_owned(), Value::Object(loader.schemas));
            }
        }
        Ok(Spec { path, doc })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The translated document (OpenAPI layout, JSON Schema 2020-12 schemas).
    pub fn document(&self) -> &Value {
        &self.doc
    }

    pub fn component(&self, name: &str) -> Option<&Value> {
        self.doc.pointer("/components/schemas")?.get(name)
    }

    fn operation(&self, method: &str, path: &str) -> Result<&Value, SpecError> {
        self.doc
            .get("paths")
            .and_then(|p| p.get(path))
            .and_then(|item| item.get(method.to_ascii_lowercase()))
            .ok_or_else(|| SpecError::NoOperation {
                method: method.to_uppercase(),
                path: path.to_owned(),
            })
    }

    /// Status codes the operation documents, ascending.
    pub fn documented_statuses(&self, method: &str, path: &str) -> Result<Vec<u16>, SpecError> {
        let op = self.operation(method, path)?;
        let mut codes: Vec<u16> = op
            .get("responses")
            .and_then(Value::as_object)
            .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default();
        codes.sort_unstable();
        Ok(codes)
    }

    /// The `application/json` schema of one documented response.
    pub fn response_schema(
        &self,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<&Value, SpecError> {
        let op = self.operation(method, path)?;
        op.get("responses")
            .and_then(|r| r.get(status.to_string()))
            .and_then(|r| r.pointer("/content/application~1json/schema"))
            .ok_or_else(|| SpecError::NoSchema {
                method: method.to_uppercase(),
                path: path.to_owned(),
                what: format!("status {status}"),
            })
    }

    /// The request body schema of an operation: the `application/json` one,
    /// else the `application/x-www-form-urlencoded` one (the token endpoint).
    pub fn request_schema(&self, method: &str, path: &str) -> Result<&Value, SpecError> {
        let op = self.operation(method, path)?;
        op.pointer("/requestBody/content/application~1json/schema")
            .or_else(|| op.pointer(FORM_SCHEMA))
            .ok_or_else(|| SpecError::NoSchema {
                method: method.to_uppercase(),
                path: path.to_owned(),
                what: "the request body".to_owned(),
            })
    }

    /// Compiles `schema` (typically `{ "$ref": "#/components/schemas/X" }`) with this
    /// spec's components alongside.
    pub fn validator(&self, name: &str, schema: &Value) -> Result<SchemaValidator, SpecError> {
        let mut root = match schema {
            Value::Object(o) => o.clone(),
            other => {
                let mut o = Map::new();
                o.insert("allOf".to_owned(), json!([other]));
                o
            }
        };
        let components = self
            .doc
            .get("components")
            .cloned()
            .unwrap_or_else(|| json!({}));
        root.insert("components".to_owned(), components);
        let root = Value::Object(root);
        let validator = jsonschema::draft202012::options()
            .build(&root)
            .map_err(|e| SpecError::Compile(format!("{name}: {e}")))?;
        Ok(SchemaValidator {
            name: name.to_owned(),
            root,
            validator,
        })
    }

    pub fn component_validator(&self, name: &str) -> Result<SchemaValidator, SpecError> {
        if self.component(name).is_none() {
            return Err(SpecError::NoComponent(name.to_owned()));
        }
        self.validator(name, &json!({ "$ref": format!("{LOCAL_PREFIX}{name}") }))
    }

    pub fn response_validator(
        &self,
        method: &str,
        path: &str,
        status: u16,
    ) -> Result<SchemaValidator, SpecError> {
        let schema = self.response_schema(method, path, status)?;
        let name = format!("{} {path} {status}", method.to_uppercase());
        self.validator(&name, schema)
    }

    pub fn request_validator(
        &self,
        method: &str,
        path: &str,
    ) -> Result<SchemaValidator, SpecError> {
        let schema = self.request_schema(method, path)?;
        let name = format!("{} {path} request", method.to_uppercase());
        self.validator(&name, schema)
    }

    /// The spec path `path` (as sent, e.g. `/contacts/abc/notes/x`) stands for
    /// under `method`: `{param}` segments match any non-empty segment, literal
    /// segments win over parameters (`/contacts/search` is not a contact id), and
    /// a trailing slash does not matter.
    pub fn match_path(&self, method: &str, path: &str) -> Option<String> {
        let method = method.to_ascii_lowercase();
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let paths = self.doc.get("paths")?.as_object()?;
        paths
            .iter()
            .filter(|(_, item)| item.get(&method).is_some())
            .filter_map(|(template, _)| {
                let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                for (t, s) in parts.iter().zip(&segments) {
                    if t.starts_with('{') && t.ends_with('}') {
                        if s.is_empty() {
                            return None;
                        }
                    } else if t == s {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, template))
            })
            .max_by_key(|(literal, _)| *literal)
            .map(|(_, template)| template.clone())
    }

    /// Checks requests (as [`crate::Sandbox::recorded_requests`] records them)
    /// against this spec; compiles each body schema once.
    pub fn request_checker(&self) -> RequestChecker<'_> {
        RequestChecker {
            spec: self,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Replaces a sub-schema of a component, for documented live-API drift.
    pub fn apply_drift(&mut self, drifts: &[Drift]) -> Result<(), SpecError> {
        for d in drifts {
            let bad_patch = || SpecError::BadPatch {
                schema: d.schema.to_owned(),
                pointer: d.pointer.to_owned(),
            };
            let replacement: Value =
                serde_json::from_str(d.replacement).map_err(|_| bad_patch())?;
            let target = self
                .doc
                .pointer_mut(&format!("/components/schemas/{}{}", d.schema, d.pointer))
                .ok_or_else(bad_patch)?;
            *target = replacement;
        }
        Ok(())
    }

    /// Checks the translation: no OpenAPI-only keywords left, every `$ref` local and
    /// resolvable, types and `required` well-formed, every component compiles.
    pub fn check_sound(&self) -> Result<(), SpecError> {
        let mut problems = Vec::new();
        let schemas = self
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (name, schema) in &schemas {
            check_schema(
                schema,
                &format!("#/components/schemas/{name}"),
                &schemas,
                &mut problems,
            );
            if let Err(e) = self.component_validator(name) {
                problems.push(e.to_string());
            }
        }
        if let Some(Value::Object(paths)) = self.doc.get("paths") {
            for (p, item) in paths {
                let Value::Object(ops) = item else { continue };
                for (method, op) in ops {
                    let mut op = op.clone();
                    for schema in operation_schemas(&mut op) {
                        check_schema(schema, &format!("{method} {p}"), &schemas, &mut problems);
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SpecError::Unsound(problems))
        }
    }
}

/// Contract checks for requests a client sent: see [`RequestChecker::check`].
pub struct RequestChecker<'s> {
    spec: &'s Spec,
    validators: Mutex<HashMap<(String, String), Option<SchemaValidator>>>,
}

impl fmt::Debug for RequestChecker<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestChecker")
            .field("spec", &self.spec.path)
            .finish_non_exhaustive()
    }
}

/// The name of a parameter declared `in` this place (`header`, `query`).
fn named<'v>(param: &'v Value, place: &str) -> Option<&'v str> {
    if param.get("in").and_then(Value::as_str) == Some(place) {
        param.get("name").and_then(Value::as_str)
    } else {
        None
    }
}

fn schema_type(param: &Value) -> Option<&str> {
    param.pointer("/schema/type").and_then(Value::as_str)
}

impl RequestChecker<'_> {
    /// Every way `request` breaks the spec: the operation exists; required
    /// header (`Version`, with its enum) and query parameters are present, no
    /// query parameter is unknown and numeric ones parse; a bearer token is sent
    /// where the operation has `security`; the JSON body is there when required,
    /// sent as `application/json`, valid against the request schema and without
    /// keys the DTO lacks (the live API rejects them; [`LIVE_BODY_KEYS`] aside);
    /// no body where the operation takes none. Operations that only take a form
    /// body (`POST /oauth/token`) get the same body checks on the decoded form
    /// ([`PKCE_BODY_KEYS`] aside).
    pub fn check(&self, request: &RecordedRequest) -> Result<(), Vec<String>> {
        let what = format!("{} {}", request.method, request.path);
        let Some(template) = self.spec.match_path(&request.method, &request.path) else {
            return Err(vec![format!("{what}: no such operation in the spec")]);
        };
        let method = request.method.to_ascii_lowercase();
        let Ok(op) = self.spec.operation(&method, &template) else {
            return Err(vec![format!("{what}: no such operation in the spec")]);
        };
        let mut problems = Vec::new();
        let params: Vec<&Value> = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        for p in &params {
            let required = p.get("required") == Some(&Value::Bool(true));
            if let Some(name) = named(p, "header") {
                match request.header(name) {
                    None if required => {
                        problems.push(format!("{what}: missing header {name}"));
                    }
                    Some(v) => {
                        let allowed = p.pointer("/schema/enum").and_then(Value::as_array);
                        if allowed.is_some_and(|a| !a.contains(&Value::from(v))) {
                            problems.push(format!("{what}: header {name}: {v} is not allowed"));
                        }
                    }
                    None => {}
                }
            }
            if let Some(name) = named(p, "query") {
                match request.query_value(name) {
                    None | Some("") if required => {
                        problems.push(format!("{what}: missing query parameter {name}"));
                    }
                    Some(v)
                        if matches!(schema_type(p), Some("number" | "integer"))
                            && v.parse::<f64>().is_err() =>
                    {
                        problems.push(format!("{what}: query {name}={v} is not a number"));
                    }
                    _ => {}
                }
            }
        }
        for (key, _) in &request.query {
            if !params
                .iter()
                .any(|p| named(p, "query") == Some(key.as_str()))
            {
                problems.push(format!("{what}: unknown query parameter {key}"));
            }
        }
        let secured = op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| !s.is_empty());
        if secured
            && !request
                .header("authorization")
                .is_some_and(|a| a.to_ascii_lowercase().starts_with("bearer "))
        {
            problems.push(format!("{what}: no bearer token"));
        }
        let body_schema = op.get("requestBody");
        let form_only = op.pointer(FORM_SCHEMA).is_some()
            && op
                .pointer("/requestBody/content/application~1json")
                .is_none();
        if form_only {
            self.check_form(request, &method, &template, &what, &mut problems);
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
        match (body_schema, &request.body, &request.body_text) {
            (_, _, Some(_)) => problems.push(format!("{what}: the body is not JSON")),
            (None, Some(_), _) => problems.push(format!("{what}: the operation takes no body")),
            (Some(rb), None, None) => {
                if rb.get("required") == Some(&Value::Bool(true)) {
                    problems.push(format!("{what}: missing the required JSON body"));
                }
            }
            (Some(_), Some(body), _) => {
                if !request
                    .header("content-type")
                    .is_some_and(|c| c.starts_with("application/json"))
                {
                    problems.push(format!("{what}: the body is not sent as application/json"));
                }
                self.check_body(&method, &template, body, &what, &mut problems);
            }
            (None, None, None) => {}
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// A form-encoded body (the token endpoint): sent as such, no key twice,
    /// and as an object of strings valid against the DTO.
    fn check_form(
        &self,
        request: &RecordedRequest,
        method: &str,
        template: &str,
        what: &str,
        problems: &mut Vec<String>,
    ) {
        let text = match (&request.body_text, &request.body) {
            (Some(t), _) => t.clone(),
            (None, Some(v)) => v.to_string(),
            (None, None) => {
                problems.push(format!("{what}: missing the required form body"));
                return;
            }
        };
        if !request
            .header("content-type")
            .is_some_and(|c| c.starts_with(FORM_TYPE))
        {
            problems.push(format!("{what}: the body is not sent as {FORM_TYPE}"));
        }
        let mut fields = Map::new();
        for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
            if fields
                .insert(key.to_string(), Value::String(value.into_owned()))
                .is_some()
            {
                problems.push(format!("{what}: form key {key} is repeated"));
            }
        }
        self.check_body(method, template, &Value::Object(fields), what, problems);
    }

    fn check_body(
        &self,
        method: &str,
        template: &str,
        body: &Value,
        what: &str,
        problems: &mut Vec<String>,
    ) {
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        let validator = cache
            .entry((method.to_owned(), template.to_owned()))
            .or_insert_with(|| self.spec.request_validator(method, template).ok());
        let Some(v) = validator else {
            return;
        };
        if let Err(errors) = v.validate(body) {
            problems.extend(errors.into_iter().map(|e| format!("{what}: body {e}")));
        }
        for key in v.undeclared_keys(body) {
            let live = LIVE_BODY_KEYS
                .iter()
                .chain(PKCE_BODY_KEYS)
                .any(|(m, p, k)| {
                    m.eq_ignore_ascii_case(method) && *p == template && key == format!("/{k}")
                });
            if !live {
                problems.push(format!("{what}: body key {key} is not in the DTO"));
            }
        }
    }
}

/// Mutable references to every schema inside one operation object.
fn operation_schemas(op: &mut Value) -> Vec<&mut Value> {
    let mut out = Vec::new();
    let Value::Object(op) = op else { return out };
    for (key, value) in op.iter_mut() {
        match (key.as_str(), value) {
            ("parameters", Value::Array(params)) => {
                out.extend(params.iter_mut().filter_map(|p| p.get_mut("schema")));
            }
            ("requestBody", body) => {
                if let Some(Value::Object(content)) = body.get_mut("content") {
                    out.extend(content.values_mut().filter_map(|m| m.get_mut("schema")));
                }
            }
            ("responses", Value::Object(responses)) => {
                for response in responses.values_mut() {
                    if let Some(Value::Object(content)) = response.get_mut("content") {
                        out.extend(content.values_mut().filter_map(|m| m.get_mut("schema")));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn check_schema(
    schema: &Value,
    at: &str,
    schemas: &Map<String, Value>,
    problems: &mut Vec<String>,
) {
    let Value::Object(o) = schema else { return };
    if o.contains_key("nullable") {
        problems.push(format!("{at}: `nullable` left untranslated"));
    }
    if let Some(r) = o.get("$ref") {
        match r.as_str().and_then(|r| r.strip_prefix(LOCAL_PREFIX)) {
            Some(name) if schemas.contains_key(name) => {}
            _ => problems.push(format!("{at}: $ref {r} does not resolve locally")),
        }
        if o.keys().any(|k| k != "$ref" && k != "description") {
            problems.push(format!("{at}: $ref has siblings"));
        }
    }
    match o.get("type") {
        None => {}
        Some(Value::String(t)) if JSON_TYPES.contains(&t.as_str()) => {}
        Some(Value::Array(ts))
            if !ts.is_empty()
                && ts
                    .iter()
                    .all(|t| t.as_str().is_some_and(|t| JSON_TYPES.contains(&t))) => {}
        Some(t) => problems.push(format!("{at}: invalid type {t}")),
    }
    if let Some(req) = o.get("required") {
        if !req
            .as_array()
            .is_some_and(|r| r.iter().all(Value::is_string))
        {
            problems.push(format!("{at}: `required` must be an array of names"));
        }
    }
    for flag in ["exclusiveMinimum", "exclusiveMaximum"] {
        if o.get(flag).is_some_and(Value::is_boolean) {
            problems.push(format!("{at}: boolean {flag} left untranslated"));
        }
    }
    if let (Some(Value::Array(types)), Some(Value::Array(values))) = (o.get("type"), o.get("enum"))
    {
        if types.contains(&json!("null")) && !values.contains(&Value::Null) {
            problems.push(format!("{at}: nullable enum without null"));
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(sub) = o.get(key) {
            check_schema(sub, &format!("{at}/{key}"), schemas, problems);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = o.get(key) {
            for (i, sub) in subs.iter().enumerate() {
                check_schema(sub, &format!("{at}/{key}/{i}"), schemas, problems);
            }
        }
    }
    if let Some(Value::Object(props)) = o.get("properties") {
        for (name, sub) in props {
            check_schema(sub, &format!("{at}/properties/{name}"), schemas, problems);
        }
    }
}

/// Resolves a local `$ref` against the validator's root document.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or(schema),
        None => schema,
    }
}

/// Declared property schemas of `schema`, looking through `$ref` and combinators.
fn declared<'a>(
    root: &'a Value,
    schema: &'a Value,
    out: &mut Vec<(&'a str, &'a Value)>,
    free_form: &mut bool,
) {
    let schema = resolve(root, schema);
    if let Some(Value::Object(props)) = schema.get("properties") {
        out.extend(props.iter().map(|(k, v)| (k.as_str(), v)));
    }
    let mut combined = false;
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = schema.get(key) {
            combined = true;
            for sub in subs {
                declared(root, sub, out, free_form);
            }
        }
    }
    let is_object_schema = schema.get("type").is_some_and(|t| {
        t == "object" || t.as_array().is_some_and(|a| a.contains(&json!("object")))
    });
    if is_object_schema && schema.get("properties").is_none() && !combined {
        *free_form = true;
    }
}

fn item_schemas<'a>(root: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>) {
    let schema = resolve(root, schema);
    if let Some(items) = schema.get("items") {
        out.push(items);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(subs)) = schema.get(key) {
            for sub in subs {
                item_schemas(root, sub, out);
            }
        }
    }
}

fn undeclared(
    root: &Value,
    schema: &Value,
    instance: &Value,
    at: String,
    out: &mut Vec<String>,
    depth: usize,
) {
    // Recursive schemas cannot loop forever on finite instances, but stay bounded.
    if depth > 64 {
        return;
    }
    match instance {
        Value::Object(fields) => {
            let mut props = Vec::new();
            let mut free_form = false;
            declared(root, schema, &mut props, &mut free_form);
            if props.is_empty() {
                return;
            }
            for (key, value) in fields {
                let subs: Vec<&Value> = props
                    .iter()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, s)| *s)
                    .collect();
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                if subs.is_empty() {
                    if !free_form {
                        out.push(here);
                    }
                    continue;
                }
                for sub in subs {
                    undeclared(root, sub, value, here.clone(), out, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            let mut subs = Vec::new();
            item_schemas(root, schema, &mut subs);
            for (i, item) in items.iter().enumerate() {
                for sub in &subs {
                    undeclared(root, sub, item, format!("{at}/{i}"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(doc: Value) -> Spec {
        let dir = std::env::temp_dir().join(format!("sandbox-spec-{}", rand::random::<u64>()));
        std::fs::create_dir_all(dir.join("apps")).unwrap();
        std::fs::create_dir_all(dir.join("common")).unwrap();
        std::fs::write(
            dir.join("common/common.json"),
            json!({"components": {"schemas": {"Err": {"type": "object",
                "properties": {"message": {"type": "string"}}}}}})
            .to_string(),
        )
        .unwrap();
        std::fs::write(dir.join("apps/main.json"), doc.to_string()).unwrap();
        let spec = Spec::load(dir.join("apps/main.json")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        spec
    }

    #[test]
    fn translates_nullable_refs_and_exclusive_bounds() {
        let spec = loaded(json!({
            "paths": {"/x": {"get": {"responses": {
                "400": {"content": {"application/json": {"schema":
                    {"$ref": "../common/common.json#/components/schemas/Err"}}}}}}}},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {
                    "s": {"type": "string", "nullable": true},
                    "e": {"type": "string", "enum": ["a"], "nullable": true},
                    "r": {"$ref": "#/components/schemas/B", "nullable": true, "example": 1},
                    "n": {"type": "number", "minimum": 0, "exclusiveMinimum": true}}},
                "B": {"type": "object", "properties": {"x": {"type": "boolean"}}, "required": ["x"]}}}
        }));
        spec.check_sound().unwrap();
        let a = spec.component_validator("A").unwrap();
        assert!(a.is_valid(&json!({"s": null, "e": null, "r": null, "n": 1})));
        assert!(a.is_valid(&json!({"s": "x", "e": "a", "r": {"x": true}})));
        assert!(!a.is_valid(&json!({"s": 5})));
        assert!(!a.is_valid(&json!({"e": "b"})));
        assert!(!a.is_valid(&json!({"r": {}})));
        assert!(!a.is_valid(&json!({"n": 0})));
        let err = spec.response_validator("GET", "/x", 400).unwrap();
        assert!(err.is_valid(&json!({"message": "m"})));
        assert!(!err.is_valid(&json!({"message": ["m"]})));
        assert_eq!(
            a.undeclared_keys(&json!({"s": "x", "zz": 1, "r": {"x": true, "y": 2}})),
            vec!["/r/y".to_owned(), "/zz".to_owned()]
        );
    }

    #[test]
    fn rejects_unknown_ref_targets() {
        let dir = std::env::temp_dir().join(format!("sandbox-spec-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("s.json");
        std::fs::write(
            &file,
            json!({"components": {"schemas": {"A": {"$ref": "#/definitions/B"}}}}).to_string(),
        )
        .unwrap();
        let result = Spec::load(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(result, Err(SpecError::UnsupportedRef { .. })));
    }
}
