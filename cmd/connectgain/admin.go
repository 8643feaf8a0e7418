package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/connectgain/server/crm"
)

func keysCreate(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	db := dbFlag(fs, c.getenv)
	wsName := fs.String("workspace", "", "the workspace the key is for; created when missing")
	label := fs.String("name", "", "a label for the key, shown by keys list")
	scope := fs.String("scope", "write", "read|write: a read key may only GET and HEAD")
	pos, err := c.parse(fs, 0, 1)
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		return usageError(fmt.Sprintf("keys create takes the workspace as a flag; got the argument %q", pos[0]),
			"did you mean: connectgain keys create --workspace "+shellQuote(pos[0])+"?")
	}
	if *wsName == "" {
		return usageError("keys create: --workspace NAME is required",
			"e.g. connectgain keys create --workspace default; the workspaces are listed by: connectgain workspaces list")
	}
	sc, err := crm.ParseScope(*scope)
	if err != nil {
		return explain("--scope", err)
	}
	store, err := openStore(ctx, *db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	ws, err := store.WorkspaceByName(ctx, *wsName)
	if e, ok := crm.AsError(err); ok && e.Code == crm.CodeNotFound {
		if ws, err = store.CreateWorkspace(ctx, *wsName, "", ""); err != nil {
			return explain("--workspace", err)
		}
		fmt.Fprintf(c.stderr, "created workspace %q (default currency %s, no phone region); change them with: connectgain workspaces set %s --default-currency SAR --phone-region SA\n",
			ws.Name, ws.DefaultCurrency, shellQuote(ws.Name))
	}
	if err != nil {
		return err
	}
	key, _, err := store.CreateKey(ctx, ws.ID, *label, sc)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, key)
	return nil
}

func keysList(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	db := dbFlag(fs, c.getenv)
	wsName := fs.String("workspace", "", "only this workspace's keys")
	if _, err := c.parse(fs, 0, 0); err != nil {
		return err
	}
	store, err := openStore(ctx, *db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	if *wsName != "" {
		if _, err := store.WorkspaceByName(ctx, *wsName); err != nil {
			return explain("--workspace", err)
		}
	}
	ks, err := store.Keys(ctx, *wsName)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPREFIX\tWORKSPACE\tNAME\tSCOPE\tCREATED\tREVOKED")
	for _, k := range ks {
		revoked := "-"
		if k.RevokedAt != nil {
			revoked = crm.FormatTime(*k.RevokedAt)
		}
		fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Workspace, k.Name, k.Scope, crm.FormatTime(k.CreatedAt), revoked)
	}
	if len(ks) == 0 {
		fmt.Fprintln(c.stderr, "no keys; make one with: connectgain keys create --workspace NAME")
	}
	return tw.Flush()
}

func keysRevoke(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	db := dbFlag(fs, c.getenv)
	pos, err := c.parse(fs, 1, 1)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	k, err := store.FindKey(ctx, pos[0])
	if err != nil {
		return explain("keys revoke", err)
	}
	if k.RevokedAt != nil {
		fmt.Fprintf(c.stdout, "%s (%s…) was already revoked at %s\n", k.ID, k.Prefix, crm.FormatTime(*k.RevokedAt))
		return nil
	}
	if _, err := store.RevokeKey(ctx, k.ID); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "revoked %s (%s…, workspace %s)\n", k.ID, k.Prefix, k.Workspace)
	return nil
}

func workspacesList(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	db := dbFlag(fs, c.getenv)
	if _, err := c.parse(fs, 0, 0); err != nil {
		return err
	}
	store, err := openStore(ctx, *db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	wss, err := store.Workspaces(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCURRENCY\tPHONE REGION\tID")
	for _, w := range wss {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.Name, w.DefaultCurrency, w.PhoneRegion, w.ID)
	}
	return tw.Flush()
}

// workspaceFlags parses the flags of workspaces create and set, checking
// the settings before the database is opened.
func workspaceFlags(c *cli) (db, name, currency, region string, err error) {
	fs := c.newFlags()
	dbp := dbFlag(fs, c.getenv)
	cur := fs.String("default-currency", "", "ISO 4217 currency for deals that name none, e.g. SAR (default USD)")
	reg := fs.String("phone-region", "", "ISO 3166 region for phone numbers written without +, e.g. SA")
	pos, err := c.parse(fs, 1, 1)
	if err != nil {
		return "", "", "", "", err
	}
	if *cur != "" {
		if _, err := crm.NormalizeCurrency(*cur); err != nil {
			return "", "", "", "", explain("--default-currency", err)
		}
	}
	if _, err := crm.NormalizeRegion(*reg); err != nil {
		return "", "", "", "", explain("--phone-region", err)
	}
	return *dbp, pos[0], *cur, *reg, nil
}

func workspacesCreate(ctx context.Context, c *cli) error {
	db, name, currency, region, err := workspaceFlags(c)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, db, false)
	if err != nil {
		return err
	}
	defer store.Close()
	ws, err := store.CreateWorkspace(ctx, name, currency, region)
	if e, ok := crm.AsError(err); ok && e.Code == crm.SQLStateUnique {
		return usageError(e.Message, fmt.Sprintf("choose another name, or change its settings with: connectgain workspaces set %s --default-currency SAR --phone-region SA", shellQuote(name)))
	}
	if err != nil {
		return explain("workspaces create", err)
	}
	fmt.Fprintf(c.stdout, "created workspace %s (default currency %s, phone region %s)\n", ws.Name, ws.DefaultCurrency, orNone(ws.PhoneRegion))
	fmt.Fprintf(c.stderr, "make a key for it with: connectgain keys create --workspace %s\n", shellQuote(ws.Name))
	return nil
}

func workspacesSet(ctx context.Context, c *cli) error {
	db, name, currency, region, err := workspaceFlags(c)
	if err != nil {
		return err
	}
	if currency == "" && region == "" {
		return usageError("workspaces set: nothing to change", "give --default-currency CODE, --phone-region CODE or both")
	}
	store, err := openStore(ctx, db, true)
	if err != nil {
		return err
	}
	defer store.Close()
	ws, err := store.UpdateWorkspace(ctx, name, currency, region)
	if err != nil {
		return explain("workspaces set", err)
	}
	fmt.Fprintf(c.stdout, "updated workspace %s (default currency %s, phone region %s)\n", ws.Name, ws.DefaultCurrency, orNone(ws.PhoneRegion))
	return nil
}

func migrate(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	db := dbFlag(fs, c.getenv)
	if _, err := c.parse(fs, 0, 0); err != nil {
		return err
	}
	store, err := openStore(ctx, *db, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "database %s is up to date\n", describeDB(*db))
	return store.Close()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// shellQuote quotes s for a command to paste when it needs quoting.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/@=,+%", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
