package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/crm"
)

// Limits on concurrent work and request rates.
const (
	// DefaultStatementTimeout bounds one request's database work.
	DefaultStatementTimeout = 60 * time.Second
	// DefaultHeavyQueueWait is how long a heavy request waits for a slot
	// before it is refused with 503.
	DefaultHeavyQueueWait = 5 * time.Second
	// maxRateBuckets bounds the per-key buckets kept; past it the oldest
	// half is dropped (a dropped key starts again with a full bucket).
	maxRateBuckets = 10000
)

// DefaultMaxHeavyRequests is how many heavy requests run at once: each
// may hold a 64 MB body and its decoded form, and SQLite writes one at a
// time anyway. 16 concurrent bulk requests of 10,000 deals with 2 KB of
// custom fields each used to peak at 1.74 GB.
var DefaultMaxHeavyRequests = max(2, 2*runtime.NumCPU())

// Codes of the limits (statuses in error.go).
const (
	CodeBusy        = "server_busy"             // 503 + Retry-After
	CodeRateLimited = "rate_limited"            // 429 + Retry-After
	CodeTimeout     = crm.SQLStateQueryCanceled // PostgreSQL's query_canceled
	timeoutMessage  = "canceling statement due to statement timeout"
	busyRetryAfter  = "1"
	heavyMetricName = "heavy"
)

// limits holds the heavy-request slots and the rate buckets.
type limits struct {
	heavy chan struct{} // nil: unbounded

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimits(cfg Config) *limits {
	l := &limits{buckets: map[string]*bucket{}}
	n := cfg.MaxHeavyRequests
	if n == 0 {
		n = DefaultMaxHeavyRequests
	}
	if n > 0 {
		l.heavy = make(chan struct{}, n)
	}
	return l
}

// guard wraps a keyed handler with the limits, in order: the key's rate
// limit, a heavy-request slot (acquired before the body is read, so a
// waiting request holds no body), the statement timeout, and
// Idempotency-Key handling.
func (s *Server) guard(route string, next handlerFunc) handlerFunc {
	inner := s.idempotent(route, next)
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.rateLimit(w, r); err != nil {
			return err
		}
		if isHeavy(r) {
			release, err := s.acquireHeavy(r.Context())
			if err != nil {
				w.Header().Set("Retry-After", busyRetryAfter)
				return err
			}
			defer release()
		}
		return s.withTimeout(w, r, inner)
	}
}

// heavyBodyBytes is the body size from which a write counts as heavy: the
// memory a request holds grows with its body, and a stage move or a
// one-row POST must not queue behind 10,000-deal bulk requests.
const heavyBodyBytes = 64 << 10

// isHeavy: a write whose body is large or of unknown length (bulk
// ingest, array POSTs), and a read that nests embeddings (its rows
// multiply; one level of embedding, as a contact with its deals, is
// bounded by the response budget like any read).
func isHeavy(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return r.ContentLength < 0 || r.ContentLength > heavyBodyBytes
	}
	if raw := r.URL.RawQuery; !strings.Contains(raw, "(") && !strings.Contains(raw, "%28") {
		return false // no parenthesis, no embedding: spare parsing the query (a point read's allocations)
	}
	for _, v := range r.URL.Query()["select"] {
		if embedDepth(v) > 1 {
			return true
		}
	}
	return false
}

// embedDepth is the deepest nesting of parentheses in a select list.
func embedDepth(sel string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(sel); i++ {
		switch sel[i] {
		case '(':
			depth++
			deepest = max(deepest, depth)
		case ')':
			depth--
		}
	}
	return deepest
}

