package api

import (
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
)

// bulkRPC is the bulk endpoint's name under the REST API's /rpc/, where
// supabase.rpc("create_deals_bulk", body) reaches it.
const bulkRPC = "create_deals_bulk"

// SwaggerDocument describes the REST API as PostgREST does at its root:
// a Swagger 2.0 document whose definitions hold each table's columns
// (type, format, required, primary and foreign keys in the description,
// as PostgREST writes them) and whose paths hold each table's operations
// with their parameters, plus the bulk endpoint as /rpc/create_deals_bulk.
// Schema-driven tools (react-admin's ra-supabase guessers) read it. host
// and basePath are where the request came in (basePath is the prefix,
// /rest/v1 or /functions/v1/rest-api-proxy).
func SwaggerDocument(scheme, host, basePath string) obj {
	return SwaggerFor(crm.DefaultSchema, scheme, host, basePath)
}

// SwaggerFor is SwaggerDocument over the tables of sc.
func SwaggerFor(sc *crm.Schema, scheme, host, basePath string) obj {
	paths := obj{"/": obj{"get": obj{
		"tags": []string{"Introspection"}, "summary": "OpenAPI description (this document)",
		"produces":  []string{mimeOpenAPI, mimeJSON},
		"responses": obj{"200": obj{"description": "OK"}}}}}
	defs := obj{}
	params := swaggerParams()
	for _, name := range sc.Names {
		t := sc.Tables[name]
		defs[name] = swaggerDefinition(t)
		params["body."+name] = obj{"name": name, "description": name, "required": false, "in": "body",
			"schema": obj{"$ref": "#/definitions/" + name}}
		for _, c := range t.Columns {
			params["rowFilter."+name+"."+c.Name] = obj{"name": c.Name, "required": false, "in": "query", "type": "string",
				"format": c.Kind.String(), "description": "filter: op.value, e.g. eq.x, ilike.*x*, in.(a,b), is.null, cs.{a,b}"}
		}
		paths["/"+name] = swaggerPath(t)
	}
	for k, v := range bulkDefinitions("#/definitions/" + bulkRPC + ".deal") {
		defs[k] = v
	}
	paths["/rpc/"+bulkRPC] = bulkPath()
	return obj{
		"swagger": "2.0",
		"info": obj{"title": "ConnectGain REST API", "version": "1",
			"description": "PostgREST-compatible access to a workspace's deals, contacts, companies and pipelines. " +
				"The same API is served under /rest/v1 (Supabase clients) and /functions/v1/rest-api-proxy; " +
				"an OpenAPI 3 description is at " + basePath + "/openapi.json."},
		"host":     host,
		"basePath": basePath,
		"schemes":  []string{scheme},
		"consumes": []string{mimeJSON, mimeSingular + ";nulls=stripped", mimeSingular, mimeCSV},
		"produces": []string{mimeJSON, mimeSingular + ";nulls=stripped", mimeSingular, mimeCSV},
		"securityDefinitions": obj{
			"apikey": obj{"type": "apiKey", "in": "header", "name": "apikey", "description": "the API key (X-API-Key works too)"},
			"bearer": obj{"type": "apiKey", "in": "header", "name": "Authorization", "description": "Bearer followed by the API key"}},
		"security":     []obj{{"apikey": []string{}}, {"bearer": []string{}}},
		"paths":        paths,
		"definitions":  defs,
		"parameters":   params,
		"externalDocs": obj{"description": "OpenAPI 3 description of this API", "url": basePath + "/openapi.json"},
	}
}

// swaggerType is PostgREST's type and format of a column: arrays are
// "array" with string items, JSON has no type, the format is the
// PostgreSQL type (int32 for integer).
func swaggerType(k crm.Kind) obj {
	p := obj{"format": k.String()}
	switch k {
	case crm.KindInt:
		p["type"], p["format"] = "integer", "int32"
	case crm.KindDecimal:
		p["type"] = "number"
	case crm.KindBool:
		p["type"] = "boolean"
	case crm.KindJSON:
	case crm.KindTextArray:
		p["type"], p["items"] = "array", obj{"type": "string"}
	default:
		p["type"] = "string"
	}
	return p
}

