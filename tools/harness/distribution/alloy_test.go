package distribution

import (
	"debug/buildinfo"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// alloyCollector is the distribution built at Grafana Alloy's collector pins
// (builder-config-alloy.yaml, make build-alloy).
func alloyCollector(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../../_build/alloy/otelcol-kubestate")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("_build/alloy/otelcol-kubestate not built (%v): run make build-alloy (make test builds it)", err)
	}
	return p
}

// TestAlloyPinnedBuild: the receiver, as this checkout has it, built by ocb v0.158.0 with collector
// components at Alloy's pins, links against exactly those pins (the receiver upgrades nothing of
// them: k8s.io, gRPC, otel and the collector stay where Alloy has them), and the binary runs
// against the test control plane and serves KSM's series through the Prometheus exporter, those
// of the resources read in JSON (MutatingAdmissionPolicy and its binding) included.
func TestAlloyPinnedBuild(t *testing.T) {
	bin := alloyCollector(t)
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]string{}
	for _, m := range info.Deps {
		linked[m.Path] = m.Version
		if m.Path == "github.com/kubestate/kubestate" && (m.Replace == nil || m.Replace.Path != "../../") {
			t.Errorf("the receiver module is %s %s (replace %+v), not this checkout (../../)", m.Path, m.Version, m.Replace)
		}
	}
	for path, want := range map[string]string{
		"k8s.io/api":                                          "v0.35.4",
		"k8s.io/apimachinery":                                 "v0.35.4",
		"k8s.io/client-go":                                    "v0.35.4",
		"google.golang.org/grpc":                              "v1.83.0",
		"go.opentelemetry.io/otel":                            "v1.44.0",
		"go.opentelemetry.io/otel/sdk/metric":                 "v1.44.0",
		"go.opentelemetry.io/collector/otelcol":               "v0.158.0",
		"go.opentelemetry.io/collector/receiver/otlpreceiver": "v0.158.0",
		"go.opentelemetry.io/collector/component":             "v1.64.0",
		"go.opentelemetry.io/collector/pdata":                 "v1.64.0",
		"github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusexporter": "v0.158.0",
	} {
		if got := linked[path]; got != want {
			t.Errorf("the Alloy-pinned build links %s %q, want %s", path, got, want)
		}
	}
	for path, v := range linked {
		if strings.HasPrefix(path, "go.opentelemetry.io/collector/") && v != "v0.158.0" && v != "v1.64.0" {
			t.Errorf("the Alloy-pinned build links %s %s, not the collector release v0.158.0 / v1.64.0", path, v)
		}
	}

	kubeconfig, _ := seededCluster(t)
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	p := startCollectorBinary(t, bin, "collector-alloy", fmt.Sprintf(`receivers:
  kubestate:
    auth_type: kubeConfig
    kubeconfig: %q
    collection_interval: 2s
    export_timeout: 2s
exporters:
  prometheus:
    endpoint: %s
    translation_strategy: UnderscoreEscapingWithoutSuffixes
    without_scope_info: true
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [prometheus]
`, kubeconfig, promAddr))
	p.awaitUp(90 * time.Second)

	// Series of value 1 from the fixtures (testdata/fixtures), of each reading path: protobuf (pods,
	// namespaces), Table (secrets) and JSON (the admission policies).
	want := []struct {
		name   string
		labels []string
	}{
		{"kube_pod_info", nil},
		{"kube_namespace_status_phase", []string{`namespace="default"`, `phase="Active"`}},
		{"kube_secret_type", nil},
		{"kube_mutatingadmissionpolicy_info", []string{`mutatingadmissionpolicy="demo-default-labels"`, `param_kind="ConfigMap"`, `failure_policy="Ignore"`, `reinvocation_policy="IfNeeded"`}},
		{"kube_mutatingadmissionpolicybinding_info", []string{`mutatingadmissionpolicybinding="demo-default-labels"`, `policy_name="demo-default-labels"`, `param_not_found_action="Allow"`}},
	}
	waitFor(t, 60*time.Second, "the Alloy-pinned build's Prometheus exporter serving KSM's series", func() (bool, string) {
		if p.exited() {
			t.Fatalf("collector exited: %v\n%s", p.waitErr, tailFile(p.logPath, 40))
		}
		page, err := get("http://" + promAddr + "/metrics")
		if err != nil {
			return false, err.Error()
		}
		for _, w := range want {
			if _, ok := find(page, w.name, 1, w.labels...); !ok {
				return false, fmt.Sprintf("no %s series with %v", w.name, w.labels)
			}
		}
		return true, ""
	})
	if took, err := p.sigterm(30 * time.Second); err != nil {
		t.Errorf("SIGTERM: %v (after %s)", err, took)
	}
}
