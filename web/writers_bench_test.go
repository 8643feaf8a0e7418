package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
)

// BenchmarkParallelWriters measures 16 clients moving deals through REST
// PATCH at once (each its own deal), in one workspace and spread over four:
// every write transaction also counts itself in its workspace's
// workspace_changes row (the board's live poll), and this shows whether
// that row makes writers wait. On PostgreSQL, writers of one workspace
// already queue on its advisory lock; of different workspaces they run in
// parallel.
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./web -run '^$' -bench ParallelWriters -benchtime 2000x
func BenchmarkParallelWriters(b *testing.B) {
	const clients = 16
	for _, be := range storetest.Backends(b) {
		for _, spaces := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/workspaces=%d", be.Name, spaces), func(b *testing.B) {
				e := mustStartEnv(b, be.Open(b), web.Config{})
				keys := []string{e.write}
				for i := 1; i < spaces; i++ {
					keys = append(keys, extraWorkspaceKey(b, e, i))
				}
				ids := make([]string, clients)
				for c := range clients {
					ids[c] = newDeal(b, e, keys[c%spaces], c)
				}
				stages := []string{"lead", "qualified"}
				var wg sync.WaitGroup
				work := make(chan int)
				start, cpu := time.Now(), storetest.ProcessCPU()
				b.ResetTimer()
				for c := range clients {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range work {
							body := `{"stage":"` + stages[i%2] + `"}`
							req, _ := http.NewRequest("PATCH", e.srv.URL+"/functions/v1/rest-api-proxy/deals?id=eq."+ids[c], strings.NewReader(body))
							req.Header.Set("X-API-Key", keys[c%spaces])
							req.Header.Set("Content-Type", "application/json")
							res, err := http.DefaultClient.Do(req)
							if err != nil || res.StatusCode != 200 {
								b.Errorf("PATCH: %v %v", err, res)
								return
							}
							res.Body.Close()
						}
					}()
				}
				for i := range b.N {
					work <- i
				}
				close(work)
				wg.Wait()
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
				// This process's CPU: clients and server (not PostgreSQL's).
				b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// extraWorkspaceKey creates workspace "extra-i" and returns a write key.
func extraWorkspaceKey(b *testing.B, e *env, i int) string {
	ctx := context.Background()
	ws, err := e.store.CreateWorkspace(ctx, fmt.Sprintf("extra-%d", i), "SAR", "SA")
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := e.store.CreateKey(ctx, ws.ID, "w", crm.ScopeWrite)
	if err != nil {
		b.Fatal(err)
	}
	return key
}

// newDeal creates one deal with key and returns its id.
func newDeal(b *testing.B, e *env, key string, n int) string {
	res, body := e.api("POST", "/functions/v1/create-deals-bulk", key,
		fmt.Sprintf(`{"deals":[{"title":"Writer %d","value":1,"contact_phone":"+2010%08d","create_contact_if_missing":true}]}`, n, 30000000+n))
	i := strings.Index(string(body), `"deal_id":"`)
	if res.StatusCode != 200 || i < 0 {
		b.Fatalf("seed: %d %s", res.StatusCode, body)
	}
	return string(body[i+11 : i+47])
}
