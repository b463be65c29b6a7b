package kubestatereceiver

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	yaml "sigs.k8s.io/yaml/goyaml.v3"

	"github.com/kubestate/kubestate/internal/customresource"
	"github.com/kubestate/kubestate/internal/engine"
	"github.com/kubestate/kubestate/internal/family"
	"github.com/kubestate/kubestate/internal/resources"
	"github.com/kubestate/kubestate/internal/schema"
)

// AuthType says how the receiver authenticates to the Kubernetes API.
type AuthType string

const (
	AuthServiceAccount AuthType = "serviceAccount" // in-cluster service account (default)
	AuthKubeConfig     AuthType = "kubeConfig"     // a kubeconfig file
	AuthNone           AuthType = "none"           // in-cluster address, no credentials
)

// Config is the kubestate receiver's configuration; README.md documents every key.
type Config struct {
	AuthType   AuthType `mapstructure:"auth_type"`
	Kubeconfig string   `mapstructure:"kubeconfig"`
	Context    string   `mapstructure:"context"`

	CollectionInterval time.Duration `mapstructure:"collection_interval"`
	// ExportTimeout bounds one cycle's exports; 0 (the default) follows the interval: the smaller of
	// 10s and collection_interval (see EffectiveExportTimeout).
	ExportTimeout         time.Duration `mapstructure:"export_timeout"`
	MaxDataPointsPerBatch int           `mapstructure:"max_data_points_per_batch"`
	// ResendInterval, if set, sends a series only when its object's series changed, and otherwise
	// at least this often (a heartbeat); 0 (the default) sends every series every cycle.
	ResendInterval time.Duration `mapstructure:"resend_interval"`

	// Schema names the exported metrics: "ksm" (default, KSM's names), "k8s_cluster" (the
	// contrib k8s_cluster receiver's names, one resource per object) or "semconv" (the
	// OpenTelemetry semantic conventions' k8s.* metrics, one resource per object). The pull path
	// always serves KSM's names.
	Schema string `mapstructure:"schema"`
	// SemconvKeepKSMFamilies, with schema semconv, keeps the families semconv has no metric for
	// under their KSM names, in the object's resource (default false: they are left out).
	SemconvKeepKSMFamilies bool `mapstructure:"semconv_keep_ksm_families"`

	Resources          []string `mapstructure:"resources"`
	Namespaces         []string `mapstructure:"namespaces"`
	NamespacesDenylist []string `mapstructure:"namespaces_denylist"`

	MetricAllowlist            []string            `mapstructure:"metric_allowlist"`
	MetricDenylist             []string            `mapstructure:"metric_denylist"`
	MetricOptInList            []string            `mapstructure:"metric_opt_in_list"`
	MetricLabelsAllowlist      map[string][]string `mapstructure:"metric_labels_allowlist"`
	MetricAnnotationsAllowlist map[string][]string `mapstructure:"metric_annotations_allowlist"`
	// ObjectLabelsAsAttributes puts the listed Kubernetes labels of each object on every series of
	// the object (resource -> label keys, as metric_labels_allowlist): no join with *_labels.
	ObjectLabelsAsAttributes map[string][]string `mapstructure:"object_labels_as_attributes"`

	// Shard and TotalShards split the cluster's objects among instances exactly as kube-state-metrics'
	// --shard and --total-shards do (by uid), so KSM and kubestate shards can be mixed.
	Shard       int `mapstructure:"shard"`
	TotalShards int `mapstructure:"total_shards"`

	// AutoSharding takes shard and total_shards from the StatefulSet that runs this pod: the shard is
	// the pod's ordinal, total_shards the StatefulSet's spec.replicas, watched, so scaling the
	// StatefulSet re-shards every pod without a restart.
	AutoSharding AutoShardingConfig `mapstructure:"auto_sharding"`

	// LeaderElection makes replicas share a Lease: only its holder exports (HA, a hot standby).
	LeaderElection LeaderElectionConfig `mapstructure:"leader_election"`

	// Node limits the receiver to the pods of one node (a per-node collector, as KSM's --node, usually
	// from the downward API); TrackUnscheduledPods to the pods of no node. Both need resources: [pods].
	Node                 string `mapstructure:"node"`
	TrackUnscheduledPods bool   `mapstructure:"track_unscheduled_pods"`

	// Pull serves kube-state-metrics' /metrics from the receiver itself, rendered once per cycle
	// (off while pull.endpoint is empty).
	Pull PullConfig `mapstructure:"pull"`
	// Push sends each cycle's batches to the pipeline's next consumer (default true). false with a
	// pull endpoint: pull only, no batches are built.
	Push bool `mapstructure:"push"`

	// ResourceAttributes are set on the resource of every exported batch: over OTLP, Prometheus
	// derives job from service.namespace/service.name and instance from service.instance.id. None by
	// default, so the Prometheus exporter adds no job, instance or target_info of its own; the pull
	// page never carries them.
	ResourceAttributes map[string]string `mapstructure:"resource_attributes"`
	// CustomResourceState is kube-state-metrics' CustomResourceStateMetrics config, inline: a YAML
	// string or a mapping. CustomResourceStateFile names a file holding it instead. With
	// CustomResourceStateOnly, only the custom resources are watched.
	CustomResourceState     any    `mapstructure:"custom_resource_state"`
	CustomResourceStateFile string `mapstructure:"custom_resource_state_file"`
	CustomResourceStateOnly bool   `mapstructure:"custom_resource_state_only"`
	// CustomResourceStateReloadInterval is how often custom_resource_state_file is read again: a
	// changed file that compiles replaces the config, one that does not is refused (logged) and
	// the last good config keeps running. 0 disables reloading.
	CustomResourceStateReloadInterval time.Duration `mapstructure:"custom_resource_state_reload_interval"`

	_ struct{} // keyed literals only
}

