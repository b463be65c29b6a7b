package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Namespaces is KSM's namespaces resource.
var Namespaces = &Resource[*corev1.Namespace]{
	Name:         "namespaces",
	Default:      true,
	Prefix:       []string{"namespace"},
	PrefixValues: func(n *corev1.Namespace) []string { return []string{n.Name} },
	New:          func() *corev1.Namespace { return &corev1.Namespace{} },
	ListWatch:    clusterListWatch(func(c engine.Clients) lister[*corev1.NamespaceList] { return c.Kube.CoreV1().Namespaces() }),
	Strip: func(n *corev1.Namespace) {
		n.Spec = corev1.NamespaceSpec{}
	},
	Families: []Family[*corev1.Namespace]{
		{
			Name: "kube_namespace_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(n *corev1.Namespace, e *Emitter) { e.Timestamp(&n.CreationTimestamp) },
		},
		{
			Name: "kube_namespace_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(n *corev1.Namespace, e *Emitter) { e.Annotations(n.Annotations) },
		},
		{
			Name: "kube_namespace_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(n *corev1.Namespace, e *Emitter) { e.Labels(n.Labels) },
		},
		{
			Name: "kube_namespace_status_phase", Help: "kubernetes namespace status phase.", Stability: Stable,
			Labels: []string{"phase"},
			Points: func(n *corev1.Namespace, e *Emitter) {
				e.Add(BoolFloat(n.Status.Phase == corev1.NamespaceActive), string(corev1.NamespaceActive))
				e.Add(BoolFloat(n.Status.Phase == corev1.NamespaceTerminating), string(corev1.NamespaceTerminating))
			},
		},
		{
			Name: "kube_namespace_status_condition", Help: "The condition of a namespace.", Stability: Alpha,
			Labels: []string{"condition", "status"},
			Points: func(n *corev1.Namespace, e *Emitter) {
				for _, c := range n.Status.Conditions {
					e.Conditions(c.Status, string(c.Type))
				}
			},
		},
	},
}
