package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectgain/server/sqlstore/sqlite"
)

// backup writes a consistent copy of a SQLite database, safe while the
// server runs on it. PostgreSQL has pg_dump for that (docs/backup.md).
func backup(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	db := dbFlag(fs, c.getenv)
	out := fs.String("out", "", "the file to write; it must not exist")
	if _, err := c.parse(fs, 0, 0); err != nil {
		return err
	}
	if isPostgres(*db) {
		return usageError("backup copies SQLite databases; --db is a PostgreSQL URL",
			"back up PostgreSQL with its own tool, also while the server runs: pg_dump --format=custom --file connectgain.dump '"+redact(*db)+"' (restore with pg_restore; see docs/backup.md)")
	}
	if *out == "" {
		return usageError("backup: --out FILE is required", "e.g. connectgain backup --out connectgain-"+time.Now().Format("20060102")+".db")
	}
	path, err := sqlitePath(*db)
	if err != nil {
		return err
	}
	if err := checkSQLiteFile(path, true); err != nil {
		return err
	}
	dst, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	if err := checkSQLiteFile(dst, false); err != nil {
		return usageError("--out"+strings.TrimPrefix(err.Error(), "--db"), "choose a file in an existing folder")
	}
	if dst == path {
		return usageError("--out names the database itself", "write the backup to another file")
	}
	start := time.Now()
	info, err := sqlite.Backup(ctx, path, dst)
	if err != nil {
		return usageError("backup: "+err.Error(), "the database is unchanged; choose another --out or check free disk space")
	}
	fmt.Fprintf(c.stdout, "wrote %s (%.1f MB: %d workspaces, %d contacts, %d deals) from %s in %v; integrity check ok\n",
		dst, float64(info.Bytes)/1e6, info.Workspaces, info.Contacts, info.Deals, path, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(c.stderr, "restore by serving the copy: connectgain serve --db sqlite:%s\n", shellQuote(dst))
	return nil
}
