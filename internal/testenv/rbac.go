package testenv

import (
	"context"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// LimitedRole is a ClusterRole bound to the group of Identities (kubestate:limited), for tests of
// what the receiver does without a permission and once it is granted.
type LimitedRole struct {
	tb   testing.TB
	cs   kubernetes.Interface
	role *rbacv1.ClusterRole
}

// NewLimitedRole creates the role with rules and its binding; both are deleted when the test ends.
func NewLimitedRole(tb testing.TB, cs kubernetes.Interface, rules ...rbacv1.PolicyRule) *LimitedRole {
	tb.Helper()
	ctx := context.Background()
	role, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kubestate-limited-"},
		Rules:      rules,
	}, metav1.CreateOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	binding, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kubestate-limited-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: "Group", APIGroup: "rbac.authorization.k8s.io", Name: "kubestate:limited"}},
	}, metav1.CreateOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cs.RbacV1().ClusterRoleBindings().Delete(context.Background(), binding.Name, metav1.DeleteOptions{})
		_ = cs.RbacV1().ClusterRoles().Delete(context.Background(), role.Name, metav1.DeleteOptions{})
	})
	return &LimitedRole{tb: tb, cs: cs, role: role}
}

// Grant adds rules to the role.
func (r *LimitedRole) Grant(rules ...rbacv1.PolicyRule) {
	r.tb.Helper()
	r.Set(append(r.role.Rules, rules...)...)
}

// Set replaces the role's rules.
func (r *LimitedRole) Set(rules ...rbacv1.PolicyRule) {
	r.tb.Helper()
	r.role.Rules = rules
	role, err := r.cs.RbacV1().ClusterRoles().Update(context.Background(), r.role, metav1.UpdateOptions{})
	if err != nil {
		r.tb.Fatal(err)
	}
	r.role = role
}
