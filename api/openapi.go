package api

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
)

// restRoot is the proxy's root: OPTIONS, and GET/HEAD for the OpenAPI
// document (with a key, as every table).
func (s *Server) restRoot(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodOptions:
		return s.preflight(w, r)
	case http.MethodGet, http.MethodHead:
		return s.requireKey(s.openAPI)(w, r)
	}
	w.Header().Set("Allow", "OPTIONS,GET,HEAD")
	return crm.Errorf(crm.CodeMethodNotAllowed, "method %s is not allowed on the proxy root", r.Method).
		WithHint("GET it for the OpenAPI document; tables are under %s/{table}", RestPrefix)
}

// schema is the description of the tables the store serves (a store
// without one serves crm.DefaultSchema).
func (s *Server) schema() *crm.Schema {
	if ss, ok := s.store.(interface{ Schema() *crm.Schema }); ok {
		return ss.Schema()
	}
	return crm.DefaultSchema
}

// openAPI serves GET /functions/v1/rest-api-proxy/: an OpenAPI 3 document
// of the tables and their operations, built from the store's schema.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := json.Marshal(OpenAPIFor(s.schema()))
	if err != nil {
		return err
	}
	ct := "application/json; charset=utf-8"
	if strings.Contains(r.Header.Get("Accept"), mimeOpenAPI) {
		ct = mimeOpenAPI + "; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err = w.Write(b)
	return err
}

type obj = map[string]any

// OpenAPIDocument describes the REST proxy over crm.DefaultSchema.
func OpenAPIDocument() obj { return OpenAPIFor(crm.DefaultSchema) }

// OpenAPIFor describes the REST proxy over the tables of sc.
func OpenAPIFor(sc *crm.Schema) obj {
	paths := obj{"/": obj{"get": obj{"summary": "This document", "tags": []string{"introspection"},
		"responses": obj{"200": obj{"description": "OK"}}}}}
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
		"servers":  []obj{{"url": RestPrefix}},
		"security": []obj{{"apiKey": []string{}}},
		"paths":    paths,
		"components": obj{
			"schemas": schemas,
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
