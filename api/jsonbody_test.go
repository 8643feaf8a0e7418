package api

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/connectgain/server/loadgen"
	"github.com/connectgain/server/sqlstore/storetest"
)

func TestCheckJSONBody(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxJSONDepth) + `1` + strings.Repeat(`}`, MaxJSONDepth)
	tooDeep := `{"deals":[{"custom_fields":` + strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000) + `}]}`
	for _, c := range []struct {
		in       string
		path     string // "" = clean
		kind     string
		inDetail string
	}{
		{in: `{"deals":[{"title":"Order 1","value":1}]}`},
		{in: `{"a":"é😀","b":[1,2.5e10,-0,true,false,null],"c":{}}`},
		{in: `{"a":"\ud83d\ude00 \u00e9 \n \" \\ \/"}`},
		{in: deep},
		{in: `{"a":1e308,"b":-1e-300}`},
		{in: `{"a":}`},  // a syntax error is left to the decoder
		{in: `{"a":"x`}, // likewise
		{in: "{\"deals\":[{\"title\":\"a\xffb\"}]}", path: "deals[0].title", kind: problemUTF8, inDetail: `\xff`},
		{in: "{\"k\xc3\":1}", path: "", kind: problemUTF8},
		{in: `{"deals":[{"title":"x"},{"contact_first_name":"a\u0000b"}]}`, path: "deals[1].contact_first_name", kind: problemNUL, inDetail: `\u0000`},
		{in: `{"a\u0000":1}`, path: "", kind: problemNUL},
		{in: `{"a":"\ud800"}`, path: "a", kind: problemSurrogate, inDetail: "D800"},
		{in: `{"a":"\udc00\ud800"}`, path: "a", kind: problemSurrogate},
		{in: `{"deals":[{"title":"a","title":"b"}]}`, path: "deals[0].title", kind: problemDuplicate, inDetail: `"title"`},
		{in: `{"a":1,"\u0061":2}`, path: "a", kind: problemDuplicate},
		{in: `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":0,"k11":0,"k12":0,"k13":0,"k14":0,"k15":0,"k16":0,"k17":0,"k5":1}`, path: "k5", kind: problemDuplicate},
		{in: `[{"custom_fields":{"x y":1,"x y":2}}]`, path: `[0].custom_fields."x y"`, kind: problemDuplicate},
		{in: deep[:0] + `{"x":` + deep + `}`, path: "x" + strings.Repeat(".a", MaxJSONDepth-1), kind: problemDepth, inDetail: "32"},
		{in: tooDeep, kind: problemDepth, path: "deals[0].custom_fields" + strings.Repeat(".a", MaxJSONDepth-3)},
		{in: `{"deals":[{"value":1e400}]}`, path: "deals[0].value", kind: problemNumber, inDetail: "1e400"},
		{in: `{"v":-1e999}`, path: "v", kind: problemNumber},
		{in: `{"v":1e-400}`, path: "v", kind: problemNumber},
		{in: `{"v":` + strings.Repeat("9", 65) + `}`, path: "v", kind: problemNumber, inDetail: "MaxJSONNumberLen"},
	} {
		p := checkJSONBody([]byte(c.in))
		if c.kind == "" {
			if p != nil {
				t.Errorf("%.60q: %v, want clean", c.in, p)
			}
			continue
		}
		if p == nil {
			t.Errorf("%.60q: clean, want %s at %s", c.in, c.kind, c.path)
			continue
		}
		if p.Kind != c.kind || p.Path != c.path || !strings.Contains(p.Detail, c.inDetail) || p.Hint == "" {
			t.Errorf("%.60q: %s at %q (%s), want %s at %q with %q in the details", c.in, p.Kind, p.Path, p.Detail, c.kind, c.path, c.inDetail)
		}
	}
}

