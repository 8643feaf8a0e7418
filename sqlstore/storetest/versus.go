package storetest

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
)

// BareQuery is one statement a bare handler runs: the SQL our REST proxy
// renders for a request, its arguments taken from the request's URL, and
// the kinds of its columns (to render the same JSON).
type BareQuery struct {
	SQL   string
	Args  func(r *http.Request) []any
	Names []string
	Kinds []crm.Kind
	// Read, when set, turns a scanned value of kind k into the form
	// appendBare renders (SQLite's stored UUID bytes and microseconds).
	Read func(k crm.Kind, v any) any
}

// BareHandler is the yardstick of the point-read benchmarks: a plain
// net/http handler that runs q on db and writes the rows as a JSON array,
// with no key check, parsing, planning or generic rendering.
func BareHandler(db *sql.DB, q BareQuery) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows, err := db.QueryContext(r.Context(), q.SQL, q.Args(r)...)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer rows.Close()
		vals := make([]any, len(q.Kinds))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		b := make([]byte, 0, 1024)
		b = append(b, '[')
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = append(b, '{')
			for i, v := range vals {
				if q.Read != nil {
					v = q.Read(q.Kinds[i], v)
				}
				if i > 0 {
					b = append(b, ',')
				}
				b = crm.AppendJSONString(b, q.Names[i])
				b = append(b, ':')
				b = appendBare(b, q.Kinds[i], v)
			}
			b = append(b, '}')
		}
		if err := rows.Err(); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		b = append(b, ']')
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
	})
}

// appendBare renders one scanned value of either backend as our API
// shows it.
func appendBare(b []byte, k crm.Kind, v any) []byte {
	if x, ok := v.([]byte); ok {
		v = string(x)
	}
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case int64:
		if k == crm.KindDecimal {
			return append(b, crm.ValueFromScaled(x).String()...)
		}
		return strconv.AppendInt(b, x, 10)
	case time.Time:
		return crm.AppendJSONString(b, crm.FormatTime(x))
	case string:
		switch {
		case k == crm.KindDecimal:
			return append(b, x...)
		case k == crm.KindJSON, k == crm.KindTextArray && strings.HasPrefix(x, "["):
			return append(b, x...)
		case k == crm.KindTextArray: // PostgreSQL's {a,b}: plain elements only
			b = append(b, '[')
			if inner := strings.Trim(x, "{}"); inner != "" {
				for i, e := range strings.Split(inner, ",") {
					if i > 0 {
						b = append(b, ',')
					}
					b = crm.AppendJSONString(b, strings.Trim(e, `"`))
				}
			}
			return append(b, ']')
		}
		return crm.AppendJSONString(b, x)
	}
	return fmt.Appendf(b, "%q", fmt.Sprint(v))
}

// loadClient keeps clients connections open to one host.
func loadClient(clients int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
}

// load sends n GETs of url from clients goroutines and returns the
// requests per second, the p50 and the p99 latency.
func load(c *http.Client, url, key string, clients, n int) (rps float64, p50, p99 time.Duration, err error) {
	lat, el, err := loadAll(c, url, key, clients, n)
	return float64(n) / el.Seconds(), lat[n/2], lat[n*99/100], err
}

// loadAll sends n GETs of url from clients goroutines and returns every
// request's latency, sorted, and the time they all took.
func loadAll(c *http.Client, url, key string, clients, n int) ([]time.Duration, time.Duration, error) {
	lat := make([]time.Duration, n)
	var next sync.Mutex
	i := 0
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				req, _ := http.NewRequest("GET", url, nil)
				if key != "" {
					req.Header.Set("X-API-Key", key)
				}
				t := time.Now()
				resp, err := c.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
					}
				}
				lat[j] = time.Since(t)
				if err != nil {
					next.Lock()
					firstErr = err
					i = n
					next.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	slices.Sort(lat)
	return lat, el, firstErr
}

// BenchVersus compares GET ours (with key) with GET bare, the same
// request to a bare handler, from clients concurrent connections: b.N
// requests each, in alternating rounds so that both see the same load
// from the rest of the machine. It reports both rates, ours as a
// percentage of bare, and both p99 latencies: the worst round's
// (ours-p99-ms, bare-p99-ms) and that of all rounds' requests together
// (ours-p99all-ms, bare-p99all-ms).
func BenchVersus(b *testing.B, ours, bare, key string, clients int) {
	b.Helper()
	c := loadClient(clients)
	defer c.CloseIdleConnections()
	for _, u := range []string{ours, bare} { // warm the connections and caches
		if _, _, _, err := load(c, u, key, clients, 2*clients); err != nil {
			b.Fatal(err)
		}
	}
	const rounds = 4
	per := max(clients, b.N/rounds)
	var oursT, bareT time.Duration
	var oursL, bareL, oursAll, bareAll []time.Duration
	b.ResetTimer()
	for range rounds {
		for _, side := range []bool{true, false} {
			u, k := bare, ""
			if side {
				u, k = ours, key
			}
			lat, el, err := loadAll(c, u, k, clients, per)
			if err != nil {
				b.Fatal(err)
			}
			p99 := lat[per*99/100]
			if side {
				oursT += el
				oursL, oursAll = append(oursL, p99), append(oursAll, lat...)
			} else {
				bareT += el
				bareL, bareAll = append(bareL, p99), append(bareAll, lat...)
			}
		}
	}
	n := float64(rounds * per)
	b.ReportMetric(n/oursT.Seconds(), "ours-req/s")
	b.ReportMetric(n/bareT.Seconds(), "bare-req/s")
	b.ReportMetric(100*bareT.Seconds()/oursT.Seconds(), "%-of-bare")
	b.ReportMetric(float64(slices.Max(oursL).Microseconds())/1000, "ours-p99-ms")
	b.ReportMetric(float64(slices.Max(bareL).Microseconds())/1000, "bare-p99-ms")
	for name, all := range map[string][]time.Duration{"ours-p99all-ms": oursAll, "bare-p99all-ms": bareAll} {
		slices.Sort(all)
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, name)
	}
}

// CheckSameJSON fails unless ours and bare answer the same JSON (after
// decoding: key order and spacing aside), so the comparison is fair.
func CheckSameJSON(b *testing.B, ours, bare, key string) {
	b.Helper()
	get := func(u, k string) any {
		req, _ := http.NewRequest("GET", u, nil)
		if k != "" {
			req.Header.Set("X-API-Key", k)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var v any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != 200 {
			b.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
		if a, _ := v.([]any); len(a) == 0 {
			b.Fatalf("GET %s: no rows", u)
		}
		return v
	}
	o, r := get(ours, key), get(bare, "")
	if !reflect.DeepEqual(o, r) {
		b.Fatalf("different answers:\nours %v\nbare %v", o, r)
	}
}

// BenchLoad sends b.N GETs of url (with key) from clients connections
// and reports requests per second and the p99 latency.
func BenchLoad(b *testing.B, url, key string, clients int) {
	b.Helper()
	c := loadClient(clients)
	defer c.CloseIdleConnections()
	if _, _, _, err := load(c, url, key, clients, 2*clients); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	rps, _, p99, err := load(c, url, key, clients, max(b.N, clients))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}
