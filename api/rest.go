package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/restsql"
)

// Media types the proxy serves.
const (
	mimeJSON     = "application/json"
	mimeSingular = "application/vnd.pgrst.object+json"
	mimeArray    = "application/vnd.pgrst.array+json"
	mimeCSV      = "text/csv"
	mimeOpenAPI  = "application/openapi+json"
)

// restTable is GET, HEAD, POST, PATCH and DELETE on /rest-api-proxy/{table}:
// PostgREST's semantics over the workspace's rows (API.md §4).
func (s *Server) restTable(w http.ResponseWriter, r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPatch, http.MethodDelete:
	default:
		w.Header().Set("Allow", "OPTIONS,GET,HEAD,POST,PATCH,DELETE")
		return &crm.Error{Code: crm.PGRSTMethod, Message: "Unsupported HTTP method: " + clipString(r.Method)}
	}
	if err := checkProfile(w, r); err != nil {
		return err
	}
	table := r.PathValue("table")
	if _, ok := s.schema().Table(table); !ok {
		return restsql.UnknownTable(table)
	}
	q, err := s.parseQuery(r.Method, r.URL.RawQuery)
	if err != nil {
		return pgrest.AsCrmError(err)
	}
	pref := pgrest.ParsePrefer(r.Header.Values("Prefer"))
	if e := pref.StrictError(); e != nil {
		return pgrest.AsCrmError(e)
	}
	media, stripNulls, err := negotiate(r.Header.Get("Accept"))
	if err != nil {
		return err
	}
	req := &restsql.Request{Method: r.Method, Table: table, Query: q, Prefer: pref, Singular: media == mimeSingular}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return s.restRead(w, r, req, media, stripNulls)
	}
	return s.restWrite(w, r, req, media, stripNulls)
}

// parseQuery parses a request's query string: a read's through the
// query cache (querycache.go), a write's each time.
func (s *Server) parseQuery(method, raw string) (*pgrest.Query, error) {
	if method == http.MethodGet || method == http.MethodHead {
		return s.queries.parse(raw)
	}
	params, err := pgrest.ParseQueryString(raw)
	if err != nil {
		return nil, err
	}
	return pgrest.Parse(params)
}

// restRead serves GET and HEAD: Range and limit/offset intersected, the
// row cap, counts, 206 and 416, singular and CSV.
func (s *Server) restRead(w http.ResponseWriter, r *http.Request, req *restsql.Request, media string, strip bool) error {
	q := req.Query
	lower, upper := q.Offset, int64(-1) // upper -1: open
	if q.Limit != nil {
		upper = q.Offset + *q.Limit - 1
	}
	if r.Method == http.MethodGet {
		lo, hi, ok, err := pgrest.ParseRange(r.Header.Get("Range"))
		if err != nil {
			return pgrest.AsCrmError(err)
		}
		if ok {
			lower = max(lower, lo)
			if hi != nil && (upper < 0 || *hi < upper) {
				upper = *hi
			}
		}
	}
	req.Offset, req.Limit = lower, -1
	if upper >= 0 || q.Limit != nil {
		req.Limit = max(upper-lower+1, 0)
	}
	if req.Limit < 0 || req.Limit > restsql.MaxRows {
		req.Limit = restsql.MaxRows
	}
	req.Count = req.Prefer.Count != ""
	res, err := s.rest.Rest(r.Context(), Principal(r), req)
	if err != nil {
		return err
	}
	n := int64(len(res.Rows))
	status := http.StatusOK
	if res.Total >= 0 {
		if req.Offset > res.Total {
			w.Header().Set("Content-Range", "*/"+strconv.FormatInt(res.Total, 10))
			return &crm.Error{Code: crm.PGRSTRange, Message: "Requested range not satisfiable",
				Details: fmt.Sprintf("An offset of %d was requested, but there are only %d rows.", req.Offset, res.Total)}
		}
		if n < res.Total {
			status = http.StatusPartialContent
		}
	}
	w.Header().Set("Content-Range", contentRange(req.Offset, n, res.Total))
	applied := pgrest.Prefer{Count: req.Prefer.Count}
	setApplied(w, applied)
	if media == mimeSingular && n != 1 {
		return &crm.Error{Code: crm.PGRSTSingular, Message: "Cannot coerce the result to a single JSON object",
			Details: fmt.Sprintf("The result contains %d rows", n)}
	}
	w.Header().Set("Content-Location", contentLocation(req.Table, r.URL.RawQuery))
	return writeRows(w, r, status, media, strip, res.Rows)
}

