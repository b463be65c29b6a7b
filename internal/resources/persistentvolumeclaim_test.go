package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestPersistentVolumeClaimFamilies(t *testing.T) {
	created := metav1.Time{Time: time.Unix(1500000000, 0)}
	conditions := func(resizing, fsPending, custom corev1.ConditionStatus) []corev1.PersistentVolumeClaimCondition {
		return []corev1.PersistentVolumeClaimCondition{
			{Type: corev1.PersistentVolumeClaimResizing, Status: resizing, Reason: "r", Message: "m", LastTransitionTime: created},
			{Type: corev1.PersistentVolumeClaimFileSystemResizePending, Status: fsPending},
			{Type: "CustomizedType", Status: custom},
		}
	}
	mysqlSpec := corev1.PersistentVolumeClaimSpec{
		AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		StorageClassName: ptr.To("rbd"),
		Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		VolumeName:       "pvc-mysql-data",
		VolumeMode:       ptr.To(corev1.PersistentVolumeBlock),
	}
	mysqlWant := `
		kube_persistentvolumeclaim_created{namespace="default",persistentvolumeclaim="mysql-data"} 1.5e+09
		kube_persistentvolumeclaim_info{namespace="default",persistentvolumeclaim="mysql-data",storageclass="rbd",volumename="pvc-mysql-data",volumemode="Block"} 1
		kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="mysql-data",phase="Lost"} 0
		kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="mysql-data",phase="Bound"} 1
		kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="mysql-data",phase="Pending"} 0
		kube_persistentvolumeclaim_resource_requests_storage_bytes{namespace="default",persistentvolumeclaim="mysql-data"} 1.073741824e+09
		kube_persistentvolumeclaim_access_mode{namespace="default",persistentvolumeclaim="mysql-data",access_mode="ReadWriteOnce"} 1
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="Resizing",status="true"} 1
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="Resizing",status="false"} 0
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="Resizing",status="unknown"} 0
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="FileSystemResizePending",status="true"} 0
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="FileSystemResizePending",status="false"} 1
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="FileSystemResizePending",status="unknown"} 0
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="CustomizedType",status="true"} 1
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="CustomizedType",status="false"} 0
		kube_persistentvolumeclaim_status_condition{namespace="default",persistentvolumeclaim="mysql-data",condition="CustomizedType",status="unknown"} 0`
	ksmFamilies := []string{
		"kube_persistentvolumeclaim_info", "kube_persistentvolumeclaim_status_phase", "kube_persistentvolumeclaim_resource_requests_storage_bytes",
		"kube_persistentvolumeclaim_annotations", "kube_persistentvolumeclaim_labels", "kube_persistentvolumeclaim_access_mode",
		"kube_persistentvolumeclaim_status_condition", "kube_persistentvolumeclaim_created",
	}
	runGolden(t, PersistentVolumeClaims, []golden[*corev1.PersistentVolumeClaim]{
		{
			name: "bound, annotations allowlisted",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{
					Name: "mysql-data", Namespace: "default", CreationTimestamp: created,
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
				},
				Spec:   mysqlSpec,
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, Conditions: conditions(corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionTrue)},
			},
			filter:   family.Filter{Annotations: allow(t, "app.k8s.io/owner")},
			families: ksmFamilies,
			want: mysqlWant + `
				kube_persistentvolumeclaim_annotations{namespace="default",persistentvolumeclaim="mysql-data",annotation_app_k8s_io_owner="@foo"} 1`,
		},
		{
			name: "bound, labels allowlisted",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{
					Name: "mysql-data", Namespace: "default", CreationTimestamp: created,
					Labels: map[string]string{"app": "mysql-server"},
				},
				Spec:   mysqlSpec,
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound, Conditions: conditions(corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionTrue)},
			},
			filter:   family.Filter{Labels: allow(t, "app")},
			families: ksmFamilies,
			want: mysqlWant + `
				kube_persistentvolumeclaim_labels{namespace="default",persistentvolumeclaim="mysql-data",label_app="mysql-server"} 1`,
		},
		{
			name: "pending without storage request",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{Name: "prometheus-data", Namespace: "default", CreationTimestamp: created},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					StorageClassName: ptr.To("rbd"),
					VolumeName:       "pvc-prometheus-data",
					VolumeMode:       ptr.To(corev1.PersistentVolumeBlock),
				},
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimPending},
			},
			families: ksmFamilies,
			want: `
				kube_persistentvolumeclaim_created{namespace="default",persistentvolumeclaim="prometheus-data"} 1.5e+09
				kube_persistentvolumeclaim_info{namespace="default",persistentvolumeclaim="prometheus-data",storageclass="rbd",volumename="pvc-prometheus-data",volumemode="Block"} 1
				kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="prometheus-data",phase="Lost"} 0
				kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="prometheus-data",phase="Bound"} 0
				kube_persistentvolumeclaim_status_phase{namespace="default",persistentvolumeclaim="prometheus-data",phase="Pending"} 1
				kube_persistentvolumeclaim_access_mode{namespace="default",persistentvolumeclaim="prometheus-data",access_mode="ReadWriteOnce"} 1`,
		},
		{
			name: "lost, no namespace, no class",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{Name: "mongo-data", CreationTimestamp: created},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					VolumeMode:  ptr.To(corev1.PersistentVolumeBlock),
				},
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimLost, Conditions: conditions(corev1.ConditionFalse, corev1.ConditionTrue, corev1.ConditionFalse)},
			},
			families: ksmFamilies,
			want: `
				kube_persistentvolumeclaim_created{namespace="",persistentvolumeclaim="mongo-data"} 1.5e+09
				kube_persistentvolumeclaim_info{namespace="",persistentvolumeclaim="mongo-data",storageclass="",volumename="",volumemode="Block"} 1
				kube_persistentvolumeclaim_status_phase{namespace="",persistentvolumeclaim="mongo-data",phase="Lost"} 1
				kube_persistentvolumeclaim_status_phase{namespace="",persistentvolumeclaim="mongo-data",phase="Bound"} 0
				kube_persistentvolumeclaim_status_phase{namespace="",persistentvolumeclaim="mongo-data",phase="Pending"} 0
				kube_persistentvolumeclaim_access_mode{namespace="",persistentvolumeclaim="mongo-data",access_mode="ReadWriteOnce"} 1
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="Resizing",status="true"} 0
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="Resizing",status="false"} 1
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="Resizing",status="unknown"} 0
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="FileSystemResizePending",status="true"} 1
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="FileSystemResizePending",status="false"} 0
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="FileSystemResizePending",status="unknown"} 0
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="CustomizedType",status="true"} 0
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="CustomizedType",status="false"} 1
				kube_persistentvolumeclaim_status_condition{namespace="",persistentvolumeclaim="mongo-data",condition="CustomizedType",status="unknown"} 0`,
		},
		{
			name: "terminating",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "terminating-data",
					CreationTimestamp: created,
					DeletionTimestamp: &metav1.Time{Time: time.Unix(1800000000, 0)},
				},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
					VolumeName:  "pvc-postgresql-data",
					VolumeMode:  ptr.To(corev1.PersistentVolumeBlock),
				},
				Status: corev1.PersistentVolumeClaimStatus{Phase: corev1.ClaimBound},
			},
			families: []string{"kube_persistentvolumeclaim_deletion_timestamp", "kube_persistentvolumeclaim_status_phase"},
			want: `
				kube_persistentvolumeclaim_deletion_timestamp{namespace="",persistentvolumeclaim="terminating-data"} 1.8e+09
				kube_persistentvolumeclaim_status_phase{namespace="",persistentvolumeclaim="terminating-data",phase="Lost"} 0
				kube_persistentvolumeclaim_status_phase{namespace="",persistentvolumeclaim="terminating-data",phase="Bound"} 1
				kube_persistentvolumeclaim_status_phase{namespace="",persistentvolumeclaim="terminating-data",phase="Pending"} 0`,
		},
		{
			name: "beta storage class annotation wins over spec, even when empty",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns", Annotations: map[string]string{corev1.BetaStorageClassAnnotation: ""}},
				Spec:       corev1.PersistentVolumeClaimSpec{StorageClassName: ptr.To("standard")},
			},
			families: []string{"kube_persistentvolumeclaim_info"},
			want:     `kube_persistentvolumeclaim_info{namespace="ns",persistentvolumeclaim="c",storageclass="",volumename="",volumemode=""} 1`,
		},
		{
			name: "beta storage class annotation",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns", Annotations: map[string]string{corev1.BetaStorageClassAnnotation: "legacy"}},
				Spec:       corev1.PersistentVolumeClaimSpec{StorageClassName: ptr.To("standard"), VolumeMode: ptr.To(corev1.PersistentVolumeFilesystem)},
			},
			families: []string{"kube_persistentvolumeclaim_info"},
			want:     `kube_persistentvolumeclaim_info{namespace="ns",persistentvolumeclaim="c",storageclass="legacy",volumename="",volumemode="Filesystem"} 1`,
		},
		{
			name: "storage request zero, limits and other requests ignored",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"},
				Spec: corev1.PersistentVolumeClaimSpec{Resources: corev1.VolumeResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("0"), "example.com/x": resource.MustParse("3")},
					Limits:   corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("2Gi")},
				}},
			},
			families: []string{"kube_persistentvolumeclaim_resource_requests_storage_bytes"},
			want:     `kube_persistentvolumeclaim_resource_requests_storage_bytes{namespace="ns",persistentvolumeclaim="c"} 0`,
		},
		{
			name: "empty object",
			obj:  &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns"}},
			want: `kube_persistentvolumeclaim_info{namespace="ns",persistentvolumeclaim="c",storageclass="",volumename="",volumemode=""} 1`,
		},
		{
			name: "full object, every family",
			obj: &corev1.PersistentVolumeClaim{
				ObjectMeta: metav1.ObjectMeta{
					Name: "data", Namespace: "db", UID: "u", ResourceVersion: "9", CreationTimestamp: created,
					Labels:      map[string]string{"app": "db"},
					Annotations: map[string]string{"volume.kubernetes.io/selected-node": "n1"},
					Finalizers:  []string{"kubernetes.io/pvc-protection"},
				},
				Spec: corev1.PersistentVolumeClaimSpec{
					AccessModes:               []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce, corev1.ReadWriteMany},
					Selector:                  &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
					Resources:                 corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("500Mi")}},
					VolumeName:                "pv-1",
					StorageClassName:          ptr.To("fast"),
					VolumeMode:                ptr.To(corev1.PersistentVolumeFilesystem),
					DataSource:                &corev1.TypedLocalObjectReference{Kind: "PersistentVolumeClaim", Name: "src"},
					DataSourceRef:             &corev1.TypedObjectReference{Kind: "PersistentVolumeClaim", Name: "src"},
					VolumeAttributesClassName: ptr.To("gold"),
				},
				Status: corev1.PersistentVolumeClaimStatus{
					Phase:              corev1.ClaimBound,
					AccessModes:        []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					Capacity:           corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
					AllocatedResources: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
					Conditions:         []corev1.PersistentVolumeClaimCondition{{Type: corev1.PersistentVolumeClaimResizing, Status: corev1.ConditionUnknown, Message: "m"}},
				},
			},
			filter: family.Filter{Labels: allow(t, "*"), Annotations: allow(t, "*")},
			want: `
				kube_persistentvolumeclaim_labels{namespace="db",persistentvolumeclaim="data",label_app="db"} 1
				kube_persistentvolumeclaim_annotations{namespace="db",persistentvolumeclaim="data",annotation_volume_kubernetes_io_selected_node="n1"} 1
				kube_persistentvolumeclaim_info{namespace="db",persistentvolumeclaim="data",storageclass="fast",volumename="pv-1",volumemode="Filesystem"} 1
				kube_persistentvolumeclaim_status_phase{namespace="db",persistentvolumeclaim="data",phase="Lost"} 0
				kube_persistentvolumeclaim_status_phase{namespace="db",persistentvolumeclaim="data",phase="Bound"} 1
				kube_persistentvolumeclaim_status_phase{namespace="db",persistentvolumeclaim="data",phase="Pending"} 0
				kube_persistentvolumeclaim_resource_requests_storage_bytes{namespace="db",persistentvolumeclaim="data"} 5.24288e+08
				kube_persistentvolumeclaim_access_mode{namespace="db",persistentvolumeclaim="data",access_mode="ReadWriteOnce"} 1
				kube_persistentvolumeclaim_access_mode{namespace="db",persistentvolumeclaim="data",access_mode="ReadWriteMany"} 1
				kube_persistentvolumeclaim_status_condition{namespace="db",persistentvolumeclaim="data",condition="Resizing",status="true"} 0
				kube_persistentvolumeclaim_status_condition{namespace="db",persistentvolumeclaim="data",condition="Resizing",status="false"} 0
				kube_persistentvolumeclaim_status_condition{namespace="db",persistentvolumeclaim="data",condition="Resizing",status="unknown"} 1
				kube_persistentvolumeclaim_created{namespace="db",persistentvolumeclaim="data"} 1.5e+09`,
		},
	})
}

func TestPersistentVolumeClaimStrip(t *testing.T) {
	c := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "c", Finalizers: []string{"f"}},
		Spec: corev1.PersistentVolumeClaimSpec{
			Selector:   &metav1.LabelSelector{},
			DataSource: &corev1.TypedLocalObjectReference{Name: "x"},
			Resources:  corev1.VolumeResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1")}},
		},
		Status: corev1.PersistentVolumeClaimStatus{
			Capacity:   corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1")},
			Conditions: []corev1.PersistentVolumeClaimCondition{{Type: "t", Status: "True", Message: "m"}},
		},
	}
	PersistentVolumeClaims.Strip(c)
	if c.Finalizers != nil || c.Spec.Selector != nil || c.Spec.DataSource != nil || c.Spec.Resources.Limits != nil || c.Status.Capacity != nil {
		t.Errorf("unread fields kept: %+v", c)
	}
	if got := c.Status.Conditions; len(got) != 1 || got[0] != (corev1.PersistentVolumeClaimCondition{Type: "t", Status: "True"}) {
		t.Errorf("conditions: %+v", got)
	}
}
