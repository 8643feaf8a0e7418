package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// TestServeBanner: once listening, serve prints where everything is, the
// database's full path and a curl that works when pasted; a second start
// prints how to make a key instead of a key.
func TestServeBanner(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "first.db")
	ts := mustServe(t, "--db", "sqlite:"+path)
	out := ts.stderr.String()
	for _, want := range []string{
		"dashboard  " + ts.URL + "/\n",
		"POST " + ts.URL + "/functions/v1/create-deals-bulk",
		ts.URL + "/functions/v1/rest-api-proxy/{deals,contacts",
		"OpenAPI    " + ts.URL + "/functions/v1/rest-api-proxy/ ",
		ts.URL + "/functions/v1/rest-api-proxy/openapi.json",
		"Supabase   " + ts.URL + "/rest/v1/",
		ts.URL + "/healthz",
		ts.URL + "/metrics",
		"database   " + path + " (SQLite)",
		"its API key (shown once",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("serve's first output lacks %q:\n%s", want, out)
		}
	}
	// The curl line, pasted into a shell as it is.
	m := regexp.MustCompile(`(?m)^  (curl .*)$`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(m[1], ts.Key) {
		t.Fatalf("no curl with the key in:\n%s", out)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is not installed")
		}
		t.Skip("curl is not installed")
	}
	res, err := exec.Command("sh", "-c", m[1]+" -w ' %{http_code}'").CombinedOutput()
	if err != nil || string(res) != "[] 200" {
		t.Errorf("the pasted curl printed %q (%v); want an empty list and 200", res, err)
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}

	again := startServe(t, "--db", "sqlite:"+path)
	out = again.stderr.String()
	if again.Key != "" || strings.Contains(out, "shown once") {
		t.Errorf("a second start printed a key:\n%s", out)
	}
	if want := "make an API key with: connectgain keys create --workspace default --db sqlite:" + path + "\n"; !strings.Contains(out, want) {
		t.Errorf("a second start lacks %q:\n%s", want, out)
	}
}

// TestServeBusyPort: a busy port is an error that names the address and
// uses up nothing: the next start on a free port shows the first key.
func TestServeBusyPort(t *testing.T) {
	busy := freePortBusy(t)
	path := filepath.Join(t.TempDir(), "busy.db")
	_, stderr, text, err := runAll(t, "serve", "--addr", busy, "--db", "sqlite:"+path)
	if err == nil || !strings.Contains(text, "--addr "+busy+": the address is already in use") || !strings.Contains(text, "choose another port") {
		t.Fatalf("serve on a busy port: %v\n%s", err, text)
	}
	if keyRE.MatchString(stderr) || strings.Contains(stderr, "shown once") {
		t.Errorf("serve on a busy port printed a key:\n%s", stderr)
	}
	mustServe(t, "--db", "sqlite:"+path) // fails unless it prints the first key
}

// TestServeBannerPostgres: on PostgreSQL the banner names the database by
// its URL without the password.
func TestServeBannerPostgres(t *testing.T) {
	for _, c := range [][2]string{
		{"postgres://cg:s3cret@db.example:5432/crm?sslmode=disable", "postgres://cg@db.example:5432/crm?sslmode=disable (PostgreSQL)"},
		{"postgresql://cg@db/crm?password=s3cret&sslmode=require", "postgresql://cg@db/crm?sslmode=require (PostgreSQL)"},
	} {
		if got := describeDB(c[0]); got != c[1] {
			t.Errorf("describeDB(%q) = %q; want %q", c[0], got, c[1])
		}
	}
	dsn := storetest.PostgresURL(t)
	ts := startServe(t, "--db", dsn)
	if want := "database   " + redact(dsn) + " (PostgreSQL)"; !strings.Contains(ts.stderr.String(), want) {
		t.Errorf("serve on PostgreSQL lacks %q:\n%s", want, ts.stderr.String())
	}
	if ts.Key == "" {
		t.Errorf("serve on an empty PostgreSQL schema printed no key:\n%s", ts.stderr.String())
	}
}
