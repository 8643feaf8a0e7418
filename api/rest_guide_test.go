package api

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// guidePath is the user's guide; its curl commands are replayed verbatim
// but for the host and the key.
const guidePath = "testdata/deals-contacts-api-guide.txt" // a copy of shared/seed/

// curlCmd is one curl command of the guide.
type curlCmd struct {
	Method, URL, Body string
	Headers           map[string]string
}

// parseCurls extracts the curl commands of text with a small shell lexer:
// single quotes, backslash-newline continuations.
func parseCurls(text string) []curlCmd {
	var out []curlCmd
	for i := strings.Index(text, "curl "); i >= 0; {
		var words []string
		var cur strings.Builder
		inWord, j := false, i
	loop:
		for ; j < len(text); j++ {
			c := text[j]
			switch {
			case c == '\'':
				k := strings.IndexByte(text[j+1:], '\'')
				cur.WriteString(text[j+1 : j+1+k])
				j += k + 1
				inWord = true
			case c == '\\' && j+1 < len(text) && text[j+1] == '\n':
				j++
			case c == '\n':
				break loop
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
		if inWord {
			words = append(words, cur.String())
		}
		cmd := curlCmd{Method: "GET", Headers: map[string]string{}}
		for k := 1; k < len(words); k++ {
			switch words[k] {
			case "-X":
				k++
				cmd.Method = words[k]
			case "-H":
				k++
				name, val, _ := strings.Cut(words[k], ":")
				cmd.Headers[name] = strings.TrimSpace(val)
			case "-d":
				k++
				cmd.Body = words[k]
				if cmd.Method == "GET" {
					cmd.Method = "POST"
				}
			default:
				cmd.URL = words[k]
			}
		}
		out = append(out, cmd)
		n := strings.Index(text[j:], "curl ")
		if n < 0 {
			break
		}
		i = j + n
	}
	return out
}

// TestGuideReplay replays every curl command of the guide, in order, and
// checks what each promises (API.md fixes the guide's traps).
func TestGuideReplay(t *testing.T) {
	raw, err := os.ReadFile(guidePath)
	if err != nil {
		t.Skipf("guide not found: %v", err)
	}
	cmds := parseCurls(string(raw))
	if len(cmds) < 14 {
		t.Fatalf("parsed %d curl commands from the guide, want at least 14", len(cmds))
	}
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			// The guide's workspace: a fresh one of its own, key substituted.
			ctx := t.Context()
			store := be.Open(t)
			ws, err := store.CreateWorkspace(ctx, "guide", "SAR", "EG")
			if err != nil {
				t.Fatal(err)
			}
			e := MustStartRestEnv(t, store)
			gk, _, err := store.CreateKey(ctx, ws.ID, "guide", "write")
			if err != nil {
				t.Fatal(err)
			}
			e.keys["G"] = gk
			var shopifyDeal string
			proxyN := 0
			for i, c := range cmds {
				url := c.URL[strings.Index(c.URL, "/functions/"):]
				if strings.Contains(url, "DEAL_UUID") {
					url = strings.ReplaceAll(url, "DEAL_UUID", shopifyDeal)
				}
				hdr := map[string]string{}
				for k, v := range c.Headers {
					if k != "X-API-Key" {
						hdr[k] = v
					}
				}
				resp, body := e.do(c.Method, url, "G", hdr, c.Body)
				isProxy := strings.Contains(url, "rest-api-proxy")
				if isProxy {
					proxyN++
				}
				t.Logf("guide #%d %s %s -> %d", i, c.Method, url, resp.StatusCode)
				var rows []map[string]any
				_ = json.Unmarshal(body, &rows)
				fail := func(why string) { t.Errorf("guide #%d %s %s: %s: %d %s", i, c.Method, url, why, resp.StatusCode, body) }
				switch {
				case !isProxy && strings.Contains(c.Body, `"Order 68297795"`):
					// Section 2: the contact does not exist yet and the
					// request does not ask to create it.
					if resp.StatusCode != 422 || !strings.Contains(string(body), "contact_not_found") {
						fail("want 422 contact_not_found")
					}
				case !isProxy:
					if resp.StatusCode != 200 {
						fail("want 200")
					}
					if strings.Contains(c.Body, `"Order 68297796"`) && !strings.Contains(string(body), `"matched_by":"phone","contact_updated":["emails","last_name"]`) {
						fail("want Sara found by phone, her email and last name added")
					}
					if strings.Contains(c.Body, "Shopify Order #68297797") {
						var out struct {
							Results []struct {
								DealID string `json:"deal_id"`
							} `json:"results"`
						}
						_ = json.Unmarshal(body, &out)
						shopifyDeal = out.Results[0].DealID
					}
				case c.Method == "PATCH" && strings.Contains(url, "stage=eq.QUALIFIED"):
					// Stage operands match case-insensitively and stages are
					// stored canonical: the qualified deals come back as
					// qualified (no change, so no stage change recorded).
					if resp.StatusCode != 200 || len(rows) != 3 {
						fail("want the 3 qualified deals")
					}
					for _, r := range rows {
						if r["stage"] != "qualified" {
							fail("want stage qualified")
						}
					}
				case c.Method == "GET" && strings.Contains(url, "title=ilike"):
					if resp.StatusCode != 200 || len(rows) != 4 {
						fail("want the 4 deals whose title contains Order 6829")
					}
					for k := 1; k < len(rows); k++ {
						if rows[k-1]["created_at"].(string) < rows[k]["created_at"].(string) {
							fail("not ordered by created_at desc")
						}
					}
				case c.Method == "PATCH" && strings.Contains(url, "title=ilike"):
					if resp.StatusCode != 200 || len(rows) != 4 {
						fail("want 4 updated deals")
					}
					for _, r := range rows {
						if r["stage"] != "won" || r["probability"] != float64(100) {
							fail("want stage won, probability 100")
						}
					}
				case c.Method == "PATCH" && strings.Contains(url, "9ba51a0e"):
					// An id that is not in the workspace matches nothing.
					if resp.StatusCode != 200 || len(rows) != 0 {
						fail("want 200 []")
					}
				case c.Method == "GET" && strings.Contains(url, "phones=cs"):
					if resp.StatusCode != 200 || len(rows) != 1 || !strings.Contains(string(body), "+201017177777") {
						fail("want the one contact with that phone")
					}
				case c.Method == "GET" && strings.Contains(url, "emails=cs"):
					if resp.StatusCode != 200 || len(rows) != 1 || !strings.Contains(string(body), "sara@example.com") {
						fail("want the one contact with that email")
					}
				case c.Method == "GET" && strings.Contains(url, "first_name=ilike"):
					// One Sara: the bulk request naming her phone and her
					// email added the email (and last name) to the contact
					// found by phone, and the one by email linked to her.
					if resp.StatusCode != 200 || len(rows) != 1 || !strings.Contains(string(body), `"phones":["+201020000000"],"emails":["sara@example.com"]`) ||
						rows[0]["last_name"] != "Ahmed" {
						fail("want the one contact named Sara, with her phone, email and last name")
					}
				case c.Method == "PATCH" && strings.Contains(url, "phones=cs"):
					if resp.StatusCode != 200 || len(rows) != 1 || rows[0]["last_name"] != "Ali" {
						fail("want the contact renamed Ahmed Ali")
					}
				case c.Method == "POST" && strings.HasSuffix(url, "/contacts"):
					// Its phone and email already belong to contacts the
					// guide created; a POST inserts, as in PostgREST.
					if resp.StatusCode != 201 || len(rows) != 1 || !strings.Contains(string(body), `"erp_customer_id":"ERP-99821"`) ||
						!strings.Contains(string(body), `"phones":["+201020000000"]`) {
						fail("want the contact created with its custom_fields")
					}
				case c.Method == "PATCH" && strings.Contains(url, "id=eq."):
					if resp.StatusCode != 200 || len(rows) != 1 {
						fail("want the deal")
						continue
					}
					cf, _ := json.Marshal(rows[0]["custom_fields"])
					if string(cf) != `{"fulfillment_status":"shipped","tracking_number":"DHL-9988776655"}` {
						fail("custom_fields must be replaced, got " + string(cf))
					}
				default:
					fail("no expectation for this request")
				}
			}
			if proxyN < 10 {
				t.Errorf("replayed %d rest-api-proxy requests, want the guide's 10+", proxyN)
			}
		})
	}
}
