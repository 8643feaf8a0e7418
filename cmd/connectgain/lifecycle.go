package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectgain/server/crm"
)

// timeouts bound how long a connection may hold the server.
type timeouts struct {
	readHeader time.Duration // request line and headers
	body       time.Duration // grace for a body, and the longest pause in one
	bodyRate   int           // bytes/s a body must average after the grace
	write      time.Duration // computing and sending a response, from the end of the body
	idle       time.Duration // a keep-alive connection between requests
	maxHeader  int           // bytes of request line and headers
	shutdown   time.Duration // running requests' time to finish after SIGTERM
}

// Default timeouts. A body may take DefaultBodyTimeout plus one second
// per DefaultBodyMinRate bytes: a 64 MB bulk body is allowed over an hour
// on a link that sustains 16 KiB/s, while a client trickling a byte every
// few seconds is cut off after DefaultBodyTimeout.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultBodyTimeout       = 20 * time.Second
	DefaultBodyMinRate       = 16 << 10
	DefaultWriteTimeout      = 2 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultMaxHeaderBytes    = 256 << 10
	DefaultShutdownTimeout   = 30 * time.Second
)

// drainGrace is what a request body still arriving when shutdown begins
// gets beyond the minimum rate; forceWait is how long stopped requests get
// to answer once the shutdown timeout has passed.
const (
	drainGrace = 2 * time.Second
	forceWait  = 5 * time.Second
	retryAfter = 5 // seconds, in the Retry-After of a 503 during shutdown
)

func timeoutFlags(fs *flag.FlagSet, e *envFlags, t *timeouts) {
	fs.DurationVar(&t.readHeader, "read-header-timeout", e.duration("CONNECTGAIN_READ_HEADER_TIMEOUT", DefaultReadHeaderTimeout), "time a client has to send the request line and headers (env CONNECTGAIN_READ_HEADER_TIMEOUT)")
	fs.DurationVar(&t.body, "body-timeout", e.duration("CONNECTGAIN_BODY_TIMEOUT", DefaultBodyTimeout), "time a request body gets beyond --body-min-rate, and the longest pause within it; 0: no limit (env CONNECTGAIN_BODY_TIMEOUT)")
	fs.IntVar(&t.bodyRate, "body-min-rate", e.int("CONNECTGAIN_BODY_MIN_RATE", DefaultBodyMinRate), "bytes per second a request body must average after --body-timeout (env CONNECTGAIN_BODY_MIN_RATE)")
	fs.DurationVar(&t.write, "write-timeout", e.duration("CONNECTGAIN_WRITE_TIMEOUT", DefaultWriteTimeout), "time to compute and send a response once the request body has arrived; 0: no limit (env CONNECTGAIN_WRITE_TIMEOUT)")
	fs.DurationVar(&t.idle, "idle-timeout", e.duration("CONNECTGAIN_IDLE_TIMEOUT", DefaultIdleTimeout), "time a keep-alive connection may wait for its next request (env CONNECTGAIN_IDLE_TIMEOUT)")
	fs.IntVar(&t.maxHeader, "max-header-bytes", e.int("CONNECTGAIN_MAX_HEADER_BYTES", DefaultMaxHeaderBytes), "largest request line plus headers, in bytes (env CONNECTGAIN_MAX_HEADER_BYTES)")
	fs.DurationVar(&t.shutdown, "shutdown-timeout", e.duration("CONNECTGAIN_SHUTDOWN_TIMEOUT", DefaultShutdownTimeout), "after SIGTERM, time running requests get to finish before they are stopped with 503 (env CONNECTGAIN_SHUTDOWN_TIMEOUT)")
}

