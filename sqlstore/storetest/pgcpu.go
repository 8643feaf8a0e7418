package storetest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore"
)

// PostgresBackendsCPU sums the on-CPU time (/proc/PID/schedstat,
// nanoseconds) of the PostgreSQL backends serving s whose
// application_name is app: where index maintenance and triggers run. It
// skips the benchmark when the backends are not on this machine.
func PostgresBackendsCPU(b *testing.B, s *sqlstore.Store, app string) time.Duration {
	rows, err := s.Reader().QueryContext(context.Background(), `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, app)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
		if err != nil {
			b.Skipf("PostgreSQL's backends are not on this machine: %v", err)
		}
		ns, _ := strconv.ParseInt(strings.Fields(string(raw))[0], 10, 64)
		total += time.Duration(ns)
	}
	return total
}