// acquireHeavy takes a slot, waiting at most the queue wait.
func (s *Server) acquireHeavy(ctx context.Context) (func(), error) {
	if s.limits.heavy == nil {
		return func() {}, nil
	}
	release := func() { <-s.limits.heavy }
	select {
	case s.limits.heavy <- struct{}{}:
		return release, nil
	default:
	}
	wait := s.cfg.HeavyQueueWait
	if wait <= 0 {
		wait = DefaultHeavyQueueWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case s.limits.heavy <- struct{}{}:
		return release, nil
	case <-t.C:
	case <-ctx.Done():
	}
	s.metrics.limited.WithLabelValues(heavyMetricName).Inc()
	return nil, crm.Errorf(CodeBusy, "the server is busy with %d large requests; this one did not start", cap(s.limits.heavy)).
		WithDetails("large writes (bulk requests, array POSTs) and reads with nested embeddings run at most %d at a time and wait at most %s for a turn", cap(s.limits.heavy), wait).
		WithHint("retry after the Retry-After seconds, or send fewer requests at once")
}

// withTimeout runs next under the statement timeout; a request cut by it
// answers 57014, as PostgreSQL's statement_timeout does.
func (s *Server) withTimeout(w http.ResponseWriter, r *http.Request, next handlerFunc) error {
	d := s.cfg.StatementTimeout
	if d == 0 {
		d = DefaultStatementTimeout
	}
	if d < 0 {
		return next(w, r)
	}
	ctx, cancel := context.WithTimeout(r.Context(), d)
	defer cancel()
	err := next(w, r.WithContext(ctx))
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && r.Context().Err() == nil {
		return TimeoutError(d, err)
	}
	return err
}

// TimeoutError is 57014 for a request cut by the statement timeout d.
func TimeoutError(d time.Duration, cause error) *crm.Error {
	return &crm.Error{Code: CodeTimeout, Message: timeoutMessage,
		Details: "the request's database work took longer than " + d.String(),
		Hint:    "narrow the query (filters, limit, fewer embeddings) or send fewer rows per request", Err: cause}
}

// rateLimit takes a token from the key's bucket and sets the RateLimit-*
// headers; an empty bucket is 429 with Retry-After. Off when
// Config.RateLimit is 0.
func (s *Server) rateLimit(w http.ResponseWriter, r *http.Request) error {
	rate := s.cfg.RateLimit
	if rate <= 0 {
		return nil
	}
	burst := float64(s.cfg.RateBurst)
	if burst <= 0 {
		burst = math.Ceil(rate)
	}
	p := principalFrom(r.Context())
	now := time.Now()
	l := s.limits
	l.mu.Lock()
	b := l.buckets[p.KeyID]
	if b == nil {
		if len(l.buckets) >= maxRateBuckets {
			l.dropOldest()
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[p.KeyID] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	ok := b.tokens >= 1
	if ok {
		b.tokens--
	}
	tokens := b.tokens
	l.mu.Unlock()

	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(int(burst)))
	h.Set("RateLimit-Remaining", strconv.Itoa(int(tokens)))
	h.Set("RateLimit-Reset", strconv.Itoa(int(math.Ceil((burst-tokens)/rate))))
	if ok {
		return nil
	}
	wait := int(math.Ceil((1 - tokens) / rate))
	h.Set("Retry-After", strconv.Itoa(wait))
	s.metrics.limited.WithLabelValues("rate").Inc()
	return crm.Errorf(CodeRateLimited, "this API key sent more than %g requests per second", rate).
		WithDetails("the key may send %g requests per second, in bursts of at most %d", rate, int(burst)).
		WithHint("wait %d second(s) (Retry-After) and spread the requests out", wait)
}

// dropOldest forgets the half of the buckets least recently used.
func (l *limits) dropOldest() {
	var cut time.Time
	times := make([]time.Time, 0, len(l.buckets))
	for _, b := range l.buckets {
		times = append(times, b.last)
	}
	cut = medianTime(times)
	for k, b := range l.buckets {
		if !b.last.After(cut) {
			delete(l.buckets, k)
		}
	}
}

func medianTime(ts []time.Time) time.Time {
	// Sorting 10,000 times happens once per 5,000 new keys.
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts[len(ts)/2]
}