// runServer serves ln until ctx ends, then shuts down in order: stop
// accepting, let running requests finish within t.shutdown, answer 503
// with Retry-After to requests that cannot start or had to be stopped,
// and return only when no handler runs, so the caller can close the store.
func runServer(ctx context.Context, ln net.Listener, h http.Handler, t timeouts, log *slog.Logger) error {
	if t.bodyRate <= 0 {
		t.bodyRate = DefaultBodyMinRate
	}
	base, stopRequests := context.WithCancel(context.Background())
	defer stopRequests()
	l := &lifecycle{t: t, bodies: map[*bodyReader]struct{}{}, stopRequests: stopRequests}
	hs := &http.Server{
		Handler:           l.wrap(h),
		ReadHeaderTimeout: t.readHeader,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    t.maxHeader,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	start := time.Now()
	log.Info("shutting down: no new connections; running requests get up to "+t.shutdown.String(), "running", l.running())
	l.drain()
	sctx, cancel := context.WithTimeout(context.Background(), t.shutdown)
	err := hs.Shutdown(sctx)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) {
		n := l.running()
		log.Warn("shutdown timeout passed: stopping the requests still running with 503", "running", n)
		l.force()
		fctx, cancel := context.WithTimeout(context.Background(), forceWait)
		err = hs.Shutdown(fctx)
		cancel()
	}
	if err != nil {
		_ = hs.Close()
	}
	stopped := l.waitIdle(forceWait)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if !stopped {
		return fmt.Errorf("shutdown: %d requests did not stop within %v of the shutdown timeout", l.running(), forceWait)
	}
	log.Info("stopped", "after", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// lifecycle counts the requests in handlers and knows whether the server
// is draining.
type lifecycle struct {
	t            timeouts
	stopRequests context.CancelFunc // cancels every request's context
	forced       atomic.Bool        // the shutdown timeout has passed

	mu       sync.Mutex
	draining bool
	n        int
	idle     chan struct{} // closed when n drops to 0 while draining
	bodies   map[*bodyReader]struct{}
}

func (l *lifecycle) running() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// drain makes new requests answer 503 and tightens the deadline of every
// body still arriving: a body that keeps the minimum rate may finish, a
// trickle stops within drainGrace.
func (l *lifecycle) drain() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.draining = true
	for b := range l.bodies {
		b.setDeadline()
	}
}

// force cancels every running request: database calls stop, and their
// 5xx answers become 503 with Retry-After.
func (l *lifecycle) force() {
	l.forced.Store(true)
	l.stopRequests()
}

func (l *lifecycle) isDraining() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.draining
}

func (l *lifecycle) waitIdle(d time.Duration) bool {
	l.mu.Lock()
	if l.n == 0 {
		l.mu.Unlock()
		return true
	}
	if l.idle == nil {
		l.idle = make(chan struct{})
	}
	ch := l.idle
	l.mu.Unlock()
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// enter counts a request in, unless the server is draining.
func (l *lifecycle) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.draining {
		return false
	}
	l.n++
	return true
}

func (l *lifecycle) leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n--
	if l.n == 0 && l.idle != nil {
		close(l.idle)
		l.idle = nil
	}
}

func (l *lifecycle) track(b *bodyReader, on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if on {
		l.bodies[b] = struct{}{}
		b.setDeadline()
	} else {
		delete(l.bodies, b)
	}
}

// wrap puts every request under the lifecycle: counted, its body under a
// read deadline, its 5xx during a forced stop turned into 503.
func (l *lifecycle) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if !l.enter() {
			_ = rc.SetReadDeadline(time.Now().Add(drainGrace))
			unavailable(w, "the server is shutting down and takes no new requests")
			return
		}
		defer l.leave()
		if r.Body != nil && r.Body != http.NoBody {
			b := &bodyReader{body: r.Body, rc: rc, l: l, start: time.Now(), length: r.ContentLength,
				expect100: strings.EqualFold(r.Header.Get("Expect"), "100-continue")}
			l.track(b, true) // sets the first deadline
			defer l.track(b, false)
			r.Body = b
			defer b.discardRest()
		}
		next.ServeHTTP(&drainWriter{ResponseWriter: w, l: l}, r)
	})
}

