package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
)

type principalKey struct{}

// principalFrom returns the request's principal, set by requireKey.
func principalFrom(ctx context.Context) *crm.Principal {
	p, _ := ctx.Value(principalKey{}).(*crm.Principal)
	return p
}

// keyFrom reads the API key from X-API-Key, apikey or Authorization:
// Bearer (what Supabase clients send), in that order.
func keyFrom(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("X-API-Key")); k != "" {
		return k
	}
	if k := strings.TrimSpace(r.Header.Get("apikey")); k != "" {
		return k
	}
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

// requireKey authenticates the request and checks the key's scope: a read
// key may only GET and HEAD.
func (s *Server) requireKey(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key := keyFrom(r)
		if key == "" {
			return crm.Errorf(crm.CodeUnauthorized, "missing API key").
				WithHint("send your key in the X-API-Key header (or apikey, or Authorization: Bearer)")
		}
		p, err := s.store.Authenticate(r.Context(), key)
		if err != nil {
			return err
		}
		if p.Scope != crm.ScopeWrite && r.Method != http.MethodGet && r.Method != http.MethodHead {
			return crm.Errorf(crm.CodeForbidden, "this API key is read-only and cannot %s", r.Method).
				WithHint("use a key created with --scope write")
		}
		return next(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}
