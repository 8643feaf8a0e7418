package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
)

// restRoot is the REST API's root: OPTIONS, and GET/HEAD for the Swagger
// 2.0 document PostgREST serves there (with a key, as every table).
func (s *Server) restRoot(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodOptions:
		return s.preflight(w, r)
	case http.MethodGet, http.MethodHead:
		return s.requireKey(s.swagger)(w, r)
	}
	w.Header().Set("Allow", "OPTIONS,GET,HEAD")
	return crm.Errorf(crm.CodeMethodNotAllowed, "method %s is not allowed on the REST API root", r.Method).
		WithHint("GET it for the Swagger 2.0 document (%s/openapi.json for OpenAPI 3); tables are under %s/{table}", restBase(r), restBase(r))
}

// schema is the description of the tables the store serves.
func (s *Server) schema() *crm.Schema { return s.store.Schema() }

// swagger serves GET {prefix}/: the Swagger 2.0 document, as
// application/openapi+json unless Accept asks for application/json.
func (s *Server) swagger(w http.ResponseWriter, r *http.Request) error {
	if err := checkProfile(w, r); err != nil {
		return err
	}
	ct, err := negotiateDoc(r.Header.Get("Accept"), mimeOpenAPI)
	if err != nil {
		return err
	}
	return writeDoc(w, r, ct, SwaggerFor(s.schema(), requestScheme(r), r.Host, restBase(r)))
}

// openAPI serves GET {prefix}/openapi.json: an OpenAPI 3 document of the
// tables, their operations and the bulk endpoint, built from the store's schema.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	ct, err := negotiateDoc(r.Header.Get("Accept"), mimeJSON)
	if err != nil {
		return err
	}
	return writeDoc(w, r, ct, OpenAPIFor(s.schema(), restBase(r)))
}

// negotiateDoc picks the media type of a description document: JSON or
// application/openapi+json (def when Accept allows both); anything else
// is 406 PGRST107.
func negotiateDoc(accept, def string) (string, error) {
	if strings.TrimSpace(accept) == "" {
		return def, nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(part, ";")[0]))
		switch mt {
		case mimeOpenAPI:
			return mimeOpenAPI, nil
		case mimeJSON:
			return mimeJSON, nil
		case "*/*", "application/*":
			return def, nil
		}
	}
	return "", &crm.Error{Code: crm.PGRSTContentType, Message: "None of these media types are available: " + accept,
		Hint: "ask for application/openapi+json or application/json"}
}

// writeDoc writes a description document; like PostgREST it leaves <
// and > unescaped (the <pk/> and <fk …/> notes).
func writeDoc(w http.ResponseWriter, r *http.Request, ct string, doc obj) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	w.Header().Set("Content-Type", ct+"; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(b)
	return err
}

type obj = map[string]any

// OpenAPIDocument describes the REST API over crm.DefaultSchema served
// under basePath (/rest/v1 or /functions/v1/rest-api-proxy) and the bulk
// endpoint.
func OpenAPIDocument(basePath string) obj { return OpenAPIFor(crm.DefaultSchema, basePath) }

