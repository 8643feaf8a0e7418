package api

import "testing"

// TestSupabaseJS drives a server on 127.0.0.1:0 with @supabase/supabase-js
// under Node (e2e/supabasejs), through createClient(url, key) and so
// /rest/v1: insert, select with embedding and embedded counts, order,
// range and count, update, delete, rpc to the bulk endpoint, errors and
// the Swagger root. Without node or npm it skips, unless CI=true, where
// it fails.
func TestSupabaseJS(t *testing.T) {
	runNodeSuite(t, "supabasejs", "@supabase/supabase-js")
}
