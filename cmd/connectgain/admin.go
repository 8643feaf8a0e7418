package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/connectgain/server/crm"
)

func keys(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("keys: want create, list or revoke")
	}
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	db := dbFlag(fs, getenv)
	wsName := fs.String("workspace", "", "workspace name")
	label := fs.String("name", "", "a label for the key")
	scope := fs.String("scope", "write", "read or write")
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "create":
		if *wsName == "" {
			return fmt.Errorf("keys create: --workspace NAME is required")
		}
		sc, err := crm.ParseScope(*scope)
		if err != nil {
			return err
		}
		ws, err := store.WorkspaceByName(ctx, *wsName)
		if e, ok := crm.AsError(err); ok && e.Code == crm.CodeNotFound {
			ws, err = store.CreateWorkspace(ctx, *wsName, "", "")
		}
		if err != nil {
			return err
		}
		key, _, err := store.CreateKey(ctx, ws.ID, *label, sc)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		ks, err := store.Keys(ctx, *wsName)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPREFIX\tWORKSPACE\tNAME\tSCOPE\tCREATED\tREVOKED")
		for _, k := range ks {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = crm.FormatTime(*k.RevokedAt)
			}
			fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Workspace, k.Name, k.Scope, crm.FormatTime(k.CreatedAt), revoked)
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 1 {
			return fmt.Errorf("keys revoke: name one key by id or prefix")
		}
		k, err := store.RevokeKey(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s (%s…)\n", k.ID, k.Prefix)
		return nil
	}
	return fmt.Errorf("keys: unknown subcommand %q (want create, list or revoke)", args[0])
}

func workspaces(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("workspaces: want list, create or set")
	}
	fs := flag.NewFlagSet("workspaces "+args[0], flag.ContinueOnError)
	db := dbFlag(fs, getenv)
	currency := fs.String("default-currency", "", "ISO 4217 currency for deals without one")
	region := fs.String("phone-region", "", "ISO 3166 region for phone numbers without +, e.g. SA")
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	switch args[0] {
	case "list":
		wss, err := store.Workspaces(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCURRENCY\tPHONE REGION\tID")
		for _, w := range wss {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.Name, w.DefaultCurrency, w.PhoneRegion, w.ID)
		}
		return tw.Flush()
	case "create", "set":
		if len(pos) != 1 {
			return fmt.Errorf("workspaces %s: name one workspace", args[0])
		}
		var err error
		if args[0] == "create" {
			_, err = store.CreateWorkspace(ctx, pos[0], *currency, *region)
		} else {
			_, err = store.UpdateWorkspace(ctx, pos[0], *currency, *region)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s workspace %s\n", map[string]string{"create": "created", "set": "updated"}[args[0]], pos[0])
		return nil
	}
	return fmt.Errorf("workspaces: unknown subcommand %q (want list, create or set)", args[0])
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := dbFlag(fs, getenv)
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "database is up to date")
	return store.Close()
}
