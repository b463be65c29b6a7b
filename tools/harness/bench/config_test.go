package bench

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/confmap"
	"sigs.k8s.io/yaml"

	"github.com/kubestate/kubestate/internal/testenv"
	"github.com/kubestate/kubestate/receiver/kubestatereceiver"
)

// get walks a parsed YAML document along path.
func get(t *testing.T, doc map[string]any, path ...string) any {
	t.Helper()
	var cur any = doc
	for i, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: not a map", strings.Join(path[:i], "."))
		}
		if cur, ok = m[k]; !ok {
			return nil
		}
	}
	return cur
}

func parse(t *testing.T, s string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return doc
}

// readmePipeline is the README's recommended pipeline: the first YAML block of "Using the receiver".
func readmePipeline(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(testenv.RepoPath(t, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "## Using the receiver")
	if i < 0 {
		t.Fatal(`README: no "## Using the receiver" section`)
	}
	text = text[i:]
	start := strings.Index(text, "```yaml\n")
	end := strings.Index(text[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("README: no YAML block under Using the receiver")
	}
	return parse(t, text[start+8:start+8+end])
}

// The bench's recommended pipeline is the README's: the same receiver settings (resend_interval) and
// the same exporter settings (compression, sending_queue), every other key at its default.
func TestRecommendedCollectorConfigIsTheREADMEPipeline(t *testing.T) {
	readme := readmePipeline(t)
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 30 * time.Second, MaxBatch: 8192, Recommended: true}
	doc := parse(t, c.YAML())
	for _, key := range []string{"collection_interval", "resend_interval"} {
		if got, want := get(t, doc, "receivers", "kubestate", key), get(t, readme, "receivers", "kubestate", key); got != want {
			t.Errorf("receivers.kubestate.%s = %v, the README's %v", key, got, want)
		}
	}
	readmeExporter := get(t, readme, "exporters", "otlphttp").(map[string]any)
	for _, key := range []string{"compression", "sending_queue"} {
		got, want := get(t, doc, "exporters", "otlp_grpc", key), readmeExporter[key]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("exporters.otlp_grpc.%s = %v, the README's %v", key, got, want)
		}
	}
	// Nothing else of the exporter: the README sets only its endpoint besides.
	for key := range get(t, doc, "exporters", "otlp_grpc").(map[string]any) {
		if _, inREADME := readmeExporter[key]; !inREADME && key != "endpoint" && key != "tls" {
			t.Errorf("exporters.otlp_grpc.%s is set; the README's pipeline leaves it at its default", key)
		}
	}
	if v := get(t, doc, "receivers", "kubestate", "export_timeout"); v != nil {
		t.Errorf("receivers.kubestate.export_timeout = %v, want the default (unset)", v)
	}
	if got := get(t, doc, "service", "pipelines", "metrics", "exporters"); len(got.([]any)) != 1 || got.([]any)[0] != "otlp_grpc" {
		t.Errorf("pipeline exporters %v, want [otlp_grpc]", got)
	}

	c.Compression = "snappy"
	if got := get(t, parse(t, c.YAML()), "exporters", "otlp_grpc", "compression"); got != "snappy" {
		t.Errorf("compression %v, want snappy (-compression)", got)
	}
}

