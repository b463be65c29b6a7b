package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/internal/testenv/seed"
	"github.com/kubestate/kubestate/tools/harness/parity"
)

// TestCRSConfigSeriesPerRelease evaluates the bench's config on synthetic Releases at several
// revisions: every metric resolves, and each Release makes exactly CRSSeriesPerObject series, the
// count the bench's sanity check holds both sides to, whatever the churn has changed.
func TestCRSConfigSeriesPerRelease(t *testing.T) {
	data, err := os.ReadFile(testenv.RepoPath(t, CRSDir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := customresource.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	resources, err := customresource.Compile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gvk := customresource.GroupVersionKind{Group: Releases.Group, Version: Releases.Version, Kind: "Release"}
	if len(resources) != 1 || !resources[0].Matches(gvk) {
		t.Fatalf("want one resource matching %v, got %d", gvk, len(resources))
	}
	b := resources[0].Bind(gvk, Releases.Resource, true)
	if len(b.Metrics) != 5 {
		t.Fatalf("%d metrics, want 5", len(b.Metrics))
	}
	phases := map[string]bool{}
	for i := range 60 {
		for _, rev := range []int{0, 1, 7, 1000} {
			r := seed.Release(i, rev)
			perMetric := make([]int, len(b.Metrics))
			phaseSet := 0.0
			n := 0
			errs := b.Evaluate(r.Object, func(m int, s customresource.Sample) {
				n++
				perMetric[m]++
				if b.Metrics[m].Name == "kube_customresource_release_phase" {
					phaseSet += s.Value
				}
				for j, k := range s.Keys {
					if k == "phase" && s.Value == 1 {
						phases[s.Values[j]] = true
					}
				}
			})
			if len(errs) > 0 {
				t.Fatalf("release %d revision %d: %v", i, rev, errs)
			}
			if n != CRSSeriesPerObject {
				t.Fatalf("release %d revision %d: %d series (per metric %v), want %d", i, rev, n, perMetric, CRSSeriesPerObject)
			}
			if phaseSet != 1 {
				t.Fatalf("release %d revision %d: %v states set, want exactly one", i, rev, phaseSet)
			}
		}
	}
	if len(phases) != len(seed.ReleasePhases) {
		t.Errorf("phases seen %v, want all of %v", phases, seed.ReleasePhases)
	}
}

// TestCRSCollectorConfig checks that the receiver accepts the bench's collector config, custom
// resource state alone from the bench's file.
func TestCRSCollectorConfig(t *testing.T) {
	file := testenv.RepoPath(t, CRSDir, "config.yaml")
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 30 * time.Second, MaxBatch: 8192, CustomResourceStateFile: file}
	path := filepath.Join(t.TempDir(), "collector.yaml")
	if err := os.WriteFile(path, []byte(c.YAML()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parity.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("the receiver refuses the bench's config: %v\n%s", err, c.YAML())
	}
	if cfg.CustomResourceStateFile != file || !cfg.CustomResourceStateOnly {
		t.Errorf("custom_resource_state_file %q only %v, want %q and true", cfg.CustomResourceStateFile, cfg.CustomResourceStateOnly, file)
	}
	c.CustomResourceStateFile = ""
	if strings.Contains(c.YAML(), "custom_resource_state") {
		t.Errorf("the pod bench's config names custom resource state:\n%s", c.YAML())
	}
}

func deliveries(points ...int) []Delivery {
	out := make([]Delivery, len(points))
	for i, p := range points {
		out[i].Points = p
	}
	return out
}

func TestCRSSync(t *testing.T) {
	for _, c := range []struct {
		name       string
		ksm, ks    []Delivery
		done, fail bool
	}{
		{"nothing yet", nil, nil, false, false},
		{"KSM still discovering", deliveries(0, 0, 0), deliveries(90, 90, 90), false, false},
		{"both complete", deliveries(0, 90), deliveries(90), true, false},
		{"kubestate complete earlier", deliveries(90), deliveries(90, 90, 90), true, false},
		{"kubestate not yet", deliveries(90, 90), deliveries(45), false, false},
		{"settled on different counts", deliveries(90, 90, 90), deliveries(81, 81, 81), false, true},
		{"settled on the same wrong count", deliveries(81, 81, 81), deliveries(81, 81, 81), false, true},
		{"kubestate still moving", deliveries(90, 90, 90), deliveries(9, 81, 81), false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			done, err := CRSSync(c.ksm, c.ks, 90)
			if done != c.done || (err != nil) != c.fail {
				t.Errorf("done %v err %v, want done %v fail %v", done, err, c.done, c.fail)
			}
		})
	}
}

func TestCRSLine(t *testing.T) {
	r := CRSResult{Releases: 10000, Want: 90000, Result: Result{
		KSM:       Summary{CPUTotal: 40 * time.Second, RSSSteady: 200e6, PerCycle: 90000},
		Kubestate: Summary{CPUTotal: 10 * time.Second, RSSSteady: 100e6, PerCycle: 90000}}}
	want := "bench-crs: crs=10000 series=90000/90000 cpu_ratio=0.25 rss_ratio=0.50 kubestate_cpu_s=10.0 ksm_cpu_s=40.0 kubestate_rss_mb=100.0 ksm_rss_mb=200.0"
	if got := r.Line(); got != want {
		t.Errorf("line\n got %s\nwant %s", got, want)
	}
	if err := CheckSeriesCounts(90000, 89991, 90000); err == nil || !strings.Contains(err.Error(), "kubestate 89991") {
		t.Errorf("CheckSeriesCounts on different counts: %v", err)
	}
}
