package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ResourceQuotas is KSM's resourcequotas resource.
var ResourceQuotas = &Resource[*corev1.ResourceQuota]{
	Name:         "resourcequotas",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "resourcequota"},
	PrefixValues: func(q *corev1.ResourceQuota) []string { return []string{q.Namespace, q.Name} },
	New:          func() *corev1.ResourceQuota { return &corev1.ResourceQuota{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.ResourceQuotaList] {
		return c.Kube.CoreV1().ResourceQuotas(ns)
	}),
	Strip: func(q *corev1.ResourceQuota) {
		stripMeta(&q.ObjectMeta, metaKept{labels: true, generation: true})
		q.Spec = corev1.ResourceQuotaSpec{} // KSM reads status.hard, not spec.hard
	},
	Families: []Family[*corev1.ResourceQuota]{
		{
			Name: "kube_resourcequota_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(q *corev1.ResourceQuota, e *Emitter) { e.Timestamp(&q.CreationTimestamp) },
		},
		{
			Name: "kube_resourcequota", Help: "Information about resource quota.", Stability: Stable,
			Labels: []string{"resource", "type"},
			Points: func(q *corev1.ResourceQuota, e *Emitter) {
				for res, qty := range q.Status.Hard {
					e.Add(Quantity(qty), string(res), "hard")
				}
				for res, qty := range q.Status.Used {
					e.Add(Quantity(qty), string(res), "used")
				}
			},
		},
		{
			Name: "kube_resourcequota_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(q *corev1.ResourceQuota, e *Emitter) { e.Annotations(q.Annotations) },
		},
		{
			Name: "kube_resourcequota_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(q *corev1.ResourceQuota, e *Emitter) { e.Labels(q.Labels) },
		},
	},
}