// contentLocation is PostgREST's Content-Location of a read: the table's
// path under the proxy and the query parameters sorted by decoded key
// (stably, so repeats keep their order), each kept as it was encoded.
// Parts without "=" are dropped, as the parser drops them.
func contentLocation(table, rawQuery string) string {
	type part struct{ key, raw string }
	var buf [8]part // a request's parameters, mostly without a heap slice
	parts := buf[:0]
	for p := range strings.SplitSeq(rawQuery, "&") {
		k, _, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		parts = append(parts, part{k, p})
	}
	if len(parts) == 0 {
		return "/" + table
	}
	slices.SortStableFunc(parts, func(a, b part) int { return strings.Compare(a.key, b.key) })
	var b strings.Builder
	b.Grow(len(table) + len(rawQuery) + 2)
	b.WriteByte('/')
	b.WriteString(table)
	b.WriteByte('?')
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.raw)
	}
	return b.String()
}

// contentRange renders PostgREST's Content-Range for n rows from lower.
func contentRange(lower, n, total int64) string {
	var a [64]byte // "lower-upper/total": three int64s at most
	b := a[:0]
	if n > 0 && total != 0 {
		b = strconv.AppendInt(b, lower, 10)
		b = append(b, '-')
		b = strconv.AppendInt(b, lower+n-1, 10)
	} else {
		b = append(b, '*')
	}
	b = append(b, '/')
	if total >= 0 {
		b = strconv.AppendInt(b, total, 10)
	} else {
		b = append(b, '*')
	}
	return string(b)
}

func setApplied(w http.ResponseWriter, p pgrest.Prefer) {
	if a := p.Applied(); a != "" {
		w.Header().Set("Preference-Applied", a)
	}
}

// restWrite serves POST, PATCH and DELETE.
func (s *Server) restWrite(w http.ResponseWriter, r *http.Request, req *restsql.Request, media string, strip bool) error {
	pref := req.Prefer
	req.Return = pref.Return == "" || pref.Return == "representation"
	if r.Method != http.MethodDelete {
		body, err := readBody(r)
		if err != nil {
			return err
		}
		if req.Body, err = parseRows(r.Method, r.Header.Get("Content-Type"), body); err != nil {
			return err
		}
	}
	if r.Method != http.MethodPost {
		pref.Resolution = ""
	}
	if r.Method == http.MethodDelete {
		pref.Missing = ""
	}
	if r.Method == http.MethodPost {
		pref.MaxAffected = nil
	}
	res, err := s.rest.Rest(r.Context(), Principal(r), req)
	if err != nil {
		return err
	}
	s.rowsWritten(req.Table, res.Affected)
	status := writeStatus(w, r, req.Table, pref, res)
	setApplied(w, pref)
	if !req.Return {
		if status == http.StatusOK {
			status = http.StatusNoContent
		}
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(status)
		return nil
	}
	if media == mimeSingular && len(res.Rows) != 1 {
		return &crm.Error{Code: crm.PGRSTSingular, Message: "Cannot coerce the result to a single JSON object",
			Details: fmt.Sprintf("The result contains %d rows", len(res.Rows))}
	}
	return writeRows(w, r, status, media, strip, res.Rows)
}

// writeStatus sets a write's Content-Range (and Location, for a POST
// that returns headers only) and returns its status: 201 for a POST, 200
// for an upsert that inserted nothing, else 200.
func writeStatus(w http.ResponseWriter, r *http.Request, table string, pref pgrest.Prefer, res *restsql.Result) int {
	n, total := int64(res.Affected), int64(-1)
	if pref.Count != "" {
		total = n
	}
	switch r.Method {
	case http.MethodPost:
		w.Header().Set("Content-Range", contentRange(0, 0, total))
		if pref.Return == "headers-only" && len(res.IDs) == 1 {
			w.Header().Set("Location", restBase(r)+"/"+table+"?id=eq."+url.QueryEscape(res.IDs[0]))
		}
		if pref.Resolution == "merge-duplicates" && res.Inserted == 0 && res.Affected > 0 {
			return http.StatusOK
		}
		return http.StatusCreated
	case http.MethodPatch:
		w.Header().Set("Content-Range", contentRange(0, n, total))
	default:
		w.Header().Set("Content-Range", contentRange(0, 0, total))
	}
	return http.StatusOK
}

func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, crm.Errorf(crm.CodeInvalidRequest, "could not read the request body").WithDetails("%v", err)
	}
	return body, nil
}

// jsonTypes are the write bodies' JSON media types.
var jsonTypes = map[string]bool{"": true, mimeJSON: true, "application/vnd.pgrst.object+json": true, "application/vnd.pgrst.object": true, "*/*": true}

