package resources

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// RoleBindings is KSM's rolebindings resource.
var RoleBindings = &Resource[*rbacv1.RoleBinding]{
	Name:         "rolebindings",
	Namespaced:   true,
	Prefix:       []string{"namespace", "rolebinding"},
	PrefixValues: func(r *rbacv1.RoleBinding) []string { return []string{r.Namespace, r.Name} },
	New:          func() *rbacv1.RoleBinding { return &rbacv1.RoleBinding{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*rbacv1.RoleBindingList] {
		return c.Kube.RbacV1().RoleBindings(ns)
	}),
	Strip: func(r *rbacv1.RoleBinding) {
		stripMeta(&r.ObjectMeta, metaKept{labels: true, generation: true})
		r.Subjects = nil
		r.RoleRef.APIGroup = ""
	},
	Families: []Family[*rbacv1.RoleBinding]{
		{
			Name: "kube_rolebinding_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.RoleBinding, e *Emitter) { e.Annotations(r.Annotations) },
		},
		{
			Name: "kube_rolebinding_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.RoleBinding, e *Emitter) { e.Labels(r.Labels) },
		},
		{
			Name: "kube_rolebinding_info", Help: "Information about rolebinding.", Stability: Alpha,
			Labels: []string{"roleref_kind", "roleref_name"},
			Points: func(r *rbacv1.RoleBinding, e *Emitter) { e.Add(1, r.RoleRef.Kind, r.RoleRef.Name) },
		},
		{
			Name: "kube_rolebinding_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(r *rbacv1.RoleBinding, e *Emitter) { e.Timestamp(&r.CreationTimestamp) },
		},
		{
			Name: "kube_rolebinding_metadata_resource_version", Help: "Resource version representing a specific version of the rolebinding.", Stability: Alpha,
			Points: func(r *rbacv1.RoleBinding, e *Emitter) { e.ResourceVersion(r.ResourceVersion) },
		},
	},
}
