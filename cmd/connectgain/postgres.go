package main

import (
	"context"
	"fmt"

	"github.com/connectgain/server/sqlstore"
)

// openPostgres is replaced when the PostgreSQL backend lands.
func openPostgres(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	return nil, fmt.Errorf("the PostgreSQL backend is not built yet; use sqlite:FILE")
}
