package crm

import "sync"

// boundedCache is a concurrency-safe memo with at most max entries; when
// full it starts again empty (cheaper than LRU bookkeeping, and a memo of a
// pure function is always safe to drop).
type boundedCache[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

func (c *boundedCache[K, V]) get(k K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

func (c *boundedCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[K]V, min(c.max, 1024))
	}
	c.m[k] = v
	c.mu.Unlock()
}
