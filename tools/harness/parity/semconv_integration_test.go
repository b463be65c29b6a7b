package parity

import (
	"strings"
	"testing"
	"time"

	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// semconvCheck says which semconv metric a KSM family's points become: the KSM labels naming the
// object (resource attributes under semconv) and the labels that stay data point attributes.
type semconvCheck struct {
	family, metric string
	resource       map[string]string // KSM label -> semconv resource attribute
	attrs          map[string]string // KSM label -> semconv data point attribute
	convert        func(attr, v string) string
	oneToOne       bool // the metric has no point but those of family
}

var semconvChecks = []semconvCheck{
	{family: "kube_pod_status_phase", metric: "k8s.pod.status.phase", oneToOne: true,
		resource: map[string]string{"namespace": "k8s.namespace.name", "pod": "k8s.pod.name", "uid": "k8s.pod.uid"},
		attrs:    map[string]string{"phase": "k8s.pod.status.phase"}},
	{family: "kube_pod_container_status_restarts_total", metric: "k8s.container.restart.count",
		resource: map[string]string{"namespace": "k8s.namespace.name", "pod": "k8s.pod.name", "uid": "k8s.pod.uid", "container": "k8s.container.name"}},
	{family: "kube_pod_container_status_waiting", metric: "k8s.container.status.state",
		resource: map[string]string{"namespace": "k8s.namespace.name", "pod": "k8s.pod.name", "uid": "k8s.pod.uid", "container": "k8s.container.name"},
		attrs:    map[string]string{"": "k8s.container.status.state"}, convert: func(string, string) string { return "waiting" }},
	{family: "kube_node_status_condition", metric: "k8s.node.condition.status", oneToOne: true,
		resource: map[string]string{"node": "k8s.node.name"},
		attrs:    map[string]string{"condition": "k8s.node.condition.type", "status": "k8s.node.condition.status"}},
	{family: "kube_namespace_status_phase", metric: "k8s.namespace.phase", oneToOne: true,
		resource: map[string]string{"namespace": "k8s.namespace.name"},
		attrs:    map[string]string{"phase": "k8s.namespace.phase"}, convert: func(_, v string) string { return strings.ToLower(v) }},
	{family: "kube_deployment_spec_replicas", metric: "k8s.deployment.pod.desired", oneToOne: true,
		resource: map[string]string{"namespace": "k8s.namespace.name", "deployment": "k8s.deployment.name"}},
	{family: "kube_statefulset_status_replicas_ready", metric: "k8s.statefulset.pod.ready", oneToOne: true,
		resource: map[string]string{"namespace": "k8s.namespace.name", "statefulset": "k8s.statefulset.name"}},
	{family: "kube_persistentvolumeclaim_status_phase", metric: "k8s.persistentvolumeclaim.status.phase", oneToOne: true,
		resource: map[string]string{"namespace": "k8s.namespace.name", "persistentvolumeclaim": "k8s.persistentvolumeclaim.name"},
		attrs:    map[string]string{"phase": "k8s.persistentvolumeclaim.status.phase"}},
	{family: "kube_persistentvolume_capacity_bytes", metric: "k8s.persistentvolume.storage.capacity", oneToOne: true,
		resource: map[string]string{"persistentvolume": "k8s.persistentvolume.name"}},
}

// otelKey is a flattened series key split up: metric name, resource and data point attributes.
type otelKey struct {
	raw      string
	name     string
	resource map[string]string
	attrs    map[string]string
}

func parseOTelKey(k string) otelKey {
	attrsOf := func(s string) map[string]string {
		out := map[string]string{}
		for _, kv := range strings.Split(s, ",") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				out[k] = v
			}
		}
		return out
	}
	name, rest, _ := strings.Cut(k, " ")
	_, rest, _ = strings.Cut(rest, " [") // the point kind
	res, rest, _ := strings.Cut(rest, "] {")
	return otelKey{name: name, resource: attrsOf(res), attrs: attrsOf(strings.TrimSuffix(rest, "}"))}
}

func hasAll(m, sub map[string]string) bool {
	for k, v := range sub {
		if m[k] != v {
			return false
		}
	}
	return true
}

// TestSemconvEndToEnd runs the receiver with schema: ksm and with schema: semconv on the fixtures
// and requires the semconv points of every checked family to be KSM's points of the same objects
// under semconv's names, one resource per object carrying its identity; with
// semconv_keep_ksm_families, a family semconv has no metric for comes under its KSM name.
func TestSemconvEndToEnd(t *testing.T) {
	env := newFixtureEnv(t)
	const interval = 2 * time.Second
	run := func(schema string, keep bool) *OTelSeries {
		cfg := kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
		cfg.Schema, cfg.SemconvKeepKSMFamilies = schema, keep
		s, err := OursCycles(env.ctx, cfg, env.kubeconfig, interval)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ksm, sc := run("ksm", false), run("semconv", false)
	var semconvKeys []otelKey
	for k := range sc.Values {
		key := parseOTelKey(k)
		key.raw = k
		if !strings.HasPrefix(key.name, "k8s.") {
			t.Errorf("semconv emitted %q, not a k8s.* metric", k)
		}
		semconvKeys = append(semconvKeys, key)
	}
	for _, c := range semconvChecks {
		matched, total := 0, 0
		for k, v := range ksm.Values {
			key := parseOTelKey(k)
			if key.name != c.family {
				continue
			}
			total++
			res, attrs := map[string]string{}, map[string]string{}
			for l, a := range c.resource {
				res[a] = key.attrs[l]
			}
			for l, a := range c.attrs {
				val := key.attrs[l]
				if c.convert != nil {
					val = c.convert(a, val)
				}
				attrs[a] = val
			}
			found := false
			for _, sk := range semconvKeys {
				if sk.name == c.metric && hasAll(sk.resource, res) && len(sk.attrs) == len(attrs) && hasAll(sk.attrs, attrs) {
					found = true
					if got := sc.Values[sk.raw]; got != v {
						t.Errorf("%s %v %v = %g; KSM's %s is %g", c.metric, res, attrs, got, k, v)
					}
				}
			}
			if !found {
				t.Errorf("%s: no %s point with resource %v and attributes %v", k, c.metric, res, attrs)
				continue
			}
			matched++
		}
		if total == 0 {
			t.Errorf("%s: KSM has no points on the fixtures, nothing was checked", c.family)
		}
		if c.oneToOne {
			n := 0
			for _, sk := range semconvKeys {
				if sk.name == c.metric {
					n++
				}
			}
			if n != total {
				t.Errorf("%s: %d points; KSM's %s has %d", c.metric, n, c.family, total)
			}
		}
		t.Logf("%s -> %s: %d of %d points matched", c.family, c.metric, matched, total)
	}
	kept := run("semconv", true)
	found := false
	for k := range kept.Values {
		key := parseOTelKey(k)
		if key.name == "kube_deployment_created" {
			found = key.resource["k8s.deployment.name"] != "" && key.resource["k8s.deployment.uid"] != ""
			break
		}
	}
	if !found {
		t.Error("semconv_keep_ksm_families: kube_deployment_created is missing or not in its deployment's resource")
	}
}