// OpenAPIFor describes the REST API over the tables of sc.
func OpenAPIFor(sc *crm.Schema, basePath string) obj {
	paths := obj{
		"/": obj{"get": obj{"summary": "The Swagger 2.0 description PostgREST serves at its root", "tags": []string{"introspection"},
			"responses": obj{"200": obj{"description": "OK"}}}},
		"/openapi.json": obj{"get": obj{"summary": "This document", "tags": []string{"introspection"},
			"responses": obj{"200": obj{"description": "OK"}}}},
		"/create-deals-bulk": bulkOperation(obj{"servers": []obj{{"url": "/functions/v1"}}}),
		"/rpc/" + bulkRPC:    bulkOperation(obj{}),
	}
	schemas := obj{"Error": obj{"type": "object", "required": []string{"code", "message", "details", "hint"},
		"properties": obj{"code": obj{"type": "string"}, "message": obj{"type": "string"},
			"details": obj{"type": "string", "nullable": true}, "hint": obj{"type": "string", "nullable": true}}}}
	for _, name := range sc.Names {
		t := sc.Tables[name]
		schemas[name] = tableSchema(t)
		paths["/"+name] = tablePath(t)
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{"title": "ConnectGain REST proxy", "version": "1",
			"description": "PostgREST-compatible access to a workspace's deals, contacts, companies and pipelines. " +
				"Filters: ?col=op.value with eq, neq, gt, gte, lt, lte, like, ilike, match, imatch, in, is, isdistinct, cs, cd, ov, fts, plfts, phfts, wfts; " +
				"or=(...), and=(...), not.; select=, order=, limit=, offset=, Range, Prefer."},
		"servers":  []obj{{"url": basePath}},
		"security": []obj{{"apiKey": []string{}}},
		"paths":    paths,
		"components": obj{
			"schemas": withBulkSchemas(schemas),
			"securitySchemes": obj{"apiKey": obj{"type": "apiKey", "in": "header", "name": "X-API-Key"},
				"bearer": obj{"type": "http", "scheme": "bearer"}},
			"parameters": sharedParams(),
			"responses": obj{"Error": obj{"description": "Error", "content": obj{"application/json": obj{
				"schema": obj{"$ref": "#/components/schemas/Error"}}}}},
		},
	}
}

func kindSchema(k crm.Kind) obj {
	switch k {
	case crm.KindUUID:
		return obj{"type": "string", "format": "uuid"}
	case crm.KindInt:
		return obj{"type": "integer"}
	case crm.KindDecimal:
		return obj{"type": "number"}
	case crm.KindBool:
		return obj{"type": "boolean"}
	case crm.KindDate:
		return obj{"type": "string", "format": "date"}
	case crm.KindTime:
		return obj{"type": "string", "format": "date-time"}
	case crm.KindJSON:
		return obj{"type": "object", "additionalProperties": true}
	case crm.KindTextArray:
		return obj{"type": "array", "items": obj{"type": "string"}}
	}
	return obj{"type": "string"}
}

