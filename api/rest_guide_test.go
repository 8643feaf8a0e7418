package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/storetest"
)

// guidePath is the user's guide; its curl commands are run verbatim but
// for the host, the key and the DEAL_UUID placeholder.
const guidePath = "testdata/deals-contacts-api-guide.txt" // a copy of shared/seed/

// The guide's host and key, replaced by the test server's.
const (
	guideHost = "https://txpaxbxhnvnhsjwwaeoy.supabase.co"
	guideKey  = "cg_your_api_key_here"
)

// guideCurls returns the curl commands of the guide as written: from
// "curl " at the start of a line to the first newline outside single
// quotes that no backslash continues.
func guideCurls(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		start := strings.Index(text[i:], "curl ")
		if start < 0 {
			break
		}
		start += i
		if start > 0 && text[start-1] != '\n' {
			i = start + 1
			continue
		}
		quoted, j := false, start
		for ; j < len(text); j++ {
			c := text[j]
			if c == '\'' {
				quoted = !quoted
			}
			if c == '\n' && !quoted && (j == 0 || text[j-1] != '\\') {
				break
			}
		}
		out = append(out, text[start:j])
		i = j
	}
	return out
}

// curlResult is what one guide command printed: the body, then the
// status that the test's .curlrc asks curl to write out.
type curlResult struct {
	status int
	body   []byte
	query  string // the query string the server received
}

// curlRunner runs shell commands with a .curlrc that keeps curl quiet and
// writes the status after the body, so the commands stay as written.
type curlRunner struct {
	t    *testing.T
	home string
	mu   sync.Mutex
	last string // RawQuery of the last request the server saw
}

func newCurlRunner(t *testing.T) *curlRunner {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("curl is required in CI: %v", err)
		}
		t.Skip("curl not installed: skipping the guide replay")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skipf("bash not installed: %v", err)
	}
	home := t.TempDir()
	rc := "silent\nshow-error\nwrite-out = \"\\n%{http_code}\"\n"
	if err := os.WriteFile(filepath.Join(home, ".curlrc"), []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	return &curlRunner{t: t, home: home}
}

// record wraps h to remember the query string of each request.
func (c *curlRunner) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.last = r.URL.RawQuery
		c.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (c *curlRunner) run(cmd string) curlResult {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sh := exec.CommandContext(ctx, "bash", "-c", cmd)
	sh.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + c.home, "CURL_HOME=" + c.home}
	out, err := sh.Output()
	if err != nil {
		c.t.Fatalf("%s\n%v: %s", cmd, err, out)
	}
	nl := strings.LastIndexByte(string(out), '\n')
	status, err := strconv.Atoi(string(out[nl+1:]))
	if nl < 0 || err != nil {
		c.t.Fatalf("%s\nno status after the body: %q", cmd, out)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return curlResult{status: status, body: out[:nl], query: c.last}
}

// guideStep is what the guide promises for one of its commands, found
// by a substring of the command.
type guideStep struct {
	match string
	check func(t *testing.T, g *guideRun, r curlResult)
}

// guideRun carries what one step learns for the next (the Shopify deal).
type guideRun struct {
	shopifyDeal string
}

// TestGuideReplay runs every curl command of the guide, in order, through
// the real curl binary from a shell, against a server on 127.0.0.1:0 with
// a fresh workspace of its own (other workspaces hold the same phones),
// and checks what the guide promises for each.
func TestGuideReplay(t *testing.T) {
	raw, err := os.ReadFile(guidePath)
	if err != nil {
		t.Fatalf("the guide: %v", err)
	}
	cmds := guideCurls(string(raw))
	if len(cmds) != len(guideSteps) {
		t.Fatalf("the guide has %d curl commands, the test expects %d", len(cmds), len(guideSteps))
	}
	runner := newCurlRunner(t)
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			ctx := t.Context()
			store := be.Open(t)
			MustStartRestEnv(t, store) // workspaces a and b, with the guide's phones
			ws, err := store.CreateWorkspace(ctx, "guide", "SAR", "EG")
			if err != nil {
				t.Fatal(err)
			}
			key, _, err := store.CreateKey(ctx, ws.ID, "guide", "write")
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(runner.record(New(store, Config{}, nil).Handler()))
			defer srv.Close()
			g := &guideRun{}
			for i, cmd := range cmds {
				step := guideSteps[i]
				if !strings.Contains(cmd, step.match) {
					t.Fatalf("guide command #%d is not the one expected (%q):\n%s", i+1, step.match, cmd)
				}
				cmd = strings.ReplaceAll(cmd, guideHost, srv.URL)
				cmd = strings.ReplaceAll(cmd, guideKey, key)
				cmd = strings.ReplaceAll(cmd, "DEAL_UUID", g.shopifyDeal)
				r := runner.run(cmd)
				t.Logf("guide #%d -> %d (query %q)", i+1, r.status, r.query)
				t.Run("#"+strconv.Itoa(i+1), func(t *testing.T) {
					t.Logf("%s", cmd)
					step.check(t, g, r)
				})
			}
		})
	}
}