func swaggerDefinition(t *crm.Table) obj {
	props := obj{}
	required := []string{}
	for _, c := range t.Columns {
		p := swaggerType(c.Kind)
		var notes []string
		if c.Name == "id" {
			notes = append(notes, "This is a Primary Key.<pk/>")
		}
		for _, r := range t.Relations {
			if r.ToOne && r.Local == c.Name {
				notes = append(notes, "This is a Foreign Key to `"+r.Table+"."+r.Foreign+"`.<fk table='"+r.Table+"' column='"+r.Foreign+"'/>")
			}
		}
		if len(notes) > 0 {
			p["description"] = "Note:\n" + strings.Join(notes, "\n")
		}
		props[c.Name] = p
		if !c.Nullable {
			required = append(required, c.Name)
		}
	}
	return obj{"type": "object", "required": required, "properties": props}
}

func swaggerPath(t *crm.Table) obj {
	refs := func(names ...string) []obj {
		out := make([]obj, 0, len(names))
		for _, n := range names {
			out = append(out, obj{"$ref": "#/parameters/" + n})
		}
		return out
	}
	var filters []string
	for _, c := range t.Columns {
		filters = append(filters, "rowFilter."+t.Name+"."+c.Name)
	}
	tags := []string{t.Name}
	get := obj{"tags": tags,
		"parameters": refs(append(filters, "select", "order", "range", "rangeUnit", "offset", "limit", "preferCount")...),
		"responses": obj{
			"200": obj{"description": "OK", "schema": obj{"type": "array", "items": obj{"$ref": "#/definitions/" + t.Name}}},
			"206": obj{"description": "Partial Content"}}}
	p := obj{"get": get}
	if t.ReadOnly {
		return p
	}
	p["post"] = obj{"tags": tags, "parameters": refs("body."+t.Name, "select", "on_conflict", "columns", "preferPost"),
		"responses": obj{"201": obj{"description": "Created"}}}
	p["patch"] = obj{"tags": tags, "parameters": refs(append(filters, "body."+t.Name, "preferReturn")...),
		"responses": obj{"204": obj{"description": "No Content"}}}
	p["delete"] = obj{"tags": tags, "parameters": refs(append(filters, "preferReturn")...),
		"responses": obj{"204": obj{"description": "No Content"}}}
	return p
}

func swaggerParams() obj {
	query := func(name, desc string) obj {
		return obj{"name": name, "description": desc, "required": false, "in": "query", "type": "string"}
	}
	prefer := func(values ...string) obj {
		return obj{"name": "Prefer", "description": "Preference", "required": false, "in": "header", "type": "string", "enum": values}
	}
	return obj{
		"preferReturn": prefer("return=representation", "return=minimal", "return=headers-only"),
		"preferCount":  prefer("count=exact", "count=planned", "count=estimated"),
		"preferPost": prefer("return=representation", "return=minimal", "return=headers-only",
			"resolution=ignore-duplicates", "resolution=merge-duplicates", "missing=default"),
		"select":      query("select", "Filtering Columns"),
		"on_conflict": query("on_conflict", "On Conflict"),
		"columns":     query("columns", "Columns of the body to insert"),
		"order":       query("order", "Ordering"),
		"range":       obj{"name": "Range", "description": "Limiting and Pagination", "required": false, "in": "header", "type": "string"},
		"rangeUnit": obj{"name": "Range-Unit", "description": "Limiting and Pagination", "required": false, "in": "header",
			"type": "string", "default": "items"},
		"offset": query("offset", "Limiting and Pagination"),
		"limit":  query("limit", "Limiting and Pagination"),
	}
}

