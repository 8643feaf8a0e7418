package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// DefaultDB is the database used when neither --db nor CONNECTGAIN_DB is set.
const DefaultDB = "sqlite:connectgain.db"

// openStore opens the database named by dsn: sqlite:PATH or postgres://...
func openStore(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("--db %q names no file; use sqlite:connectgain.db", dsn)
		}
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	}
	return nil, fmt.Errorf("--db %q: use sqlite:FILE or postgres://USER@HOST/DB", dsn)
}

// dbFlag adds --db with its fallbacks.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("CONNECTGAIN_DB")
	if def == "" {
		def = DefaultDB
	}
	return fs.String("db", def, "database: sqlite:FILE or postgres://... (env CONNECTGAIN_DB)")
}

// parseArgs parses flags that may stand before or after positional
// arguments ("workspaces set NAME --phone-region SA").
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
