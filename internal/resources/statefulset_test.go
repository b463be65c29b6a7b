package resources

import (
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

// statefulSetFamiliesExcept lists the statefulset families KSM's test cases look at (all but
// annotations and deletion_timestamp), minus the given ones.
func statefulSetFamiliesExcept(except ...string) []string {
	var out []string
	for _, f := range StatefulSets.Families {
		if f.Name == "kube_statefulset_annotations" || f.Name == "kube_statefulset_deletion_timestamp" {
			continue
		}
		skip := false
		for _, x := range except {
			skip = skip || f.Name == x
		}
		if !skip {
			out = append(out, f.Name)
		}
	}
	return out
}

// statefulSetLines expands "{}" in each line into the namespace/statefulset prefix.
func statefulSetLines(ns, name, lines string) string {
	return strings.ReplaceAll(lines, "{}", `{namespace="`+ns+`",statefulset="`+name+`"`)
}

func TestStatefulSetFamilies(t *testing.T) {
	runGolden(t, StatefulSets, []golden[*appsv1.StatefulSet]{
		{
			name: "statefulset1",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "statefulset1",
					CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Namespace:         "ns1",
					Labels:            map[string]string{"app": "example1"},
					Generation:        3,
				},
				Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](3), ServiceName: "statefulset1service"},
				Status: appsv1.StatefulSetStatus{
					ObservedGeneration: 1,
					Replicas:           2,
					UpdateRevision:     "ur1",
					CurrentRevision:    "cr1",
				},
			},
			families: statefulSetFamiliesExcept(),
			want: statefulSetLines("ns1", "statefulset1", `
				kube_statefulset_status_update_revision{},revision="ur1"} 1
				kube_statefulset_created{}} 1.5e+09
				kube_statefulset_status_current_revision{},revision="cr1"} 1
				kube_statefulset_status_replicas{}} 2
				kube_statefulset_status_replicas_available{}} 0
				kube_statefulset_status_replicas_current{}} 0
				kube_statefulset_status_replicas_ready{}} 0
				kube_statefulset_status_replicas_updated{}} 0
				kube_statefulset_status_observed_generation{}} 1
				kube_statefulset_replicas{}} 3
				kube_statefulset_metadata_generation{}} 3`),
		},
		{
			name: "statefulset2",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "statefulset2",
					Namespace:  "ns2",
					Labels:     map[string]string{"app": "example2"},
					Generation: 21,
				},
				Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](6), ServiceName: "statefulset2service"},
				Status: appsv1.StatefulSetStatus{
					CurrentReplicas:    2,
					ObservedGeneration: 2,
					ReadyReplicas:      5,
					Replicas:           5,
					AvailableReplicas:  4,
					UpdatedReplicas:    3,
					UpdateRevision:     "ur2",
					CurrentRevision:    "cr2",
				},
			},
			families: statefulSetFamiliesExcept("kube_statefulset_created", "kube_statefulset_ordinals_start"),
			want: statefulSetLines("ns2", "statefulset2", `
				kube_statefulset_status_update_revision{},revision="ur2"} 1
				kube_statefulset_status_replicas{}} 5
				kube_statefulset_status_replicas_available{}} 4
				kube_statefulset_status_replicas_current{}} 2
				kube_statefulset_status_replicas_ready{}} 5
				kube_statefulset_status_replicas_updated{}} 3
				kube_statefulset_status_observed_generation{}} 2
				kube_statefulset_replicas{}} 6
				kube_statefulset_metadata_generation{}} 21
				kube_statefulset_status_current_revision{},revision="cr2"} 1`),
		},
		{
			name: "statefulset3: observed generation 0 still emitted",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "statefulset3",
					Namespace:  "ns3",
					Labels:     map[string]string{"app": "example3"},
					Generation: 36,
				},
				Spec:   appsv1.StatefulSetSpec{Replicas: ptr.To[int32](9), ServiceName: "statefulset2service"},
				Status: appsv1.StatefulSetStatus{Replicas: 7, UpdateRevision: "ur3", CurrentRevision: "cr3"},
			},
			families: statefulSetFamiliesExcept("kube_statefulset_created", "kube_statefulset_ordinals_start"),
			want: statefulSetLines("ns3", "statefulset3", `
				kube_statefulset_status_update_revision{},revision="ur3"} 1
				kube_statefulset_status_replicas{}} 7
				kube_statefulset_status_replicas_available{}} 0
				kube_statefulset_status_replicas_current{}} 0
				kube_statefulset_status_replicas_ready{}} 0
				kube_statefulset_status_replicas_updated{}} 0
				kube_statefulset_status_observed_generation{}} 0
				kube_statefulset_replicas{}} 9
				kube_statefulset_metadata_generation{}} 36
				kube_statefulset_status_current_revision{},revision="cr3"} 1`),
		},
		{
			name: "statefulset4: retention policy",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "statefulset4",
					Namespace:  "ns4",
					Labels:     map[string]string{"app": "example4"},
					Generation: 1,
				},
				Spec: appsv1.StatefulSetSpec{
					Replicas:    ptr.To[int32](3),
					ServiceName: "statefulset4service",
					PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
						WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
						WhenScaled:  appsv1.DeletePersistentVolumeClaimRetentionPolicyType,
					},
				},
				Status: appsv1.StatefulSetStatus{Replicas: 7, UpdateRevision: "ur3", CurrentRevision: "cr3"},
			},
			families: statefulSetFamiliesExcept("kube_statefulset_created", "kube_statefulset_ordinals_start", "kube_statefulset_status_observed_generation"),
			want: statefulSetLines("ns4", "statefulset4", `
				kube_statefulset_status_update_revision{},revision="ur3"} 1
				kube_statefulset_status_replicas{}} 7
				kube_statefulset_status_replicas_available{}} 0
				kube_statefulset_status_replicas_current{}} 0
				kube_statefulset_status_replicas_ready{}} 0
				kube_statefulset_status_replicas_updated{}} 0
				kube_statefulset_replicas{}} 3
				kube_statefulset_metadata_generation{}} 1
				kube_statefulset_persistentvolumeclaim_retention_policy{},when_deleted="Retain",when_scaled="Delete"} 1
				kube_statefulset_status_current_revision{},revision="cr3"} 1`),
		},
		{
			name: "statefulset5: ordinals start",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:       "statefulset5",
					Namespace:  "ns5",
					Labels:     map[string]string{"app": "example5"},
					Generation: 1,
				},
				Spec: appsv1.StatefulSetSpec{
					Replicas:    ptr.To[int32](3),
					ServiceName: "statefulset5service",
					Ordinals:    &appsv1.StatefulSetOrdinals{Start: 2},
				},
				Status: appsv1.StatefulSetStatus{Replicas: 3, UpdateRevision: "ur5", CurrentRevision: "cr5"},
			},
			families: statefulSetFamiliesExcept("kube_statefulset_created", "kube_statefulset_status_observed_generation"),
			want: statefulSetLines("ns5", "statefulset5", `
				kube_statefulset_status_update_revision{},revision="ur5"} 1
				kube_statefulset_status_replicas{}} 3
				kube_statefulset_status_replicas_available{}} 0
				kube_statefulset_status_replicas_current{}} 0
				kube_statefulset_status_replicas_ready{}} 0
				kube_statefulset_status_replicas_updated{}} 0
				kube_statefulset_replicas{}} 3
				kube_statefulset_ordinals_start{}} 2
				kube_statefulset_metadata_generation{}} 1
				kube_statefulset_status_current_revision{},revision="cr5"} 1`),
		},
		{
			name: "statefulset6: deletion timestamp",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "statefulset6",
					Namespace:         "ns6",
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
					Generation:        1,
				},
				Spec:   appsv1.StatefulSetSpec{Replicas: ptr.To[int32](1)},
				Status: appsv1.StatefulSetStatus{Replicas: 1},
			},
			families: []string{"kube_statefulset_deletion_timestamp"},
			want:     `kube_statefulset_deletion_timestamp{namespace="ns6",statefulset="statefulset6"} 1.8e+09`,
		},
		{
			name: "retention policy with one side set; ordinals start 0",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "n"},
				Spec: appsv1.StatefulSetSpec{
					Ordinals: &appsv1.StatefulSetOrdinals{},
					PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
						WhenScaled: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
					},
				},
			},
			families: []string{"kube_statefulset_persistentvolumeclaim_retention_policy", "kube_statefulset_ordinals_start"},
			want: `
				kube_statefulset_ordinals_start{namespace="n",statefulset="s"} 0
				kube_statefulset_persistentvolumeclaim_retention_policy{namespace="n",statefulset="s",when_deleted="",when_scaled="Retain"} 1`,
		},
		{
			name: "empty retention policy emits nothing",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "n"},
				Spec:       appsv1.StatefulSetSpec{PersistentVolumeClaimRetentionPolicy: &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{}},
			},
			families: []string{"kube_statefulset_persistentvolumeclaim_retention_policy"},
			want:     ``,
		},
		{
			name: "empty object: nil replicas, ordinals and policy emit nothing; revisions empty",
			obj:  &appsv1.StatefulSet{},
			want: statefulSetLines("", "", `
				kube_statefulset_status_replicas{}} 0
				kube_statefulset_status_replicas_available{}} 0
				kube_statefulset_status_replicas_current{}} 0
				kube_statefulset_status_replicas_ready{}} 0
				kube_statefulset_status_replicas_updated{}} 0
				kube_statefulset_status_observed_generation{}} 0
				kube_statefulset_metadata_generation{}} 0
				kube_statefulset_status_current_revision{},revision=""} 1
				kube_statefulset_status_update_revision{},revision=""} 1`),
		},
		{
			name: "labels and annotations allowlisted",
			obj: &appsv1.StatefulSet{
				ObjectMeta: metav1.ObjectMeta{
					Name: "s", Namespace: "n",
					Labels:      map[string]string{"app": "db", "tier": "backend"},
					Annotations: map[string]string{"app.k8s.io/owner": "@foo", "other": "x"},
				},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			families: []string{"kube_statefulset_labels", "kube_statefulset_annotations"},
			want: `
				kube_statefulset_labels{namespace="n",statefulset="s",label_app="db"} 1
				kube_statefulset_annotations{namespace="n",statefulset="s",annotation_app_k8s_io_owner="@foo"} 1`,
		},
	})
}

func TestStatefulSetStrip(t *testing.T) {
	s := &appsv1.StatefulSet{
		Spec: appsv1.StatefulSetSpec{
			Replicas:             ptr.To[int32](2),
			Template:             corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{}},
			Ordinals:             &appsv1.StatefulSetOrdinals{Start: 1},
		},
	}
	StatefulSets.Strip(s)
	if s.Spec.Template.Spec.Containers != nil || s.Spec.VolumeClaimTemplates != nil || *s.Spec.Replicas != 2 || s.Spec.Ordinals.Start != 1 {
		t.Errorf("strip: %+v", s.Spec)
	}
}
