package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/k8sclusterreceiver"
	"go.opentelemetry.io/collector/config/configcompression"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlpexporter"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/goleak"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"-interval", "15s", "-otlp", "127.0.0.1:4317", "-compression", "zstd"})
	if err != nil {
		t.Fatal(err)
	}
	if o.interval != 15*time.Second || o.otlp != "127.0.0.1:4317" || o.compression != "zstd" {
		t.Fatalf("parsed %+v", o)
	}
	for _, tc := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{"-compression", "zstd"}, "-compression"},
		{[]string{"-interval", "0s"}, "-interval"},
		{[]string{"-interval", "soon"}, "-interval"},
		{[]string{"-otlp", "127.0.0.1:4317", "extra"}, "unexpected arguments"},
	} {
		if _, err := parseFlags(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFlags(%q) = %v, want an error naming %s", tc.args, err, tc.want)
		}
	}
}

func TestExporterConfig(t *testing.T) {
	cfg, err := exporterConfig("127.0.0.1:4317", "")
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.(*otlpexporter.Config)
	// The deployed peer runs the exporter's defaults: gzip, the sending queue of 1,000 requests, retries.
	if c.ClientConfig.Endpoint != "127.0.0.1:4317" || !c.ClientConfig.TLS.Insecure {
		t.Errorf("endpoint %q insecure %v", c.ClientConfig.Endpoint, c.ClientConfig.TLS.Insecure)
	}
	if c.ClientConfig.Compression != configcompression.TypeGzip {
		t.Errorf("default compression %q, want gzip", c.ClientConfig.Compression)
	}
	if !c.QueueConfig.HasValue() || c.QueueConfig.Get().QueueSize != 1000 || !c.RetryConfig.Enabled {
		t.Errorf("queue %+v retries %v: want the exporter's defaults", c.QueueConfig, c.RetryConfig.Enabled)
	}

	cfg, err = exporterConfig("127.0.0.1:4317", "zstd")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.(*otlpexporter.Config).ClientConfig.Compression; got != configcompression.TypeZstd {
		t.Errorf("compression %q, want zstd", got)
	}
	if _, err := exporterConfig("127.0.0.1:4317", "brotli"); err == nil || !strings.Contains(err.Error(), "compression") {
		t.Errorf("compression brotli: %v, want an error naming compression", err)
	}
	if _, err := exporterConfig("", ""); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("no endpoint: %v, want an error naming the endpoint", err)
	}
}

func TestReceiverConfig(t *testing.T) {
	cfg, err := receiverConfig(k8sclusterreceiver.NewFactory(), 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.(*k8sclusterreceiver.Config).CollectionInterval; got != 15*time.Second {
		t.Errorf("collection_interval %s, want 15s", got)
	}
}

// Why the peer's exporter keeps its queue of 1,000 requests rather than kubestate's queue sized in
// items: the receiver hands over a whole cycle as one request, and a queue sized in items refuses a
// request larger than itself, whatever block_on_overflow says (the cycle would be lost).
func TestItemsQueueRefusesACycleLargerThanItself(t *testing.T) {
	defer goleak.VerifyNone(t) // after the exporter's shutdown, deferred below
	f := otlpexporter.NewFactory()
	cfg := f.CreateDefaultConfig()
	// Nothing listens on port 1: a request the queue accepted would wait in it, not fail.
	conf := confmap.NewFromStringMap(map[string]any{"endpoint": "127.0.0.1:1", "tls": map[string]any{"insecure": true},
		"sending_queue": map[string]any{"sizer": "items", "queue_size": 10, "block_on_overflow": true}})
	if err := conf.Unmarshal(cfg); err != nil {
		t.Fatal(err)
	}
	exp, err := f.CreateMetrics(t.Context(), exportertest.NewNopSettings(f.Type()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := exp.Start(t.Context(), host{}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := exp.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	}()
	cycle := func(n int) pmetric.Metrics {
		md := pmetric.NewMetrics()
		dps := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptyGauge().DataPoints()
		for i := range n {
			dps.AppendEmpty().SetIntValue(int64(i))
		}
		return md
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := exp.ConsumeMetrics(ctx, cycle(11)); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Fatalf("a request of 11 points offered to a queue of 10 items: %v, want it refused as too large", err)
	}
	if err := exp.ConsumeMetrics(ctx, cycle(10)); err != nil {
		t.Fatalf("a request that fits the queue: %v", err)
	}
}
