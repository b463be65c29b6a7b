// Package kubestatereceiver is the kubestate receiver: kube-state-metrics v2.20.0 metrics built from
// Kubernetes informers and exported as pdata batches under a deadline. The concurrency core lives in
// internal/engine; the metric families in internal/resources.
package kubestatereceiver

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/kubestate/kubestate/receiver/kubestatereceiver/internal/metadata"
)

// NewFactory returns the factory of the kubestate receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		func() component.Config { return createDefaultConfig() },
		receiver.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

func createMetrics(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Metrics) (receiver.Metrics, error) {
	return newReceiver(set, cfg.(*Config), next)
}
