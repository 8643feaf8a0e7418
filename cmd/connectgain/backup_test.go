package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/sqlite"
)

// TestBackupWhileWriting: "connectgain backup" copies the database while
// the server takes bulk writes; the copy passes integrity_check, holds
// whole requests only, and serving it (--db at the copy) answers with the
// same key.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	ts := mustServe(t, "--db", "sqlite:"+path)
	const deals = 300
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			req, _ := http.NewRequest("POST", ts.URL+"/functions/v1/create-deals-bulk", bytes.NewReader(bulkOf(fmt.Sprintf("B%d", i), deals)))
			req.Header.Set("X-API-Key", ts.Key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("bulk %d: %d", i, res.StatusCode)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 2 {
		if t.Failed() {
			t.FailNow()
		}
		time.Sleep(5 * time.Millisecond)
	}
	out := filepath.Join(dir, "copy.db")
	stdout, stderr, text, err := runAll(t, "backup", "--out", out, "--db", "sqlite:"+path)
	before := written.Load()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %s", text)
	}
	if !strings.Contains(stdout, "wrote "+out) || !strings.Contains(stdout, "integrity check ok") || !strings.Contains(stderr, "serve --db sqlite:"+out) {
		t.Errorf("backup printed %q / %q", stdout, stderr)
	}
	if _, err := os.Stat(out + "-wal"); err == nil {
		t.Error("the copy has a -wal file beside it: it is not self-contained")
	}

	copyStore, err := sqlite.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := copyStore.QueryRowForTest(context.Background(), `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the copy: %q %v", check, err)
	}
	n, err := copyStore.CountForTest(context.Background(), `SELECT COUNT(*) FROM deals`)
	if err != nil || n == 0 || n%deals != 0 || int64(n/deals) > before+1 {
		t.Errorf("the copy holds %d deals (%v); want whole requests of %d, at least 2", n, err, deals)
	}
	orphans, err := copyStore.CountForTest(context.Background(), `SELECT COUNT(*) FROM deals d WHERE d.contact_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = d.workspace_id AND c.id = d.contact_id)`)
	if err != nil || orphans != 0 {
		t.Errorf("%d deals of the copy point at missing contacts (%v)", orphans, err)
	}
	copyStore.Close()

	// Restore: serve the copy; the key works and the deals are there.
	restored := startServe(t, "--db", "sqlite:"+out)
	req, _ := http.NewRequest("HEAD", restored.URL+"/functions/v1/rest-api-proxy/deals", nil)
	req.Header.Set("X-API-Key", ts.Key)
	req.Header.Set("Prefer", "count=exact")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// Past the 1,000-row cap the answer is 206 with the same total.
	if cr := res.Header.Get("Content-Range"); (res.StatusCode != 200 && res.StatusCode != 206) || !strings.HasSuffix(cr, fmt.Sprintf("/%d", n)) {
		t.Errorf("the restored server answers %d, Content-Range %q; want %d deals", res.StatusCode, cr, n)
	}
}

// TestBackupRefusals: PostgreSQL is pointed at pg_dump; an existing file,
// a missing database or folder are named.
func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "b.db")
	if _, _, text, err := runAll(t, "migrate", "--db", db); err != nil {
		t.Fatal(text)
	}
	exists := filepath.Join(dir, "exists.db")
	os.WriteFile(exists, []byte("x"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "--out", "x.db", "--db", "postgres://u:secret@127.0.0.1/cg"}, "pg_dump --format=custom --file connectgain.dump 'postgres://u@127.0.0.1/cg'"},
		{[]string{"backup", "--db", db}, "--out FILE is required"},
		{[]string{"backup", "--out", exists, "--db", db}, exists + " already exists"},
		{[]string{"backup", "--out", filepath.Join(dir, "no", "x.db"), "--db", db}, "the folder " + filepath.Join(dir, "no") + " does not exist"},
		{[]string{"backup", "--out", filepath.Join(dir, "c.db"), "--db", "sqlite:" + filepath.Join(dir, "none.db")}, "there is no database at " + filepath.Join(dir, "none.db")},
		{[]string{"backup", "--out", filepath.Join(dir, "b.db"), "--db", db}, "--out names the database itself"},
	} {
		_, _, text, err := runAll(t, c.args...)
		if err == nil || !strings.Contains(text, c.want) {
			t.Errorf("%v: %v\n%s\nwant %q", c.args, err, text, c.want)
		}
		if strings.Contains(text, "secret") {
			t.Errorf("%v shows the password:\n%s", c.args, text)
		}
	}
	if b, _ := os.ReadFile(exists); string(b) != "x" {
		t.Error("backup overwrote an existing file")
	}
}
