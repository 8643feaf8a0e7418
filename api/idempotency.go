package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
)

// Idempotency-Key error codes (statuses in error.go).
const (
	CodeIdemInUse   = "idempotency_key_in_use"   // 409: the first attempt still runs
	CodeIdemReused  = "idempotency_key_reused"   // 422: the key came with another request
	CodeIdemLost    = "idempotency_outcome_lost" // 409: committed, answer lost in a crash
	CodeIdemInvalid = "invalid_idempotency_key"  // 400
)

// MaxIdempotencyKeyLen bounds an Idempotency-Key header.
const MaxIdempotencyKeyLen = 255

// DefaultIdempotencyLease is how long an attempt holds its key before a
// retry may take it over (when its server died). Safety does not rest on
// it: an attempt whose key was taken over cannot commit (sqlstore).
const DefaultIdempotencyLease = 30 * time.Second

// IdempotencyStore is the optional store capability behind
// Idempotency-Key; without it the header is ignored.
type IdempotencyStore interface {
	BeginIdempotent(ctx context.Context, k crm.IdemKey, lease time.Duration) (*crm.IdemClaim, crm.IdemState, *crm.IdemResponse, error)
	FinishIdempotent(ctx context.Context, claim *crm.IdemClaim, resp *crm.IdemResponse, keep bool) error
}

// replayedHeaders are the response headers stored with an answer.
var replayedHeaders = []string{"Content-Type", "Content-Range", "Content-Location", "Location",
	"Preference-Applied", "Proxy-Status", "Allow", "WWW-Authenticate"}

// idempotent serves a POST, PATCH or DELETE that carries an
// Idempotency-Key: the first attempt runs and its answer is stored; a
// retry with the same key, route and request gets that answer again
// (Idempotent-Replayed: true) without running; the same key with a
// different request is 422; a retry while the first attempt runs is 409
// with Retry-After. Keys are per workspace, method and route, and last
// sqlstore.IdempotencyTTL. A 5xx answer is not kept, so a retry runs.
func (s *Server) idempotent(route string, next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		vals := r.Header.Values("Idempotency-Key")
		is, ok := s.store.(IdempotencyStore)
		if len(vals) == 0 || !ok || r.Method == http.MethodGet || r.Method == http.MethodHead {
			return next(w, r)
		}
		key, err := idempotencyKey(vals)
		if err != nil {
			return err
		}
		body, err := readBody(r)
		if err != nil {
			return err
		}
		p := principalFrom(r.Context())
		_, path, ok := strings.Cut(route, " ") // "POST /x" or "/x/{table}"
		if !ok {
			path = route
		}
		k := crm.IdemKey{WorkspaceID: p.Workspace.ID, Scope: r.Method + " " + path, Key: key,
			Fingerprint: fingerprint(r, body)}
		claim, state, stored, err := is.BeginIdempotent(r.Context(), k, s.idemLease())
		if err != nil {
			return err
		}
		switch state {
		case crm.IdemReplay:
			return replay(w, stored)
		case crm.IdemRunning:
			w.Header().Set("Retry-After", "1")
			return crm.Errorf(CodeIdemInUse, "a request with this Idempotency-Key is still running").
				WithHint("retry after a second with the same key and body; you will get its answer")
		case crm.IdemMismatch:
			return crm.Errorf(CodeIdemReused, "this Idempotency-Key was first used with a different request").
				WithDetails("a key is bound to the method, path, query, Prefer and body it was first sent with").
				WithHint("use a new Idempotency-Key for a new request")
		case crm.IdemLost:
			return crm.Errorf(CodeIdemLost, "the request with this Idempotency-Key was committed, but the server stopped before storing its answer").
				WithDetails("its writes are in the database; it will not run again").
				WithHint("read the rows back with GET instead of retrying")
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return s.runAndStore(w, r.WithContext(crm.WithIdempotency(r.Context(), claim)), is, claim, next)
	}
}

// runAndStore runs next for the attempt holding claim, passing its
// answer through, and stores that answer (an error as writeError renders
// it) for the retries.
func (s *Server) runAndStore(w http.ResponseWriter, r *http.Request, is IdempotencyStore, claim *crm.IdemClaim, next handlerFunc) error {
	rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
	herr := next(rec, r)
	resp := &crm.IdemResponse{Status: rec.status, Body: rec.body.Bytes(), Headers: map[string]string{}}
	if herr != nil && !rec.wrote {
		buf := bufferWriter{h: w.Header().Clone()}
		writeError(&buf, asAPIError(herr, "", s.log))
		resp.Status, resp.Body = buf.status, buf.body.Bytes()
		pickHeaders(resp.Headers, buf.h)
	} else {
		pickHeaders(resp.Headers, w.Header())
	}
	keep := resp.Status < 500 && !(herr != nil && isTakenOver(herr))
	if err := is.FinishIdempotent(r.Context(), claim, resp, keep); err != nil {
		s.log.Error("store idempotent response", "err", err)
	}
	return herr
}

func isTakenOver(err error) bool {
	e, ok := crm.AsError(err)
	return ok && e.Code == CodeIdemInUse
}

func (s *Server) idemLease() time.Duration {
	if s.cfg.IdempotencyLease > 0 {
		return s.cfg.IdempotencyLease
	}
	return DefaultIdempotencyLease
}

// idempotencyKey checks the header: one value, 1 to 255 visible ASCII
// characters.
func idempotencyKey(vals []string) (string, error) {
	bad := crm.Errorf(CodeIdemInvalid, "the Idempotency-Key header must be one value of 1 to %d visible ASCII characters", MaxIdempotencyKeyLen).
		WithHint("send a fresh UUID per logical request, the same one on every retry of it")
	if len(vals) != 1 || len(vals[0]) == 0 || len(vals[0]) > MaxIdempotencyKeyLen {
		return "", bad.WithDetails("received %d header(s), the first %d characters long", len(vals), len(vals[0]))
	}
	for i := 0; i < len(vals[0]); i++ {
		if c := vals[0][i]; c < 0x21 || c > 0x7e {
			return "", bad.WithDetails("character %d is %q", i, c)
		}
	}
	return vals[0], nil
}

// fingerprint identifies the request a key was first used with: method,
// path, query, the headers that change what a write does, and the body.
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	for _, part := range []string{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"),
		r.Header.Get("Accept"), stringsJoin(r.Header.Values("Prefer"))} {
		h.Write([]byte(strconv.Itoa(len(part)) + ":" + part))
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func stringsJoin(v []string) string {
	var b bytes.Buffer
	for i, s := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	return b.String()
}

func pickHeaders(dst map[string]string, h http.Header) {
	for _, k := range replayedHeaders {
		if v := h.Get(k); v != "" {
			dst[k] = v
		}
	}
}

// replay writes a stored answer.
func replay(w http.ResponseWriter, resp *crm.IdemResponse) error {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	w.Header().Set("Idempotent-Replayed", "true")
	w.Header().Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	_, err := w.Write(resp.Body)
	return err
}

// recordingWriter passes a response through and keeps a copy.
type recordingWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.wrote = true
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// bufferWriter renders an error response to memory, to store it.
type bufferWriter struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.h }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