// unavailable answers 503 with Retry-After and closes the connection.
func unavailable(w http.ResponseWriter, msg string) {
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Retry-After", strconv.Itoa(retryAfter))
	h.Set("Connection", "close")
	h.Set("Proxy-Status", "ConnectGain; error="+crm.CodeUnavailable)
	w.WriteHeader(http.StatusServiceUnavailable)
	e := crm.Errorf(crm.CodeUnavailable, "%s", msg).
		WithHint("nothing of this request was stored; send it again in %d seconds, to this server once it is back or to another one", retryAfter)
	_ = json.NewEncoder(w).Encode(e)
}

// drainWriter turns the 5xx of a request stopped by a forced shutdown
// (its context was cancelled, so its transaction rolled back) into 503
// with Retry-After.
type drainWriter struct {
	http.ResponseWriter
	l                *lifecycle
	wrote, swallowed bool
}

func (w *drainWriter) WriteHeader(code int) {
	if w.wrote || code < 200 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.wrote = true
	if code >= 500 && w.l.forced.Load() {
		w.swallowed = true
		unavailable(w.ResponseWriter, "the server is shutting down and stopped this request before it finished")
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *drainWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.swallowed {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

func (w *drainWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// bodyReader reads a request body under a deadline that moves with what
// has arrived: the body may take t.body plus one second per t.bodyRate
// bytes, and no single wait may exceed t.body. At the end of the body the
// read deadline is lifted and the write deadline starts.
type bodyReader struct {
	body      io.ReadCloser
	rc        *http.ResponseController
	l         *lifecycle
	start     time.Time
	length    int64 // Content-Length, -1 when unknown
	expect100 bool

	mu   sync.Mutex
	n    int64
	done bool // EOF or an error: no more deadlines
}

// setDeadline sets the read deadline for the next read; l.mu is held.
func (b *bodyReader) setDeadline() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	t := b.l.t
	now := time.Now()
	owed := b.start.Add(time.Duration(float64(b.n) / float64(t.bodyRate) * float64(time.Second)))
	var d time.Time // none: --body-timeout 0
	switch {
	case b.l.draining:
		d = owed.Add(drainGrace)
		if t.body > 0 {
			d = minTime(d, now.Add(t.body))
		}
	case t.body > 0:
		d = minTime(owed.Add(t.body), now.Add(t.body))
	}
	_ = b.rc.SetReadDeadline(d)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (b *bodyReader) Read(p []byte) (int, error) {
	b.l.mu.Lock()
	b.setDeadline()
	b.l.mu.Unlock()
	n, err := b.body.Read(p)
	b.mu.Lock()
	b.n += int64(n)
	got := b.n
	if err != nil && !b.done {
		b.done = true
		if errors.Is(err, io.EOF) {
			_ = b.rc.SetReadDeadline(time.Time{})
			if b.l.t.write > 0 {
				_ = b.rc.SetWriteDeadline(time.Now().Add(b.l.t.write))
			}
		}
	}
	b.mu.Unlock()
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return n, b.timeoutError(got)
	}
	return n, err
}

func (b *bodyReader) timeoutError(got int64) error {
	of := "an unknown length"
	if b.length >= 0 {
		of = strconv.FormatInt(b.length, 10)
	}
	return fmt.Errorf("the request body did not arrive in time: %d bytes of %s in %v; a body gets %v plus one second per %d bytes",
		got, of, time.Since(b.start).Round(time.Millisecond), b.l.t.body, b.l.t.bodyRate)
}

func (b *bodyReader) Close() error { return b.body.Close() }

// discardRest reads what a handler left of a small body, under the
// deadline, as net/http would do without one, so the connection can be
// reused; net/http then closes connections whose body is larger or late.
func (b *bodyReader) discardRest() {
	b.mu.Lock()
	skip := b.done || (b.expect100 && b.n == 0)
	b.mu.Unlock()
	if !skip {
		_, _ = io.CopyN(io.Discard, b, 256<<10)
	}
}
