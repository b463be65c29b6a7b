package resources

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestClusterRoleBindingFamilies(t *testing.T) {
	roleRef := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "role"}
	runGolden(t, ClusterRoleBindings, []golden[*rbacv1.ClusterRoleBinding]{
		{
			name: "KSM clusterrolebinding1: labels and annotations allowlisted, resource version not a number",
			obj: &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{
					Name: "clusterrolebinding1", ResourceVersion: "BBBBB",
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
					Labels:      map[string]string{"excluded": "me", "app": "mysql-server"},
				},
				Subjects: []rbacv1.Subject{{Kind: "Group", Name: "g"}},
				RoleRef:  roleRef,
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_clusterrolebinding_annotations{clusterrolebinding="clusterrolebinding1",annotation_app_k8s_io_owner="@foo"} 1
				kube_clusterrolebinding_labels{clusterrolebinding="clusterrolebinding1",label_app="mysql-server"} 1
				kube_clusterrolebinding_info{clusterrolebinding="clusterrolebinding1",roleref_kind="Role",roleref_name="role"} 1`,
		},
		{
			name: "KSM clusterrolebinding2: created and resource version",
			obj: &rbacv1.ClusterRoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "clusterrolebinding2", CreationTimestamp: metav1.Unix(1501569018, 0), ResourceVersion: "10596"},
				RoleRef:    roleRef,
			},
			want: `
				kube_clusterrolebinding_info{clusterrolebinding="clusterrolebinding2",roleref_kind="Role",roleref_name="role"} 1
				kube_clusterrolebinding_created{clusterrolebinding="clusterrolebinding2"} 1.501569018e+09
				kube_clusterrolebinding_metadata_resource_version{clusterrolebinding="clusterrolebinding2"} 10596`,
		},
		{
			name: "empty role ref: empty label values",
			obj:  &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "b"}},
			want: `
				kube_clusterrolebinding_info{clusterrolebinding="b",roleref_kind="",roleref_name=""} 1`,
		},
	})
}
