package resources

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestRoleFamilies(t *testing.T) {
	runGolden(t, Roles, []golden[*rbacv1.Role]{
		{
			name: "KSM role1: labels and annotations allowlisted, resource version not a number",
			obj: &rbacv1.Role{
				ObjectMeta: metav1.ObjectMeta{
					Name: "role1", Namespace: "ns1", ResourceVersion: "BBBBB",
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
					Labels:      map[string]string{"excluded": "me", "app": "mysql-server"},
				},
				Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, Resources: []string{"pods"}}},
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_role_annotations{namespace="ns1",role="role1",annotation_app_k8s_io_owner="@foo"} 1
				kube_role_labels{namespace="ns1",role="role1",label_app="mysql-server"} 1
				kube_role_info{namespace="ns1",role="role1"} 1`,
		},
		{
			name: "KSM role2: created and resource version",
			obj: &rbacv1.Role{
				ObjectMeta: metav1.ObjectMeta{Name: "role2", Namespace: "ns2", CreationTimestamp: metav1.Unix(1501569018, 0), ResourceVersion: "10596"},
			},
			want: `
				kube_role_info{namespace="ns2",role="role2"} 1
				kube_role_created{namespace="ns2",role="role2"} 1.501569018e+09
				kube_role_metadata_resource_version{namespace="ns2",role="role2"} 10596`,
		},
	})
}

func TestRBACStrip(t *testing.T) {
	r := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "r", Labels: map[string]string{"a": "b"}, Finalizers: []string{"f"}, ResourceVersion: "1"},
		Rules:      []rbacv1.PolicyRule{{Verbs: []string{"get"}}},
	}
	Roles.Strip(r)
	if r.Rules != nil || r.Finalizers != nil || r.Labels == nil || r.ResourceVersion != "1" {
		t.Errorf("role not stripped to what families read: %+v", r)
	}
	cr := &rbacv1.ClusterRole{
		Rules:           []rbacv1.PolicyRule{{Verbs: []string{"get"}}},
		AggregationRule: &rbacv1.AggregationRule{},
	}
	ClusterRoles.Strip(cr)
	if cr.Rules != nil || cr.AggregationRule != nil {
		t.Errorf("cluster role not stripped to what families read: %+v", cr)
	}
	b := &rbacv1.ClusterRoleBinding{
		Subjects: []rbacv1.Subject{{Kind: "User", Name: "u"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "c"},
	}
	ClusterRoleBindings.Strip(b)
	if b.Subjects != nil || b.RoleRef != (rbacv1.RoleRef{Kind: "ClusterRole", Name: "c"}) {
		t.Errorf("cluster role binding not stripped to what families read: %+v", b)
	}
}
