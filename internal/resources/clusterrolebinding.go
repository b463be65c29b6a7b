package resources

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// ClusterRoleBindings is KSM's clusterrolebindings resource.
var ClusterRoleBindings = &Resource[*rbacv1.ClusterRoleBinding]{
	Name:         "clusterrolebindings",
	Prefix:       []string{"clusterrolebinding"},
	PrefixValues: func(r *rbacv1.ClusterRoleBinding) []string { return []string{r.Name} },
	New:          func() *rbacv1.ClusterRoleBinding { return &rbacv1.ClusterRoleBinding{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*rbacv1.ClusterRoleBindingList] {
		return c.Kube.RbacV1().ClusterRoleBindings()
	}),
	Strip: func(r *rbacv1.ClusterRoleBinding) {
		stripMeta(&r.ObjectMeta, metaKept{labels: true, generation: true})
		r.Subjects = nil
		r.RoleRef.APIGroup = ""
	},
	Families: []Family[*rbacv1.ClusterRoleBinding]{
		{
			Name: "kube_clusterrolebinding_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRoleBinding, e *Emitter) { e.Annotations(r.Annotations) },
		},
		{
			Name: "kube_clusterrolebinding_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRoleBinding, e *Emitter) { e.Labels(r.Labels) },
		},
		{
			Name: "kube_clusterrolebinding_info", Help: "Information about clusterrolebinding.", Stability: Alpha,
			Labels: []string{"roleref_kind", "roleref_name"},
			Points: func(r *rbacv1.ClusterRoleBinding, e *Emitter) { e.Add(1, r.RoleRef.Kind, r.RoleRef.Name) },
		},
		{
			Name: "kube_clusterrolebinding_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRoleBinding, e *Emitter) { e.Timestamp(&r.CreationTimestamp) },
		},
		{
			Name: "kube_clusterrolebinding_metadata_resource_version", Help: "Resource version representing a specific version of the clusterrolebinding.", Stability: Alpha,
			Points: func(r *rbacv1.ClusterRoleBinding, e *Emitter) { e.ResourceVersion(r.ResourceVersion) },
		},
	},
}
