package kubestatereceiver

import (
	"slices"
	"testing"
)

func familyNames(t *testing.T, c *Config) map[string][]string {
	t.Helper()
	run, err := c.compile()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, s := range run.sources {
		for _, f := range s.Families() {
			out[s.Name()] = append(out[s.Name()], f.Name)
		}
	}
	return out
}

func TestSourcesFollowResourcesAndMetricLists(t *testing.T) {
	c := createDefaultConfig()
	c.Resources = []string{"pods", "nodes"}
	got := familyNames(t, c)
	if len(got) != 2 || len(got["pods"]) != 59 || len(got["nodes"]) != 13 {
		t.Fatalf("resources [pods nodes]: %d sources, pods %d families (59 without the opt-in one), nodes %d", len(got), len(got["pods"]), len(got["nodes"]))
	}
	if slices.Contains(got["pods"], "kube_pod_nodeselectors") {
		t.Fatal("opt-in family enabled without metric_opt_in_list")
	}

	// KSM's allowlist regexes match anywhere in the name (unanchored), in ECMAScript syntax.
	c.MetricAllowlist = []string{"status_phase", `^kube_node_info$`, `kube_pod_container_status_(?!restarts)\w+_reason`}
	got = familyNames(t, c)
	want := map[string][]string{
		"pods":  {"kube_pod_status_phase", "kube_pod_container_status_waiting_reason", "kube_pod_container_status_terminated_reason", "kube_pod_container_status_last_terminated_reason"},
		"nodes": {"kube_node_info"},
	}
	for res, names := range want {
		g := slices.Clone(got[res])
		slices.Sort(g)
		slices.Sort(names)
		if !slices.Equal(g, names) {
			t.Errorf("%s with allowlist: got %v, want %v", res, g, names)
		}
	}

	c.MetricAllowlist = nil
	c.MetricDenylist = []string{"kube_pod_.*"}
	c.MetricOptInList = []string{"kube_pod_nodeselectors"}
	got = familyNames(t, c)
	if len(got["pods"]) != 0 || len(got["nodes"]) != 13 {
		t.Fatalf("denylist kube_pod_.* left pods %v, nodes %d", got["pods"], len(got["nodes"]))
	}
	c.MetricDenylist = nil
	if got = familyNames(t, c); !slices.Contains(got["pods"], "kube_pod_nodeselectors") {
		t.Fatal("metric_opt_in_list did not enable kube_pod_nodeselectors")
	}
}

func TestAllowlistResolution(t *testing.T) {
	noErrors := func(format string, args ...any) { t.Fatalf(format, args...) }
	m := compileAllowlists("metric_labels_allowlist", map[string][]string{"pods": {"app"}, "*": {"team"}}, noErrors)
	if a := allowlistFor(m, "pods"); a == nil {
		t.Fatal("no allowlist for pods")
	} else if k, _ := a.PromLabels("label", map[string]string{"app": "x", "team": "y"}); !slices.Equal(k, []string{"label_team"}) {
		t.Fatalf(`"*" must take precedence over the resource's own entry, as in KSM; got %v`, k)
	}
	if allowlistFor(compileAllowlists("metric_labels_allowlist", map[string][]string{"pods": {"app"}}, noErrors), "nodes") != nil {
		t.Fatal("nodes got the pods allowlist")
	}
}
