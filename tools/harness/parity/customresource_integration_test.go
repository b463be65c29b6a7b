package parity

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// TestParityCustomResources compares custom resource state with kube-state-metrics v2.20.0 started
// with --custom-resource-state-config-file on the same apiserver: every case of
// testdata/customresource (each example of KSM's CRS documentation, wildcards included, and our
// own path and conversion cases) with --custom-resource-state-only, then the custom-resources
// parity configs (KSM's default resources and a wildcard config together; a metric_denylist). CRDs and objects come
// from testdata/fixtures-customresources.
func TestParityCustomResources(t *testing.T) {
	env := newFixtureEnv(t)
	applyCustomResourceFixtures(env.ctx, t, env.rc)

	for _, r := range customResourceRuns(t) {
		t.Run(r.name, func(t *testing.T) {
			res, err := RunConfig(env.ctx, r.name, r.cfg, Options{KSMBinary: env.ksm, Kubeconfig: env.kubeconfig, WorkDir: env.dir, Progress: logWriter{t}})
			if err != nil {
				t.Fatal(err)
			}
			checkCustomResourceRun(t, res.Result, res.KSMArgs)
		})
	}
}

// TestParityPrometheusCustomResources is TestParityCustomResources through the distribution's
// Prometheus exporter (make build): every series equal, and both pages equal up to the order of
// lines and label pairs, KSM's info and stateset TYPE lines reading gauge.
func TestParityPrometheusCustomResources(t *testing.T) { testCustomResourcesPage(t, false) }

// TestParityPullCustomResources is the same through the receiver's own pull endpoint, held to
// KSM's page line for line: label order, HELP, and TYPE info and stateset included.
func TestParityPullCustomResources(t *testing.T) { testCustomResourcesPage(t, true) }

func testCustomResourcesPage(t *testing.T, pull bool) {
	env := newFixtureEnv(t)
	applyCustomResourceFixtures(env.ctx, t, env.rc)
	collector := filepath.Join(filepath.Dir(env.bin), "_build", "otelcol-kubestate")
	if _, err := os.Stat(collector); err != nil {
		t.Fatalf("the Prometheus path needs the distribution %s (make build builds it): %v", collector, err)
	}
	for _, r := range customResourceRuns(t) {
		// Through a page, make test compares the two parity configs (the wildcard example beside
		// KSM's default resources; the VPA example with a denylist); make reliability every case.
		if !allCustomResourcePages && !strings.HasPrefix(r.name, "custom-resources") {
			continue
		}
		t.Run(r.name, func(t *testing.T) {
			run, err := RunConfigPrometheus(env.ctx, r.name, r.cfg, Options{KSMBinary: env.ksm, Kubeconfig: env.kubeconfig, WorkDir: env.dir, Progress: logWriter{t}},
				PrometheusOptions{Collector: CollectorOptions{Binary: collector, Pull: pull}})
			if err != nil {
				t.Fatal(err)
			}
			checkCustomResourceRun(t, run.Result, run.KSMArgs)
			if e := run.Exposition; !e.OK() {
				t.Errorf("%s", ExpositionDetails(e))
			} else if pull && !e.Exact() {
				t.Errorf("pull endpoint: %s; want every line byte for byte in KSM's label order and HELP/TYPE of every family KSM declares: %v", e.Summary(), e.KSMHeaderOnly)
			}
		})
	}
}

// allCustomResourcePages runs every custom resource case through the exporter and the pull
// endpoint, not only the two parity configs (-tags reliability: make reliability).
var allCustomResourcePages = false

type customResourceRun struct {
	name string
	cfg  *kubestatereceiver.Config
}

// customResourceRuns are the configs compared: each case of testdata/customresource alone
// (custom_resource_state_only), then the custom-resources parity configs (with KSM's default
// resources; with a metric_denylist); file paths absolute, as
// the collector and kube-state-metrics read them from elsewhere.
func customResourceRuns(t *testing.T) []customResourceRun {
	t.Helper()
	cases, err := filepath.Glob(testenv.RepoPath(t, "testdata", "customresource", "*", "config.yaml"))
	if err != nil || len(cases) < 14 {
		t.Fatalf("want the 14 cases of testdata/customresource, found %d (%v)", len(cases), err)
	}
	var runs []customResourceRun
	for _, c := range cases {
		cfg := loadDefaultConfig(t)
		cfg.CustomResourceStateFile, cfg.CustomResourceStateOnly = abs(t, c), true
		runs = append(runs, customResourceRun{name: "crs-" + filepath.Base(filepath.Dir(c)), cfg: cfg})
	}
	for _, name := range []string{"custom-resources", "custom-resources-denylist"} {
		cfg, err := LoadConfig(testenv.RepoPath(t, "testdata", "parity", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		// The parity configs name their files from the repository root, as make parity runs them.
		cfg.CustomResourceStateFile = testenv.RepoPath(t, cfg.CustomResourceStateFile)
		runs = append(runs, customResourceRun{name: name, cfg: cfg})
	}
	return runs
}

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkCustomResourceRun fails the test unless every series matched, none is extra, the family
// metadata agree, and custom resource series were compared at all.
func checkCustomResourceRun(t *testing.T, res *Result, ksmArgs []string) {
	t.Helper()
	custom := 0
	for _, f := range res.Families {
		if !strings.HasPrefix(f.Name, "kube_") || strings.HasPrefix(f.Name, "kube_customresource_") || strings.HasPrefix(f.Name, "kube_verticalpodautoscaler_") {
			custom += f.Total
		}
	}
	if custom == 0 {
		t.Error("kube-state-metrics emitted no custom resource series: nothing of them was compared")
	}
	for _, f := range res.Failing() {
		t.Errorf("\n%s", FamilyDetails(f))
	}
	for _, m := range res.MetaDiffs {
		t.Errorf("family metadata differs: %s", m)
	}
	if !res.OK() || res.Extra != 0 {
		t.Errorf("%s (kube-state-metrics flags: %s)", res.Summary(), strings.Join(ksmArgs, " "))
	} else {
		t.Logf("%s; %d custom resource series", res.Summary(), custom)
	}
}

// loadDefaultConfig is the receiver's default configuration.
func loadDefaultConfig(t *testing.T) *kubestatereceiver.Config {
	t.Helper()
	cfg, err := LoadConfig(testenv.RepoPath(t, "testdata", "parity", "default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// applyCustomResourceFixtures applies the CRDs, waits until the apiserver serves them, then
// applies the custom objects.
func applyCustomResourceFixtures(ctx context.Context, t *testing.T, rc *rest.Config) {
	t.Helper()
	dir := testenv.RepoPath(t, "testdata", "fixtures-customresources")
	objs, err := seed.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var crds, rest []seed.Object
	for _, o := range objs {
		if o.Obj.GetKind() == "CustomResourceDefinition" {
			crds = append(crds, o)
		} else {
			rest = append(rest, o)
		}
	}
	a, err := seed.NewApplier(rc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(ctx, crds); err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range crds {
		deadline := time.Now().Add(time.Minute)
		for !established(ctx, dyn, c.Obj.GetName()) {
			if time.Now().After(deadline) {
				t.Fatalf("CRD %s not established within a minute", c.Obj.GetName())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// A fresh applier: its discovery must see the new kinds.
	if a, err = seed.NewApplier(rc, nil); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(ctx, rest); err != nil {
		t.Fatal(err)
	}
}

func established(ctx context.Context, dyn dynamic.Interface, name string) bool {
	crd, err := dyn.Resource(customresource.CRDs).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return false
	}
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}
