package bench

import (
	"fmt"
	"strings"
	"time"
)

// CollectorConfig is the distribution's configuration in a bench run: the kubestate receiver
// exporting over OTLP/gRPC to the bench's sink, or serving its pull endpoint.
type CollectorConfig struct {
	Kubeconfig string
	Sink       string // the sink's host:port
	Interval   time.Duration
	MaxBatch   int // max_data_points_per_batch
	// Recommended is the README's pipeline: the receiver's resend_interval at RecommendedResend,
	// the exporter's sending queue sized in items (3 batches) and blocking on overflow, zstd unless
	// Compression says otherwise; every other exporter and receiver setting at its default
	// (retries on, export_timeout's default).
	// Otherwise the lean pipeline: no queue, no retries, each batch encoded and sent inside the
	// cycle that built it, export and exporter timeouts at the interval (30 s at most).
	Recommended bool
	// Defaults, with Recommended, replaces the README's settings by the defaults of every receiver
	// and exporter setting: what a pipeline nobody tuned runs (the exporter's queue of 1,000
	// requests, gzip, retries; every series every cycle).
	Defaults bool
	// Compression of the otlp exporter: "" is zstd with Recommended, and none in the lean pipeline.
	Compression string
	// Schema is the receiver's schema (ksm, k8s_cluster, semconv); "" leaves its default (ksm).
	Schema string
	// Shard of TotalShards, as KSM's --shard/--total-shards; TotalShards 0 or 1 leaves both unset
	// (unsharded).
	Shard, TotalShards int
	PullPort           int    // > 0: serve the pull endpoint there (push: false) and export to nop
	Pprof              string // serve the pprof extension on this address
	// CustomResourceStateFile, when set, is the receiver's custom_resource_state_file, watched alone
	// (custom_resource_state_only).
	CustomResourceStateFile string
}

// RecommendedResend is the README's resend_interval: unchanged series at least every minute.
const RecommendedResend = time.Minute

// RecommendedCompression is the README's compression of the otlp exporter.
const RecommendedCompression = "zstd"

// PipelineCompression is the compression the pipeline's otlp exporter is configured with (lean
// and pull runs aside): "" where the exporter's default (gzip) is left alone (Defaults without
// Compression), zstd in the README's pipeline unless Compression says otherwise.
func (c CollectorConfig) PipelineCompression() string {
	if c.Compression == "" && !c.Defaults {
		return RecommendedCompression
	}
	return c.Compression
}

// QueueItems is the README's queue size: a few batches, 3 x max_data_points_per_batch.
func (c CollectorConfig) QueueItems() int { return 3 * c.MaxBatch }