// PullConfig is the receiver's own Prometheus endpoint (the pull path).
type PullConfig struct {
	// Endpoint is host:port to serve /metrics on, e.g. "0.0.0.0:8080"; empty: no pull endpoint.
	Endpoint string `mapstructure:"endpoint"`
	// WriteTimeout cuts a scrape not written by then (a scraper that stopped reading).
	WriteTimeout time.Duration `mapstructure:"write_timeout"`
	// MaxConnections bounds open connections; one more is answered 503 at once.
	MaxConnections int `mapstructure:"max_connections"`
}

func createDefaultConfig() *Config {
	return &Config{
		AuthType:              AuthServiceAccount,
		CollectionInterval:    30 * time.Second,
		MaxDataPointsPerBatch: 8192,
		Pull:                  PullConfig{WriteTimeout: 30 * time.Second, MaxConnections: 32},
		Push:                  true,
		TotalShards:           1,
		LeaderElection:        defaultLeaderElection(),

		CustomResourceStateReloadInterval: 10 * time.Second,
	}
}

// Validate refuses every invalid value with a message naming the field and what is allowed.
func (c *Config) Validate() error {
	_, err := c.compile()
	return err
}

// compiled is what a valid Config runs as: the engine's configuration and the resources it
// watches, with their filters compiled.
type compiled struct {
	engine  engine.Config
	sources []engine.Source
	// customResources is the custom resource state config compiled (nil: none), customResourceData
	// its text (what a reload compares with), customResourceFilter metric_allowlist/denylist for
	// its families.
	customResources      []*customresource.Resource
	customResourceData   []byte
	customResourceFilter func(name string) bool
	schemas              []*engine.SourceSchema // one per source; nil entries: KSM's names
}

