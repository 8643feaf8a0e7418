package api

import (
	"net/http"
	"slices"
	"strings"
)

// corsExpose lets browser clients read counts and locations.
const corsExpose = "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, Location, Server, Transfer-Encoding, Range-Unit, Preference-Applied, X-Request-Id"

// cors adds CORS headers when the request has an Origin, as PostgREST does.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	h := w.Header()
	switch {
	case len(s.cfg.AllowedOrigins) == 0:
		h.Set("Access-Control-Allow-Origin", "*")
	case slices.Contains(s.cfg.AllowedOrigins, origin):
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	default:
		return
	}
	h.Set("Access-Control-Expose-Headers", corsExpose)
}

// preflight answers OPTIONS.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	if h.Get("Access-Control-Allow-Origin") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD")
		allow := "Authorization"
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			allow += ", " + req
		}
		h.Set("Access-Control-Allow-Headers", allow+", Accept, Accept-Language, Content-Language")
		h.Set("Access-Control-Max-Age", "86400")
	}
	if strings.HasPrefix(r.URL.Path, "/functions/v1/create-deals-bulk") {
		h.Set("Allow", "OPTIONS,POST")
	} else {
		h.Set("Allow", "OPTIONS,GET,HEAD,POST,PATCH,DELETE")
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
