package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
)

// boardBenchDeals is the size of the board the benchmarks open.
const boardBenchDeals = 50000

// BenchmarkBoard measures a board of 50,000 deals (six stages, three
// currencies, 5,000 contacts) on every backend: the server time of the
// board page and of the requests an open board makes, and, in headless
// Chromium, the time from navigation until the first cards are on screen.
//
//	go test ./web -run '^$' -bench Board -benchtime 20x
func BenchmarkBoard(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			e := mustStartEnv(b, be.Open(b), web.Config{})
			start := time.Now()
			seedLarge(b, e, boardBenchDeals)
			b.Logf("seeded %d deals in %v", boardBenchDeals, time.Since(start).Round(time.Millisecond))
			cookie := sessionCookie(b, e, e.write)
			for _, path := range []string{"/", "/?q=customer+42", "/board/cards?stage=new&offset=30", "/board/totals", "/board/version"} {
				b.Run("server"+strings.ReplaceAll(path, "/", "_"), func(b *testing.B) {
					cpu := storetest.ProcessCPU()
					for b.Loop() {
						rec := httptest.NewRecorder()
						req := httptest.NewRequest(http.MethodGet, path, nil)
						req.AddCookie(cookie)
						e.handler.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
						}
					}
					// The handler runs in this process: its CPU time is less
					// noisy than wall time on a shared machine.
					b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				})
			}
			b.Run("chromium_first_screen", func(b *testing.B) {
				ctx := mustChrome(b, 1280, 800)
				signIn(b, ctx, e, e.write)
				var ttfb, dcl float64
				for b.Loop() {
					do(b, ctx, "open the board", chromedp.Navigate(e.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#board .card")))
					nav := eval[[]float64](b, ctx, `(e => [e.responseStart, e.domContentLoadedEventEnd])(performance.getEntriesByType('navigation')[0])`)
					ttfb, dcl = ttfb+nav[0], dcl+nav[1]
				}
				b.ReportMetric(ttfb/float64(b.N), "ttfb-ms")
				b.ReportMetric(dcl/float64(b.N), "domready-ms")
			})
		})
	}
}

// seedLarge posts n deals through the bulk endpoint in requests of 10,000.
func seedLarge(b testing.TB, e *env, n int) { seedPipeline(b, e, n, 0, "") }

// seedPipeline posts n deals numbered from first into pipeline (the
// default when ""), in requests of 10,000.
func seedPipeline(b testing.TB, e *env, n, first int, pipeline string) {
	extra := ""
	if pipeline != "" {
		extra = `,"pipeline_id":"` + pipeline + `"`
	}
	stages := []string{"new", "lead", "qualified", "proposal", "won", "lost"}
	currencies := []string{"SAR", "SAR", "USD", "EGP"}
	const per = 10000
	for off := first; off < first+n; off += per {
		var sb strings.Builder
		sb.WriteString(`{"deals":[`)
		for i := off; i < min(off+per, first+n); i++ {
			if i > off {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"title":"Order %d","value":%d.25,"currency":%q,"stage":%q,"probability":%d,"contact_phone":"+2010%08d","create_contact_if_missing":true,"contact_first_name":"Customer %d","tags":["shopify"],"expected_close_date":"2027-0%d-15"%s}`,
				i, 100+i%9000, currencies[i%len(currencies)], stages[(i/7)%len(stages)], (i%10)*10, 20000000+i%5000, i%5000, 1+i%9, extra)
		}
		sb.WriteString(`]}`)
		if res, body := e.api("POST", "/functions/v1/create-deals-bulk", e.write, sb.String()); res.StatusCode != 200 {
			b.Fatalf("seed: %d %.300s", res.StatusCode, body)
		}
	}
}

// BenchmarkBoardSmallPipeline measures the board of a pipeline of 5,000
// deals whose stage ids (new, lead, ...) are also those of a default
// pipeline of 45,000 newer deals: its columns must not read the other
// pipeline's deals.
//
//	go test ./web -run '^$' -bench BoardSmallPipeline -benchtime 20x
func BenchmarkBoardSmallPipeline(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			e := mustStartEnv(b, be.Open(b), web.Config{})
			small := e.pipelineWithStages(b, "new", "lead", "qualified", "proposal", "won", "lost")
			seedPipeline(b, e, 5000, 0, small)
			seedPipeline(b, e, boardBenchDeals-5000, 5000, "")
			cookie := sessionCookie(b, e, e.write)
			for _, path := range []string{"/?pipeline=" + small, "/board/cards?pipeline=" + small + "&stage=new&offset=30"} {
				b.Run("server"+strings.ReplaceAll(strings.ReplaceAll(path, "/", "_"), small, "P"), func(b *testing.B) {
					cpu := storetest.ProcessCPU()
					for b.Loop() {
						rec := httptest.NewRecorder()
						req := httptest.NewRequest(http.MethodGet, path, nil)
						req.AddCookie(cookie)
						e.handler.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Order 4") {
							b.Fatalf("GET %s: %d %.300s", path, rec.Code, rec.Body.String())
						}
					}
					b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				})
			}
		})
	}
}

// sessionCookie signs in over HTTP and returns the session cookie.
func sessionCookie(b testing.TB, e *env, key string) *http.Cookie {
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(e.srv.URL+"/signin", url.Values{"key": {key}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	for _, ck := range res.Cookies() {
		if ck.Name == web.CookieName {
			return ck
		}
	}
	b.Fatal("no session cookie")
	return nil
}
