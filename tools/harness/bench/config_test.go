package bench

import (
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/confmap"
	"sigs.k8s.io/yaml"

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

func TestRecommendedCollectorConfigIsTheREADMEPipeline(t *testing.T) {
	c := CollectorConfig{Kubeconfig: "/k", Sink: "127.0.0.1:4317", Interval: 30 * time.Second, MaxBatch: 8192, Recommended: true}
	doc := parse(t, c.YAML())
	q := get(t, doc, "exporters", "otlp_grpc", "sending_queue")
	want := map[string]any{"sizer": "items", "queue_size": float64(24576), "block_on_overflow": true}
	if m, _ := q.(map[string]any); len(m) != len(want) {
		t.Fatalf("sending_queue %v, want %v", q, want)
	}
	for k, v := range want {
		if got := get(t, doc, "exporters", "otlp_grpc", "sending_queue", k); got != v {
			t.Errorf("sending_queue.%s = %v, want %v", k, got, v)
		}
	}
	// Everything else at its default: compression, retries, timeouts.
	for _, path := range [][]string{
		{"exporters", "otlp_grpc", "compression"}, {"exporters", "otlp_grpc", "retry_on_failure"},
		{"exporters", "otlp_grpc", "timeout"}, {"receivers", "kubestate", "export_timeout"},
	} {
		if v := get(t, doc, path...); v != nil {
			t.Errorf("%s = %v, want the default (unset)", strings.Join(path, "."), v)
		}
	}
	if got := get(t, doc, "service", "pipelines", "metrics", "exporters"); len(got.([]any)) != 1 || got.([]any)[0] != "otlp_grpc" {
		t.Errorf("pipeline exporters %v, want [otlp_grpc]", got)
	}
	if got := get(t, doc, "receivers", "kubestate", "collection_interval"); got != "30s" {
		t.Errorf("collection_interval %v", got)
	}

	c.Compression = "zstd"
	if got := get(t, parse(t, c.YAML()), "exporters", "otlp_grpc", "compression"); got != "zstd" {
		t.Errorf("compression %v, want zstd", got)
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
		Churn:          "light"}
	want := "bench-pipeline: pods=2000 cpu_ratio_vs_ksm_plus_scraper=0.20 rss_ratio_vs_ksm_plus_scraper=0.12 freshness_s=2.0/12.0 cpu_ratio_vs_ksm=0.60 rss_ratio_vs_ksm=0.50 points_per_min=NaN/NaN churn=light compression=default"
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
