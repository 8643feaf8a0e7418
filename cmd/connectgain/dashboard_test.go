package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestServeDashboard: the real binary serves the dashboard at / (with its
// embedded assets) while API paths keep their JSON errors, and a bad
// --rotting-days is refused at start.
func TestServeDashboard(t *testing.T) {
	ts := mustServe(t, "--rotting-days", "lead=3")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(ts.URL + "/")
	if err != nil || res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("GET /: %v %v", err, res)
	}
	res, err = c.PostForm(ts.URL+"/signin", url.Values{"key": {ts.Key}})
	if err != nil || res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
		t.Fatalf("sign in with the printed key: %v %v", err, res)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.AddCookie(res.Cookies()[0])
	res, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `data-stage="proposal"`) || !strings.Contains(string(body), "rots after 3 days") {
		t.Fatalf("board: %d", res.StatusCode)
	}
	for path, want := range map[string]string{"/static/app.js": "javascript", "/static/app.css": "text/css"} {
		res, err := http.Get(ts.URL + path)
		if err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), want) {
			t.Errorf("GET %s: %v %v", path, err, res)
		}
		res.Body.Close()
	}
	res, _ = http.Get(ts.URL + "/functions/v1/unknown")
	if b, _ := io.ReadAll(res.Body); res.StatusCode != 404 || !strings.Contains(string(b), `"code":"not_found"`) {
		t.Errorf("unknown API path: %d %s", res.StatusCode, b)
	}
	res.Body.Close()
}
