package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
)

// roundTrip renders doc as the API sends it and reads it back.
func roundTrip(t *testing.T, doc obj) map[string]any {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// checkRefs fails t for every "$ref" of doc that names nothing in it.
func checkRefs(t *testing.T, doc map[string]any) int {
	t.Helper()
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				n++
				var cur any = doc
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, _ := cur.(map[string]any)
					cur = m[part]
				}
				if cur == nil {
					t.Errorf("$ref %s names nothing", ref)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	return n
}

// TestSwaggerDocument holds the Swagger 2.0 root to what schema-driven
// tools read: every reference resolves, each table has a definition with
// its columns and not-null columns required, writable tables have the
// four operations and read-only ones only get.
func TestSwaggerDocument(t *testing.T) {
	doc := roundTrip(t, SwaggerDocument("http", "example.test", SupabaseRestPrefix))
	for _, k := range []string{"swagger", "info", "host", "basePath", "schemes", "consumes", "produces", "paths", "definitions", "parameters", "externalDocs"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("top-level key %q missing", k)
		}
	}
	if doc["swagger"] != "2.0" || doc["basePath"] != "/rest/v1" {
		t.Errorf("swagger %v basePath %v", doc["swagger"], doc["basePath"])
	}
	if n := checkRefs(t, doc); n < 100 {
		t.Errorf("only %d references checked", n)
	}
	defs := doc["definitions"].(map[string]any)
	paths := doc["paths"].(map[string]any)
	for _, name := range crm.DefaultSchema.Names {
		tbl := crm.DefaultSchema.Tables[name]
		def, _ := defs[name].(map[string]any)
		props, _ := def["properties"].(map[string]any)
		if len(props) != len(tbl.Columns) {
			t.Errorf("%s: %d properties, %d columns", name, len(props), len(tbl.Columns))
		}
		var required []string
		for _, r := range def["required"].([]any) {
			required = append(required, r.(string))
		}
		for _, c := range tbl.Columns {
			if slices.Contains(required, c.Name) == c.Nullable {
				t.Errorf("%s.%s: required %v, nullable %v", name, c.Name, !c.Nullable, c.Nullable)
			}
		}
		ops, _ := paths["/"+name].(map[string]any)
		for _, op := range []string{"get", "post", "patch", "delete"} {
			if _, has := ops[op]; has != (op == "get" || !tbl.ReadOnly) {
				t.Errorf("/%s: operation %s present %v (read-only table: %v)", name, op, has, tbl.ReadOnly)
			}
		}
	}
	cid := defs["deals"].(map[string]any)["properties"].(map[string]any)["contact_id"].(map[string]any)
	if cid["format"] != "uuid" || !strings.Contains(cid["description"].(string), "<fk table='contacts' column='id'/>") {
		t.Errorf("deals.contact_id: %v", cid)
	}
	if tags := defs["contacts"].(map[string]any)["properties"].(map[string]any)["phones"].(map[string]any); tags["type"] != "array" {
		t.Errorf("contacts.phones: %v", tags)
	}
	if _, ok := paths["/rpc/"+bulkRPC].(map[string]any)["post"]; !ok {
		t.Error("the bulk endpoint is not described")
	}
}

// TestOpenAPIDocument checks that every reference of the OpenAPI 3
// document resolves and that the bulk endpoint keeps its own server.
func TestOpenAPIDocument(t *testing.T) {
	doc := roundTrip(t, OpenAPIDocument(RestPrefix))
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi %v", doc["openapi"])
	}
	if n := checkRefs(t, doc); n < 50 {
		t.Errorf("only %d references checked", n)
	}
	bulk := doc["paths"].(map[string]any)["/create-deals-bulk"].(map[string]any)
	srv, _ := json.Marshal(bulk["servers"])
	if string(srv) != `[{"url":"/functions/v1"}]` {
		t.Errorf("/create-deals-bulk servers %s", srv)
	}
}
