package resources

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ClusterRoles is KSM's clusterroles resource.
var ClusterRoles = &Resource[*rbacv1.ClusterRole]{
	Name:         "clusterroles",
	Prefix:       []string{"clusterrole"},
	PrefixValues: func(r *rbacv1.ClusterRole) []string { return []string{r.Name} },
	New:          func() *rbacv1.ClusterRole { return &rbacv1.ClusterRole{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*rbacv1.ClusterRoleList] {
		return c.Kube.RbacV1().ClusterRoles()
	}),
	Strip: func(r *rbacv1.ClusterRole) {
		stripMeta(&r.ObjectMeta, metaKept{labels: true, generation: true})
		r.Rules = nil
		r.AggregationRule = nil
	},
	Families: []Family[*rbacv1.ClusterRole]{
		{
			Name: "kube_clusterrole_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRole, e *Emitter) { e.Annotations(r.Annotations) },
		},
		{
			Name: "kube_clusterrole_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRole, e *Emitter) { e.Labels(r.Labels) },
		},
		{
			Name: "kube_clusterrole_info", Help: "Information about cluster role.", Stability: Alpha,
			Points: func(_ *rbacv1.ClusterRole, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_clusterrole_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRole, e *Emitter) { e.Timestamp(&r.CreationTimestamp) },
		},
		{
			Name: "kube_clusterrole_metadata_resource_version", Help: "Resource version representing a specific version of the cluster role.", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRole, e *Emitter) { e.ResourceVersion(r.ResourceVersion) },
		},
	},
}
