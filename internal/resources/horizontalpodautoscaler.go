package resources

import (
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// HorizontalPodAutoscalers is KSM's horizontalpodautoscalers resource (autoscaling/v2).
var HorizontalPodAutoscalers = &Resource[*autoscalingv2.HorizontalPodAutoscaler]{
	Name:       "horizontalpodautoscalers",
	Namespaced: true,
	Default:    true,
	Prefix:     []string{"namespace", "horizontalpodautoscaler"},
	PrefixValues: func(h *autoscalingv2.HorizontalPodAutoscaler) []string {
		return []string{h.Namespace, h.Name}
	},
	New: func() *autoscalingv2.HorizontalPodAutoscaler { return &autoscalingv2.HorizontalPodAutoscaler{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*autoscalingv2.HorizontalPodAutoscalerList] {
		return c.Kube.AutoscalingV2().HorizontalPodAutoscalers(ns)
	}),
	Strip: hpaStrip,
	Families: []Family[*autoscalingv2.HorizontalPodAutoscaler]{
		{
			Name: "kube_horizontalpodautoscaler_info", Help: "Information about this autoscaler.", Stability: Alpha,
			// Keys depend on the object: scaletargetref_api_version only when set, as in KSM.
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				ref := h.Spec.ScaleTargetRef
				if ref.APIVersion != "" {
					e.AddKV(1, hpaInfoLabelsWithAPIVersion, ref.APIVersion, ref.Kind, ref.Name)
				} else {
					e.AddKV(1, hpaInfoLabels, ref.Kind, ref.Name)
				}
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_metadata_generation", Help: "The generation observed by the HorizontalPodAutoscaler controller.", Stability: Stable,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Add(float64(h.Generation)) },
		},
		{
			Name: "kube_horizontalpodautoscaler_spec_max_replicas", Help: "Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas.", Stability: Stable,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Add(float64(h.Spec.MaxReplicas)) },
		},
		{
			Name: "kube_horizontalpodautoscaler_spec_min_replicas", Help: "Lower limit for the number of pods that can be set by the autoscaler, default 1.", Stability: Stable,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				minReplicas := int32(1) // the API default, when unset
				if h.Spec.MinReplicas != nil {
					minReplicas = *h.Spec.MinReplicas
				}
				e.Add(float64(minReplicas))
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_spec_target_metric", Help: "The metric specifications used by this autoscaler when calculating the desired replica count.", Stability: Alpha,
			Labels: hpaTargetMetricLabels,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				for _, m := range h.Spec.Metrics {
					if name, container, t := hpaSpecMetric(m); t != nil {
						hpaTargetPoints(e, name, container, t.Value, t.AverageValue, t.AverageUtilization)
					}
				}
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_spec_behavior_scale_down_tolerance", Help: "The tolerance on the ratio between the current and desired metric value below which no scale down occurs.", Stability: Alpha,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				if b := h.Spec.Behavior; b != nil {
					hpaTolerance(e, b.ScaleDown)
				}
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_spec_behavior_scale_up_tolerance", Help: "The tolerance on the ratio between the current and desired metric value below which no scale up occurs.", Stability: Alpha,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				if b := h.Spec.Behavior; b != nil {
					hpaTolerance(e, b.ScaleUp)
				}
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_status_target_metric", Help: "The current metric status used by this autoscaler when calculating the desired replica count.", Stability: Stable,
			Labels: hpaTargetMetricLabels,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				for _, m := range h.Status.CurrentMetrics {
					if name, container, c := hpaStatusMetric(m); c != nil {
						hpaTargetPoints(e, name, container, c.Value, c.AverageValue, c.AverageUtilization)
					}
				}
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_status_current_replicas", Help: "Current number of replicas of pods managed by this autoscaler.", Stability: Stable,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Add(float64(h.Status.CurrentReplicas)) },
		},
		{
			Name: "kube_horizontalpodautoscaler_status_desired_replicas", Help: "Desired number of replicas of pods managed by this autoscaler.", Stability: Stable,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Add(float64(h.Status.DesiredReplicas)) },
		},
		{
			Name: "kube_horizontalpodautoscaler_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Annotations(h.Annotations) },
		},
		{
			Name: "kube_horizontalpodautoscaler_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Labels(h.Labels) },
		},
		{
			Name: "kube_horizontalpodautoscaler_status_condition", Help: "The condition of this autoscaler.", Stability: Stable,
			Labels: []string{"condition", "status"},
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) {
				for _, c := range h.Status.Conditions {
					e.Conditions(c.Status, string(c.Type))
				}
			},
		},
		{
			Name: "kube_horizontalpodautoscaler_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Timestamp(&h.CreationTimestamp) },
		},
		{
			Name: "kube_horizontalpodautoscaler_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(h *autoscalingv2.HorizontalPodAutoscaler, e *Emitter) { e.Timestamp(h.DeletionTimestamp) },
		},
	},
}

var (
	hpaInfoLabels               = []string{"scaletargetref_kind", "scaletargetref_name"}
	hpaInfoLabelsWithAPIVersion = []string{"scaletargetref_api_version", "scaletargetref_kind", "scaletargetref_name"}
	hpaTargetMetricLabels       = []string{"metric_name", "metric_target_type", "container"}
)

