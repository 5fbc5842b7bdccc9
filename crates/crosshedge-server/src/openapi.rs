//! The OpenAPI 3.1 document of the API, built from the same tables as the router: every job
//! route with its flat request fields and their defaults.

use serde_json::{json, Map, Value};

use crate::jobs_table::{long_jobs, sync_jobs, Job};

/// The JSON schema of a flat request: every field with its default (its type as JSON has it;
/// `null` defaults take any type).
fn request_schema(job: &Job) -> Value {
    let defaults = (job.defaults)().unwrap_or_default();
    let mut props = Map::new();
    for (name, default) in defaults {
        let ty = match &default {
            Value::Bool(_) => json!("boolean"),
            Value::Number(n) if n.is_f64() => json!("number"),
            Value::Number(_) => json!(["integer", "number"]),
            Value::String(_) => json!("string"),
            Value::Array(_) => json!("array"),
            Value::Object(_) => json!("object"),
            Value::Null => Value::Null,
        };
        let mut p = json!({"default": default});
        if !ty.is_null() {
            p["type"] = ty;
        }
        props.insert(name, p);
    }
    json!({"type": "object", "additionalProperties": false, "properties": props})
}

fn error_ref() -> Value {
    json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

fn job_op(job: &Job, long: bool) -> Value {
    let ok = if long {
        json!({"202": {"description": "the job's id", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JobId"}}}}, "429": error_ref()})
    } else {
        json!({"200": {"description": "the job's response: the CLI's --json for the same flags", "content": {"application/json": {"schema": {"type": "object"}}}}})
    };
    let mut responses = ok;
    for code in ["400", "413", "422", "500"] {
        responses[code] = error_ref();
    }
    if !long {
        responses["409"] = error_ref();
    }
    json!({
        "summary": job.summary,
        "operationId": format!("{}{}", if long { "start_" } else { "" }, job.name.replace(['/', '-'], "_")),
        "requestBody": {"required": false, "content": {"application/json": {"schema": request_schema(job)}}},
        "responses": responses,
    })
}

fn op(summary: &str, params: &[(&str, &str)]) -> Value {
    let params: Vec<Value> = params
        .iter()
        .map(|(name, place)| {
            json!({"name": name, "in": place, "required": *place == "path", "schema": {"type": "string"}})
        })
        .collect();
    json!({
        "summary": summary,
        "parameters": params,
        "responses": {"200": {"description": "ok"}, "404": error_ref(), "422": error_ref()},
    })
}

/// The document served at `/api/v1/openapi.json`.
pub fn document() -> Value {
    let mut paths = Map::new();
    let mut add = |path: String, method: &str, v: Value| {
        let e = paths.entry(path).or_insert_with(|| json!({}));
        e[method] = v;
    };
    for j in sync_jobs() {
        add(format!("/api/v1/{}", j.name), "post", job_op(&j, false));
    }
    for j in long_jobs() {
        add(format!("/api/v1/jobs/{}", j.name), "post", job_op(&j, true));
    }
    add("/api/v1/series".into(), "get", op("Every series of the store", &[]));
    add(
        "/api/v1/series/{name}".into(),
        "get",
        op("One series' observations", &[("name", "path"), ("from", "query"), ("to", "query")]),
    );
    add(
        "/api/v1/series/{name}/revisions".into(),
        "get",
        op(
            "Every stored revision of one series (of one date with `date`), with its import",
            &[("name", "path"), ("date", "query")],
        ),
    );
    add("/api/v1/imports".into(), "get", op("The imports recorded in the store", &[]));
    let import_fields = [
        ("series", "query"),
        ("futures", "query"),
        ("calendar", "query"),
        ("unit", "query"),
        ("date_column", "query"),
        ("date_format", "query"),
        ("scale", "query"),
        ("format", "query"),
        ("on_conflict", "query"),
        ("allow_bad_expiry", "query"),
        ("imported_at", "query"),
        ("file_name", "query"),
        ("filename", "query"),
    ];
    let mut import = op(
        "Import a CSV file (the body, text/csv, at most the upload limit); the query holds the \
         import's fields (series as NAME=COLUMN[,NAME=COLUMN...]; scale a number multiplying \
         every value, e.g. 0.01 for percent into decimals; format a vendor's raw format: cboe, \
         yahoo, fred, binance-klines, deribit-dvol); a bad file leaves the store untouched",
        &import_fields,
    );
    import["requestBody"] =
        json!({"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}});
    add("/api/v1/import".into(), "post", import);
    let mut fetch = op(
        "Fetch vendor data into the store (crosshedge fetch --json): the JSON body's fields are \
         the job's (specs, from, to, offline, base_urls, fetched_at); cache_dir and manifest are \
         refused; all specs in one transaction, nothing written on any error",
        &[],
    );
    fetch["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object", "required": ["specs"], "properties": {
            "specs": {"type": "array", "items": {"type": "string"}},
            "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
            "offline": {"type": "boolean"},
            "base_urls": {"type": "object", "additionalProperties": {"type": "string"}},
            "fetched_at": {"type": "string", "format": "date-time"}}}}}});
    add("/api/v1/fetch".into(), "post", fetch);
    add("/api/v1/jobs/{id}".into(), "get", op("A long job's status", &[("id", "path")]));
    add(
        "/api/v1/jobs/{id}".into(),
        "delete",
        op("Cancel a long job (409 when it has ended)", &[("id", "path")]),
    );
    add(
        "/api/v1/jobs/{id}/events".into(),
        "get",
        op("Server-sent events of a job's progress until it ends", &[("id", "path")]),
    );
    add("/api/v1/openapi.json".into(), "get", op("This document", &[]));
    add(
        "/api/v1/book/default".into(),
        "get",
        op("The built-in hedge book as TOML text (text/plain)", &[]),
    );
    add("/".into(), "get", op("The dashboard page", &[]));
    add("/assets/{path}".into(), "get", op("An embedded file of the page", &[("path", "path")]));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "crosshedge",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The jobs of crosshedge-app: a request body is the job's request given flat (the CLI's flag names in snake_case), the response is the CLI's --json for the same flags.",
        },
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "kind": {"enum": ["input", "analysis", "cancelled"]},
                "message": {"type": "string"}}}}},
            "JobId": {"type": "object", "properties": {"id": {"type": "string"}}},
        }},
    })
}