func tableSchema(t *crm.Table) obj {
	props := obj{}
	var required []string
	for _, c := range t.Columns {
		p := kindSchema(c.Kind)
		p["description"] = "PostgreSQL type " + c.Kind.String()
		if c.ReadOnly || c.Generated || t.ReadOnly {
			p["readOnly"] = c.ReadOnly || t.ReadOnly
		}
		if c.Nullable {
			p["nullable"] = true
		}
		for _, r := range t.Relations {
			if r.ToOne && r.Local == c.Name {
				p["description"] = p["description"].(string) + "; references " + r.Table + "." + r.Foreign
			}
		}
		props[c.Name] = p
		if c.Required {
			required = append(required, c.Name)
		}
	}
	s := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func tablePath(t *crm.Table) obj {
	ref := obj{"$ref": "#/components/schemas/" + t.Name}
	rows := obj{"application/json": obj{"schema": obj{"type": "array", "items": ref}},
		"application/vnd.pgrst.object+json": obj{"schema": ref}, "text/csv": obj{"schema": obj{"type": "string"}}}
	errs := obj{"$ref": "#/components/responses/Error"}
	filters := []obj{}
	for _, c := range t.Columns {
		filters = append(filters, obj{"name": c.Name, "in": "query", "required": false,
			"description": "filter: op.value, e.g. eq.x, ilike.*x*, in.(a,b), is.null", "schema": obj{"type": "string"}})
	}
	refs := func(names ...string) []obj {
		out := []obj{}
		for _, n := range names {
			out = append(out, obj{"$ref": "#/components/parameters/" + n})
		}
		return out
	}
	get := obj{"summary": "Read " + t.Name, "tags": []string{t.Name},
		"parameters": append(refs("select", "order", "limit", "offset", "range", "preferRead"), filters...),
		"responses": obj{"200": obj{"description": "OK", "content": rows}, "206": obj{"description": "Partial Content", "content": rows},
			"400": errs, "401": errs, "404": errs, "406": errs, "416": errs}}
	p := obj{"get": get}
	if t.ReadOnly {
		return p
	}
	body := obj{"required": true, "content": obj{"application/json": obj{"schema": obj{"oneOf": []obj{ref, {"type": "array", "items": ref}}}}}}
	p["post"] = obj{"summary": "Insert or upsert " + t.Name, "tags": []string{t.Name}, "requestBody": body,
		"parameters": refs("select", "columns", "onConflict", "preferWrite"),
		"responses":  obj{"201": obj{"description": "Created", "content": rows}, "200": obj{"description": "Upserted"}, "400": errs, "409": errs}}
	p["patch"] = obj{"summary": "Update the matching " + t.Name + " (a filter is required)", "tags": []string{t.Name},
		"requestBody": obj{"required": true, "content": obj{"application/json": obj{"schema": ref}}},
		"parameters":  append(refs("select", "preferWrite"), filters...),
		"responses":   obj{"200": obj{"description": "OK", "content": rows}, "204": obj{"description": "No Content"}, "400": errs, "409": errs}}
	p["delete"] = obj{"summary": "Delete the matching " + t.Name + " (a filter is required)", "tags": []string{t.Name},
		"parameters": append(refs("select", "preferWrite"), filters...),
		"responses":  obj{"200": obj{"description": "OK", "content": rows}, "204": obj{"description": "No Content"}, "400": errs, "409": errs}}
	return p
}

func sharedParams() obj {
	q := func(name, desc string) obj {
		return obj{"name": name, "in": "query", "required": false, "description": desc, "schema": obj{"type": "string"}}
	}
	h := func(name, desc string) obj {
		return obj{"name": name, "in": "header", "required": false, "description": desc, "schema": obj{"type": "string"}}
	}
	return obj{
		"select":      q("select", "columns and embeddings, e.g. *,contact:contacts(first_name,phones)"),
		"order":       q("order", "e.g. created_at.desc,title.asc.nullslast"),
		"limit":       q("limit", "rows to return (at most 1000)"),
		"offset":      q("offset", "rows to skip"),
		"columns":     q("columns", "the body keys to insert"),
		"onConflict":  q("on_conflict", "unique columns for an upsert (default id)"),
		"range":       h("Range", "rows a-b, e.g. 0-24"),
		"preferRead":  h("Prefer", "count=exact|planned|estimated"),
		"preferWrite": h("Prefer", "return=minimal|headers-only|representation (default representation), resolution=merge-duplicates|ignore-duplicates, missing=default, tx=rollback, count=exact, handling=strict, max-affected=N, merge-custom-fields"),
	}
}

// bulkOperation is the bulk endpoint's POST, added to p (which may set
// servers: the endpoint lives outside the REST API's base path).
func bulkOperation(p obj) obj {
	res := func(desc string) obj {
		return obj{"description": desc, "content": obj{mimeJSON: obj{"schema": obj{"$ref": "#/components/schemas/BulkResponse"}}}}
	}
	p["post"] = obj{"summary": "Create deals in bulk, linking each to a contact found by id, phone or email (created when missing)",
		"tags":        []string{"bulk"},
		"requestBody": obj{"required": true, "content": obj{mimeJSON: obj{"schema": obj{"$ref": "#/components/schemas/BulkRequest"}}}},
		"responses": obj{"200": res("every deal created or skipped"), "207": res("some deals failed"),
			"422": res("every deal failed, or the atomic request was rolled back"),
			"400": obj{"$ref": "#/components/responses/Error"}, "401": obj{"$ref": "#/components/responses/Error"},
			"413": obj{"$ref": "#/components/responses/Error"}}}
	return p
}

// withBulkSchemas adds the bulk request and response to schemas: the
// Swagger definitions, which use the same JSON Schema subset.
func withBulkSchemas(schemas obj) obj {
	defs := bulkDefinitions("#/components/schemas/BulkDeal")
	schemas["BulkDeal"] = defs[bulkRPC+".deal"]
	schemas["BulkRequest"] = defs[bulkRPC+".request"]
	schemas["BulkResponse"] = defs[bulkRPC+".response"]
	return schemas
}