// compile checks every field and translates the configuration into the engine's. Validate and
// Start both call it, so what Validate accepts is exactly what runs, and each regex and allowlist
// is compiled in one place.
func (c *Config) compile() (compiled, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch c.AuthType {
	case AuthServiceAccount, AuthNone:
		if c.Kubeconfig != "" || c.Context != "" {
			bad("kubeconfig and context are only used with auth_type %q (auth_type is %q)", AuthKubeConfig, c.AuthType)
		}
	case AuthKubeConfig:
	default:
		bad("auth_type %q is not supported; allowed: %q, %q, %q", c.AuthType, AuthServiceAccount, AuthKubeConfig, AuthNone)
	}
	if c.CollectionInterval <= 0 {
		bad("collection_interval must be positive (got %s)", c.CollectionInterval)
	}
	if c.ExportTimeout < 0 {
		bad("export_timeout must be positive, or 0 for the default (the smaller of 10s and collection_interval) (got %s)", c.ExportTimeout)
	} else if c.CollectionInterval > 0 && c.ExportTimeout > c.CollectionInterval {
		bad("export_timeout (%s) must not exceed collection_interval (%s)", c.ExportTimeout, c.CollectionInterval)
	}
	if c.ResendInterval < 0 || (c.ResendInterval > 0 && c.CollectionInterval > 0 && c.ResendInterval < c.CollectionInterval) {
		bad("resend_interval must be 0 (every series every cycle) or at least collection_interval (%s) (got %s)", c.CollectionInterval, c.ResendInterval)
	} else if c.ResendInterval >= maxResendInterval {
		bad("resend_interval must be below %s, Prometheus' lookback: a series not sent for that long reads as gone (got %s)", maxResendInterval, c.ResendInterval)
	}
	if c.MaxDataPointsPerBatch < 1 {
		bad("max_data_points_per_batch must be at least 1 (got %d)", c.MaxDataPointsPerBatch)
	}
	schemaName := c.schemaName()
	if !slices.Contains(schema.Names(), schemaName) {
		bad("schema %q is not supported; allowed: %s", c.Schema, strings.Join(schema.Names(), ", "))
	}
	if c.SemconvKeepKSMFamilies && schemaName != schema.Semconv {
		bad("semconv_keep_ksm_families applies to schema semconv only (schema is %s)", schemaName)
	}
	seen := map[string]bool{}
	for _, r := range c.Resources {
		if _, ok := resources.ByName(r); !ok {
			bad("resources: unknown resource %q; allowed: %s", r, strings.Join(resources.Names(), ", "))
		} else if seen[r] {
			bad("resources: %q is listed twice", r)
		} else if covered := schema.Resources(schemaName); covered != nil && !slices.Contains(covered, r) {
			bad("resources: %q has no metrics in schema %s; allowed: %s", r, schemaName, strings.Join(covered, ", "))
		}
		seen[r] = true
	}
	for _, field := range []struct {
		name string
		list []string
	}{{"namespaces", c.Namespaces}, {"namespaces_denylist", c.NamespacesDenylist}} {
		for _, ns := range field.list {
			if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
				bad("%s: %q is not a valid namespace name: %s", field.name, ns, strings.Join(msgs, "; "))
			}
		}
	}
	filter := compileMetricFilter(c, bad)
	labels := compileAllowlists("metric_labels_allowlist", c.MetricLabelsAllowlist, bad)
	annotations := compileAllowlists("metric_annotations_allowlist", c.MetricAnnotationsAllowlist, bad)
	objectLabels := compileObjectLabels(c.ObjectLabelsAsAttributes, bad)
	c.AutoSharding.validate(c, bad)
	if c.TotalShards < 1 {
		bad("total_shards must be at least 1 (got %d)", c.TotalShards)
	} else if c.Shard < 0 || c.Shard >= c.TotalShards {
		bad("shard must be from 0 to total_shards-1 (%d) (got %d)", c.TotalShards-1, c.Shard)
	}
	c.LeaderElection.validate(bad)
	if c.Node != "" || c.TrackUnscheduledPods {
		field := "node"
		if c.TrackUnscheduledPods {
			field = "track_unscheduled_pods"
		}
		if c.Node != "" && c.TrackUnscheduledPods {
			bad("node and track_unscheduled_pods are mutually exclusive (pods of one node, or pods of none)")
		}
		if !slices.Equal(c.Resources, []string{"pods"}) {
			bad("%s selects pods by spec.nodeName: resources must be exactly [pods] (got %v)", field, c.enabledResources())
		}
		if msgs := validation.IsDNS1123Subdomain(c.Node); c.Node != "" && len(msgs) > 0 {
			bad("node: %q is not a valid node name: %s", c.Node, strings.Join(msgs, "; "))
		}
	}
	if c.Pull.Endpoint != "" {
		host, port, err := net.SplitHostPort(c.Pull.Endpoint)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
			bad("pull.endpoint %q must be host:port with a port from 0 to 65535 (for example \"0.0.0.0:8080\")", c.Pull.Endpoint)
		}
	}
	if c.Pull.WriteTimeout <= 0 {
		bad("pull.write_timeout must be positive (got %s)", c.Pull.WriteTimeout)
	}
	if c.Pull.MaxConnections < 1 {
		bad("pull.max_connections must be at least 1 (got %d)", c.Pull.MaxConnections)
	}
	for _, k := range slices.Sorted(maps.Keys(c.ResourceAttributes)) {
		if strings.TrimSpace(k) == "" {
			bad("resource_attributes: an attribute name must not be empty")
		}
	}
	if !c.Push && c.Pull.Endpoint == "" {
		bad("push is false and pull.endpoint is empty: the receiver would produce nothing; set pull.endpoint or push: true")
	}
	if c.CustomResourceStateOnly && len(c.Resources) > 0 {
		bad("resources and custom_resource_state_only are mutually exclusive (custom_resource_state_only watches no built-in resource)")
	}
	if c.CustomResourceStateReloadInterval < 0 {
		bad("custom_resource_state_reload_interval must not be negative, 0 disables reloading (got %s)", c.CustomResourceStateReloadInterval)
	}
	crsData, crsField, err := c.customResourceStateData()
	var crs []*customresource.Resource
	if err != nil {
		errs = append(errs, err)
	} else if crsData != nil {
		if crs, err = compileCustomResourceState(crsData, crsField); err != nil {
			errs = append(errs, err)
		}
		if c.AutoSharding.Enabled {
			bad("auto_sharding and custom resource state cannot be combined yet: custom resources are discovered into one engine, and a re-shard replaces it; use static shard/total_shards")
		}
	}
	if err := errors.Join(errs...); err != nil {
		return compiled{}, err
	}
	out := compiled{engine: engine.Config{
		CollectionInterval:    c.CollectionInterval,
		ExportTimeout:         c.EffectiveExportTimeout(),
		MaxDataPointsPerBatch: c.MaxDataPointsPerBatch,
		ResendInterval:        c.ResendInterval,
		Namespaces:            c.Namespaces,
		NamespacesDenylist:    c.NamespacesDenylist,
		FieldSelector:         c.nodeFieldSelector(),
		Shard:                 engine.Shard{Index: c.Shard, Total: c.TotalShards},
		PullOnly:              !c.Push,
		ResourceAttributes:    maps.Clone(c.ResourceAttributes),
	}}
	out.customResources, out.customResourceData = crs, crsData
	// KSM applies metric_allowlist / metric_denylist to custom resource state families too; none
	// of them is opt-in.
	out.customResourceFilter = func(name string) bool { return filter.enabled(name, false) }
	for _, name := range c.enabledResources() {
		res, _ := resources.ByName(name)
		src := res.Compile(family.Filter{
			Enabled:      filter.enabled,
			Labels:       allowlistFor(labels, name),
			Annotations:  allowlistFor(annotations, name),
			ObjectLabels: allowlistFor(objectLabels, name),
			UID:          schemaName != schema.KSM,
		})
		var opts []schema.Option
		if c.SemconvKeepKSMFamilies {
			opts = append(opts, schema.KeepKSMFamilies())
		}
		sch, err := schema.Compile(schemaName, res, src, opts...)
		if err != nil {
			return compiled{}, fmt.Errorf("schema: %w", err)
		}
		out.sources = append(out.sources, src)
		out.schemas = append(out.schemas, sch)
	}
	return out, nil
}