func TestLeanCollectorConfig(t *testing.T) {
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 45 * time.Second, MaxBatch: 1000}
	doc := parse(t, c.YAML())
	for path, want := range map[string]any{
		"exporters.otlp_grpc.compression":               "none",
		"exporters.otlp_grpc.timeout":                   "30s",
		"exporters.otlp_grpc.sending_queue.enabled":     false,
		"exporters.otlp_grpc.retry_on_failure.enabled":  false,
		"receivers.kubestate.export_timeout":            "30s",
		"receivers.kubestate.max_data_points_per_batch": float64(1000),
		"service.telemetry.metrics.level":               "none",
	} {
		if got := get(t, doc, strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	c.PullPort, c.Compression = 9100, "gzip"
	doc = parse(t, c.YAML())
	if got := get(t, doc, "receivers", "kubestate", "pull", "endpoint"); got != "127.0.0.1:9100" {
		t.Errorf("pull.endpoint %v", got)
	}
	if got := get(t, doc, "exporters", "otlp_grpc", "compression"); got != "gzip" {
		t.Errorf("compression %v", got)
	}
	if got := get(t, doc, "service", "pipelines", "metrics", "exporters").([]any); got[0] != "nop" {
		t.Errorf("pull pipeline exports to %v, want nop", got)
	}
}

func TestScraperConfig(t *testing.T) {
	c := ScraperConfig{Target: "127.0.0.1:8080", Sink: "127.0.0.1:4317", Interval: 1500 * time.Millisecond}
	doc := parse(t, c.YAML())
	jobs := get(t, doc, "receivers", "prometheus", "config", "scrape_configs").([]any)
	if len(jobs) != 1 {
		t.Fatalf("scrape_configs %v", jobs)
	}
	job := jobs[0].(map[string]any)
	if job["scrape_interval"] != "1500ms" || job["scrape_timeout"] != "1500ms" {
		t.Errorf("scrape interval/timeout %v/%v, want 1500ms", job["scrape_interval"], job["scrape_timeout"])
	}
	if got := get(t, job, "static_configs").([]any)[0].(map[string]any)["targets"].([]any); len(got) != 1 || got[0] != "127.0.0.1:8080" {
		t.Errorf("targets %v", got)
	}
	// The exporter as users run it: only where to send.
	exp := get(t, doc, "exporters", "otlp_grpc").(map[string]any)
	if len(exp) != 2 || exp["endpoint"] != "127.0.0.1:4317" {
		t.Errorf("otlp_grpc %v, want endpoint and tls only", exp)
	}
	if promDuration(30*time.Second) != "30s" {
		t.Errorf("promDuration(30s) = %s", promDuration(30*time.Second))
	}
}

func TestPipelineLine(t *testing.T) {
	p := Pipeline{Result: Result{Pods: 2000,
		KSM:       Summary{CPUTotal: 10 * time.Second, RSSSteady: 200e6},
		Kubestate: Summary{CPUTotal: 6 * time.Second, RSSSteady: 100e6}},
		Scraper:        Summary{CPUTotal: 20 * time.Second, RSSSteady: 600e6},
		FreshKubestate: Freshness{Delays: []time.Duration{3 * time.Second, time.Second, 2 * time.Second}},
		FreshPeer:      Freshness{Delays: []time.Duration{9 * time.Second, 12 * time.Second}, Missed: 1},
		Churn:          "light", Compression: "zstd", Resend: time.Minute}
	want := "bench-pipeline: pods=2000 cpu_ratio_vs_ksm_plus_scraper=0.20 rss_ratio_vs_ksm_plus_scraper=0.12 freshness_s=2.0/12.0 cpu_ratio_vs_ksm=0.60 rss_ratio_vs_ksm=0.50 points_per_min=NaN/NaN churn=light compression=zstd resend_interval=1m0s"
	if got := p.Line(); got != want {
		t.Errorf("line\n got %s\nwant %s", got, want)
	}
	p.FreshPeer = Freshness{Missed: 3}
	if got := p.Line(); !strings.Contains(got, "freshness_s=2.0/NaN ") {
		t.Errorf("no delay at all must read NaN: %s", got)
	}
}

func TestCollectorConfigSchema(t *testing.T) {
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 30 * time.Second, MaxBatch: 8192}
	if got := get(t, parse(t, c.YAML()), "receivers", "kubestate", "schema"); got != nil {
		t.Errorf("schema %v without -schema, want unset (the receiver's default)", got)
	}
	c.Schema = "semconv"
	if got := get(t, parse(t, c.YAML()), "receivers", "kubestate", "schema"); got != "semconv" {
		t.Errorf("schema %v, want semconv", got)
	}
}

// -defaults: a pipeline nobody tuned, every receiver and exporter key at its default.
func TestDefaultsCollectorConfig(t *testing.T) {
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 30 * time.Second, MaxBatch: 8192, Recommended: true, Defaults: true}
	doc := parse(t, c.YAML())
	for _, key := range []string{"resend_interval", "export_timeout"} {
		if v := get(t, doc, "receivers", "kubestate", key); v != nil {
			t.Errorf("receivers.kubestate.%s = %v, want the default (unset)", key, v)
		}
	}
	exp := get(t, doc, "exporters", "otlp_grpc").(map[string]any)
	if len(exp) != 2 || exp["endpoint"] != "127.0.0.1:4317" || exp["tls"] == nil {
		t.Errorf("otlp_grpc %v, want endpoint and tls only", exp)
	}
	c.Compression = "zstd"
	if got := get(t, parse(t, c.YAML()), "exporters", "otlp_grpc", "compression"); got != "zstd" {
		t.Errorf("compression %v, want zstd (-compression)", got)
	}
}

