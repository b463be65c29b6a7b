package resources

import (
	"testing"
	"time"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestPodDisruptionBudgetFamilies(t *testing.T) {
	runGolden(t, PodDisruptionBudgets, []golden[*policyv1.PodDisruptionBudget]{
		{
			name: "KSM pdb1",
			obj: &policyv1.PodDisruptionBudget{
				ObjectMeta: metav1.ObjectMeta{
					Name: "pdb1", Namespace: "ns1", Generation: 21,
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
				},
				Spec: policyv1.PodDisruptionBudgetSpec{MinAvailable: policyPtr(intstr.FromInt32(10))},
				Status: policyv1.PodDisruptionBudgetStatus{
					CurrentHealthy: 12, DesiredHealthy: 10, DisruptionsAllowed: 2, ExpectedPods: 15, ObservedGeneration: 111,
					DisruptedPods: map[string]metav1.Time{"p": {Time: time.Unix(1, 0)}},
					Conditions:    []metav1.Condition{{Type: policyv1.DisruptionAllowedCondition, Status: metav1.ConditionTrue}},
				},
			},
			want: `
				kube_poddisruptionbudget_created{namespace="ns1",poddisruptionbudget="pdb1"} 1.5e+09
				kube_poddisruptionbudget_status_current_healthy{namespace="ns1",poddisruptionbudget="pdb1"} 12
				kube_poddisruptionbudget_status_desired_healthy{namespace="ns1",poddisruptionbudget="pdb1"} 10
				kube_poddisruptionbudget_status_pod_disruptions_allowed{namespace="ns1",poddisruptionbudget="pdb1"} 2
				kube_poddisruptionbudget_status_expected_pods{namespace="ns1",poddisruptionbudget="pdb1"} 15
				kube_poddisruptionbudget_status_observed_generation{namespace="ns1",poddisruptionbudget="pdb1"} 111`,
		},
		{
			name: "KSM pdb2: no creation timestamp",
			obj: &policyv1.PodDisruptionBudget{
				ObjectMeta: metav1.ObjectMeta{Name: "pdb2", Namespace: "ns2", Generation: 14},
				Status: policyv1.PodDisruptionBudgetStatus{
					CurrentHealthy: 8, DesiredHealthy: 9, DisruptionsAllowed: 0, ExpectedPods: 10, ObservedGeneration: 1111,
				},
			},
			want: `
				kube_poddisruptionbudget_status_current_healthy{namespace="ns2",poddisruptionbudget="pdb2"} 8
				kube_poddisruptionbudget_status_desired_healthy{namespace="ns2",poddisruptionbudget="pdb2"} 9
				kube_poddisruptionbudget_status_pod_disruptions_allowed{namespace="ns2",poddisruptionbudget="pdb2"} 0
				kube_poddisruptionbudget_status_expected_pods{namespace="ns2",poddisruptionbudget="pdb2"} 10
				kube_poddisruptionbudget_status_observed_generation{namespace="ns2",poddisruptionbudget="pdb2"} 1111`,
		},
		{
			name: "KSM: labels and annotations allowlisted",
			obj: &policyv1.PodDisruptionBudget{
				ObjectMeta: metav1.ObjectMeta{
					Name: "pdb_with_allowed_labels_and_annotations", Namespace: "ns",
					Annotations: map[string]string{"app.k8s.io/owner": "mysql-server", "foo": "bar"},
					Labels:      map[string]string{"app": "mysql-server", "hello": "world"},
				},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			families: []string{"kube_poddisruptionbudget_annotations", "kube_poddisruptionbudget_labels"},
			want: `
				kube_poddisruptionbudget_annotations{namespace="ns",poddisruptionbudget="pdb_with_allowed_labels_and_annotations",annotation_app_k8s_io_owner="mysql-server"} 1
				kube_poddisruptionbudget_labels{namespace="ns",poddisruptionbudget="pdb_with_allowed_labels_and_annotations",label_app="mysql-server"} 1`,
		},
		{
			name: "KSM pdb3: deletion timestamp",
			obj: &policyv1.PodDisruptionBudget{
				ObjectMeta: metav1.ObjectMeta{
					Name: "pdb3", Namespace: "ns3", Generation: 14,
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
				},
				Status: policyv1.PodDisruptionBudgetStatus{CurrentHealthy: 8, DesiredHealthy: 9},
			},
			families: []string{"kube_poddisruptionbudget_deletion_timestamp"},
			want: `
				kube_poddisruptionbudget_deletion_timestamp{namespace="ns3",poddisruptionbudget="pdb3"} 1.8e+09`,
		},
		{
			name:     "labels family with an allowlist matching nothing: one point without label keys",
			obj:      &policyv1.PodDisruptionBudget{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}},
			filter:   family.Filter{Labels: allow(t, "app")},
			families: []string{"kube_poddisruptionbudget_labels", "kube_poddisruptionbudget_annotations", "kube_poddisruptionbudget_deletion_timestamp"},
			want: `
				kube_poddisruptionbudget_labels{namespace="ns",poddisruptionbudget="p"} 1`,
		},
	})
}
