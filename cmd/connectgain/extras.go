package main

import (
	"log/slog"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/sqlstore"
)

// registerExtras adds the routes that live outside package api.
func registerExtras(srv *api.Server, store *sqlstore.Store, log *slog.Logger) {}
