package api

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// TestConcurrentReadsKeepTheirBodies sends reads of different sizes and
// media types (JSON arrays, singular objects, HEAD, CSV) from many
// goroutines at once: each answer must be what the same read answered
// alone, so a pooled response buffer is never shared by two responses
// (run with -race).
func TestConcurrentReadsKeepTheirBodies(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := MustStartRestEnv(t, be.Open(t))
			type read struct {
				method, path, key string
				hdr               map[string]string
			}
			reads := []read{
				{"GET", proxy + "/deals", "A", nil},
				{"GET", proxy + "/deals?select=id,title&order=title", "A", nil},
				{"GET", proxy + "/contacts?select=*,deals(*)", "A", nil},
				{"GET", proxy + "/deals?id=eq." + e.ids["d1"], "A", map[string]string{"Accept": "application/vnd.pgrst.object+json"}},
				{"GET", proxy + "/deals?select=title", "B", map[string]string{"Accept": "text/csv"}},
				{"HEAD", proxy + "/deals", "A", nil},
				{"GET", proxy + "/companies?select=name", "B", nil},
			}
			want := make([][]byte, len(reads))
			for i, r := range reads {
				resp, b := e.do(r.method, r.path, r.key, r.hdr, "")
				if resp.StatusCode != 200 {
					t.Fatalf("%s %s: %d %s", r.method, r.path, resp.StatusCode, b)
				}
				want[i] = b
			}
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for g := range 16 {
				wg.Go(func() {
					for n := range 20 {
						i := (g + n) % len(reads)
						r := reads[i]
						resp, b := e.do(r.method, r.path, r.key, r.hdr, "")
						if resp.StatusCode != 200 || !bytes.Equal(b, want[i]) {
							errs <- fmt.Errorf("%s %s: %d %s, want %s", r.method, r.path, resp.StatusCode, b, want[i])
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}
