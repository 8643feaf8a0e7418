package api

import (
	"sync"

	"github.com/connectgain/server/pgrest"
)

// A read's query string parsed once: a repeated URL (a point read) skips
// pgrest's parse, and hands the REST engine the same *pgrest.Query, by
// which the engine finds the plan and statement it rendered for it
// (restsql's read cache). A parsed query is never changed, so requests
// share it. Only successes are kept: a bad query string is parsed (and
// answered with its error) every time.

// maxCachedQueries bounds the query strings kept; past it the cache
// starts again empty. maxCachedQueryLen is the longest kept: a longer
// one (a long in=(...) list) is parsed every time, so the cache holds at
// most maxCachedQueries x maxCachedQueryLen bytes of keys.
const (
	maxCachedQueries  = 1024
	maxCachedQueryLen = 2048
)

type queryCache struct {
	mu sync.RWMutex
	m  map[string]*pgrest.Query
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
	if len(raw) > maxCachedQueryLen {
		return q, nil
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedQueries {
		c.m = make(map[string]*pgrest.Query)
	}
	c.m[raw] = q
	c.mu.Unlock()
	return q, nil
}
