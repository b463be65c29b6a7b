package distribution

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

const alertsDir = "../../../deploy/alerts"

// TestAlertRules checks the own-health alerts under deploy/alerts: promtool accepts the rules and
// their unit tests pass (each alert fires on its condition and not on a healthy receiver), the
// PrometheusRule holds the same groups, and every metric the rules read is one the distribution
// really exposes in its telemetry (under failing exports and skipped cycles, so the counters that
// appear only once they move are there too).
func TestAlertRules(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool (Debian's prometheus package, which make test installs): %v", err)
	}
	for _, args := range [][]string{{"check", "rules", "kubestate-alerts.yaml"}, {"test", "rules", "kubestate-alerts.test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = alertsDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	rules, err := os.ReadFile(alertsDir + "/kubestate-alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cr, err := os.ReadFile(alertsDir + "/prometheusrule.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Groups any }
	var rule struct{ Spec struct{ Groups any } }
	if err := yaml.Unmarshal(rules, &file); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(cr, &rule); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(file.Groups, rule.Spec.Groups) {
		t.Fatal("deploy/alerts/prometheusrule.yaml and kubestate-alerts.yaml hold different rules")
	}

	var names []string
	for _, m := range regexp.MustCompile(`otelcol_kubestate_\w+`).FindAllString(string(rules), -1) {
		if !slices.Contains(names, m) {
			names = append(names, m)
		}
	}
	kubeconfig, _ := seededCluster(t)
	hole := newBlackhole(t)
	p := startCollector(t, "collector", fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: 1s
    export_timeout: 1s
    resources: [configmaps, namespaces]
exporters:
  otlp_grpc:
    endpoint: %s
    tls:
      insecure: true
    wait_for_ready: true
    sending_queue:
      enabled: false
    retry_on_failure:
      enabled: false
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [otlp_grpc]
`, kubeconfig, hole.addr()))
	p.awaitUp(60 * time.Second)
	// A counter appears in the telemetry once it has moved: cycles_skipped does not with this
	// pipeline (the per-batch deadlines end a hung cycle before the next tick). Such a name must be
	// a counter of metadata.yaml, named as the counters that did appear (exports_failed) are.
	counters := telemetryCounters(t)
	var missing []string
	waitFor(t, 30*time.Second, "every metric the alert rules read in the collector's telemetry", func() (bool, string) {
		text, err := get(p.telemetry)
		if err != nil {
			return false, err.Error()
		}
		missing = missing[:0]
		var absent []string
		for _, n := range names {
			if !regexp.MustCompile(`(?m)^` + n + `[{ ]`).MatchString(text) {
				missing = append(missing, n)
				if !counters[strings.TrimPrefix(n, "otelcol_")] {
					absent = append(absent, n)
				}
			}
		}
		sawCounter := regexp.MustCompile(`(?m)^otelcol_kubestate_exports_failed[{ ]`).MatchString(text)
		return len(absent) == 0 && sawCounter, fmt.Sprintf("not exposed and not a counter that has yet to move: %v; exports_failed exposed: %v", absent, sawCounter)
	})
	t.Logf("the rules read %d metrics: %s; all exposed by the running collector except these counters, which did not move in the test: %v",
		len(names), strings.Join(names, ", "), missing)
}

// telemetryCounters are the receiver's synchronous counters, from metadata.yaml.
func telemetryCounters(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../../../metadata.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Telemetry struct {
			Metrics map[string]struct {
				Sum *struct {
					Async bool `json:"async"`
				} `json:"sum"`
			} `json:"metrics"`
		} `json:"telemetry"`
	}
	if err := yaml.Unmarshal(b, &md); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for name, m := range md.Telemetry.Metrics {
		if m.Sum != nil && !m.Sum.Async {
			out[name] = true
		}
	}
	if !out["kubestate_cycles_skipped"] {
		t.Fatalf("metadata.yaml: kubestate_cycles_skipped is not a synchronous counter (%v)", out)
	}
	return out
}
