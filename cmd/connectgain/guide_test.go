package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
)

// curlCmd is one curl command printed in the guide.
type curlCmd struct {
	Method, URL, Body string
	Headers           [][2]string
}

// parseGuideCurls extracts every curl command of the guide, in order. It
// understands what the guide uses: backslash line continuations, single
// quotes, -X, -H and -d.
func parseGuideCurls(text string) ([]curlCmd, error) {
	var out []curlCmd
	for i := strings.Index(text, "curl "); i >= 0; {
		words, end, err := shellWords(text[i:])
		if err != nil {
			return nil, fmt.Errorf("at byte %d: %w", i, err)
		}
		c := curlCmd{Method: "GET"}
		for j := 1; j < len(words); j++ {
			switch w := words[j]; w {
			case "-X":
				j++
				c.Method = words[j]
			case "-H":
				j++
				k, v, _ := strings.Cut(words[j], ":")
				c.Headers = append(c.Headers, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
			case "-d":
				j++
				c.Body = words[j]
				if c.Method == "GET" {
					c.Method = "POST"
				}
			default:
				if strings.HasPrefix(w, "http") {
					c.URL = w
				}
			}
		}
		out = append(out, c)
		next := strings.Index(text[i+end:], "curl ")
		if next < 0 {
			break
		}
		i += end + next
	}
	return out, nil
}

// shellWords splits one shell command (up to the first newline that is not
// escaped or quoted) into words, and returns where the command ended.
func shellWords(s string) ([]string, int, error) {
	var words []string
	var cur strings.Builder
	inWord, inQuote := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote:
			if c == '\'' {
				inQuote = false
			} else {
				cur.WriteByte(c)
			}
		case c == '\'':
			inQuote, inWord = true, true
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case c == '\n':
			if inWord {
				words = append(words, cur.String())
			}
			return words, i, nil
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inQuote {
		return nil, 0, fmt.Errorf("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, len(s), nil
}

const guideHost = "https://txpaxbxhnvnhsjwwaeoy.supabase.co"

// guideStep is what the guide promises for one of its requests, in order.
type guideStep struct {
	what   string
	status int
	check  func(t *testing.T, body []byte, st *guideState)
}

// guideState carries ids from one step to the next.
type guideState struct{ shopifyDealID string }

type bulkOut struct {
	Summary map[string]int `json:"summary"`
	Results []struct {
		Status       string          `json:"status"`
		MatchedBy    string          `json:"matched_by"`
		IsNewContact bool            `json:"is_new_contact"`
		DealID       string          `json:"deal_id"`
		Deal         map[string]any  `json:"deal"`
		Error        json.RawMessage `json:"error"`
	} `json:"results"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

var guideSteps = []guideStep{
	{"§2 single deal, contact by phone does not exist yet: fails", 422, func(t *testing.T, b []byte, _ *guideState) {
		r := decode[bulkOut](t, b)
		if r.Results[0].Status != "failed" || !strings.Contains(string(r.Results[0].Error), "contact_not_found") {
			t.Errorf("result = %+v", r.Results[0])
		}
	}},
	{"§3 correct bulk create with mixed contact lookup", 200, func(t *testing.T, b []byte, _ *guideState) {
		r := decode[bulkOut](t, b)
		if r.Summary["created"] != 3 || r.Summary["contacts_created"] != 3 {
			t.Errorf("summary = %v", r.Summary)
		}
		for _, res := range r.Results {
			if res.Deal["stage"] != "qualified" || res.Deal["currency"] != "SAR" || !res.IsNewContact {
				t.Errorf("deal = %v new %v", res.Deal, res.IsNewContact)
			}
		}
	}},
	{"§3 fix deals saved with wrong stage casing", 200, func(t *testing.T, b []byte, _ *guideState) {
		for _, d := range decode[[]map[string]any](t, b) {
			if d["stage"] != "qualified" {
				t.Errorf("deal stage %v", d["stage"])
			}
		}
	}},
	{"§3 single deal, contact may or may not exist", 200, func(t *testing.T, b []byte, _ *guideState) {
		r := decode[bulkOut](t, b)
		if res := r.Results[0]; res.Status != "created" || res.MatchedBy != "phone" || res.IsNewContact {
			t.Errorf("result = %+v (Sara's phone exists since §3)", res)
		}
	}},
	{"§3 bulk with shared defaults", 200, func(t *testing.T, b []byte, _ *guideState) {
		r := decode[bulkOut](t, b)
		if r.Summary["created"] != 2 || r.Results[0].MatchedBy != "phone" || r.Results[1].MatchedBy != "created" {
			t.Errorf("response = %s", b)
		}
	}},
	{"§4 search deals by title, newest first", 200, func(t *testing.T, b []byte, _ *guideState) {
		ds := decode[[]map[string]any](t, b)
		var titles []string
		for _, d := range ds {
			titles = append(titles, d["title"].(string))
		}
		if len(ds) != 4 || !sort.SliceIsSorted(ds, func(i, j int) bool { return ds[i]["created_at"].(string) > ds[j]["created_at"].(string) }) {
			t.Errorf("titles = %v", titles)
		}
		for _, ti := range titles {
			if !strings.Contains(ti, "Order 6829") {
				t.Errorf("title %q does not contain Order 6829", ti)
			}
		}
	}},
	{"§4 update all matching deals to won", 200, func(t *testing.T, b []byte, _ *guideState) {
		ds := decode[[]map[string]any](t, b)
		if len(ds) != 4 {
			t.Errorf("%d deals updated; want 4", len(ds))
		}
		for _, d := range ds {
			if d["stage"] != "won" || d["probability"] != 100.0 {
				t.Errorf("deal = %v", d)
			}
		}
	}},
	{"§4 update one deal by an id that does not exist", 200, func(t *testing.T, b []byte, _ *guideState) {
		if ds := decode[[]map[string]any](t, b); len(ds) != 0 {
			t.Errorf("updated %d deals", len(ds))
		}
	}},
	{"§5 search contacts by phone", 200, func(t *testing.T, b []byte, _ *guideState) {
		cs := decode[[]map[string]any](t, b)
		if len(cs) != 1 || cs[0]["first_name"] != "Customer" {
			t.Errorf("contacts = %v", cs)
		}
	}},
	{"§5 search contacts by email", 200, func(t *testing.T, b []byte, _ *guideState) {
		if cs := decode[[]map[string]any](t, b); len(cs) != 1 {
			t.Errorf("contacts = %v", cs)
		}
	}},
	{"§5 search contacts by name", 200, func(t *testing.T, b []byte, _ *guideState) {
		cs := decode[[]map[string]any](t, b)
		if len(cs) != 2 {
			t.Errorf("%d contacts named like sara; want 2", len(cs))
		}
	}},
	{"§5 update a contact found by phone", 200, func(t *testing.T, b []byte, _ *guideState) {
		cs := decode[[]map[string]any](t, b)
		if len(cs) != 1 || cs[0]["first_name"] != "Ahmed" || cs[0]["last_name"] != "Ali" || fmt.Sprint(cs[0]["tags"]) != "[vip shopify]" {
			t.Errorf("contacts = %v", cs)
		}
	}},
	{"§6 deal with external Shopify metadata", 200, func(t *testing.T, b []byte, st *guideState) {
		r := decode[bulkOut](t, b)
		res := r.Results[0]
		cf, _ := res.Deal["custom_fields"].(map[string]any)
		if res.Status != "created" || res.MatchedBy != "phone" || cf["shopify_order_id"] != "68297797" || cf["items_count"] != 3.0 {
			t.Errorf("result = %+v", res)
		}
		st.shopifyDealID = res.DealID
	}},
	{"§6 contact with external CRM/ERP ids", 201, func(t *testing.T, b []byte, _ *guideState) {
		cs := decode[[]map[string]any](t, b)
		if len(cs) != 1 || fmt.Sprint(cs[0]["phones"]) != "[+201020000000]" || fmt.Sprint(cs[0]["emails"]) != "[sara@example.com]" {
			t.Fatalf("contacts = %v", cs)
		}
		if cf := cs[0]["custom_fields"].(map[string]any); cf["erp_customer_id"] != "ERP-99821" || cf["lifetime_value"] != 45200.0 {
			t.Errorf("custom_fields = %v", cf)
		}
	}},
	{"§6 update only custom_fields: replaced, not merged", 200, func(t *testing.T, b []byte, _ *guideState) {
		ds := decode[[]map[string]any](t, b)
		if len(ds) != 1 {
			t.Fatalf("updated %d deals; want 1", len(ds))
		}
		cf := ds[0]["custom_fields"].(map[string]any)
		if len(cf) != 2 || cf["tracking_number"] != "DHL-9988776655" || cf["fulfillment_status"] != "shipped" {
			t.Errorf("custom_fields = %v; want exactly the new object", cf)
		}
	}},
}

// TestGuideReplay sends every request printed in the user's guide, verbatim
// but for the host (and DEAL_UUID, a placeholder the reader fills in), to a
// real server, in the guide's order, and checks what the guide promises.
func TestGuideReplay(t *testing.T) {
	text, err := os.ReadFile("testdata/deals-contacts-api-guide.txt")
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := parseGuideCurls(string(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != len(guideSteps) {
		t.Fatalf("the guide has %d curl commands; the test knows %d", len(cmds), len(guideSteps))
	}
	ts := mustServe(t)
	st := &guideState{}
	for i, c := range cmds {
		step := guideSteps[i]
		url := strings.Replace(c.URL, guideHost, ts.URL, 1)
		url = strings.Replace(url, "DEAL_UUID", st.shopifyDealID, 1)
		req, err := http.NewRequest(c.Method, url, strings.NewReader(c.Body))
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, step.what, err)
		}
		for _, h := range c.Headers {
			v := h[1]
			if h[0] == "X-API-Key" {
				v = ts.Key // the guide's cg_your_api_key_here
			}
			req.Header.Set(h[0], v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, step.what, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Run(fmt.Sprintf("%02d %s", i, step.what), func(t *testing.T) {
			if res.StatusCode != step.status {
				t.Fatalf("%s %s: status %d; want %d\n%s", c.Method, url, res.StatusCode, step.status, body)
			}
			step.check(t, body, st)
		})
	}
	if n := strings.Count(ts.stderr.String(), ts.Key); n != 1 {
		t.Errorf("the key appears %d times in the server's output; want once (the first-start notice), never in request logs", n)
	}
}