// YAML renders the configuration.
func (c CollectorConfig) YAML() string {
	var b strings.Builder
	if c.Pprof != "" {
		fmt.Fprintf(&b, "extensions:\n  pprof:\n    endpoint: %q\n", c.Pprof)
	}
	timeout := min(c.Interval, 30*time.Second)
	fmt.Fprintf(&b, "receivers:\n  kubestate:\n    auth_type: kubeConfig\n    kubeconfig: %q\n    collection_interval: %s\n    max_data_points_per_batch: %d\n",
		c.Kubeconfig, c.Interval, c.MaxBatch)
	switch {
	case c.Recommended && c.Defaults:
	case c.Recommended:
		fmt.Fprintf(&b, "    resend_interval: %s\n", promDuration(RecommendedResend))
	default:
		fmt.Fprintf(&b, "    export_timeout: %s\n", timeout)
	}
	if c.Schema != "" {
		fmt.Fprintf(&b, "    schema: %s\n", c.Schema)
	}
	if c.TotalShards > 1 {
		fmt.Fprintf(&b, "    shard: %d\n    total_shards: %d\n", c.Shard, c.TotalShards)
	}
	if c.CustomResourceStateFile != "" {
		fmt.Fprintf(&b, "    custom_resource_state_file: %q\n    custom_resource_state_only: true\n", c.CustomResourceStateFile)
	}
	exporter := "otlp_grpc"
	if c.PullPort > 0 {
		fmt.Fprintf(&b, "    pull:\n      endpoint: 127.0.0.1:%d\n    push: false\n", c.PullPort)
		exporter = "nop"
	}
	fmt.Fprintf(&b, "exporters:\n  nop:\n  otlp_grpc:\n    endpoint: %q\n    tls:\n      insecure: true\n", c.Sink)
	switch {
	case c.Recommended && c.Defaults:
		if c.Compression != "" {
			fmt.Fprintf(&b, "    compression: %s\n", c.Compression)
		}
	case c.Recommended:
		fmt.Fprintf(&b, "    compression: %s\n", c.PipelineCompression())
		fmt.Fprintf(&b, "    sending_queue:\n      sizer: items\n      queue_size: %d\n      block_on_overflow: true\n", c.QueueItems())
	default:
		compression := c.Compression
		if compression == "" {
			compression = "none"
		}
		fmt.Fprintf(&b, "    compression: %s\n    timeout: %s\n    sending_queue:\n      enabled: false\n    retry_on_failure:\n      enabled: false\n", compression, timeout)
	}
	b.WriteString("service:\n")
	if c.Pprof != "" {
		b.WriteString("  extensions: [pprof]\n")
	}
	fmt.Fprintf(&b, "%s  pipelines:\n    metrics:\n      receivers: [kubestate]\n      exporters: [%s]\n", telemetryOff, exporter)
	return b.String()
}

// telemetryOff is both collectors' telemetry: logs at info, no metrics (the default would serve
// them on the same port in both collectors, and costs each the same).
const telemetryOff = "  telemetry:\n    logs:\n      level: info\n    metrics:\n      level: none\n"

// ScraperConfig is the reference collector's configuration (_build/peer/otelcol-ksm-scraper): the
// contrib Prometheus receiver scraping kube-state-metrics every Interval, exporting over OTLP/gRPC
// to the sink with the exporter's defaults (sending queue, retries, gzip). The scrape timeout is
// the interval: Prometheus' 10 s default would cut KSM's page at tens of thousands of pods.
type ScraperConfig struct {
	Target   string // KSM's host:port
	Sink     string
	Interval time.Duration
}

// YAML renders the configuration.
func (c ScraperConfig) YAML() string {
	return fmt.Sprintf(`receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: kube-state-metrics
          scrape_interval: %s
          scrape_timeout: %s
          static_configs:
            - targets: [%q]
exporters:
  otlp_grpc:
    endpoint: %q
    tls:
      insecure: true
service:
%s  pipelines:
    metrics:
      receivers: [prometheus]
      exporters: [otlp_grpc]
`, promDuration(c.Interval), promDuration(c.Interval), c.Target, c.Sink, telemetryOff)
}

// promDuration writes d as Prometheus' configuration reads durations (no fractional units).
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// K8sClusterPeer is the contrib k8s_cluster receiver v0.149.0 deployed as a user's Collector runs it
// (tools/k8sclusterref -otlp, make peer-k8scluster): collecting every Interval and exporting each
// cycle through the core otlp_grpc exporter to the sink. The exporter's sending queue (1,000
// requests), retries and timeout stay at their defaults: the receiver hands over one request per
// cycle (about 113,000 points at 10,000 pods), which a queue sized in items for kubestate's
// batches (QueueItems) would refuse outright as larger than the queue. Compression is kubestate's
// in the same run, so that the two receivers are compared under one exporter codec ("" leaves the
// exporter's default, gzip, as kubestate's -defaults does).
type K8sClusterPeer struct {
	Sink        string
	Interval    time.Duration
	Compression string
}

// Args is the peer's command line.
func (c K8sClusterPeer) Args() []string {
	args := []string{"-interval", c.Interval.String(), "-otlp", c.Sink}
	if c.Compression != "" {
		args = append(args, "-compression", c.Compression)
	}
	return args
}
