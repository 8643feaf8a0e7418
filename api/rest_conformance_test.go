package api

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// restCase is one request -> expected response of testdata/rest_conformance.json.
// Cases run in file order against one seeded server per backend; writes
// that must not persist send Prefer: tx=rollback.
type restCase struct {
	Name    string            `json:"n"`
	Method  string            `json:"m"` // default GET
	Path    string            `json:"q"` // under the proxy; {{name}} is a seeded id
	Key     string            `json:"k"` // A (default), B, readA or none
	Headers map[string]string `json:"h"`
	Body    json.RawMessage   `json:"b"` // JSON sent as is; a JSON string is sent raw

	Status    int               `json:"s"`
	RespHdr   map[string]string `json:"rh"`   // exact values ("" = absent)
	HdrPrefix map[string]string `json:"rhp"`  // value prefixes
	JSON      json.RawMessage   `json:"j"`    // the whole body, compared as JSON
	Pluck     string            `json:"pl"`   // field plucked from each row ...
	Values    []any             `json:"v"`    // ... compared in order
	Set       bool              `json:"set"`  // ... or as a set
	Len       *int              `json:"len"`  // array length
	Code      string            `json:"code"` // error code
	Has       []string          `json:"has"`  // substrings of the body
	Text      *string           `json:"text"` // exact body text
	NotHas    []string          `json:"not"`  // substrings the body must not have
	ExpandOut bool              `json:"x"`    // expand {{ids}} in expected values
}

func loadRestCases(t testing.TB) []restCase {
	t.Helper()
	b, err := os.ReadFile("testdata/rest_conformance.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []restCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("testdata/rest_conformance.json: %v", err)
	}
	return cases
}

// TestRestConformance runs the conformance table on every backend.
func TestRestConformance(t *testing.T) {
	cases := loadRestCases(t)
	if len(cases) < 200 {
		t.Errorf("the conformance table has %d cases, want at least 200", len(cases))
	}
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := MustStartRestEnv(t, be.Open(t))
			for i, c := range cases {
				e.check(t, i, c)
			}
		})
	}
}

func (e *restEnv) check(t *testing.T, i int, c restCase) {
	t.Helper()
	method := c.Method
	if method == "" {
		method = "GET"
	}
	key := c.Key
	if key == "" {
		key = "A"
	}
	body := ""
	if len(c.Body) > 0 {
		var s string
		if json.Unmarshal(c.Body, &s) == nil {
			body = s
		} else {
			body = string(c.Body)
		}
		body = e.expand(body)
	}
	path := c.Path
	if !strings.HasPrefix(path, "/functions") && !strings.HasPrefix(path, "/rest/") && path != "/rest" {
		path = proxy + path
	}
	hdr := map[string]string{}
	for k, v := range c.Headers {
		hdr[k] = e.expand(v)
	}
	resp, got := e.do(method, e.expand(path), key, hdr, body)
	where := func() string { return "#" + itoa(i) + " " + c.Name + ": " + method + " " + c.Path }
	if resp.StatusCode != c.Status {
		t.Errorf("%s: status %d, want %d; body %s", where(), resp.StatusCode, c.Status, got)
		return
	}
	for k, v := range c.RespHdr {
		if g := resp.Header.Get(k); g != e.expandIf(c.ExpandOut, v) {
			t.Errorf("%s: header %s = %q, want %q", where(), k, g, v)
		}
	}
	for k, v := range c.HdrPrefix {
		if g := resp.Header.Get(k); !strings.HasPrefix(g, v) {
			t.Errorf("%s: header %s = %q, want prefix %q", where(), k, g, v)
		}
	}
	if c.Text != nil && string(got) != *c.Text {
		t.Errorf("%s: body %q, want %q", where(), got, *c.Text)
	}
	for _, h := range c.Has {
		if !strings.Contains(string(got), e.expandIf(c.ExpandOut, h)) {
			t.Errorf("%s: body lacks %q: %s", where(), h, got)
		}
	}
	for _, h := range c.NotHas {
		if strings.Contains(string(got), e.expandIf(c.ExpandOut, h)) {
			t.Errorf("%s: body has %q: %s", where(), h, got)
		}
	}
	var v any
	if c.JSON != nil || c.Pluck != "" || c.Len != nil || c.Code != "" {
		if err := json.Unmarshal(got, &v); err != nil {
			t.Errorf("%s: body is not JSON: %v: %q", where(), err, got)
			return
		}
	}
	if c.JSON != nil {
		var want any
		_ = json.Unmarshal([]byte(e.expandIf(c.ExpandOut, string(c.JSON))), &want)
		if !reflect.DeepEqual(v, want) {
			t.Errorf("%s: body\n got %s\nwant %s", where(), compactJSON(got), compactJSON(c.JSON))
		}
	}
	if c.Code != "" {
		m, _ := v.(map[string]any)
		if m["code"] != c.Code {
			t.Errorf("%s: code %v, want %s: %s", where(), m["code"], c.Code, got)
		}
		for _, k := range []string{"code", "message", "details", "hint"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: error lacks key %q: %s", where(), k, got)
			}
		}
	}
	rows, _ := v.([]any)
	if c.Len != nil && len(rows) != *c.Len {
		t.Errorf("%s: %d rows, want %d: %s", where(), len(rows), *c.Len, got)
	}
	if c.Pluck != "" {
		var vals []any
		for _, r := range rows {
			m, _ := r.(map[string]any)
			vals = append(vals, m[c.Pluck])
		}
		want := c.Values
		if c.ExpandOut {
			for i, w := range want {
				if s, ok := w.(string); ok {
					want[i] = e.expand(s)
				}
			}
		}
		if c.Set {
			sortAny(vals)
			sortAny(want)
		}
		if len(vals) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(vals, want) {
			t.Errorf("%s: %s = %v, want %v", where(), c.Pluck, vals, want)
		}
	}
}

func (e *restEnv) expandIf(x bool, s string) string {
	if x {
		return e.expand(s)
	}
	return s
}

func sortAny(a []any) {
	sort.Slice(a, func(i, j int) bool {
		x, _ := json.Marshal(a[i])
		y, _ := json.Marshal(a[j])
		return string(x) < string(y)
	})
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
