package resources

import (
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// IngressClasses is KSM's ingressclasses resource (networking/v1, cluster-scoped, off by default).
var IngressClasses = &Resource[*networkingv1.IngressClass]{
	Name:         "ingressclasses",
	Prefix:       []string{"ingressclass"},
	PrefixValues: func(c *networkingv1.IngressClass) []string { return []string{c.Name} },
	New:          func() *networkingv1.IngressClass { return &networkingv1.IngressClass{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*networkingv1.IngressClassList] {
		return c.Kube.NetworkingV1().IngressClasses()
	}),
	Strip: func(c *networkingv1.IngressClass) {
		c.Spec = networkingv1.IngressClassSpec{Controller: c.Spec.Controller}
	},
	Families: []Family[*networkingv1.IngressClass]{
		{
			Name: "kube_ingressclass_info", Help: "Information about ingressclass.", Stability: Alpha,
			Labels: []string{"controller"},
			Points: func(c *networkingv1.IngressClass, e *Emitter) { e.Add(1, c.Spec.Controller) },
		},
		{
			Name: "kube_ingressclass_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(c *networkingv1.IngressClass, e *Emitter) { e.Timestamp(&c.CreationTimestamp) },
		},
		{
			Name: "kube_ingressclass_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(c *networkingv1.IngressClass, e *Emitter) { e.Annotations(c.Annotations) },
		},
		{
			Name: "kube_ingressclass_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(c *networkingv1.IngressClass, e *Emitter) { e.Labels(c.Labels) },
		},
	},
}
