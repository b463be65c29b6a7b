// Package testenv gives integration tests a real kube-apiserver: one control plane per test binary,
// started on first use from bin/ and stopped by Main, or an existing cluster named by
// KUBESTATE_TEST_KUBECONFIG (handy when iterating: `make cluster-up` once, then point tests at it).
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubestate/kubestate/internal/testenv/controlplane"
)

// EnvKubeconfig names a running cluster's kubeconfig to reuse instead of starting one.
const EnvKubeconfig = "KUBESTATE_TEST_KUBECONFIG"

var (
	mu       sync.Mutex
	started  *controlplane.Cluster
	startErr error
	external *rest.Config
)

// Main runs the tests, stops the control plane if one was started, then runs each check (for
// example goleak.Find) and fails the binary if one fails. Use it from TestMain.
func Main(m *testing.M, checks ...func() error) {
	code := m.Run()
	mu.Lock()
	if started != nil {
		if err := started.Remove(); err != nil {
			fmt.Fprintln(os.Stderr, "testenv: stopping control plane:", err)
		}
		started = nil
	}
	mu.Unlock()
	for _, check := range checks {
		if err := check(); err != nil && code == 0 {
			fmt.Fprintln(os.Stderr, "testenv: after the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// RESTConfig returns an admin configuration for the test cluster, starting it if needed.
func RESTConfig(tb testing.TB) *rest.Config {
	tb.Helper()
	if kc := os.Getenv(EnvKubeconfig); kc != "" {
		mu.Lock()
		defer mu.Unlock()
		if external == nil {
			cfg, err := clientcmd.BuildConfigFromFlags("", kc)
			if err != nil {
				tb.Fatalf("%s=%s: %v", EnvKubeconfig, kc, err)
			}
			cfg.QPS, cfg.Burst = 1000, 2000
			external = cfg
		}
		return rest.CopyConfig(external)
	}
	return rest.CopyConfig(Cluster(tb).RESTConfig())
}

// Cluster returns this binary's own control plane (never an external one), for tests that need to
// restart processes or add identities. It skips the test when KUBESTATE_TEST_KUBECONFIG is set.
func Cluster(tb testing.TB, ids ...controlplane.Identity) *controlplane.Cluster {
	tb.Helper()
	if os.Getenv(EnvKubeconfig) != "" {
		tb.Skipf("needs its own control plane; %s points at an external one", EnvKubeconfig)
	}
	mu.Lock()
	defer mu.Unlock()
	if started == nil && startErr == nil {
		started, startErr = start(ids)
	}
	if startErr != nil {
		tb.Fatalf("local control plane: %v", startErr)
	}
	return started
}

// Kubeconfig returns the path of an admin kubeconfig for the test cluster, for code that loads one
// the way users do (auth_type: kubeConfig).
func Kubeconfig(tb testing.TB) string {
	tb.Helper()
	if kc := os.Getenv(EnvKubeconfig); kc != "" {
		return kc
	}
	return Cluster(tb).KubeconfigPath()
}

// Clientset is a typed admin client for the test cluster.
func Clientset(tb testing.TB) kubernetes.Interface {
	tb.Helper()
	cs, err := kubernetes.NewForConfig(RESTConfig(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

// BinDir is the repository's bin/ directory (or $KUBESTATE_BIN_DIR).
func BinDir() (string, error) {
	if d := os.Getenv("KUBESTATE_BIN_DIR"); d != "" {
		return d, nil
	}
	root, err := RepoRoot()
	return filepath.Join(root, "bin"), err
}

// RepoRoot is the repository's root: the first directory above the working directory with a go.mod
// and builder-config.yaml (tool modules below it have a go.mod of their own).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "builder-config.yaml")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (with go.mod and builder-config.yaml) not found above the working directory")
		}
		dir = parent
	}
}

// RepoPath is a path in the repository, elems joined to its root.
func RepoPath(tb testing.TB, elems ...string) string {
	tb.Helper()
	root, err := RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(append([]string{root}, elems...)...)
}

// Identities every test control plane accepts, so RBAC tests can act as an unprivileged user.
var Identities = []controlplane.Identity{
	{User: "kubestate-limited", Token: "kubestate-limited-token", Groups: []string{"kubestate:limited"}},
}

func start(extra []controlplane.Identity) (*controlplane.Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Always a control plane of the tests' own (in a temporary directory): tests stop and restart it.
	t, err := controlplane.UseOrStart(ctx, "", controlplane.Options{
		BinDir:     bin,
		Identities: append(append([]controlplane.Identity{}, Identities...), extra...),
		Progress:   os.Stderr,
	})
	if err != nil {
		return nil, err
	}
	return t.Local, nil
}
