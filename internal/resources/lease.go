package resources

import (
	coordinationv1 "k8s.io/api/coordination/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Leases is KSM's leases resource. Its default label is the lease name only; the families that
// want the namespace carry it themselves.
var Leases = &Resource[*coordinationv1.Lease]{
	Name:         "leases",
	Namespaced:   true,
	Default:      true,
	Prefix:       []string{"lease"},
	PrefixValues: func(l *coordinationv1.Lease) []string { return []string{l.Name} },
	New:          func() *coordinationv1.Lease { return &coordinationv1.Lease{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*coordinationv1.LeaseList] {
		return c.Kube.CoordinationV1().Leases(ns)
	}),
	Strip: func(l *coordinationv1.Lease) {
		stripMeta(&l.ObjectMeta, metaKept{labels: true, deletion: true, owners: true})
		l.Labels = nil      // no labels family
		l.Annotations = nil // no annotations family
		l.Spec = coordinationv1.LeaseSpec{HolderIdentity: l.Spec.HolderIdentity, RenewTime: l.Spec.RenewTime}
	},
	Families: []Family[*coordinationv1.Lease]{
		{
			Name: "kube_lease_owner", Help: "Information about the Lease's owner.", Stability: Alpha,
			Labels: []string{"owner_kind", "owner_name", "namespace", "lease_holder"},
			Points: func(l *coordinationv1.Lease, e *Emitter) {
				var holder string
				if l.Spec.HolderIdentity != nil {
					holder = *l.Spec.HolderIdentity
				}
				if len(l.OwnerReferences) == 0 {
					e.Add(1, "", "", l.Namespace, holder)
					return
				}
				for _, o := range l.OwnerReferences {
					e.Add(1, o.Kind, o.Name, l.Namespace, holder)
				}
			},
		},
		{
			Name: "kube_lease_renew_time", Help: "Kube lease renew time.", Stability: Alpha,
			Labels: []string{"namespace"},
			Points: func(l *coordinationv1.Lease, e *Emitter) {
				if !l.Spec.RenewTime.IsZero() {
					e.Add(float64(l.Spec.RenewTime.Unix()), l.Namespace)
				}
			},
		},
	},
}