// hpaTargetPoints emits one point per target kind set on a metric (value, utilization, average);
// a metric with none set emits nothing.
func hpaTargetPoints(e *Emitter, name, container string, value, average *resource.Quantity, utilization *int32) {
	if value != nil {
		e.Add(Quantity(*value), name, "value", container)
	}
	if utilization != nil {
		e.Add(float64(*utilization), name, "utilization", container)
	}
	if average != nil {
		e.Add(Quantity(*average), name, "average", container)
	}
}

// hpaSpecMetric is a spec metric's name, container and target; a nil target for unknown types (and
// for a source missing for its type, where KSM would panic).
func hpaSpecMetric(m autoscalingv2.MetricSpec) (name, container string, t *autoscalingv2.MetricTarget) {
	switch {
	case m.Type == autoscalingv2.ObjectMetricSourceType && m.Object != nil:
		return m.Object.Metric.Name, "", &m.Object.Target
	case m.Type == autoscalingv2.PodsMetricSourceType && m.Pods != nil:
		return m.Pods.Metric.Name, "", &m.Pods.Target
	case m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil:
		return string(m.Resource.Name), "", &m.Resource.Target
	case m.Type == autoscalingv2.ContainerResourceMetricSourceType && m.ContainerResource != nil:
		return string(m.ContainerResource.Name), m.ContainerResource.Container, &m.ContainerResource.Target
	case m.Type == autoscalingv2.ExternalMetricSourceType && m.External != nil:
		return m.External.Metric.Name, "", &m.External.Target
	}
	return "", "", nil
}

// hpaStatusMetric is a current metric's name, container and value; nil for unknown types and for a
// source missing for its type (status is not validated; KSM skips those too).
func hpaStatusMetric(m autoscalingv2.MetricStatus) (name, container string, c *autoscalingv2.MetricValueStatus) {
	switch {
	case m.Type == autoscalingv2.ObjectMetricSourceType && m.Object != nil:
		return m.Object.Metric.Name, "", &m.Object.Current
	case m.Type == autoscalingv2.PodsMetricSourceType && m.Pods != nil:
		return m.Pods.Metric.Name, "", &m.Pods.Current
	case m.Type == autoscalingv2.ResourceMetricSourceType && m.Resource != nil:
		return string(m.Resource.Name), "", &m.Resource.Current
	case m.Type == autoscalingv2.ContainerResourceMetricSourceType && m.ContainerResource != nil:
		return string(m.ContainerResource.Name), m.ContainerResource.Container, &m.ContainerResource.Current
	case m.Type == autoscalingv2.ExternalMetricSourceType && m.External != nil:
		return m.External.Metric.Name, "", &m.External.Current
	}
	return "", "", nil
}

// hpaTolerance emits a scaling rule's tolerance, nothing when unset.
func hpaTolerance(e *Emitter, r *autoscalingv2.HPAScalingRules) {
	if r != nil && r.Tolerance != nil {
		e.Add(r.Tolerance.AsApproximateFloat64())
	}
}

// hpaStrip keeps what the families read: the scale target, replica bounds, metric names, targets
// and containers, tolerances, current metrics, replica counts and condition types and statuses.
func hpaStrip(h *autoscalingv2.HorizontalPodAutoscaler) {
	stripMeta(&h.ObjectMeta, metaKept{labels: true, deletion: true, generation: true})
	if b := h.Spec.Behavior; b != nil {
		b.ScaleUp = hpaStripRules(b.ScaleUp)
		b.ScaleDown = hpaStripRules(b.ScaleDown)
		if b.ScaleUp == nil && b.ScaleDown == nil {
			h.Spec.Behavior = nil
		}
	}
	for i := range h.Spec.Metrics {
		m := &h.Spec.Metrics[i]
		if m.Object != nil {
			m.Object.DescribedObject = autoscalingv2.CrossVersionObjectReference{}
			m.Object.Metric.Selector = nil
		}
		if m.Pods != nil {
			m.Pods.Metric.Selector = nil
		}
		if m.External != nil {
			m.External.Metric.Selector = nil
		}
	}
	for i := range h.Status.CurrentMetrics {
		m := &h.Status.CurrentMetrics[i]
		if m.Object != nil {
			m.Object.DescribedObject = autoscalingv2.CrossVersionObjectReference{}
			m.Object.Metric.Selector = nil
		}
		if m.Pods != nil {
			m.Pods.Metric.Selector = nil
		}
		if m.External != nil {
			m.External.Metric.Selector = nil
		}
	}
	h.Status.ObservedGeneration = nil
	h.Status.LastScaleTime = nil
	for i := range h.Status.Conditions {
		c := &h.Status.Conditions[i]
		c.Reason, c.Message, c.LastTransitionTime = "", "", metav1.Time{}
	}
}

// hpaStripRules keeps only a scaling rule's tolerance; nil when it has none.
func hpaStripRules(r *autoscalingv2.HPAScalingRules) *autoscalingv2.HPAScalingRules {
	if r == nil || r.Tolerance == nil {
		return nil
	}
	r.StabilizationWindowSeconds, r.SelectPolicy, r.Policies = nil, nil, nil
	return r
}
