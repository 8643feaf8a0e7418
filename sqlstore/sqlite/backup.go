package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// BackupInfo describes a backup Backup wrote.
type BackupInfo struct {
	Bytes                       int64
	Workspaces, Contacts, Deals int
}

// Backup writes a consistent copy of the SQLite database at path to out
// while other connections (a running server) go on reading and writing
// it: VACUUM INTO reads one snapshot, so the copy holds each transaction
// whole or not at all. out must not exist. The copy is written beside it
// under a temporary name, checked with integrity_check, synced to disk
// and only then renamed to out, so out is either a complete database or
// absent. Restoring is opening out as the database.
func Backup(ctx context.Context, path, out string) (*BackupInfo, error) {
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("%s already exists: a backup never overwrites a file", out)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	registerOnce.Do(func() { registerFunctions() })
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	src, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer src.Close()
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+fmt.Sprintf(".partial-%d", os.Getpid()))
	_ = os.Remove(tmp)
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return nil, fmt.Errorf("copy %s: %w", path, err)
	}
	info, err := checkCopy(ctx, tmp)
	if err != nil {
		return nil, err
	}
	if err := syncFile(tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, err
	}
	ok = true
	_ = syncFile(filepath.Dir(out))
	st, err := os.Stat(out)
	if err != nil {
		return nil, err
	}
	info.Bytes = st.Size()
	return info, nil
}

// checkCopy runs integrity_check on a copy and counts its rows.
func checkCopy(ctx context.Context, path string) (*BackupInfo, error) {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return nil, fmt.Errorf("check the copy: %w", err)
	}
	if res != "ok" {
		return nil, fmt.Errorf("the copy fails integrity_check: %s", res)
	}
	var info BackupInfo
	err = db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM workspaces), (SELECT COUNT(*) FROM contacts), (SELECT COUNT(*) FROM deals)`).
		Scan(&info.Workspaces, &info.Contacts, &info.Deals)
	if err != nil {
		return nil, fmt.Errorf("the copy is not a ConnectGain database: %w", err)
	}
	return &info, nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
