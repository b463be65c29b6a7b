package parity

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// TestK8sClusterParity runs kubestate with schema: k8s_cluster and the contrib k8s_cluster
// receiver v0.149.0 (tools/k8sclusterref) on the same control plane and fixtures, and requires
// every point of the reference, but the deliberate differences, to be matched by metric name,
// resource attributes, data point attributes, value type and value, with the same metric type
// and unit, and no point of kubestate's to be extra.
func TestK8sClusterParity(t *testing.T) {
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// Built before the fixture environment's 8 minutes start: a cold build of the contrib
	// receiver took 308 s on 2 busy cores (go's build cache makes the next ones seconds).
	ref := filepath.Join(t.TempDir(), "k8sclusterref")
	if err := BuildK8sClusterRef(t.Context(), root, ref); err != nil {
		t.Fatal(err)
	}
	env := newFixtureEnv(t)
	const interval = 2 * time.Second
	want, err := RefCycles(env.ctx, ref, env.kubeconfig, interval, filepath.Join(env.dir, "k8sclusterref.log"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
	cfg.Schema = "k8s_cluster"
	got, err := OursCycles(env.ctx, cfg, env.kubeconfig, interval)
	if err != nil {
		t.Fatal(err)
	}
	checkOTel(t, "pdata", CompareOTel(want, got, K8sClusterDifferences, K8sClusterPartial))

	// The same comparison through the distribution's Prometheus exporter, as a user who exports
	// either receiver's metrics to Prometheus sees them.
	collector := filepath.Join(filepath.Dir(env.bin), "_build", "otelcol-kubestate")
	refPage, err := RefThroughExporter(env.ctx, ref, collector, env.kubeconfig, interval, env.dir)
	if err != nil {
		t.Fatal(err)
	}
	ourPage, err := OursThroughExporter(env.ctx, cfg, collector, env.kubeconfig, interval, env.dir)
	if err != nil {
		t.Fatal(err)
	}
	checkOTel(t, "through the Prometheus exporter", CompareExported(refPage, ourPage, K8sClusterDifferences, K8sClusterPartial))
}

// checkOTel fails t with every difference res lists, or when it compared nothing.
func checkOTel(t *testing.T, path string, res *OTelResult) {
	t.Helper()
	for _, l := range [][]string{res.Missing, res.Extra, res.Differ, res.MetaDiff} {
		if len(l) > 0 {
			t.Errorf("%s:\n%s", path, strings.Join(l, "\n"))
		}
	}
	if res.Total == 0 {
		t.Fatalf("%s: the reference had nothing to compare", path)
	}
	t.Logf("%s: %s", path, res.Summary())
}
