package api

import (
	"sync"

	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/restsql"
)

// A read's query string parsed once: a repeated URL (a point read) skips
// pgrest's parse, and hands the REST engine the same *pgrest.Query, by
// which the engine finds the plan and statement it rendered for it
// (restsql's read cache). A parsed query is never changed, so requests
// share it. A query string is kept from its second sight
// (restsql.Doorkeeper), and only when it parses: a bad one is parsed (and
// answered with its error) every time.

// maxCachedQueries bounds the query strings kept; past it the cache
// starts again empty. maxCachedQueryLen is the longest kept: a longer
// one (a long in=(...) list) is parsed every time, so the cache holds at
// most maxCachedQueries x maxCachedQueryLen bytes of keys.
const (
	maxCachedQueries  = 1024
	maxCachedQueryLen = 2048
)

// queryCache keeps the query strings seen at least twice (door), so a
// workload that never repeats a URL does not fill it.
type queryCache struct {
	door restsql.Doorkeeper[string]
	mu   sync.RWMutex
	m    map[string]*pgrest.Query
}

// parse returns the query of a raw query string, as
// pgrest.Parse(pgrest.ParseQueryString(raw)) does, parsed once per
// string; errors are pgrest's.
func (c *queryCache) parse(raw string) (*pgrest.Query, error) {
	c.mu.RLock()
	q, ok := c.m[raw]
	c.mu.RUnlock()
	if ok {
		return q, nil
	}
	params, err := pgrest.ParseQueryString(raw)
	if err != nil {
		return nil, err
	}
	if q, err = pgrest.Parse(params); err != nil {
		return nil, err
	}
	if len(raw) > maxCachedQueryLen || !c.door.Admit(raw) {
		return q, nil
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedQueries {
		c.m = make(map[string]*pgrest.Query, maxCachedQueries) // sized once: no growth while it fills
	}
	c.m[raw] = q
	c.mu.Unlock()
	return q, nil
}
