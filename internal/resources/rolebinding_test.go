package resources

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestRoleBindingFamilies(t *testing.T) {
	roleRef := rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "role"}
	runGolden(t, RoleBindings, []golden[*rbacv1.RoleBinding]{
		{
			name: "KSM rolebinding1: labels and annotations allowlisted, resource version not a number",
			obj: &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{
					Name: "rolebinding1", Namespace: "ns1", ResourceVersion: "BBBBB",
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
					Labels:      map[string]string{"excluded": "me", "app": "mysql-server"},
				},
				Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "sa", Namespace: "ns1"}},
				RoleRef:  roleRef,
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_rolebinding_annotations{namespace="ns1",rolebinding="rolebinding1",annotation_app_k8s_io_owner="@foo"} 1
				kube_rolebinding_labels{namespace="ns1",rolebinding="rolebinding1",label_app="mysql-server"} 1
				kube_rolebinding_info{namespace="ns1",rolebinding="rolebinding1",roleref_kind="Role",roleref_name="role"} 1`,
		},
		{
			name: "KSM rolebinding2: created and resource version",
			obj: &rbacv1.RoleBinding{
				ObjectMeta: metav1.ObjectMeta{Name: "rolebinding2", Namespace: "ns2", CreationTimestamp: metav1.Unix(1501569018, 0), ResourceVersion: "10596"},
				RoleRef:    roleRef,
			},
			want: `
				kube_rolebinding_info{namespace="ns2",rolebinding="rolebinding2",roleref_kind="Role",roleref_name="role"} 1
				kube_rolebinding_created{namespace="ns2",rolebinding="rolebinding2"} 1.501569018e+09
				kube_rolebinding_metadata_resource_version{namespace="ns2",rolebinding="rolebinding2"} 10596`,
		},
	})
}