// maxResendInterval is Prometheus' default lookback (and the Prometheus exporter's default
// metric_expiration): a series sent less often than this reads as gone between its samples.
const maxResendInterval = 5 * time.Minute

// CustomResources is the custom resource state config compiled (nil: none configured); the
// parity harness counts the stores it binds to on a cluster.
func (c *Config) CustomResources() ([]*customresource.Resource, error) {
	data, field, err := c.customResourceStateData()
	if err != nil || data == nil {
		return nil, err
	}
	return compileCustomResourceState(data, field)
}

// compileCustomResourceState parses and compiles a custom resource state config read from field.
func compileCustomResourceState(data []byte, field string) ([]*customresource.Resource, error) {
	cfg, err := customresource.Parse(data)
	if err == nil {
		var res []*customresource.Resource
		if res, err = customresource.Compile(cfg); err == nil {
			return res, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", field, err)
}

// customResourceStateData is the config's text and the field it came from.
func (c *Config) customResourceStateData() ([]byte, string, error) {
	inline := c.CustomResourceState != nil && c.CustomResourceState != ""
	switch {
	case inline && c.CustomResourceStateFile != "":
		return nil, "", errors.New("custom_resource_state and custom_resource_state_file are mutually exclusive")
	case c.CustomResourceStateFile != "":
		data, err := os.ReadFile(c.CustomResourceStateFile)
		if err != nil {
			return nil, "", fmt.Errorf("custom_resource_state_file: %w", err)
		}
		return data, "custom_resource_state_file " + c.CustomResourceStateFile, nil
	case inline:
		switch v := c.CustomResourceState.(type) {
		case string:
			return []byte(v), "custom_resource_state", nil
		case map[string]any:
			data, err := yaml.Marshal(v)
			if err != nil {
				return nil, "", fmt.Errorf("custom_resource_state: %w", err)
			}
			return data, "custom_resource_state", nil
		default:
			return nil, "", fmt.Errorf("custom_resource_state must be a YAML string or a mapping (got %T)", v)
		}
	case c.CustomResourceStateOnly:
		return nil, "", errors.New("custom_resource_state_only needs custom_resource_state or custom_resource_state_file")
	}
	return nil, "", nil
}

// defaultExportTimeout is export_timeout when neither it nor a shorter collection_interval is set.
const defaultExportTimeout = 10 * time.Second

// EffectiveExportTimeout is export_timeout as set, or by default the smaller of 10s and
// collection_interval, so that setting a short interval alone is a valid config.
func (c *Config) EffectiveExportTimeout() time.Duration {
	if c.ExportTimeout > 0 {
		return c.ExportTimeout
	}
	return min(defaultExportTimeout, c.CollectionInterval)
}

// nodeFieldSelector selects the pods of the configured node (or of none), as KSM's --node and
// --track-unscheduled-pods do.
func (c *Config) nodeFieldSelector() string {
	switch {
	case c.TrackUnscheduledPods:
		return "spec.nodeName="
	case c.Node != "":
		return "spec.nodeName=" + c.Node
	}
	return ""
}

// enabledResources is the configured resource set, or by default KSM's default set (under
// another schema: the resources it has metrics for); none with custom_resource_state_only.
func (c *Config) enabledResources() []string {
	if c.CustomResourceStateOnly {
		return nil
	}
	if len(c.Resources) > 0 {
		return slices.Clone(c.Resources)
	}
	if covered := schema.Resources(c.schemaName()); covered != nil {
		return covered
	}
	return resources.DefaultNames()
}

// schemaName is the configured schema, "ksm" when unset.
func (c *Config) schemaName() string {
	if c.Schema == "" {
		return schema.KSM
	}
	return c.Schema
}
