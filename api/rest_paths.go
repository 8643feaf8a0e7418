package api

import (
	"net/http"
	"strings"

	"github.com/connectgain/server/crm"
)

// RestPrefix is where the PostgREST-compatible proxy lives on the hosted
// system; SupabaseRestPrefix is where Supabase serves PostgREST, which
// createClient(url, key) of supabase-js calls. Both serve the same API.
const (
	RestPrefix         = "/functions/v1/rest-api-proxy"
	SupabaseRestPrefix = "/rest/v1"
)

// RestPrefixes lists the paths the REST API is served under.
var RestPrefixes = []string{RestPrefix, SupabaseRestPrefix}

// restBase is the prefix the request came in under.
func restBase(r *http.Request) string {
	if r.URL.Path == SupabaseRestPrefix || strings.HasPrefix(r.URL.Path, SupabaseRestPrefix+"/") {
		return SupabaseRestPrefix
	}
	return RestPrefix
}

// servedSchema is the one schema the REST API exposes, as PostgREST with
// db-schemas = public (what supabase-js names in its profile headers).
const servedSchema = "public"

// checkProfile reads the schema a request names, as PostgREST does:
// Accept-Profile on GET and HEAD, Content-Profile on writes. Another
// schema than public is 406 PGRST106; a profile that was sent is echoed
// as Content-Profile.
func checkProfile(w http.ResponseWriter, r *http.Request) error {
	h := "Accept-Profile"
	switch r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		h = "Content-Profile"
	}
	vals, ok := r.Header[h]
	if !ok {
		return nil
	}
	if p := strings.TrimSpace(vals[0]); p != servedSchema {
		return &crm.Error{Code: crm.PGRSTSchema, Message: "Invalid schema: " + p,
			Hint: "Only the following schemas are exposed: " + servedSchema}
	}
	w.Header().Set("Content-Profile", servedSchema)
	return nil
}

// rpcBulk is POST {prefix}/rpc/create_deals_bulk, what
// supabase.rpc("create_deals_bulk", body) sends: the bulk endpoint, after
// the profile check every REST request gets.
func (s *Server) rpcBulk(w http.ResponseWriter, r *http.Request) error {
	if err := checkProfile(w, r); err != nil {
		return err
	}
	return s.createDealsBulk(w, r)
}

// noFunction is PostgREST's 404 PGRST202 for a function the API does
// not have: the only one is the bulk endpoint.
func (s *Server) noFunction(w http.ResponseWriter, r *http.Request) error {
	fn := r.PathValue("fn")
	return &crm.Error{Status: http.StatusNotFound, Code: crm.PGRSTNoFunction, Message: "Could not find the function " + servedSchema + "." + fn + " in the schema cache",
		Details: "the one function is " + servedSchema + "." + bulkRPC + ", the bulk endpoint",
		Hint:    "Perhaps you meant to call the function " + servedSchema + "." + bulkRPC}
}