// TestBadJSONBodiesRefused: the same bad bodies are 400 with the field
// named on the bulk endpoint and on REST writes, on every backend, and
// nothing is stored.
func TestBadJSONBodiesRefused(t *testing.T) {
	deep := `{"x":` + strings.Repeat(`[`, 40) + strings.Repeat(`]`, 40) + `}`
	bad := []struct{ name, field, cf, first string }{
		{"invalid UTF-8", "title", `{}`, "Ahmed\xff"},
		{"NUL", "contact_first_name", `{}`, `A\u0000hmed`},
		{"nesting", "custom_fields.x", deep, "Ahmed"},
		{"number", "custom_fields.n", `{"n":1e999}`, "Ahmed"},
	}
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := mustBulkEnv(t, be, Config{}, "SAR", "SA")
			for _, b := range bad {
				body := `{"deals":[{"title":"Order 1","value":1,"contact_phone":"+201017177777","create_contact_if_missing":true,` +
					`"contact_first_name":"` + b.first + `","custom_fields":` + b.cf + `}]}`
				if b.name == "invalid UTF-8" {
					body = strings.Replace(body, `"title":"Order 1"`, "\"title\":\"Order 1\xff\"", 1)
				}
				st, out, raw := e.post(e.writeKey, body)
				if st != 400 || out.Code != "invalid_request" || !strings.Contains(out.Message, "deals[0]."+b.field) {
					t.Errorf("bulk %s: %d %s, want 400 naming deals[0].%s", b.name, st, raw, b.field)
				}
			}
			dup := `{"deals":[{"title":"Order 1","title":"Order 2","value":1,"contact_phone":"+201017177777","create_contact_if_missing":true}]}`
			if st, out, raw := e.post(e.writeKey, dup); st != 400 || !strings.Contains(out.Message, "duplicate key in deals[0].title") {
				t.Errorf("bulk duplicate key: %d %s", st, raw)
			}
			rest := []struct{ name, path, body, code, field string }{
				{"NUL", "/contacts", `{"first_name":"a\u0000b"}`, "22P05", "first_name"},
				{"UTF-8", "/contacts", "[{\"first_name\":\"ok\"},{\"first_name\":\"a\xffb\"}]", "22021", "[1].first_name"},
				{"duplicate", "/contacts", `{"first_name":"a","first_name":"b"}`, "PGRST102", "first_name"},
				{"deep", "/deals", `{"title":"t","custom_fields":` + deep + `}`, "PGRST102", "custom_fields.x"},
				{"number", "/companies", `{"name":"n","tags":[],"x":1e999}`, "PGRST102", "x"},
			}
			for _, c := range rest {
				for _, method := range []string{"POST", "PATCH"} {
					path := proxy + c.path
					if method == "PATCH" {
						path += "?id=eq.00000000-0000-0000-0000-000000000000"
						if c.name == "UTF-8" {
							c.body = strings.TrimSuffix(strings.TrimPrefix(c.body, "[{\"first_name\":\"ok\"},"), "]")
							c.field = "first_name"
						}
					}
					st, body := e.send(method, path, c.body)
					if st != 400 || !strings.Contains(body, `"code":"`+c.code+`"`) || !strings.Contains(body, "in "+c.field) {
						t.Errorf("%s %s %s: %d %s, want 400 %s naming %s", method, c.path, c.name, st, body, c.code, c.field)
					}
				}
			}
			csv := "first_name,last_name\nA\x00,B\n"
			if st, body := e.sendType("POST", proxy+"/contacts", csv, "text/csv"); st != 400 || !strings.Contains(body, "22P05") {
				t.Errorf("CSV with NUL: %d %s", st, body)
			}
			if st, body := e.sendType("POST", proxy+"/contacts", "first_name=a%00b", "application/x-www-form-urlencoded"); st != 400 || !strings.Contains(body, "22P05") {
				t.Errorf("form with NUL: %d %s", st, body)
			}
			for _, tbl := range []string{"deals", "contacts", "companies"} {
				if n := e.count("SELECT COUNT(*) FROM " + tbl); n != 0 {
					t.Errorf("%d %s stored from refused bodies", n, tbl)
				}
			}
		})
	}
}

// TestTwoDifferentKeys: more than one credential is 400 unless they are
// the same key.
func TestTwoDifferentKeys(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}, Config{}, "", "")
	other := e.readKey
	for _, c := range []struct {
		name string
		h    http.Header
		want int
	}{
		{"X-API-Key and apikey differ", http.Header{"X-Api-Key": {e.writeKey}, "Apikey": {other}}, 400},
		{"apikey and X-API-Key differ", http.Header{"Apikey": {e.writeKey}, "X-Api-Key": {other}}, 400},
		{"two X-API-Key", http.Header{"X-Api-Key": {e.writeKey, other}}, 400},
		{"Bearer differs", http.Header{"X-Api-Key": {e.writeKey}, "Authorization": {"Bearer " + other}}, 400},
		{"two Bearer", http.Header{"Authorization": {"Bearer " + e.writeKey, "Bearer " + other}}, 400},
		{"a bad key and a good one", http.Header{"X-Api-Key": {e.writeKey}, "Apikey": {"cg_nope"}}, 400},
		{"the same key twice", http.Header{"X-Api-Key": {e.writeKey}, "Apikey": {e.writeKey}, "Authorization": {"Bearer " + e.writeKey}}, 200},
		{"the same key in two X-API-Key", http.Header{"X-Api-Key": {e.writeKey, " " + e.writeKey}}, 200},
		{"Basic auth is not a key", http.Header{"X-Api-Key": {e.writeKey}, "Authorization": {"Basic eDp5"}}, 200},
	} {
		req, _ := http.NewRequest("GET", e.url+proxy+"/deals", nil)
		for k, v := range c.h {
			req.Header[k] = v
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := readAll(res)
		if res.StatusCode != c.want || c.want == 400 && !strings.Contains(b, "different API keys") {
			t.Errorf("%s: %d %s, want %d", c.name, res.StatusCode, b, c.want)
		}
	}
}

// send sends a JSON request with the write key and returns status and body.
func (e *bulkEnv) send(method, path, body string) (int, string) {
	return e.sendType(method, path, body, "application/json")
}

func (e *bulkEnv) sendType(method, path, body, ctype string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-API-Key", e.writeKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res.StatusCode, readAll(res)
}

func readAll(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// The pre-scan's verdict that a body is valid JSON, which lets the bulk
// endpoint skip encoding/json's own check, agrees with encoding/json.
func FuzzScanValid(f *testing.F) {
	for _, s := range []string{`{}`, ` [1, 2.5e3, -0, "a\"b", {"k": null}] `, `{"a":1}x`, `{"a":01}`, `[1.]`, `[.5]`, `[1e]`, `[-]`,
		`{"a":tru}`, `"\u00e9\ud83d\ude00"`, `[1,]`, `{"a":1,}`, `nul`, `{"a" 1}`, "[\"\t\"]", `["\x"]`, `1`, ``, `  `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, valid := scanJSONBody(body)
		if p == nil && valid != json.Valid(body) {
			t.Fatalf("%q: the scan says valid=%v, encoding/json %v", body, valid, json.Valid(body))
		}
		if p != nil && valid {
			t.Fatalf("%q: a problem and valid", body)
		}
	})
}

// BenchmarkScanJSONBody is the pre-scan of a 10,000-deal bulk body.
//
//	go test ./api -run '^$' -bench ScanJSONBody -benchmem
func BenchmarkScanJSONBody(b *testing.B) {
	body := loadgen.BulkBody(loadgen.Deals(1, 10000, 0.5))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if p, valid := scanJSONBody(body); p != nil || !valid {
			b.Fatal(p, valid)
		}
	}
}
