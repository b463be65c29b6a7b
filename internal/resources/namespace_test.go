package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestNamespaceFamilies(t *testing.T) {
	runGolden(t, Namespaces, []golden[*corev1.Namespace]{
		{
			name: "active",
			obj: &corev1.Namespace{
				ObjectMeta: metav1.ObjectMeta{Name: "nsActiveTest"},
				Status:     corev1.NamespaceStatus{Phase: corev1.NamespaceActive},
			},
			want: `
				kube_namespace_status_phase{namespace="nsActiveTest",phase="Active"} 1
				kube_namespace_status_phase{namespace="nsActiveTest",phase="Terminating"} 0`,
		},
		{
			name: "terminating with conditions, created, labels allowlisted",
			obj: &corev1.Namespace{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "nsTerminateTest",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Labels:            map[string]string{"app": "example1"},
					Annotations:       map[string]string{"app": "example1", "app.k8s.io/owner": "@foo"},
				},
				Status: corev1.NamespaceStatus{
					Phase: corev1.NamespaceTerminating,
					Conditions: []corev1.NamespaceCondition{
						{Type: corev1.NamespaceDeletionDiscoveryFailure, Status: corev1.ConditionTrue},
						{Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionFalse},
					},
				},
			},
			filter: family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_namespace_annotations{namespace="nsTerminateTest",annotation_app_k8s_io_owner="@foo"} 1
				kube_namespace_created{namespace="nsTerminateTest"} 1.5e+09
				kube_namespace_labels{namespace="nsTerminateTest",label_app="example1"} 1
				kube_namespace_status_phase{namespace="nsTerminateTest",phase="Active"} 0
				kube_namespace_status_phase{namespace="nsTerminateTest",phase="Terminating"} 1
				kube_namespace_status_condition{namespace="nsTerminateTest",condition="NamespaceDeletionDiscoveryFailure",status="true"} 1
				kube_namespace_status_condition{namespace="nsTerminateTest",condition="NamespaceDeletionDiscoveryFailure",status="false"} 0
				kube_namespace_status_condition{namespace="nsTerminateTest",condition="NamespaceDeletionDiscoveryFailure",status="unknown"} 0
				kube_namespace_status_condition{namespace="nsTerminateTest",condition="NamespaceDeletionContentFailure",status="true"} 0
				kube_namespace_status_condition{namespace="nsTerminateTest",condition="NamespaceDeletionContentFailure",status="false"} 1
				kube_namespace_status_condition{namespace="nsTerminateTest",condition="NamespaceDeletionContentFailure",status="unknown"} 0`,
		},
		{
			name:     "labels family empty without an allowlist",
			obj:      &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns", Labels: map[string]string{"app": "x"}}},
			families: []string{"kube_namespace_labels", "kube_namespace_annotations"},
			want:     ``,
		},
	})
}