// parseRows reads a write body: JSON (an object or an array of objects),
// CSV (a header line, then rows; NULL is null) or a form (one row).
func parseRows(method, ctype string, body []byte) ([]map[string]json.RawMessage, error) {
	mt := strings.ToLower(strings.TrimSpace(strings.Split(ctype, ";")[0]))
	if mt == "application/x-www-form-urlencoded" && looksJSON(body) {
		// curl -d sends this type unless told otherwise; as a form the
		// JSON would be one key naming no column, so it is read as the
		// JSON it is, as the bulk endpoint reads it.
		mt = mimeJSON
	}
	switch {
	case jsonTypes[mt]:
		if bp := checkJSONBody(body); bp != nil { // the pre-scan (jsonbody.go)
			return nil, bp.asError(true)
		}
		return parseJSONRows(method, body)
	case mt == mimeCSV || mt == "application/x-www-form-urlencoded":
		if bp := checkTextBody(body); bp != nil {
			return nil, bp.asError(true)
		}
		if mt == mimeCSV {
			return parseCSVRows(body)
		}
		return parseFormRow(body)
	}
	return nil, &crm.Error{Code: crm.PGRSTInvalidBody, Message: "Content-Type not acceptable: " + ctype}
}

// parseFormRow reads an application/x-www-form-urlencoded body as one
// row of text values.
func parseFormRow(body []byte) ([]map[string]json.RawMessage, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, &crm.Error{Code: crm.PGRSTInvalidBody, Message: "Empty or invalid form body",
			Details: "the application/x-www-form-urlencoded body cannot be read: " + err.Error(),
			Hint:    "send JSON with Content-Type: application/json, or encode the form's values with %XX"}
	}
	row := map[string]json.RawMessage{}
	for k := range v {
		if bp := checkTextBody([]byte(k + v.Get(k))); bp != nil {
			bp.Path = "form field " + strconv.Quote(clipString(k))
			return nil, bp.asError(true)
		}
		b, _ := json.Marshal(v.Get(k))
		row[k] = b
	}
	return []map[string]json.RawMessage{row}, nil
}

// parseJSONRows reads a JSON body: an object, or (except for PATCH) an
// array of objects.
func parseJSONRows(method string, body []byte) ([]map[string]json.RawMessage, error) {
	t := bytes.TrimSpace(body)
	invalid := &crm.Error{Code: crm.PGRSTInvalidBody, Message: "Empty or invalid json",
		Hint: `send a JSON object, e.g. {"title": "Order 1", "value": 100}, or an array of them`}
	switch {
	case len(t) == 0:
		invalid.Details = "the request body is empty"
		return nil, invalid
	case !json.Valid(t):
		invalid.Details = "the request body is not valid JSON: " + describeJSONError(body)
		return nil, invalid
	case t[0] != '{' && t[0] != '[':
		invalid.Details = fmt.Sprintf("the request body is a JSON %s (%s), not an object or an array of objects", jsonKind(t), clipText(t))
		return nil, invalid
	case t[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(t, &m); err != nil {
			return nil, invalid
		}
		return []map[string]json.RawMessage{m}, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(t, &list); err != nil {
		return nil, invalid
	}
	if method == http.MethodPatch && len(list) > 0 {
		return nil, &crm.Error{Code: crm.PGRSTInvalidBody, Message: "Empty or invalid json",
			Details: "a PATCH body is one object, applied to every matching row"}
	}
	rows := make([]map[string]json.RawMessage, 0, len(list))
	for i, e := range list {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(e, &m); err != nil || m == nil {
			et := bytes.TrimSpace(e)
			return nil, &crm.Error{Code: crm.PGRSTInvalidBody, Message: "All object keys must match",
				Details: fmt.Sprintf("element %d of the array is a JSON %s (%s), not an object", i, jsonKind(et), clipText(et)),
				Hint:    "send an array of objects, one per row"}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

// looksJSON reports whether body is a JSON object or array.
func looksJSON(body []byte) bool {
	t := bytes.TrimSpace(body)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t)
}

func parseCSVRows(body []byte) ([]map[string]json.RawMessage, error) {
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		e := &crm.Error{Code: crm.PGRSTInvalidBody, Message: "Empty or invalid csv", Details: "the request body is empty",
			Hint: "send a header line of column names, then one line per row"}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			e.Details = fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
		}
		return nil, e
	}
	head := recs[0]
	rows := make([]map[string]json.RawMessage, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := map[string]json.RawMessage{}
		for i, k := range head {
			if i >= len(rec) || rec[i] == "NULL" {
				m[k] = json.RawMessage("null")
				continue
			}
			v := rec[i]
			if json.Valid([]byte(v)) && v != "" && (v[0] == '{' || v[0] == '[' || v[0] == '-' || v[0] >= '0' && v[0] <= '9' || v == "true" || v == "false") {
				m[k] = json.RawMessage(v)
			} else {
				b, _ := json.Marshal(v)
				m[k] = b
			}
		}
		rows = append(rows, m)
	}
	return rows, nil
}

// negotiate picks the response media type from Accept, by q-value then
// order. No acceptable type is 406 PGRST107.
func negotiate(accept string) (media string, stripNulls bool, err error) {
	if strings.TrimSpace(accept) == "" {
		return mimeJSON, false, nil
	}
	type cand struct {
		mt    string
		q     float64
		i     int
		strip bool
	}
	var cs []cand
	for i, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		c := cand{mt: strings.ToLower(strings.TrimSpace(fields[0])), q: 1, i: i}
		for _, f := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(f), "=")
			switch strings.ToLower(k) {
			case "q":
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					c.q = x
				}
			case "nulls":
				c.strip = v == "stripped"
			}
		}
		if c.q > 0 {
			cs = append(cs, c)
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].q > cs[b].q })
	for _, c := range cs {
		switch c.mt {
		case mimeJSON, "*/*", "application/*":
			return mimeJSON, false, nil
		case mimeArray:
			return mimeJSON, c.strip, nil
		case mimeSingular, "application/vnd.pgrst.object":
			return mimeSingular, c.strip, nil
		case mimeCSV, "text/*":
			return mimeCSV, false, nil
		}
	}
	return "", false, &crm.Error{Code: crm.PGRSTContentType, Message: "None of these media types are available: " + accept}
}

