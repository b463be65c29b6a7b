package parity

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes"

	"github.com/kubestate/kubestate/internal/testenv"
)

// TestParityPrometheus is the Prometheus path of `make parity`: the demo fixtures (plus a
// namespace whose annotations need escaping) through the distribution's Prometheus exporter with the
// README's settings, beside kube-state-metrics v2.20.0 on the same apiserver. Every series must
// match by name, label set and value, and both outputs byte for byte up to the order of lines and of
// label pairs. With the default config it also deletes an object and checks that its series leave
// the exporter's output within metric_expiration.
func TestParityPrometheus(t *testing.T) { testPrometheusPath(t, false) }

// TestParityPull is the same through the receiver's own pull endpoint (pull.endpoint, push: false),
// held to more: every sample line byte for byte with KSM's label order, HELP and TYPE for the same
// families (those KSM declares without samples included), and a deleted object's series gone with
// the next page.
func TestParityPull(t *testing.T) { testPrometheusPath(t, true) }

func testPrometheusPath(t *testing.T, pull bool) {
	env := newFixtureEnv(t)
	ctx, ksm, kubeconfig, dir, rc := env.ctx, env.ksm, env.kubeconfig, env.dir, env.rc
	collector := filepath.Join(filepath.Dir(env.bin), "_build", "otelcol-kubestate")
	if _, err := os.Stat(collector); err != nil {
		t.Fatalf("the Prometheus path needs the distribution %s (make build builds it): %v", collector, err)
	}
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := EnsureEscapingProbe(ctx, kube); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"default", "allowlists", "all-resources"} {
		t.Run(name, func(t *testing.T) {
			cfg, err := LoadConfig(testenv.RepoPath(t, "testdata", "parity", name+".yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var expiry *ExpiryResult
			popts := PrometheusOptions{Collector: CollectorOptions{Binary: collector, Pull: pull}}
			switch name {
			case "allowlists":
				// The probe must have been compared, or the escaping check proved nothing.
				popts.Inspect = func(ctx context.Context, _ *KSM, c *Collector) error { return probeServed(ctx, c) }
			case "default":
				popts.Inspect = func(ctx context.Context, k *KSM, c *Collector) error {
					res, err := CheckExpiry(ctx, kube, "default", k, c)
					expiry = &res
					return err
				}
			}
			run, err := RunConfigPrometheus(ctx, name, cfg, Options{
				KSMBinary:  ksm,
				Kubeconfig: kubeconfig,
				WorkDir:    dir,
				Progress:   logWriter{t},
			}, popts)
			if err != nil {
				t.Fatal(err)
			}
			res := run.Result
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
			if e := run.Exposition; !e.OK() {
				t.Errorf("%s", ExpositionDetails(e))
			} else if pull && !e.Exact() {
				t.Errorf("pull endpoint: %s; want every line byte for byte in KSM's label order and HELP/TYPE of every family KSM declares: %v",
					e.Summary(), e.KSMHeaderOnly)
			} else {
				t.Log(e.Summary())
			}
			if expiry != nil {
				if !expiry.OK() {
					t.Errorf("%s: later than the bound", expiry)
				} else {
					t.Log(expiry)
				}
			}
		})
	}
}

// probeServed checks that the exporter serves the escaping probe's annotations with their exact
// values, so that the comparison covered them.
func probeServed(ctx context.Context, c *Collector) error {
	set, err := c.Scrape(ctx)
	if err != nil {
		return err
	}
	for _, s := range set.Series {
		if s.Name != "kube_namespace_annotations" || s.Label("namespace") != EscapingNamespace {
			continue
		}
		for key, label := range map[string]string{
			"kubestate.dev/escaping": "annotation_kubestate_dev_escaping",
			"kubestate.dev/utf8":     "annotation_kubestate_dev_utf8",
			"kubestate.dev/number":   "annotation_kubestate_dev_number",
		} {
			if got := s.Label(label); got != EscapingAnnotations[key] {
				return fmt.Errorf("%s: %s=%q, want %q", s.Key(), label, got, EscapingAnnotations[key])
			}
		}
		return nil
	}
	return fmt.Errorf("the exporter serves no kube_namespace_annotations{namespace=%q}", EscapingNamespace)
}
