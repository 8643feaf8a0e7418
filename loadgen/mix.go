package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The kinds of request a mixed load sends.
const (
	KindBulk  = "bulk"  // POST create-deals-bulk of MixConfig.BulkSize orders
	KindPhone = "phone" // GET a contact by phone, with its deals embedded
	KindTitle = "title" // GET deals whose title matches ilike.*Order N*
	KindStage = "stage" // PATCH one deal's stage
)

// DefaultWeights is a shop's day: searches outnumber writes.
var DefaultWeights = map[string]int{KindBulk: 1, KindPhone: 4, KindTitle: 4, KindStage: 2}

// MixConfig describes a mixed load run.
type MixConfig struct {
	URL, Key    string
	Connections int
	Duration    time.Duration
	BulkSize    int            // deals per bulk request
	Weights     map[string]int // by kind; missing kinds are not sent
	Batch       int            // first bulk batch number (see Deals); vary it between runs on one database
}

// KindStats is what one kind of request did in a run.
type KindStats struct {
	Kind     string
	OK       int
	Errors   map[int]int // by HTTP status; 0 for a transport error
	FirstErr string
	lat      []time.Duration
}

// Quantile returns the q-quantile (0..1) of the successful requests'
// latencies.
func (k *KindStats) Quantile(q float64) time.Duration {
	if len(k.lat) == 0 {
		return 0
	}
	return k.lat[min(len(k.lat)-1, int(q*float64(len(k.lat))))]
}

// MixResult is a run's outcome, by kind.
type MixResult struct {
	Elapsed time.Duration
	Deals   int // created by bulk requests
	Kinds   []*KindStats
}

// mixRun is the state the connections share.
type mixRun struct {
	cfg    MixConfig
	client *http.Client
	kinds  []string // one entry per unit of weight
	batch  atomic.Int64
	mu     sync.Mutex
	stats  map[string]*KindStats
	ids    []string // deal ids created, for stage moves (bounded)
	orders int      // orders created so far, for searches
	deals  int
}

// RunMix sends a mix of requests from cfg.Connections connections for
// cfg.Duration (at most 5 minutes) and returns latencies per kind. A first
// bulk request, not counted, gives the searches and stage moves data.
func RunMix(ctx context.Context, cfg MixConfig) (*MixResult, error) {
	if cfg.Connections <= 0 {
		cfg.Connections = 1
	}
	if cfg.BulkSize <= 0 {
		cfg.BulkSize = 200
	}
	cfg.Duration = min(max(cfg.Duration, time.Second), 5*time.Minute)
	if cfg.Weights == nil {
		cfg.Weights = DefaultWeights
	}
	m := &mixRun{cfg: cfg, stats: map[string]*KindStats{},
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Connections, MaxConnsPerHost: cfg.Connections}}}
	for _, k := range []string{KindBulk, KindPhone, KindTitle, KindStage} {
		for range cfg.Weights[k] {
			m.kinds = append(m.kinds, k)
		}
		if cfg.Weights[k] > 0 {
			m.stats[k] = &KindStats{Kind: k, Errors: map[int]int{}}
		}
	}
	if len(m.kinds) == 0 {
		return nil, fmt.Errorf("no kind of request has a weight")
	}
	m.batch.Store(int64(cfg.Batch))
	if _, status, err := m.bulk(ctx); err != nil || status != 200 {
		return nil, fmt.Errorf("the first bulk request: status %d: %v", status, err)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range cfg.Connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), uint64(start.UnixNano())))
			for ctx.Err() == nil {
				if !m.one(ctx, m.kinds[rng.IntN(len(m.kinds))], rng) {
					time.Sleep(50 * time.Millisecond) // the server is not there: do not spin
				}
			}
		}()
	}
	wg.Wait()
	res := &MixResult{Elapsed: time.Since(start), Deals: m.deals}
	for _, k := range []string{KindBulk, KindPhone, KindTitle, KindStage} {
		if s := m.stats[k]; s != nil {
			slices.Sort(s.lat)
			res.Kinds = append(res.Kinds, s)
		}
	}
	return res, nil
}