// bulkAnswer is the part of a bulk response the guide talks about.
type bulkAnswer struct {
	Summary struct {
		Total, Created, Skipped, Failed int
	} `json:"summary"`
	Results []struct {
		Status       string          `json:"status"`
		DealID       string          `json:"deal_id"`
		IsNewContact bool            `json:"is_new_contact"`
		MatchedBy    string          `json:"matched_by"`
		Deal         json.RawMessage `json:"deal"`
		Error        *struct {
			Code string `json:"code"`
		} `json:"error"`
	} `json:"results"`
}

func mustBulk(t *testing.T, r curlResult, status int) bulkAnswer {
	t.Helper()
	var b bulkAnswer
	if r.status != status || json.Unmarshal(r.body, &b) != nil {
		t.Fatalf("want %d and a bulk answer, got %d %s", status, r.status, r.body)
	}
	return b
}

func mustRows(t *testing.T, r curlResult, status int) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if r.status != status || json.Unmarshal(r.body, &rows) != nil {
		t.Fatalf("want %d and rows, got %d %s", status, r.status, r.body)
	}
	return rows
}

func allCreated(t *testing.T, b bulkAnswer, n int) {
	t.Helper()
	if b.Summary.Created != n || len(b.Results) != n {
		t.Fatalf("want %d deals created, got %+v", n, b.Summary)
	}
}

// braceless checks that curl sent the guide's cs.{…} without its braces,
// the trap the server must absorb.
func braceless(t *testing.T, r curlResult, param string) {
	t.Helper()
	if !strings.Contains(r.query, param+"=cs.%22") || strings.ContainsAny(r.query, "{}") {
		t.Errorf("curl was expected to drop the braces of %s=cs.{…}; the server saw %q", param, r.query)
	}
}

