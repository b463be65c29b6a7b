// Package distribution tests the built collector (_build/otelcol-kubestate) as users run it.
package distribution

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func collector(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../../_build/otelcol-kubestate")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skip("_build/otelcol-kubestate not built: run make build (make test builds it)")
	}
	return p
}

const pipeline = `
exporters:
  nop:
service:
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [nop]
`

func validate(t *testing.T, receiver string) (string, error) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(f, []byte("receivers:\n  kubestate:\n"+receiver+pipeline), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(collector(t), "validate", "--config", f).CombinedOutput()
	return string(out), err
}

func TestValidateAcceptsGoodConfigs(t *testing.T) {
	for name, cfg := range map[string]string{
		"defaults": "",
		"full": `    auth_type: kubeConfig
    kubeconfig: /tmp/kubeconfig
    collection_interval: 15s
    export_timeout: 5s
    resources: [pods, nodes]
    metric_denylist: ["kube_pod_container_.*"]
    metric_labels_allowlist: {"*": [app, "team*"]}
    object_labels_as_attributes: {pods: [app], "*": ["app.kubernetes.io/*"]}
`,
	} {
		if out, err := validate(t, cfg); err != nil {
			t.Errorf("%s: refused: %v\n%s", name, err, out)
		}
	}
}

func TestValidateRefusesBadConfigsNamingTheField(t *testing.T) {
	for name, c := range map[string]struct{ cfg, want string }{
		"auth_type":                    {"    auth_type: token\n", `auth_type "token" is not supported`},
		"export_timeout":               {"    collection_interval: 5s\n    export_timeout: 10s\n", "export_timeout (10s) must not exceed collection_interval (5s)"},
		"max_data_points_per_batch":    {"    max_data_points_per_batch: 0\n", "max_data_points_per_batch must be at least 1"},
		"resources":                    {"    resources: [pods, widgets]\n", `resources: unknown resource "widgets"`},
		"metric lists":                 {"    metric_allowlist: [a]\n    metric_denylist: [b]\n", "metric_allowlist and metric_denylist are mutually exclusive"},
		"metric_allowlist regex":       {"    metric_allowlist: [\"kube_(\"]\n", `metric_allowlist: "kube_(" is not a valid regular expression`},
		"metric_labels_allowlist":      {"    metric_labels_allowlist: {pod: [app]}\n", `metric_labels_allowlist: unknown resource "pod"`},
		"metric_annotations_allowlist": {"    metric_annotations_allowlist: {pods: [\"*a*\"]}\n", `metric_annotations_allowlist[pods]: "*a*" has 2 wildcards`},
		"object_labels_as_attributes":  {"    object_labels_as_attributes: {pods: [app, \"\"]}\n", `object_labels_as_attributes[pods]: a label key must not be empty`},
		"namespaces":                   {"    namespaces: [Bad_Name]\n", `namespaces: "Bad_Name" is not a valid namespace name`},
		"unknown key":                  {"    colection_interval: 5s\n", "colection_interval"},
		"duration syntax":              {"    collection_interval: often\n", "collection_interval"},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := validate(t, c.cfg)
			if err == nil {
				t.Fatalf("accepted:\n%s", out)
			}
			if !strings.Contains(out, c.want) {
				t.Fatalf("output does not contain %q:\n%s", c.want, out)
			}
		})
	}
}
