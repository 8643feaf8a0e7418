package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestCancelledRequestIsNotInternal: a request whose context was cancelled
// (a forced shutdown, a client that left) answers 503 with a hint to retry
// and is not logged or counted as an internal error.
func TestCancelledRequestIsNotInternal(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	e := asAPIError(fmt.Errorf("insert deals: %w", context.Canceled), "r1", log)
	if got := Status(e); got != http.StatusServiceUnavailable || e.Hint == "" {
		t.Errorf("cancelled: status %d, error %+v; want 503 with a hint", got, e)
	}
	if strings.Contains(logged.String(), "internal error") || strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("cancelled request logged as an error: %s", logged.String())
	}
	if e := asAPIError(fmt.Errorf("boom"), "r2", log); Status(e) != http.StatusInternalServerError {
		t.Errorf("other errors stay internal: %+v", e)
	}
}
