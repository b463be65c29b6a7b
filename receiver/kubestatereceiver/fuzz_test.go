package kubestatereceiver

import (
	"strings"
	"testing"
	"time"

	"github.com/kubestate/kubestate/internal/watchdog"
)

// FuzzConfigValidate fuzzes the receiver configuration: Validate never panics, each problem it
// reports names its field, and a configuration it accepts compiles into sources (the regexes,
// allowlists and resource names Start uses) without a panic.
//
//	go test ./receiver/kubestatereceiver -run='^$' -fuzz=FuzzConfigValidate -fuzztime=10s
//
// List arguments are split on ",".
func FuzzConfigValidate(f *testing.F) {
	type seed struct {
		auth, kubeconfig, resources, namespaces, denyNS, allow, deny, optIn, labelRes, labelKeys string
		interval, timeout                                                                        int64
		maxPoints                                                                                int
	}
	for _, s := range []seed{
		{auth: "serviceAccount", interval: int64(30 * time.Second), timeout: int64(10 * time.Second), maxPoints: 8192},
		{auth: "kubeConfig", kubeconfig: "/tmp/kc", resources: "pods,nodes", namespaces: "default,kube-system",
			allow: "kube_pod_.*,^kube_node_info$", optIn: "kube_pod_.*", labelRes: "pods", labelKeys: "app,team,app.kubernetes.io/*",
			interval: int64(time.Second), timeout: int64(time.Second), maxPoints: 1},
		{auth: "none", resources: "pods,pods,nope", denyNS: "Bad_NS", deny: "(?<=x)kube", optIn: "(", labelRes: "*", labelKeys: "*,a**b",
			interval: -1, timeout: 0, maxPoints: -5},
		{auth: "oidc", allow: "[", deny: "x", labelRes: "secrets", labelKeys: "\xbaapp*", interval: 1, timeout: 2},
		{auth: "serviceAccount", resources: "configmaps", allow: "(a+)+$", interval: int64(time.Minute), timeout: int64(time.Minute), maxPoints: 100},
	} {
		f.Add(s.auth, s.kubeconfig, s.resources, s.namespaces, s.denyNS, s.allow, s.deny, s.optIn, s.labelRes, s.labelKeys, s.interval, s.timeout, s.maxPoints)
	}
	fields := []string{"auth_type", "kubeconfig", "collection_interval", "export_timeout", "max_data_points_per_batch", "resources",
		"namespaces", "namespaces_denylist", "metric_allowlist", "metric_denylist", "metric_opt_in_list", "metric_labels_allowlist",
		"metric_annotations_allowlist", "object_labels_as_attributes", "pull.endpoint", "pull.write_timeout", "pull.max_connections", "push", "shard", "total_shards", "node", "track_unscheduled_pods", "leader_election"}
	list := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	f.Fuzz(func(t *testing.T, auth, kubeconfig, res, ns, denyNS, allow, deny, optIn, labelRes, labelKeys string, interval, timeout int64, maxPoints int) {
		defer watchdog.Start(watchdog.PerInput)() // a hung input fails, saved
		cfg := createDefaultConfig()
		cfg.AuthType, cfg.Kubeconfig = AuthType(auth), kubeconfig
		cfg.CollectionInterval, cfg.ExportTimeout, cfg.MaxDataPointsPerBatch = time.Duration(interval), time.Duration(timeout), maxPoints
		cfg.Resources, cfg.Namespaces, cfg.NamespacesDenylist = list(res), list(ns), list(denyNS)
		cfg.MetricAllowlist, cfg.MetricDenylist, cfg.MetricOptInList = list(allow), list(deny), list(optIn)
		if labelRes != "" {
			cfg.MetricLabelsAllowlist = map[string][]string{labelRes: list(labelKeys)}
			cfg.MetricAnnotationsAllowlist = map[string][]string{labelRes: list(labelKeys)}
			cfg.ObjectLabelsAsAttributes = map[string][]string{labelRes: list(labelKeys)}
		}
		start := time.Now()
		run, err := cfg.compile() // what Validate and Start both call
		if err != nil {
			var errs []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			} else {
				errs = []error{err}
			}
			for _, e := range errs {
				msg := e.Error()
				if !containsAny(msg, fields) {
					t.Fatalf("error names no field: %q", msg)
				}
			}
			return
		}
		if len(run.sources) == 0 {
			t.Fatal("a valid configuration watches no resource")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("compiling the accepted configuration took %s (allowlist %q, denylist %q)", d, cfg.MetricAllowlist, cfg.MetricDenylist)
		}
	})
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
