package controlplane

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// With a kubeconfig, UseOrStart uses that cluster and Close leaves it alone; a bad path is an error
// that names it.
func TestUseOrStartExistingCluster(t *testing.T) {
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kc, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tg, err := UseOrStart(context.Background(), kc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Local != nil || tg.Kubeconfig != kc || tg.REST.Host != "https://127.0.0.1:1" || !strings.HasPrefix(tg.Describe(), "existing cluster of ") {
		t.Fatalf("target %+v (%s)", tg, tg.Describe())
	}
	if err := tg.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := UseOrStart(context.Background(), filepath.Join(dir, "missing"), Options{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("a missing kubeconfig: %v, want an error naming it", err)
	}
}

// Without one, it starts a local control plane in a temporary directory, which Close removes.
func TestUseOrStartLocal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tg, err := UseOrStart(ctx, "", Options{BinDir: binDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	state := tg.Local.StateDir
	if !tg.Local.Ready(ctx) || tg.Kubeconfig == "" {
		t.Fatalf("local control plane not ready (kubeconfig %q)", tg.Kubeconfig)
	}
	if err := tg.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Fatalf("state %s left after Close: %v", state, err)
	}
}
