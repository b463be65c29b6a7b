package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ConfigMaps is KSM's configmaps resource.
var ConfigMaps = &Resource[*corev1.ConfigMap]{
	Name:         "configmaps",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "configmap"},
	PrefixValues: func(c *corev1.ConfigMap) []string { return []string{c.Namespace, c.Name} },
	New:          func() *corev1.ConfigMap { return &corev1.ConfigMap{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.ConfigMapList] {
		return c.Kube.CoreV1().ConfigMaps(ns)
	}),
	Strip: func(c *corev1.ConfigMap) {
		stripMeta(&c.ObjectMeta, metaKept{labels: true, deletion: true})
		c.Immutable = nil
		c.Data = nil
		c.BinaryData = nil
	},
	Families: []Family[*corev1.ConfigMap]{
		{
			Name: "kube_configmap_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(c *corev1.ConfigMap, e *Emitter) { e.Annotations(c.Annotations) },
		},
		{
			Name: "kube_configmap_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(c *corev1.ConfigMap, e *Emitter) { e.Labels(c.Labels) },
		},
		{
			Name: "kube_configmap_info", Help: "Information about configmap.", Stability: Stable,
			Points: func(_ *corev1.ConfigMap, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_configmap_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(c *corev1.ConfigMap, e *Emitter) { e.Timestamp(&c.CreationTimestamp) },
		},
		{
			Name: "kube_configmap_metadata_resource_version", Help: "Resource version representing a specific version of the configmap.", Stability: Alpha,
			Points: func(c *corev1.ConfigMap, e *Emitter) { e.ResourceVersion(c.ResourceVersion) },
		},
	},
}
