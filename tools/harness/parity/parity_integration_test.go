package parity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestParity is the fast form of `make parity`: the demo fixtures on this test binary's control
// plane, kube-state-metrics v2.20.0 and the receiver's engine side by side, for every parity config.
// The all-resources config also requires every one of the 39 resources to have series on KSM's side,
// so that a resource without fixture objects cannot pass by comparing nothing.
func TestParity(t *testing.T) {
	env := newFixtureEnv(t)
	ctx, ksm, kubeconfig, dir := env.ctx, env.ksm, env.kubeconfig, env.dir

	for _, name := range []string{"default", "allowlists", "all-resources"} {
		t.Run(name, func(t *testing.T) {
			cfg, err := LoadConfig(testenv.RepoPath(t, "testdata", "parity", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			run, err := RunConfig(ctx, name, cfg, Options{
				KSMBinary:  ksm,
				Kubeconfig: kubeconfig,
				WorkDir:    dir,
				Progress:   logWriter{t},
			})
			if err != nil {
				t.Fatal(err)
			}
			res := run.Result
			if name == "all-resources" {
				for _, r := range ResourcesWithoutSeries(res) {
					t.Errorf("resource %s: kube-state-metrics emitted no series, so nothing of it was compared (add fixture objects)", r)
				}
			}
			for _, f := range res.Failing() {
				t.Errorf("\n%s", FamilyDetails(f))
			}
			for _, m := range res.MetaDiffs {
				t.Errorf("family metadata differs: %s", m)
			}
			if !res.OK() {
				t.Errorf("%s (kube-state-metrics flags: %s)", res.Summary(), strings.Join(run.KSMArgs, " "))
			} else {
				t.Log(res.Summary())
			}
		})
	}
}

// fixtureEnv is what the parity integration tests share: kube-state-metrics' binary, and this test
// binary's control plane with the fixtures applied, reached through a kubeconfig file in dir.
type fixtureEnv struct {
	ctx                  context.Context // ends 8 minutes after the start, or with the test
	rc                   *rest.Config
	bin                  string // bin/
	ksm, dir, kubeconfig string
}

func newFixtureEnv(t *testing.T) fixtureEnv {
	t.Helper()
	bin, err := testenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	env := fixtureEnv{bin: bin, ksm: filepath.Join(bin, "kube-state-metrics"), dir: t.TempDir(), rc: testenv.RESTConfig(t)}
	if _, err := os.Stat(env.ksm); err != nil {
		t.Fatalf("parity needs %s (make tools builds it): %v", env.ksm, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	t.Cleanup(cancel)
	env.ctx = ctx
	env.kubeconfig = filepath.Join(env.dir, "kubeconfig")
	if err := WriteKubeconfig(env.rc, env.kubeconfig); err != nil {
		t.Fatal(err)
	}
	applyFixtures(ctx, t, env.rc)
	return env
}

var (
	fixturesOnce sync.Once
	fixturesErr  error
)

// applyFixtures applies testdata/fixtures to this test binary's cluster once, for every test.
func applyFixtures(ctx context.Context, t *testing.T, rc *rest.Config) {
	t.Helper()
	fixturesOnce.Do(func() {
		applier, err := seed.NewApplier(rc, nil)
		if err != nil {
			fixturesErr = err
			return
		}
		_, fixturesErr = applier.ApplyDir(ctx, testenv.RepoPath(t, "testdata", "fixtures"))
	})
	if fixturesErr != nil {
		t.Fatalf("applying the fixtures: %v", fixturesErr)
	}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
