package resources

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// LimitRanges is KSM's limitranges resource.
var LimitRanges = &Resource[*corev1.LimitRange]{
	Name:         "limitranges",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"namespace", "limitrange"},
	PrefixValues: func(l *corev1.LimitRange) []string { return []string{l.Namespace, l.Name} },
	New:          func() *corev1.LimitRange { return &corev1.LimitRange{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*corev1.LimitRangeList] {
		return c.Kube.CoreV1().LimitRanges(ns)
	}),
	Strip: func(l *corev1.LimitRange) {
		stripMeta(&l.ObjectMeta, metaKept{generation: true}) // every spec field is read
	},
	Families: []Family[*corev1.LimitRange]{
		{
			Name: "kube_limitrange", Help: "Information about limit range.", Stability: Stable,
			Labels: []string{"resource", "type", "constraint"},
			Points: func(l *corev1.LimitRange, e *Emitter) {
				for _, item := range l.Spec.Limits {
					limitRangeConstraint(e, item.Type, "min", item.Min)
					limitRangeConstraint(e, item.Type, "max", item.Max)
					limitRangeConstraint(e, item.Type, "default", item.Default)
					limitRangeConstraint(e, item.Type, "defaultRequest", item.DefaultRequest)
					limitRangeConstraint(e, item.Type, "maxLimitRequestRatio", item.MaxLimitRequestRatio)
				}
			},
		},
		{
			Name: "kube_limitrange_created", Help: "Unix creation timestamp", Stability: Stable,
			Points: func(l *corev1.LimitRange, e *Emitter) { e.Timestamp(&l.CreationTimestamp) },
		},
	},
}

// limitRangeConstraint emits one point per resource of one constraint of a limit range item.
func limitRangeConstraint(e *Emitter, typ corev1.LimitType, constraint string, list corev1.ResourceList) {
	for res, qty := range list {
		e.Add(Quantity(qty), string(res), string(typ), constraint)
	}
}