// writeRows writes the rows as JSON (an array, or one object when
// singular) or CSV; HEAD gets the headers only.
func writeRows(w http.ResponseWriter, r *http.Request, status int, media string, strip bool, rows []*crm.Row) error {
	if rows == nil {
		rows = []*crm.Row{}
	}
	if strip {
		for _, row := range rows {
			stripRow(row)
		}
	}
	if media == mimeCSV {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		return writeBody(w, r, status, csvRows(rows))
	}
	buf := getBody()
	defer putBody(buf)
	var err error
	if media == mimeSingular {
		w.Header().Set("Content-Type", mimeSingular+"; charset=utf-8")
		*buf, err = crm.AppendRows((*buf)[:0], rows[0])
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		*buf, err = crm.AppendRows((*buf)[:0], rows)
	}
	if err != nil {
		return err
	}
	return writeBody(w, r, status, *buf)
}

// writeBody writes the status, Content-Length and (but for HEAD) body.
func writeBody(w http.ResponseWriter, r *http.Request, status int, body []byte) error {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(body)
	return err
}

// bodyPool holds response buffers for reuse: a read's JSON is rendered
// into one and written (a ResponseWriter keeps no reference to what it
// is given), so a point read no longer leaves 4 KiB of garbage.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledBody bounds the buffers kept: a large response's buffer goes
// to the collector rather than staying in the pool.
const maxPooledBody = 256 << 10

func getBody() *[]byte { return bodyPool.Get().(*[]byte) }

func putBody(b *[]byte) {
	if b == nil || cap(*b) > maxPooledBody {
		return
	}
	*b = (*b)[:0]
	bodyPool.Put(b)
}

func stripRow(r *crm.Row) {
	keys, vals := r.Keys[:0], r.Vals[:0]
	for i, v := range r.Vals {
		if v == nil {
			continue
		}
		if sub, ok := v.(*crm.Row); ok {
			if sub == nil {
				continue
			}
			stripRow(sub)
		}
		keys, vals = append(keys, r.Keys[i]), append(vals, v)
	}
	r.Keys, r.Vals = keys, vals
}

// csvRows renders rows as PostgREST's CSV: a header line, NULL as an empty
// field, fields with a comma, space, quote, parenthesis or newline
// quoted, lines joined by "\n" without a trailing newline.
func csvRows(rows []*crm.Row) []byte {
	if len(rows) == 0 {
		return nil
	}
	var b bytes.Buffer
	for i, k := range rows[0].Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(csvField(k, false))
	}
	for _, r := range rows {
		b.WriteByte('\n')
		for i, v := range r.Vals {
			if i > 0 {
				b.WriteByte(',')
			}
			if v == nil {
				continue
			}
			if sub, ok := v.(*crm.Row); ok && sub == nil {
				continue
			}
			var s string
			switch x := v.(type) {
			case *crm.Row, []*crm.Row:
				j, _ := json.Marshal(x)
				s = string(j)
			default:
				s = restsql.TextOf(v)
			}
			b.WriteString(csvField(s, true))
		}
	}
	return b.Bytes()
}

func csvField(s string, quoteEmpty bool) string {
	if (quoteEmpty && s == "") || strings.ContainsAny(s, ", \"()\n\r\t") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// restNotFound is PostgREST's 404 PGRST125 for a path under the REST
// API that is neither the root nor a table.
func (s *Server) restNotFound(w http.ResponseWriter, r *http.Request) error {
	return &crm.Error{Code: crm.PGRSTPath, Message: "Invalid path specified in request URL",
		Hint: "use " + restBase(r) + "/{table}, one of: " + strings.Join(s.schema().Names, ", ")}
}
