package api

import (
	"context"
	"crypto/sha256"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/crm"
)

// principalFrom returns the request's principal, set by requireKey.
func principalFrom(ctx context.Context) *crm.Principal {
	if st := stateFrom(ctx); st != nil {
		return st.p
	}
	return nil
}

// The canonical forms of the key headers' names.
var (
	headerAPIKey = http.CanonicalHeaderKey("X-API-Key")
	headerApikey = http.CanonicalHeaderKey("apikey")
)

// keyFrom reads the API key from X-API-Key, apikey or Authorization:
// Bearer (what Supabase clients send). Every such header is read, each
// repeat too: the same key sent in several (supabase-js sends apikey and
// Bearer alike) is that key; two different keys are 400, because which
// one should win is a guess (it used to depend on the header order).
func keyFrom(r *http.Request) (string, error) {
	var keys []string
	add := func(k string) {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	// The header map by canonical name: what Header.Values reads, without
	// canonicalising (and allocating) "X-API-Key" and "apikey" per request.
	for _, k := range r.Header[headerAPIKey] {
		add(k)
	}
	for _, k := range r.Header[headerApikey] {
		add(k)
	}
	for _, a := range r.Header["Authorization"] {
		if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
			add(a[7:])
		}
	}
	switch len(keys) {
	case 0:
		return "", nil
	case 1:
		return keys[0], nil
	}
	return "", crm.Errorf(crm.CodeInvalidRequest, "the request carries %d different API keys", len(keys)).
		WithDetails("X-API-Key, apikey and Authorization: Bearer must hold the same key when more than one is sent").
		WithHint("send one key, in the X-API-Key header")
}

// requireKey authenticates the request and checks the key's scope: a read
// key may only GET and HEAD.
func (s *Server) requireKey(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key, err := keyFrom(r)
		if err != nil {
			return err
		}
		if key == "" {
			return crm.Errorf(crm.CodeUnauthorized, "missing API key").
				WithHint("send your key in the X-API-Key header (or apikey, or Authorization: Bearer)")
		}
		p, err := s.keys.authenticate(r.Context(), s.store, key)
		if err != nil {
			return err
		}
		if p.Scope != crm.ScopeWrite && r.Method != http.MethodGet && r.Method != http.MethodHead {
			return crm.Errorf(crm.CodeForbidden, "this API key is read-only and cannot %s", r.Method).
				WithHint("use a key created with --scope write")
		}
		if st := stateFrom(r.Context()); st != nil {
			st.p = p
		} else { // a handler built without adapt (tests)
			r = r.WithContext(context.WithValue(r.Context(), reqStateKey{}, &reqState{p: p}))
		}
		return next(w, r)
	}
}

// KeyCacheTTL is how long a verified key is trusted without asking the
// database again. A key revoked by "connectgain keys revoke" (another
// process, perhaps another machine) stops working within this time.
const KeyCacheTTL = 2 * time.Second

// maxCachedKeys bounds the cache; past it, it starts again empty.
const maxCachedKeys = 10000

// keyCache remembers recently verified keys by their SHA-256, saving a
// database query (a fifth of a point read's cost) on every request.
// Failures are never cached.
type keyCache struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]cachedKey
}

type cachedKey struct {
	p       *crm.Principal
	expires time.Time
}

func (c *keyCache) authenticate(ctx context.Context, store Store, key string) (*crm.Principal, error) {
	h := sha256.Sum256([]byte(key))
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.p, nil
	}
	p, err := store.Authenticate(ctx, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedKeys {
		c.m = make(map[[sha256.Size]byte]cachedKey)
	}
	c.m[h] = cachedKey{p: p, expires: now.Add(KeyCacheTTL)}
	c.mu.Unlock()
	return p, nil
}
