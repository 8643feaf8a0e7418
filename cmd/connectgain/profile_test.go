package main

import (
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeCPUProfile: --cpuprofile FILE leaves a complete profile (a
// gzip stream naming the cpu sample type) once serve has stopped.
func TestServeCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	ts := mustServe(t, "--cpuprofile", path)
	for range 20 {
		res, err := http.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if err := ts.stop(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no profile written: %v", err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("profile is no gzip stream: %v", err)
	}
	raw, err := io.ReadAll(z)
	if err != nil {
		t.Fatalf("profile is cut short (not stopped?): %v", err)
	}
	if !strings.Contains(string(raw), "nanoseconds") || !strings.Contains(string(raw), "cpu") {
		t.Fatalf("not a CPU profile (%d bytes)", len(raw))
	}
}

// TestServeCPUProfileBadPath: a profile file that cannot be created stops
// serve with the flag's name and a fix.
func TestServeCPUProfileBadPath(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "missing-dir", "cpu.pprof")
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "cg.db"), "--cpuprofile", bad},
		func(string) string { return "" }, &strings.Builder{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "--cpuprofile") {
		t.Fatalf("serve with --cpuprofile %s: got %v, want an error naming --cpuprofile", bad, err)
	}
}
