package kubestatereceiver

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubestate/kubestate/receiver/kubestatereceiver/internal/metadata"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("..", "..", "testdata", "receiver", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := NewFactory().CreateDefaultConfig()
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.(*Config)
}

func TestLoadConfig(t *testing.T) {
	def := loadConfig(t, "")
	if def.AuthType != AuthServiceAccount || def.CollectionInterval != 30*time.Second || def.EffectiveExportTimeout() != 10*time.Second || def.MaxDataPointsPerBatch != 8192 {
		t.Fatalf("defaults: %+v", def)
	}
	if err := confmap.Validate(def); err != nil {
		t.Fatalf("default config invalid: %v", err)
	}
	if got := len(def.enabledResources()); got != 32 {
		t.Fatalf("default resources: %d, want KSM's 32", got)
	}
	c := loadConfig(t, "kubeconfig")
	if err := confmap.Validate(c); err != nil {
		t.Fatalf("kubeconfig config invalid: %v", err)
	}
	if c.AuthType != AuthKubeConfig || c.Context != "prod" || c.MaxDataPointsPerBatch != 1000 || len(c.Resources) != 3 ||
		c.MetricLabelsAllowlist["pods"][1] != "app.kubernetes.io/*" || c.MetricAnnotationsAllowlist["deployments"][0] != "*" ||
		!slices.Equal(c.ObjectLabelsAsAttributes["pods"], []string{"app", "team*"}) || def.ObjectLabelsAsAttributes != nil {
		t.Fatalf("loaded: %+v", c)
	}
	if def.Pull.Endpoint != "" || def.Pull.WriteTimeout != 30*time.Second || def.Pull.MaxConnections != 32 || !def.Push {
		t.Fatalf("pull defaults: %+v push=%v", def.Pull, def.Push)
	}
	p := loadConfig(t, "pull")
	if err := confmap.Validate(p); err != nil {
		t.Fatalf("pull config invalid: %v", err)
	}
	if p.Pull.Endpoint != "0.0.0.0:8080" || p.Pull.WriteTimeout != 10*time.Second || p.Pull.MaxConnections != 8 || p.Push {
		t.Fatalf("pull config: %+v push=%v", p.Pull, p.Push)
	}
	// No resource attributes unless asked: the Prometheus exporter would turn service.name into a
	// job label on every series.
	if len(def.ResourceAttributes) != 0 {
		t.Fatalf("default resource_attributes: %v, want none", def.ResourceAttributes)
	}
	o := loadConfig(t, "otlp")
	if err := confmap.Validate(o); err != nil {
		t.Fatalf("otlp config invalid: %v", err)
	}
	if o.ResourceAttributes["service.name"] != "kube-state-metrics" || o.ResourceAttributes["k8s.cluster.name"] != "prod" || len(o.ResourceAttributes) != 3 {
		t.Fatalf("resource_attributes: %v", o.ResourceAttributes)
	}
	run, err := o.compile()
	if err != nil || run.engine.ResourceAttributes["service.name"] != "kube-state-metrics" {
		t.Fatalf("compiled resource attributes: %v (%v)", run.engine.ResourceAttributes, err)
	}
}