// one sends one request of kind and records it; false means a transport
// error.
func (m *mixRun) one(ctx context.Context, kind string, rng *rand.Rand) bool {
	t0 := time.Now()
	var status int
	var err error
	var created int
	switch kind {
	case KindBulk:
		created, status, err = m.bulk(ctx)
	case KindPhone:
		m.mu.Lock()
		n := m.orders
		m.mu.Unlock()
		phone := fmt.Sprintf(`{"+2010%d"}`, 20000000+rng.IntN(max(n, 1)))
		status, err = m.do(ctx, "GET", "/functions/v1/rest-api-proxy/contacts?select=id,first_name,phones,deals(title,value,stage)&phones=cs."+url.QueryEscape(phone), nil)
	case KindTitle:
		q := url.QueryEscape(fmt.Sprintf("*Order %d*", rng.IntN(1000)))
		status, err = m.do(ctx, "GET", "/functions/v1/rest-api-proxy/deals?select=id,title,value,stage&title=ilike."+q+"&order=created_at.desc&limit=20", nil)
	case KindStage:
		m.mu.Lock()
		id := "00000000-0000-7000-8000-000000000000" // none known yet: a PATCH of no row
		if len(m.ids) > 0 {
			id = m.ids[rng.IntN(len(m.ids))]
		}
		m.mu.Unlock()
		stages := []string{"new", "lead", "qualified", "proposal", "won", "lost"}
		body := []byte(`{"stage":"` + stages[rng.IntN(len(stages))] + `"}`)
		status, err = m.do(ctx, "PATCH", "/functions/v1/rest-api-proxy/deals?id=eq."+id, body)
	}
	d := time.Since(t0)
	if ctx.Err() != nil {
		return true // cut off by the end of the run: not counted
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stats[kind]
	if err == nil && status < 400 {
		s.OK++
		s.lat = append(s.lat, d)
		m.deals += created
		return true
	}
	if err != nil {
		status = 0
		if s.FirstErr == "" {
			s.FirstErr = err.Error()
		}
	}
	s.Errors[status]++
	return err == nil
}

// bulk sends one bulk request and remembers some of the new deals' ids.
func (m *mixRun) bulk(ctx context.Context) (int, int, error) {
	b := int(m.batch.Add(1) - 1)
	body := BulkBody(Deals(b, m.cfg.BulkSize, 0.5))
	req, err := m.request(ctx, "POST", "/functions/v1/create-deals-bulk", body)
	if err != nil {
		return 0, 0, err
	}
	res, err := m.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	var out struct {
		Summary struct{ Created int } `json:"summary"`
		Results []struct {
			Deal *struct {
				ID string `json:"id"`
			} `json:"deal"`
		} `json:"results"`
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode >= 400 {
		return 0, res.StatusCode, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, res.StatusCode, fmt.Errorf("bulk response: %w", err)
	}
	m.mu.Lock()
	for i, r := range out.Results {
		if r.Deal != nil && r.Deal.ID != "" && i%10 == 0 {
			if len(m.ids) < 10000 {
				m.ids = append(m.ids, r.Deal.ID)
			} else {
				m.ids[(b*7+i)%len(m.ids)] = r.Deal.ID
			}
		}
	}
	m.orders = max(m.orders, (b+1)*m.cfg.BulkSize)
	m.mu.Unlock()
	return out.Summary.Created, res.StatusCode, nil
}

func (m *mixRun) request(ctx context.Context, method, path string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.cfg.URL+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-API-Key", m.cfg.Key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Prefer", "return=minimal")
	}
	return req, nil
}

func (m *mixRun) do(ctx context.Context, method, path string, body []byte) (int, error) {
	req, err := m.request(ctx, method, path, body)
	if err != nil {
		return 0, err
	}
	res, err := m.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, err
}

// Print writes the result as a table: requests/s and p50/p95/p99 per kind.
func (r *MixResult) Print(w io.Writer) {
	fmt.Fprintf(w, "%-6s %9s %9s %9s %9s %9s  %s\n", "kind", "requests", "req/s", "p50", "p95", "p99", "errors")
	total, errs := 0, 0
	for _, k := range r.Kinds {
		n := 0
		var es []string
		for status, c := range k.Errors {
			n += c
			es = append(es, fmt.Sprintf("%d x %s", c, statusName(status)))
		}
		sort.Strings(es)
		total += k.OK
		errs += n
		fmt.Fprintf(w, "%-6s %9d %9.1f %9s %9s %9s  %d %s\n", k.Kind, k.OK, float64(k.OK)/r.Elapsed.Seconds(),
			round(k.Quantile(0.50)), round(k.Quantile(0.95)), round(k.Quantile(0.99)), n, strings.Join(es, ", "))
		if k.FirstErr != "" {
			fmt.Fprintf(w, "       first transport error: %s\n", k.FirstErr)
		}
	}
	fmt.Fprintf(w, "%-6s %9d %9.1f   (%d deals created: %.0f deals/s; %d errors; %v)\n", "all", total, float64(total)/r.Elapsed.Seconds(),
		r.Deals, float64(r.Deals)/r.Elapsed.Seconds(), errs, r.Elapsed.Round(time.Millisecond))
}

func statusName(s int) string {
	if s == 0 {
		return "transport"
	}
	return fmt.Sprint(s)
}

func round(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
