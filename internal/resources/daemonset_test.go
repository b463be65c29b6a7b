package resources

import (
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestDaemonSetFamilies(t *testing.T) {
	runGolden(t, DaemonSets, []golden[*appsv1.DaemonSet]{
		{
			name: "annotations allowlisted, no creation timestamp",
			obj: &appsv1.DaemonSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:        "ds1",
					Namespace:   "ns1",
					Labels:      map[string]string{"app": "example1"},
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
					Generation:  21,
				},
				Status: appsv1.DaemonSetStatus{
					CurrentNumberScheduled: 15,
					NumberMisscheduled:     10,
					DesiredNumberScheduled: 5,
					NumberReady:            5,
					ObservedGeneration:     2,
				},
			},
			filter: family.Filter{Annotations: allow(t, "app.k8s.io/owner")},
			want: `
				kube_daemonset_metadata_generation{namespace="ns1",daemonset="ds1"} 21
				kube_daemonset_status_current_number_scheduled{namespace="ns1",daemonset="ds1"} 15
				kube_daemonset_status_desired_number_scheduled{namespace="ns1",daemonset="ds1"} 5
				kube_daemonset_status_number_available{namespace="ns1",daemonset="ds1"} 0
				kube_daemonset_status_number_misscheduled{namespace="ns1",daemonset="ds1"} 10
				kube_daemonset_status_number_ready{namespace="ns1",daemonset="ds1"} 5
				kube_daemonset_status_number_unavailable{namespace="ns1",daemonset="ds1"} 0
				kube_daemonset_status_observed_generation{namespace="ns1",daemonset="ds1"} 2
				kube_daemonset_status_updated_number_scheduled{namespace="ns1",daemonset="ds1"} 0
				kube_daemonset_annotations{namespace="ns1",daemonset="ds1",annotation_app_k8s_io_owner="@foo"} 1`,
		},
		{
			name: "created, zero status",
			obj: &appsv1.DaemonSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "ds2",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns2",
					Labels:            map[string]string{"app": "example2"},
					Generation:        14,
				},
				Status: appsv1.DaemonSetStatus{CurrentNumberScheduled: 10, NumberMisscheduled: 5},
			},
			families: []string{
				"kube_daemonset_created", "kube_daemonset_labels", "kube_daemonset_metadata_generation",
				"kube_daemonset_status_current_number_scheduled", "kube_daemonset_status_desired_number_scheduled",
				"kube_daemonset_status_number_available", "kube_daemonset_status_number_misscheduled",
				"kube_daemonset_status_number_ready", "kube_daemonset_status_number_unavailable",
				"kube_daemonset_status_updated_number_scheduled",
			},
			want: `
				kube_daemonset_metadata_generation{namespace="ns2",daemonset="ds2"} 14
				kube_daemonset_status_current_number_scheduled{namespace="ns2",daemonset="ds2"} 10
				kube_daemonset_status_desired_number_scheduled{namespace="ns2",daemonset="ds2"} 0
				kube_daemonset_status_number_available{namespace="ns2",daemonset="ds2"} 0
				kube_daemonset_status_number_misscheduled{namespace="ns2",daemonset="ds2"} 5
				kube_daemonset_status_number_ready{namespace="ns2",daemonset="ds2"} 0
				kube_daemonset_status_number_unavailable{namespace="ns2",daemonset="ds2"} 0
				kube_daemonset_status_updated_number_scheduled{namespace="ns2",daemonset="ds2"} 0
				kube_daemonset_created{namespace="ns2",daemonset="ds2"} 1.5e+09`,
		},
		{
			name: "all status fields, labels allowlisted, spec and conditions ignored",
			obj: &appsv1.DaemonSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "ds3",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns3",
					Labels:            map[string]string{"app": "example3"},
					Generation:        15,
				},
				Spec: appsv1.DaemonSetSpec{
					Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "i"}}}},
				},
				Status: appsv1.DaemonSetStatus{
					CurrentNumberScheduled: 10,
					NumberMisscheduled:     5,
					DesiredNumberScheduled: 15,
					NumberReady:            5,
					NumberAvailable:        5,
					NumberUnavailable:      5,
					UpdatedNumberScheduled: 5,
					ObservedGeneration:     15,
					Conditions:             []appsv1.DaemonSetCondition{{Type: "X", Status: corev1.ConditionTrue}},
				},
			},
			filter: family.Filter{Labels: allow(t, "*")},
			want: `
				kube_daemonset_created{namespace="ns3",daemonset="ds3"} 1.5e+09
				kube_daemonset_labels{namespace="ns3",daemonset="ds3",label_app="example3"} 1
				kube_daemonset_metadata_generation{namespace="ns3",daemonset="ds3"} 15
				kube_daemonset_status_current_number_scheduled{namespace="ns3",daemonset="ds3"} 10
				kube_daemonset_status_desired_number_scheduled{namespace="ns3",daemonset="ds3"} 15
				kube_daemonset_status_number_available{namespace="ns3",daemonset="ds3"} 5
				kube_daemonset_status_number_misscheduled{namespace="ns3",daemonset="ds3"} 5
				kube_daemonset_status_number_ready{namespace="ns3",daemonset="ds3"} 5
				kube_daemonset_status_number_unavailable{namespace="ns3",daemonset="ds3"} 5
				kube_daemonset_status_observed_generation{namespace="ns3",daemonset="ds3"} 15
				kube_daemonset_status_updated_number_scheduled{namespace="ns3",daemonset="ds3"} 5`,
		},
		{
			name: "deletion timestamp",
			obj: &appsv1.DaemonSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "ds4",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
					Namespace:         "ns4",
					Generation:        14,
				},
			},
			families: []string{"kube_daemonset_deletion_timestamp"},
			want:     `kube_daemonset_deletion_timestamp{namespace="ns4",daemonset="ds4"} 1.8e+09`,
		},
		{
			name: "empty object: counters at zero, no timestamps",
			obj:  &appsv1.DaemonSet{},
			want: `
				kube_daemonset_metadata_generation{namespace="",daemonset=""} 0
				kube_daemonset_status_current_number_scheduled{namespace="",daemonset=""} 0
				kube_daemonset_status_desired_number_scheduled{namespace="",daemonset=""} 0
				kube_daemonset_status_number_available{namespace="",daemonset=""} 0
				kube_daemonset_status_number_misscheduled{namespace="",daemonset=""} 0
				kube_daemonset_status_number_ready{namespace="",daemonset=""} 0
				kube_daemonset_status_number_unavailable{namespace="",daemonset=""} 0
				kube_daemonset_status_observed_generation{namespace="",daemonset=""} 0
				kube_daemonset_status_updated_number_scheduled{namespace="",daemonset=""} 0`,
		},
	})
}

func TestDaemonSetStrip(t *testing.T) {
	d := &appsv1.DaemonSet{
		Spec:   appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}}},
		Status: appsv1.DaemonSetStatus{NumberReady: 3, Conditions: []appsv1.DaemonSetCondition{{Type: "X"}}},
	}
	DaemonSets.Strip(d)
	if d.Spec.Template.Spec.Containers != nil || d.Status.Conditions != nil || d.Status.NumberReady != 3 {
		t.Errorf("strip: %+v", d)
	}
}
