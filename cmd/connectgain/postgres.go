package main

import (
	"context"

	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
)

// openPostgres opens (and migrates) the PostgreSQL database at a
// postgres:// URL; pool_max_conns=N in the URL sizes this process's pool.
func openPostgres(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return postgres.Open(ctx, dsn)
}