// bulkPath describes the bulk endpoint, also served at
// POST /functions/v1/create-deals-bulk.
func bulkPath() obj {
	res := func(desc string) obj {
		return obj{"description": desc, "schema": obj{"$ref": "#/definitions/" + bulkRPC + ".response"}}
	}
	return obj{"post": obj{
		"tags":    []string{"(rpc) " + bulkRPC},
		"summary": "Create deals in bulk, linking each to a contact found by id, phone or email (created when missing)",
		"description": "The same endpoint as POST /functions/v1/create-deals-bulk: one result per deal, in order. " +
			"200 when none failed, 207 when some did, 422 when all did (or an atomic request rolled back).",
		"produces": []string{mimeJSON},
		"parameters": []obj{{"name": "args", "required": true, "in": "body",
			"schema": obj{"$ref": "#/definitions/" + bulkRPC + ".request"}}},
		"responses": obj{"200": res("OK"), "207": res("Multi-Status: some deals failed"),
			"422": res("Unprocessable Entity: every deal failed, or the atomic request was rolled back"),
			"400": obj{"description": "Bad Request: the body is not a bulk request"}},
	}}
}

// bulkDefinitions are the deal, request and response of the bulk
// endpoint; dealRef is how the request refers to the deal.
func bulkDefinitions(dealRef string) obj {
	str := obj{"type": "string"}
	deal := obj{"type": "object", "required": []string{"title", "value"}, "properties": obj{
		"title": str, "value": obj{"type": "number", "description": "a JSON number, not a string"},
		"currency":    obj{"type": "string", "description": "ISO 4217, e.g. SAR"},
		"stage":       obj{"type": "string", "description": "a stage of the pipeline, e.g. qualified (matched case-insensitively)"},
		"pipeline_id": obj{"type": "string", "format": "uuid"}, "contact_id": obj{"type": "string", "format": "uuid"},
		"contact_phone": str, "contact_email": str, "contact_first_name": str, "contact_last_name": str,
		"create_contact_if_missing": obj{"type": "boolean"},
		"expected_close_date":       obj{"type": "string", "format": "date"},
		"probability":               obj{"type": "integer", "minimum": 0, "maximum": 100},
		"source":                    str, "tags": obj{"type": "array", "items": str},
		"custom_fields": obj{"type": "object", "description": "any JSON object"},
		"company_id":    obj{"type": "string", "format": "uuid"}}}
	request := obj{"type": "object", "required": []string{"deals"}, "properties": obj{
		"deals":            obj{"type": "array", "items": obj{"$ref": dealRef}},
		"default_currency": str, "default_stage": str, "default_pipeline_id": obj{"type": "string", "format": "uuid"},
		"skip_if_exists": obj{"type": "boolean", "description": "skip a deal whose title and contact exist"},
		"atomic":         obj{"type": "boolean", "description": "all or nothing"},
		"dry_run":        obj{"type": "boolean", "description": "validate and match without writing"}}}
	result := obj{"type": "object", "properties": obj{
		"index": obj{"type": "integer"}, "status": obj{"type": "string", "enum": []string{"created", "skipped", "failed"}},
		"deal_id": str, "contact_id": str, "is_new_contact": obj{"type": "boolean"}, "matched_by": str,
		"reason": str, "deal": obj{"type": "object"}, "error": obj{"type": "object"}}}
	response := obj{"type": "object", "properties": obj{
		"dry_run": obj{"type": "boolean"}, "summary": obj{"type": "object"},
		"results": obj{"type": "array", "items": result}}}
	return obj{bulkRPC + ".deal": deal, bulkRPC + ".request": request, bulkRPC + ".response": response}
}

// requestScheme is the scheme the client used: https behind a TLS proxy
// that says so, or when served over TLS.
func requestScheme(r *http.Request) string {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return "https"
	}
	return "http"
}
