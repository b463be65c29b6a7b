package resources

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// Roles is KSM's roles resource.
var Roles = &Resource[*rbacv1.Role]{
	Name:         "roles",
	Namespaced:   true,
	Prefix:       []string{"namespace", "role"},
	PrefixValues: func(r *rbacv1.Role) []string { return []string{r.Namespace, r.Name} },
	New:          func() *rbacv1.Role { return &rbacv1.Role{} },
	ListWatch: namespacedListWatch(func(c engine.Clients, ns string) lister[*rbacv1.RoleList] {
		return c.Kube.RbacV1().Roles(ns)
	}),
	Strip: func(r *rbacv1.Role) {
		stripMeta(&r.ObjectMeta, metaKept{labels: true, generation: true})
		r.Rules = nil
	},
	Families: []Family[*rbacv1.Role]{
		{
			Name: "kube_role_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.Role, e *Emitter) { e.Annotations(r.Annotations) },
		},
		{
			Name: "kube_role_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Alpha,
			Points: func(r *rbacv1.Role, e *Emitter) { e.Labels(r.Labels) },
		},
		{
			Name: "kube_role_info", Help: "Information about role.", Stability: Alpha,
			Points: func(_ *rbacv1.Role, e *Emitter) { e.Add(1) },
		},
		{
			Name: "kube_role_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(r *rbacv1.Role, e *Emitter) { e.Timestamp(&r.CreationTimestamp) },
		},
		{
			Name: "kube_role_metadata_resource_version", Help: "Resource version representing a specific version of the role.", Stability: Alpha,
			Points: func(r *rbacv1.Role, e *Emitter) { e.ResourceVersion(r.ResourceVersion) },
		},
	},
}
