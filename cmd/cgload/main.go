// Command cgload is ConnectGain's load generator: it drives a running
// server over HTTP on this machine and prints throughput and latency.
// Every run is bounded by a request count or a duration.
//
//	cgload bulk --url http://127.0.0.1:8080 --key cg_... [--deals 10000] [--requests 5] [--new-ratio 0.5] [--batch 0]
//	cgload get  --url http://127.0.0.1:8080 --key cg_... --path '/functions/v1/rest-api-proxy/deals?...' [--concurrency 16] [--duration 10s]
//	cgload seed --url ... --key ... --deals 100000   (bulk requests of 10,000 until that many deals exist)
//	cgload mix  --url ... --key ... [--concurrency 16] [--duration 60s] [--bulk-size 200] [--mix bulk=1,phone=4,title=4,stage=2]
//
// mix is a shop's day: bulk ingest, searches by phone and by title, and
// stage moves, from N connections at once, reported per kind as
// requests/s and p50/p95/p99.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/loadgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cgload:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a mode: bulk, get, seed or mix")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	key := fs.String("key", os.Getenv("CONNECTGAIN_KEY"), "API key (env CONNECTGAIN_KEY)")
	deals := fs.Int("deals", 10000, "deals per bulk request (seed: total deals)")
	requests := fs.Int("requests", 5, "bulk requests to send")
	newRatio := fs.Float64("new-ratio", 0.5, "share of deals naming a new contact")
	path := fs.String("path", "", "GET path with query")
	conc := fs.Int("concurrency", 16, "parallel connections for get and mix")
	fs.IntVar(conc, "connections", 16, "the same as --concurrency")
	dur := fs.Duration("duration", 10*time.Second, "how long get and mix run (at most 5m)")
	bulkSize := fs.Int("bulk-size", 200, "mix: deals per bulk request")
	mixSpec := fs.String("mix", "bulk=1,phone=4,title=4,stage=2", "mix: relative weight of each kind of request")
	batch := fs.Int("batch", 0, "bulk, mix: first batch number (deal ids and new phones start at batch x deals); a later run on the same database can start past the last one")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if !strings.HasPrefix(*url, "http://127.") && !strings.HasPrefix(*url, "http://localhost") && !strings.HasPrefix(*url, "http://[::1]") {
		return fmt.Errorf("--url %s: cgload only targets this machine (127.0.0.0/8, localhost, [::1])", *url)
	}
	if *dur > 5*time.Minute {
		*dur = 5 * time.Minute
	}
	switch args[0] {
	case "bulk":
		return bulk(out, *url, *key, *deals, *requests, *newRatio, *batch)
	case "seed":
		per := min(*deals, 10000)
		return bulk(out, *url, *key, per, (*deals+per-1)/per, *newRatio, 1)
	case "mix":
		weights, err := parseMix(*mixSpec)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "mix: %d connections for %v, %d deals per bulk request, weights %s, against %s\n", *conc, *dur, *bulkSize, *mixSpec, *url)
		res, err := loadgen.RunMix(context.Background(), loadgen.MixConfig{URL: *url, Key: *key, Connections: *conc,
			Duration: *dur, BulkSize: *bulkSize, Weights: weights, Batch: *batch})
		if err != nil {
			return err
		}
		res.Print(out)
		return nil
	case "get":
		if *path == "" {
			return errors.New("get needs --path")
		}
		return get(out, *url+*path, *key, *conc, *dur)
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

// parseMix reads "bulk=1,phone=4,title=4,stage=2".
func parseMix(spec string) (map[string]int, error) {
	w := map[string]int{}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(v)
		if _, known := loadgen.DefaultWeights[k]; !ok || !known || err != nil || n < 0 {
			return nil, fmt.Errorf("--mix %q: want KIND=WEIGHT,... with kinds bulk, phone, title, stage", spec)
		}
		w[k] = n
	}
	return w, nil
}

func bulk(out io.Writer, url, key string, n, requests int, newRatio float64, first int) error {
	client := &http.Client{Timeout: 5 * time.Minute}
	var total time.Duration
	created := 0
	for r := range requests {
		body := loadgen.BulkBody(loadgen.Deals(first+r, n, newRatio))
		req, _ := http.NewRequest("POST", url+"/functions/v1/create-deals-bulk", bytes.NewReader(body))
		req.Header.Set("X-API-Key", key)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		var resp struct {
			Summary struct {
				Created, Failed int
				ContactsCreated int `json:"contacts_created"`
			} `json:"summary"`
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		d := time.Since(start)
		if err := json.Unmarshal(raw, &resp); err != nil || res.StatusCode != 200 {
			return fmt.Errorf("request %d: status %d: %.300s", r, res.StatusCode, raw)
		}
		total += d
		created += resp.Summary.Created
		fmt.Fprintf(out, "request %d: %d deals, %d new contacts in %v (%.0f deals/s)\n", r, resp.Summary.Created,
			resp.Summary.ContactsCreated, d.Round(time.Millisecond), float64(resp.Summary.Created)/d.Seconds())
	}
	fmt.Fprintf(out, "total: %d deals in %v: %.0f deals/s\n", created, total.Round(time.Millisecond), float64(created)/total.Seconds())
	return nil
}

func get(out io.Writer, url, key string, conc int, dur time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				req.Header.Set("X-API-Key", key)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						mu.Lock()
						errs++
						mu.Unlock()
					}
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				d := time.Since(t0)
				mu.Lock()
				if res.StatusCode >= 400 {
					errs++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(lat) == 0 {
		return fmt.Errorf("no successful requests (%d errors)", errs)
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Fprintf(out, "%d requests in %v, %d connections: %.1f req/s, p50 %v, p99 %v, errors %d\n",
		len(lat), elapsed.Round(time.Millisecond), conc, float64(len(lat))/elapsed.Seconds(),
		q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), errs)
	return nil
}
