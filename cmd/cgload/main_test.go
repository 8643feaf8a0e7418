package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// TestMix: cgload mix drives every kind of request against a real server
// for the duration and reports each kind's rate and percentiles, with no
// errors.
func TestMix(t *testing.T) {
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "mix.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	key, err := store.EnsureDefault(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(store, api.Config{}, nil).Handler())
	defer srv.Close()
	var out bytes.Buffer
	if err := run([]string{"mix", "--url", srv.URL, "--key", key, "--concurrency", "2", "--duration", "1s", "--bulk-size", "50"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	row := regexp.MustCompile(`(?m)^(bulk|phone|title|stage)\s+(\d+)\s+([\d.]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)`)
	rows := row.FindAllStringSubmatch(out.String(), -1)
	if len(rows) != 4 {
		t.Fatalf("want a row per kind:\n%s", out.String())
	}
	for _, r := range rows {
		if n, _ := strconv.Atoi(r[2]); n == 0 || r[7] != "0" || r[4] == "0s" {
			t.Errorf("%s: %s requests, %s errors, p50 %s:\n%s", r[1], r[2], r[7], r[4], out.String())
		}
	}
	n, err := store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deal_stage_changes`)
	if err != nil || n == 0 {
		t.Errorf("no stage change was recorded (%d, %v)", n, err)
	}
	if err := run([]string{"mix", "--url", "http://example.com", "--key", key}, &out); err == nil || !strings.Contains(err.Error(), "only targets this machine") {
		t.Errorf("a remote URL: %v", err)
	}
}
