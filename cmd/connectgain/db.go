package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// DefaultDB is the database used when neither --db nor CONNECTGAIN_DB is set.
const DefaultDB = "sqlite:connectgain.db"

// dbFlag adds --db with its fallbacks.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("CONNECTGAIN_DB")
	if def == "" {
		def = DefaultDB
	}
	return fs.String("db", def, "database: sqlite:FILE or postgres://USER@HOST/DB (env CONNECTGAIN_DB)")
}

// isPostgres reports whether dsn names a PostgreSQL database.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePath returns the absolute file of a sqlite: dsn, or an error in
// words when dsn is neither SQLite nor PostgreSQL or names no file.
func sqlitePath(dsn string) (string, error) {
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return "", usageError(fmt.Sprintf("--db %q is neither sqlite:FILE nor a postgres:// URL", dsn),
			"use sqlite:connectgain.db (a file, created when missing) or postgres://USER@HOST:5432/DB")
	}
	path = strings.TrimPrefix(path, "//")
	if path == "" {
		return "", usageError(fmt.Sprintf("--db %q names no file", dsn), "use sqlite:connectgain.db")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("--db %q: %w", dsn, err)
	}
	return abs, nil
}

// describeDB is the database for people: the SQLite file's full path, or
// the PostgreSQL URL without its password.
func describeDB(dsn string) string {
	if isPostgres(dsn) {
		return redact(dsn) + " (PostgreSQL)"
	}
	if p, err := sqlitePath(dsn); err == nil {
		return p + " (SQLite)"
	}
	return dsn
}

// openStore opens (creating and migrating when needed) the database named
// by dsn: sqlite:PATH or postgres://... With mustExist a SQLite file that
// is not there is an error rather than a new, empty database: a command
// that only reads or changes what exists names the path instead.
func openStore(ctx context.Context, dsn string, mustExist bool) (*sqlstore.Store, error) {
	if isPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	path, err := sqlitePath(dsn)
	if err != nil {
		return nil, err
	}
	if err := checkSQLiteFile(path, mustExist); err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open the SQLite database %s: %w", path, err)
	}
	return st, nil
}

// checkSQLiteFile explains, before SQLite's "unable to open database
// file", what is wrong with path.
func checkSQLiteFile(path string, mustExist bool) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageError(fmt.Sprintf("--db: the folder %s does not exist, so the database %s cannot be created", dir, path),
			fmt.Sprintf("create the folder first (mkdir -p %s) or choose another path", dir))
	case err != nil:
		return fmt.Errorf("--db: %w", err)
	case !st.IsDir():
		return usageError(fmt.Sprintf("--db: %s is a file, not a folder, so %s cannot be created", dir, path), "choose another path")
	}
	st, err = os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && mustExist:
		return usageError(fmt.Sprintf("--db: there is no database at %s", path),
			"check the path (and CONNECTGAIN_DB); a new database is created by: connectgain serve, or connectgain migrate")
	case err == nil && st.IsDir():
		return usageError(fmt.Sprintf("--db: %s is a folder", path), "name a file in it, e.g. sqlite:"+filepath.Join(path, "connectgain.db"))
	}
	return nil
}

// redact removes a password from a database URL (user:PASS@ or
// ?password=), so it can be printed.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	if q := u.Query(); q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