// The sharded bench's configs, read by the receiver itself: shard k of N as given, and no shard
// settings at all for the unsharded instance.
func TestCollectorConfigShards(t *testing.T) {
	load := func(c CollectorConfig) *kubestatereceiver.Config {
		t.Helper()
		ret, err := confmap.NewRetrievedFromYAML([]byte(c.YAML()))
		if err != nil {
			t.Fatal(err)
		}
		conf, err := ret.AsConf()
		if err != nil {
			t.Fatal(err)
		}
		sub, err := conf.Sub("receivers::kubestate")
		if err != nil {
			t.Fatal(err)
		}
		cfg := kubestatereceiver.NewFactory().CreateDefaultConfig().(*kubestatereceiver.Config)
		if err := sub.Unmarshal(cfg); err != nil {
			t.Fatalf("%v\n%s", err, c.YAML())
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Validate: %v\n%s", err, c.YAML())
		}
		return cfg
	}
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 30 * time.Second, MaxBatch: 8192}
	if cfg := load(c); cfg.Shard != 0 || cfg.TotalShards != 1 {
		t.Errorf("unsharded: shard %d of %d, want 0 of 1", cfg.Shard, cfg.TotalShards)
	}
	if strings.Contains(c.YAML(), "shard") {
		t.Errorf("unsharded config names shards:\n%s", c.YAML())
	}
	for k := range 3 {
		c.Shard, c.TotalShards = k, 3
		if cfg := load(c); cfg.Shard != k || cfg.TotalShards != 3 {
			t.Errorf("shard %d of 3 read back as %d of %d", k, cfg.Shard, cfg.TotalShards)
		}
	}
}

// The k8s_cluster peer exports to its sink with kubestate's compression in the run: zstd in the
// README's pipeline, -compression where given, and the exporter's own default (no flag) with
// -defaults, as kubestate's config leaves it unset then.
func TestK8sClusterPeerFollowsKubestateCompression(t *testing.T) {
	for _, c := range []struct {
		defaults    bool
		compression string
		want        string // "" = no -compression flag
	}{
		{false, "", "zstd"},
		{false, "gzip", "gzip"},
		{false, "none", "none"},
		{true, "", ""},
		{true, "snappy", "snappy"},
	} {
		cfg := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 15 * time.Second, MaxBatch: 8192,
			Recommended: true, Defaults: c.defaults, Compression: c.compression}
		got := cfg.PipelineCompression()
		if got != c.want {
			t.Errorf("defaults=%v compression=%q: PipelineCompression %q, want %q", c.defaults, c.compression, got, c.want)
		}
		if yamlSays, _ := get(t, parse(t, cfg.YAML()), "exporters", "otlp_grpc", "compression").(string); yamlSays != got {
			t.Errorf("defaults=%v compression=%q: kubestate's config compresses with %q, the peer would with %q", c.defaults, c.compression, yamlSays, got)
		}
		args := strings.Join(K8sClusterPeer{Sink: "127.0.0.1:5000", Interval: 15 * time.Second, Compression: got}.Args(), " ")
		want := "-interval 15s -otlp 127.0.0.1:5000"
		if c.want != "" {
			want += " -compression " + c.want
		}
		if args != want {
			t.Errorf("defaults=%v compression=%q: args %q, want %q", c.defaults, c.compression, args, want)
		}
	}
}

func TestPipelineLineK8sCluster(t *testing.T) {
	p := Pipeline{Result: Result{Pods: 2000, Interval: 15 * time.Second,
		KSM:       Summary{CPUTotal: 10 * time.Second, RSSSteady: 200e6},
		Kubestate: Summary{CPUTotal: 6 * time.Second, RSSSteady: 100e6}},
		Scraper: Summary{CPUTotal: 20 * time.Second, RSSSteady: 600e6},
		Churn:   "light", Compression: "zstd", Resend: time.Minute}
	without := p.Line()
	if strings.Contains(without, "k8s_cluster") {
		t.Fatalf("a run without the k8s_cluster peer names it: %s", without)
	}
	p.K8sCluster = &K8sClusterRun{Summary: Summary{CPUTotal: 4 * time.Second, RSSSteady: 80e6, Cycles: 8, PointsInWindow: 8 * 22000},
		Fresh: Freshness{Delays: []time.Duration{4 * time.Second, 9 * time.Second, 6 * time.Second}, Missed: 2}, Compression: "zstd"}
	want := without + " cpu_ratio_vs_k8s_cluster=1.50 rss_ratio_vs_k8s_cluster=1.25 points_per_min_k8s_cluster=88000 freshness_k8s_cluster_s=6.0"
	if got := p.Line(); got != want {
		t.Errorf("line\n got %s\nwant %s", got, want)
	}
	// Every field stays key=value, so the line parses as before with the new keys.
	for _, f := range strings.Fields(strings.TrimPrefix(p.Line(), "bench-pipeline: ")) {
		if k, v, ok := strings.Cut(f, "="); !ok || k == "" || v == "" {
			t.Errorf("field %q is not key=value", f)
		}
	}
	if tab := p.Table(); !strings.Contains(tab, "| CPU total (start to window end) |      4.00 s |     6.00 s |            1.50 |") ||
		!strings.Contains(tab, "k8s_cluster 6.0 s (3/5)") {
		t.Errorf("table lacks the k8s_cluster side:\n%s", tab)
	}
}
