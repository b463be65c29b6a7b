package resources

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestClusterRoleFamilies(t *testing.T) {
	runGolden(t, ClusterRoles, []golden[*rbacv1.ClusterRole]{
		{
			name: "KSM role1: labels and annotations allowlisted, resource version not a number",
			obj: &rbacv1.ClusterRole{
				ObjectMeta: metav1.ObjectMeta{
					Name: "role1", ResourceVersion: "BBBBB",
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
					Labels:      map[string]string{"excluded": "me", "app": "mysql-server"},
				},
				AggregationRule: &rbacv1.AggregationRule{},
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_clusterrole_annotations{clusterrole="role1",annotation_app_k8s_io_owner="@foo"} 1
				kube_clusterrole_labels{clusterrole="role1",label_app="mysql-server"} 1
				kube_clusterrole_info{clusterrole="role1"} 1`,
		},
		{
			name: "KSM role2: created and resource version",
			obj: &rbacv1.ClusterRole{
				ObjectMeta: metav1.ObjectMeta{Name: "role2", CreationTimestamp: metav1.Unix(1501569018, 0), ResourceVersion: "10596"},
			},
			want: `
				kube_clusterrole_info{clusterrole="role2"} 1
				kube_clusterrole_created{clusterrole="role2"} 1.501569018e+09
				kube_clusterrole_metadata_resource_version{clusterrole="role2"} 10596`,
		},
	})
}