// guideSteps are the guide's fifteen commands, in order, with what each
// promises (API.md fixes the traps it warns about).
var guideSteps = []guideStep{
	{`"Order 68297795"`, func(t *testing.T, g *guideRun, r curlResult) {
		// Section 2: no contact has the phone yet, and the request does
		// not ask to create one: "request fails".
		b := mustBulk(t, r, 422)
		if b.Results[0].Error == nil || b.Results[0].Error.Code != "contact_not_found" {
			t.Errorf("want contact_not_found: %s", r.body)
		}
	}},
	{`"Order 68297794"`, func(t *testing.T, g *guideRun, r curlResult) {
		b := mustBulk(t, r, 200)
		allCreated(t, b, 3)
		for _, res := range b.Results {
			if !res.IsNewContact || res.MatchedBy != "created" || !strings.Contains(string(res.Deal), `"stage":"qualified"`) {
				t.Errorf("want a new contact and stage qualified: %s", r.body)
			}
		}
	}},
	{`stage=eq.QUALIFIED`, func(t *testing.T, g *guideRun, r curlResult) {
		// Stage operands match case-insensitively: the three qualified
		// deals come back, stored lower-case.
		rows := mustRows(t, r, 200)
		if len(rows) != 3 {
			t.Fatalf("want the 3 qualified deals: %s", r.body)
		}
		for _, row := range rows {
			if row["stage"] != "qualified" {
				t.Errorf("want stage qualified: %v", row)
			}
		}
	}},
	{`"Order 68297796"`, func(t *testing.T, g *guideRun, r curlResult) {
		// The phone belongs to the Sara created above: linked, not new.
		b := mustBulk(t, r, 200)
		allCreated(t, b, 1)
		if b.Results[0].IsNewContact || b.Results[0].MatchedBy != "phone" {
			t.Errorf("want the existing contact matched by phone: %s", r.body)
		}
		// Contacts do not split: her email and last name join the contact.
		if !strings.Contains(string(r.body), `"matched_by":"phone","contact_updated":["emails","last_name"]`) {
			t.Errorf("want Sara's email and last name added to her contact: %s", r.body)
		}
	}},
	{`"Order 1002"`, func(t *testing.T, g *guideRun, r curlResult) {
		b := mustBulk(t, r, 200)
		allCreated(t, b, 2)
		if b.Results[0].MatchedBy != "phone" || b.Results[0].IsNewContact {
			t.Errorf("Order 1001: want the contact of +201017177777 matched by phone: %s", r.body)
		}
	}},
	{`title=ilike.*Order%206829*&order=created_at.desc`, func(t *testing.T, g *guideRun, r curlResult) {
		rows := mustRows(t, r, 200)
		if len(rows) != 4 {
			t.Fatalf("want the 4 deals whose title contains Order 6829: %s", r.body)
		}
		for k := 1; k < len(rows); k++ {
			if rows[k-1]["created_at"].(string) < rows[k]["created_at"].(string) {
				t.Errorf("not ordered by created_at desc: %s", r.body)
			}
		}
	}},
	{`title=ilike.*Order%206829*'`, func(t *testing.T, g *guideRun, r curlResult) {
		rows := mustRows(t, r, 200)
		if len(rows) != 4 {
			t.Fatalf("want 4 updated deals: %s", r.body)
		}
		for _, row := range rows {
			if row["stage"] != "won" || row["probability"] != float64(100) {
				t.Errorf("want stage won, probability 100: %v", row)
			}
		}
	}},
	{`id=eq.9ba51a0e`, func(t *testing.T, g *guideRun, r curlResult) {
		// An id that is not in the workspace matches nothing.
		if rows := mustRows(t, r, 200); len(rows) != 0 {
			t.Errorf("want []: %s", r.body)
		}
	}},
	{`-X GET`, func(t *testing.T, g *guideRun, r curlResult) {
		braceless(t, r, "phones")
		rows := mustRows(t, r, 200)
		// One contact, this workspace's: workspace a has the phone too.
		if len(rows) != 1 || rows[0]["first_name"] != "Customer" || !strings.Contains(string(r.body), `"+201017177777"`) {
			t.Errorf("want the one contact with phone +201017177777: %s", r.body)
		}
	}},
	{`emails=cs.`, func(t *testing.T, g *guideRun, r curlResult) {
		braceless(t, r, "emails")
		rows := mustRows(t, r, 200)
		if len(rows) != 1 || rows[0]["first_name"] != "Sara" || !strings.Contains(string(r.body), `"sara@example.com"`) {
			t.Errorf("want the contact with email sara@example.com: %s", r.body)
		}
	}},
	{`first_name=ilike.*sara*`, func(t *testing.T, g *guideRun, r curlResult) {
		rows := mustRows(t, r, 200)
		// One Sara: found by phone, she gained the email, which then
		// linked Order 1002 to her instead of making a second Sara.
		if len(rows) != 1 || !strings.Contains(string(r.body), `"phones":["+201020000000"],"emails":["sara@example.com"]`) || rows[0]["last_name"] != "Ahmed" {
			t.Fatalf("want the one contact named Sara, with her phone, email and last name: %s", r.body)
		}
		for _, row := range rows {
			if row["first_name"] != "Sara" {
				t.Errorf("want only contacts named Sara: %v", row)
			}
		}
	}},
	{`"last_name": "Ali"`, func(t *testing.T, g *guideRun, r curlResult) {
		braceless(t, r, "phones")
		rows := mustRows(t, r, 200)
		if len(rows) != 1 || rows[0]["first_name"] != "Ahmed" || rows[0]["last_name"] != "Ali" ||
			!strings.Contains(string(r.body), `"tags":["vip","shopify"]`) {
			t.Errorf("want the contact renamed Ahmed Ali, tagged vip and shopify: %s", r.body)
		}
	}},
	{`"Shopify Order #68297797"`, func(t *testing.T, g *guideRun, r curlResult) {
		b := mustBulk(t, r, 200)
		allCreated(t, b, 1)
		g.shopifyDeal = b.Results[0].DealID
		if b.Results[0].MatchedBy != "phone" || !strings.Contains(string(b.Results[0].Deal), `"external_invoice_ref":"INV-2025-0042"`) {
			t.Errorf("want the deal linked by phone with its custom_fields: %s", r.body)
		}
	}},
	{`"ERP-99821"`, func(t *testing.T, g *guideRun, r curlResult) {
		// A POST inserts, as in PostgREST; the answer shows the row.
		rows := mustRows(t, r, 201)
		if len(rows) != 1 || !strings.Contains(string(r.body), `"erp_customer_id":"ERP-99821"`) ||
			!strings.Contains(string(r.body), `"phones":["+201020000000"]`) {
			t.Errorf("want the contact created with its custom_fields: %s", r.body)
		}
	}},
	{`id=eq.DEAL_UUID`, func(t *testing.T, g *guideRun, r curlResult) {
		rows := mustRows(t, r, 200)
		if len(rows) != 1 {
			t.Fatalf("want the Shopify deal: %s", r.body)
		}
		cf, _ := json.Marshal(rows[0]["custom_fields"])
		if string(cf) != `{"fulfillment_status":"shipped","tracking_number":"DHL-9988776655"}` {
			t.Errorf("custom_fields must be replaced, not merged: %s", cf)
		}
	}},
}