// TestLoadCustomResourceStateConfig: KSM's CustomResourceStateMetrics is taken as a mapping (its
// camelCase keys intact), as a YAML string and from a file, and compiled by Validate.
func TestLoadCustomResourceStateConfig(t *testing.T) {
	for name, want := range map[string]string{"crs_mapping": "foo_uptime", "crs_string": "kube_customresource_phase", "crs_file": "kube_verticalpodautoscaler_annotations"} {
		c := loadConfig(t, name)
		if err := confmap.Validate(c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		run, err := c.compile()
		res := run.customResources
		if err != nil || len(res) != 1 || res[0].Metrics[0].Name != want {
			t.Fatalf("%s: %v, %v; want one resource whose first metric is %s", name, res, err, want)
		}
	}
	m := loadConfig(t, "crs_mapping")
	run, _ := m.compile()
	if res := run.customResources; res[0].GVK.Group != "myteam.io" || res[0].GVK.Version != "*" {
		t.Errorf("mapping form: groupVersionKind read as %+v", res[0].GVK)
	}
	if len(m.enabledResources()) != 0 || len(run.sources) != 0 {
		t.Errorf("custom_resource_state_only still watches %v", m.enabledResources())
	}
	if s := loadConfig(t, "crs_string"); len(s.enabledResources()) != 32 {
		t.Errorf("custom resources alone replaced the default resources: %v", s.enabledResources())
	}
}

// Setting a short collection_interval alone is valid: the default export_timeout follows it.
func TestExportTimeoutDefaultFollowsInterval(t *testing.T) {
	for _, tc := range []struct{ interval, set, want time.Duration }{
		{30 * time.Second, 0, 10 * time.Second},
		{5 * time.Second, 0, 5 * time.Second},
		{5 * time.Second, 2 * time.Second, 2 * time.Second},
		{time.Minute, 20 * time.Second, 20 * time.Second},
	} {
		c := createDefaultConfig()
		c.CollectionInterval, c.ExportTimeout = tc.interval, tc.set
		if err := c.Validate(); err != nil {
			t.Errorf("collection_interval %s, export_timeout %s: %v", tc.interval, tc.set, err)
		}
		if got := c.EffectiveExportTimeout(); got != tc.want {
			t.Errorf("collection_interval %s, export_timeout %s: effective %s, want %s", tc.interval, tc.set, got, tc.want)
		}
	}
}

// invalidConfigs are refused by Validate with a message naming the field and what is allowed.
var invalidConfigs = []struct {
	name   string
	mutate func(*Config)
	want   string
}{
	{"unknown auth_type", func(c *Config) { c.AuthType = "token" }, `auth_type "token" is not supported; allowed: "serviceAccount", "kubeConfig", "none"`},
	{"empty auth_type", func(c *Config) { c.AuthType = "" }, `auth_type "" is not supported`},
	{"auth_type case", func(c *Config) { c.AuthType = "kubeconfig" }, `auth_type "kubeconfig" is not supported`},
	{"kubeconfig with serviceAccount", func(c *Config) { c.Kubeconfig = "/x" }, `kubeconfig and context are only used with auth_type "kubeConfig"`},
	{"context with none", func(c *Config) { c.AuthType = AuthNone; c.Context = "x" }, `kubeconfig and context are only used with auth_type "kubeConfig"`},
	{"zero interval", func(c *Config) { c.CollectionInterval = 0 }, "collection_interval must be positive"},
	{"negative interval", func(c *Config) { c.CollectionInterval = -time.Second }, "collection_interval must be positive"},
	{"negative export_timeout", func(c *Config) { c.ExportTimeout = -1 }, "export_timeout must be positive, or 0 for the default"},
	{"explicit export_timeout above a short interval", func(c *Config) { c.CollectionInterval = 5 * time.Second; c.ExportTimeout = 10 * time.Second },
		"export_timeout (10s) must not exceed collection_interval (5s)"},
	{"export_timeout above interval", func(c *Config) { c.ExportTimeout = time.Minute }, "export_timeout (1m0s) must not exceed collection_interval (30s)"},
	{"resend_interval below the interval", func(c *Config) { c.ResendInterval = 10 * time.Second },
		"resend_interval must be 0 (every series every cycle) or at least collection_interval (30s) (got 10s)"},
	{"negative resend_interval", func(c *Config) { c.ResendInterval = -time.Second }, "resend_interval must be 0"},
	{"resend_interval at Prometheus' lookback", func(c *Config) { c.ResendInterval = 5 * time.Minute },
		"resend_interval must be below 5m0s, Prometheus' lookback"},
	{"zero batch", func(c *Config) { c.MaxDataPointsPerBatch = 0 }, "max_data_points_per_batch must be at least 1"},
	{"negative batch", func(c *Config) { c.MaxDataPointsPerBatch = -5 }, "max_data_points_per_batch must be at least 1"},
	{"unknown resource", func(c *Config) { c.Resources = []string{"pods", "widgets"} }, `resources: unknown resource "widgets"; allowed: certificatesigningrequests`},
	{"singular resource", func(c *Config) { c.Resources = []string{"pod"} }, `resources: unknown resource "pod"`},
	{"duplicate resource", func(c *Config) { c.Resources = []string{"pods", "pods"} }, `resources: "pods" is listed twice`},
	{"bad namespace", func(c *Config) { c.Namespaces = []string{"Shop"} }, `namespaces: "Shop" is not a valid namespace name`},
	{"bad denied namespace", func(c *Config) { c.NamespacesDenylist = []string{"a_b"} }, `namespaces_denylist: "a_b" is not a valid namespace name`},
	{"allow and deny", func(c *Config) { c.MetricAllowlist = []string{"a"}; c.MetricDenylist = []string{"b"} }, "metric_allowlist and metric_denylist are mutually exclusive"},
	{"bad allow regex", func(c *Config) { c.MetricAllowlist = []string{"kube_pod_(info"} }, `metric_allowlist: "kube_pod_(info" is not a valid regular expression`},
	{"bad deny regex", func(c *Config) { c.MetricDenylist = []string{"*pod"} }, `metric_denylist: "*pod" is not a valid regular expression`},
	{"bad opt-in regex", func(c *Config) { c.MetricOptInList = []string{"kube_[pod"} }, `metric_opt_in_list: "kube_[pod" is not a valid regular expression`},
	{"labels allowlist unknown resource", func(c *Config) { c.MetricLabelsAllowlist = map[string][]string{"pod": {"app"}} }, `metric_labels_allowlist: unknown resource "pod"`},
	{"annotations allowlist unknown resource", func(c *Config) { c.MetricAnnotationsAllowlist = map[string][]string{"Pods": {"a"}} }, `metric_annotations_allowlist: unknown resource "Pods"`},
	{"two wildcards in a key", func(c *Config) { c.MetricLabelsAllowlist = map[string][]string{"pods": {"*app*"}} }, `metric_labels_allowlist[pods]: "*app*" has 2 wildcards; at most one "*" per key is allowed`},
	{"object labels unknown resource", func(c *Config) { c.ObjectLabelsAsAttributes = map[string][]string{"pod": {"app"}} },
		`object_labels_as_attributes: unknown resource "pod"; allowed: "*" or certificatesigningrequests`},
	{"object labels empty key", func(c *Config) { c.ObjectLabelsAsAttributes = map[string][]string{"pods": {"app", ""}} },
		`object_labels_as_attributes[pods]: a label key must not be empty`},
	{"object labels two wildcards", func(c *Config) { c.ObjectLabelsAsAttributes = map[string][]string{"*": {"*app*"}} },
		`object_labels_as_attributes[*]: "*app*" has 2 wildcards; at most one "*" per key is allowed`},
	{"total_shards zero", func(c *Config) { c.TotalShards = 0 }, "total_shards must be at least 1 (got 0)"},
	{"shard not below total_shards", func(c *Config) { c.Shard, c.TotalShards = 3, 3 }, "shard must be from 0 to total_shards-1 (2) (got 3)"},
	{"negative shard", func(c *Config) { c.Shard = -1 }, "shard must be from 0 to total_shards-1 (0) (got -1)"},
	{"node with default resources", func(c *Config) { c.Node = "node-1" }, "node selects pods by spec.nodeName: resources must be exactly [pods]"},
	{"node with two resources", func(c *Config) { c.Node, c.Resources = "node-1", []string{"pods", "nodes"} }, "node selects pods by spec.nodeName: resources must be exactly [pods] (got [pods nodes])"},
	{"bad node name", func(c *Config) { c.Node, c.Resources = "Node_1", []string{"pods"} }, `node: "Node_1" is not a valid node name`},
	{"node and unscheduled", func(c *Config) { c.Node, c.TrackUnscheduledPods, c.Resources = "n", true, []string{"pods"} }, "node and track_unscheduled_pods are mutually exclusive"},
	{"unscheduled with default resources", func(c *Config) { c.TrackUnscheduledPods = true }, "track_unscheduled_pods selects pods by spec.nodeName: resources must be exactly [pods]"},
	{"leader election without lease name", func(c *Config) { c.LeaderElection.Enabled, c.LeaderElection.LeaseName = true, "" }, "leader_election.lease_name must be set when leader_election.enabled is true"},
	{"leader election bad lease name", func(c *Config) { c.LeaderElection.Enabled, c.LeaderElection.LeaseName = true, "Kube_State" }, `leader_election.lease_name "Kube_State" is not a valid object name`},
	{"leader election durations in the wrong order", func(c *Config) {
		c.LeaderElection.Enabled, c.LeaderElection.LeaseDuration, c.LeaderElection.RenewDeadline = true, 10*time.Second, 15*time.Second
	}, "leader_election.lease_duration (10s) must be longer than leader_election.renew_deadline (15s)"},
	{"leader election retry too long", func(c *Config) {
		c.LeaderElection.Enabled, c.LeaderElection.RetryPeriod = true, 9*time.Second
	}, "leader_election.renew_deadline (10s) must be longer than 1.2 × leader_election.retry_period (9s)"},
	{"leader election zero duration", func(c *Config) { c.LeaderElection.Enabled, c.LeaderElection.RetryPeriod = true, 0 }, "leader_election.lease_duration, renew_deadline and retry_period must be positive"},
	{"auto sharding without pod name", func(c *Config) { c.AutoSharding = AutoShardingConfig{Enabled: true, PodNamespace: "monitoring"} },
		"auto_sharding.pod_name must be set when auto_sharding.enabled is true"},
	{"auto sharding without pod namespace", func(c *Config) { c.AutoSharding = AutoShardingConfig{Enabled: true, PodName: "kubestate-0"} },
		"auto_sharding.pod_namespace must be set when auto_sharding.enabled is true"},
	{"auto sharding pod name without ordinal", func(c *Config) {
		c.AutoSharding = AutoShardingConfig{Enabled: true, PodName: "kubestate-7f9c", PodNamespace: "monitoring"}
	}, `auto_sharding.pod_name "kubestate-7f9c" is not the name of a StatefulSet's pod (<statefulset>-<ordinal>)`},
	{"auto sharding bad namespace", func(c *Config) {
		c.AutoSharding = AutoShardingConfig{Enabled: true, PodName: "kubestate-0", PodNamespace: "Mon_1"}
	}, `auto_sharding.pod_namespace "Mon_1" is not a valid namespace name`},
	{"auto sharding with total_shards", func(c *Config) {
		c.AutoSharding, c.TotalShards = AutoShardingConfig{Enabled: true, PodName: "kubestate-0", PodNamespace: "monitoring"}, 3
	}, "auto_sharding and shard/total_shards are mutually exclusive"},
	{"auto sharding with leader election", func(c *Config) {
		c.AutoSharding, c.LeaderElection.Enabled = AutoShardingConfig{Enabled: true, PodName: "kubestate-0", PodNamespace: "monitoring"}, true
	}, "auto_sharding and leader_election cannot be combined"},
	{"pull endpoint without port", func(c *Config) { c.Pull.Endpoint = "0.0.0.0" }, `pull.endpoint "0.0.0.0" must be host:port with a port from 0 to 65535`},
	{"pull endpoint port out of range", func(c *Config) { c.Pull.Endpoint = ":70000" }, `pull.endpoint ":70000" must be host:port`},
	{"pull endpoint port not a number", func(c *Config) { c.Pull.Endpoint = "localhost:http" }, `pull.endpoint "localhost:http" must be host:port`},
	{"pull write_timeout zero", func(c *Config) { c.Pull.WriteTimeout = 0 }, "pull.write_timeout must be positive (got 0s)"},
	{"pull max_connections zero", func(c *Config) { c.Pull.MaxConnections = 0 }, "pull.max_connections must be at least 1 (got 0)"},
	{"empty resource attribute name", func(c *Config) { c.ResourceAttributes = map[string]string{" ": "x"} }, "resource_attributes: an attribute name must not be empty"},
	{"push off without pull", func(c *Config) { c.Push = false }, "push is false and pull.endpoint is empty: the receiver would produce nothing"},
	{"custom_resource_state and its file", func(c *Config) {
		c.CustomResourceState, c.CustomResourceStateFile = "spec: {}", "crs.yaml"
	}, "custom_resource_state and custom_resource_state_file are mutually exclusive"},
	{"custom_resource_state_only alone", func(c *Config) { c.CustomResourceStateOnly = true }, "custom_resource_state_only needs custom_resource_state or custom_resource_state_file"},
	{"custom_resource_state_only with resources", func(c *Config) {
		c.CustomResourceStateOnly, c.CustomResourceStateFile, c.Resources = true, "../../testdata/customresource/vpa-all/config.yaml", []string{"pods"}
	}, "resources and custom_resource_state_only are mutually exclusive"},
	{"custom_resource_state_file missing", func(c *Config) { c.CustomResourceStateFile = "no/such/crs.yaml" }, "custom_resource_state_file: open no/such/crs.yaml"},
	{"custom_resource_state not YAML", func(c *Config) { c.CustomResourceState = "spec: [" }, "custom_resource_state: custom resource state config: yaml"},
	{"custom_resource_state_reload_interval negative", func(c *Config) { c.CustomResourceStateReloadInterval = -time.Second }, "custom_resource_state_reload_interval must not be negative, 0 disables reloading (got -1s)"},
	{"custom_resource_state of another type", func(c *Config) { c.CustomResourceState = 3 }, "custom_resource_state must be a YAML string or a mapping (got int)"},
	{"custom_resource_state unknown metric type", func(c *Config) {
		c.CustomResourceState = "spec:\n  resources:\n  - groupVersionKind: {group: g.io, version: v1, kind: K}\n    metrics:\n    - {name: m, each: {type: Histogram}}\n"
	}, `custom_resource_state: spec.resources[0] (g.io/v1, Kind=K): metrics[0] ("m"): each.type: unknown metric type "Histogram"`},
	{"unknown schema", func(c *Config) { c.Schema = "otel" }, `schema "otel" is not supported; allowed: ksm, k8s_cluster, semconv`},
	{"schema case", func(c *Config) { c.Schema = "KSM" }, `schema "KSM" is not supported`},
	{"resource without metrics in the schema", func(c *Config) { c.Schema, c.Resources = "k8s_cluster", []string{"pods", "configmaps"} },
		`resources: "configmaps" has no metrics in schema k8s_cluster; allowed: cronjobs, daemonsets, deployments`},
	{"resource without metrics in semconv", func(c *Config) { c.Schema, c.Resources = "semconv", []string{"secrets"} },
		`resources: "secrets" has no metrics in schema semconv; allowed: cronjobs, daemonsets, deployments`},
	{"semconv_keep_ksm_families without semconv", func(c *Config) { c.Schema, c.SemconvKeepKSMFamilies = "k8s_cluster", true },
		"semconv_keep_ksm_families applies to schema semconv only (schema is k8s_cluster)"},
	{"semconv_keep_ksm_families under the default schema", func(c *Config) { c.SemconvKeepKSMFamilies = true },
		"semconv_keep_ksm_families applies to schema semconv only (schema is ksm)"},
	{"two wildcards in an annotation key", func(c *Config) {
		c.MetricAnnotationsAllowlist = map[string][]string{"*": {"a*b*c"}}
	}, `metric_annotations_allowlist[*]: "a*b*c" has 2 wildcards`},
}

func TestValidateRefusesInvalidConfigs(t *testing.T) {
	for _, c := range invalidConfigs {
		t.Run(c.name, func(t *testing.T) {
			cfg := createDefaultConfig()
			c.mutate(cfg)
			err := cfg.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestAutoShardingValid(t *testing.T) {
	c := createDefaultConfig()
	c.AutoSharding = AutoShardingConfig{Enabled: true, PodName: "kube-state-12", PodNamespace: "monitoring"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"kube-state-12": 12, "a-0": 0, "a-": -1, "a": -1, "-3": -1, "a-1b": -1} {
		got, ok := podOrdinal(name)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("podOrdinal(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.CollectionInterval = 0
	cfg.Resources = []string{"widgets"}
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "collection_interval") || !strings.Contains(err.Error(), "widgets") {
		t.Fatalf("want both problems reported, got %v", err)
	}
}

// schema: k8s_cluster compiles one SourceSchema per source, over the resources it maps by
// default; ksm (the default) compiles none, so KSM's output is untouched.
func TestSchemaCompilesPerSource(t *testing.T) {
	c := createDefaultConfig()
	run, err := c.compile()
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range run.schemas {
		if s != nil {
			t.Fatalf("ksm: source %s has a schema", run.sources[i].Name())
		}
	}
	c.Schema = "k8s_cluster"
	run, err = c.compile()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, s := range run.schemas {
		if s == nil {
			t.Fatalf("k8s_cluster: source %s has no schema", run.sources[i].Name())
		}
		names = append(names, run.sources[i].Name())
	}
	want := []string{"cronjobs", "daemonsets", "deployments", "horizontalpodautoscalers", "jobs", "namespaces", "nodes", "pods", "replicasets", "resourcequotas", "statefulsets"}
	if !slices.Equal(names, want) {
		t.Fatalf("k8s_cluster resources %v; want %v", names, want)
	}
}

// schema: semconv compiles a SourceSchema for each resource semconv has metrics for; with
// semconv_keep_ksm_families, a family semconv has no metric for is kept under its KSM name.
func TestSemconvSchemaCompilesPerSourceAndKeepsKSMFamiliesOnRequest(t *testing.T) {
	c := createDefaultConfig()
	c.Schema = "semconv"
	mapsFamily := func(keep bool, resource, fam string) bool {
		c.SemconvKeepKSMFamilies = keep
		run, err := c.compile()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		found := false
		for i, s := range run.schemas {
			if s == nil {
				t.Fatalf("semconv: source %s has no schema", run.sources[i].Name())
			}
			names = append(names, run.sources[i].Name())
			for f, d := range run.sources[i].Families() {
				if run.sources[i].Name() == resource && d.Name == fam && len(s.Metrics[f]) > 0 {
					found = s.Metrics[f][0].Name == fam
				}
			}
		}
		want := []string{"cronjobs", "daemonsets", "deployments", "horizontalpodautoscalers", "jobs", "namespaces", "nodes",
			"persistentvolumeclaims", "persistentvolumes", "pods", "replicasets", "replicationcontrollers", "resourcequotas", "statefulsets"}
		if !slices.Equal(names, want) {
			t.Fatalf("semconv resources %v; want %v", names, want)
		}
		return found
	}
	if mapsFamily(false, "pods", "kube_pod_created") {
		t.Fatal("kube_pod_created kept without semconv_keep_ksm_families")
	}
	if !mapsFamily(true, "pods", "kube_pod_created") {
		t.Fatal("kube_pod_created not kept under its name with semconv_keep_ksm_families")
	}
}

// object_labels_as_attributes resolves per resource as metric_labels_allowlist does: a "*" entry
// applies to every resource and wins over per-resource entries; a resource not listed gets none.
func TestObjectLabelsCompilePerResource(t *testing.T) {
	labels := map[string]string{"team": "pay", "app": "web"}
	objects := map[string]runtime.Object{
		"pods":       &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p", Labels: labels}},
		"namespaces": &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns", Labels: labels}},
	}
	for _, c := range []struct {
		allow map[string][]string
		want  map[string][]string // resource -> object label data point keys
	}{
		{map[string][]string{"pods": {"app"}}, map[string][]string{"pods": {"label_app"}}},
		{map[string][]string{"*": {"team"}, "pods": {"app"}}, map[string][]string{"pods": {"label_team"}, "namespaces": {"label_team"}}},
		{nil, map[string][]string{}},
	} {
		cfg := createDefaultConfig()
		cfg.Resources, cfg.ObjectLabelsAsAttributes = []string{"pods", "namespaces"}, c.allow
		run, err := cfg.compile()
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range run.sources {
			obj, err := src.Transform(objects[src.Name()].DeepCopyObject())
			if err != nil {
				t.Fatal(err)
			}
			rec := src.Record(obj)
			var got []string
			for i := range rec.ObjectLabels() {
				k, _, _ := rec.ObjectLabel(i)
				got = append(got, k)
			}
			if !slices.Equal(got, c.want[src.Name()]) {
				t.Errorf("%v: %s gets object labels %v; want %v", c.allow, src.Name(), got, c.want[src.Name()])
			}
		}
	}
}
