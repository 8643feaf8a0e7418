package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
)

// openPostgres opens (and migrates) the PostgreSQL database at a
// postgres:// URL; pool_max_conns=N in the URL sizes this process's pool.
// The usual failures are explained with the fix.
func openPostgres(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	st, err := postgres.Open(ctx, dsn)
	if err == nil {
		return st, nil
	}
	e, ok := crm.AsError(err)
	if !ok {
		return nil, err
	}
	host, db := "HOST", "DB"
	if u, perr := url.Parse(dsn); perr == nil {
		host, db = u.Host, u.Path
		if len(db) > 1 {
			db = db[1:]
		}
	}
	msg := fmt.Sprintf("--db %s: %s", redact(dsn), e.Message)
	switch e.Code {
	case crm.CodeUnavailable:
		h, port := hostOnly(host)
		return nil, usageError(msg, fmt.Sprintf("is PostgreSQL running and reachable at %s? check with: pg_isready -h %s -p %s", host, h, port))
	case crm.SQLStateNoDatabase:
		h, port := hostOnly(host)
		return nil, usageError(msg, fmt.Sprintf("create the database first: createdb -h %s -p %s %s", h, port, db))
	case crm.SQLStateInvalidPassword, crm.SQLStateInvalidAuth:
		return nil, usageError(msg, "check the user and password in the URL: postgres://USER:PASSWORD@HOST/DB")
	}
	return nil, err
}

// hostOnly splits HOST:PORT, with PostgreSQL's default port.
func hostOnly(hostport string) (host, port string) {
	u, err := url.Parse("//" + hostport)
	if err != nil || u.Hostname() == "" {
		return hostport, "5432"
	}
	if port = u.Port(); port == "" {
		port = "5432"
	}
	return u.Hostname(), port
}
