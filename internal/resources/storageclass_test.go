package resources

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestStorageClassFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, StorageClasses, []golden[*storagev1.StorageClass]{
		{
			name: "info",
			obj: &storagev1.StorageClass{
				ObjectMeta:        metav1.ObjectMeta{Name: "test_storageclass-info"},
				Provisioner:       "kubernetes.io/rbd",
				ReclaimPolicy:     ptr.To(corev1.PersistentVolumeReclaimDelete),
				VolumeBindingMode: ptr.To(storagev1.VolumeBindingImmediate),
			},
			families: []string{"kube_storageclass_info"},
			want:     `kube_storageclass_info{storageclass="test_storageclass-info",provisioner="kubernetes.io/rbd",reclaim_policy="Delete",volume_binding_mode="Immediate"} 1`,
		},
		{
			name: "info defaults",
			obj: &storagev1.StorageClass{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_storageclass-default-info"},
				Provisioner: "kubernetes.io/rbd",
			},
			families: []string{"kube_storageclass_info"},
			want:     `kube_storageclass_info{storageclass="test_storageclass-default-info",provisioner="kubernetes.io/rbd",reclaim_policy="Delete",volume_binding_mode="Immediate"} 1`,
		},
		{
			name: "info set",
			obj: &storagev1.StorageClass{
				ObjectMeta:        metav1.ObjectMeta{Name: "local"},
				Provisioner:       "kubernetes.io/no-provisioner",
				ReclaimPolicy:     ptr.To(corev1.PersistentVolumeReclaimRetain),
				VolumeBindingMode: ptr.To(storagev1.VolumeBindingWaitForFirstConsumer),
			},
			families: []string{"kube_storageclass_info"},
			want:     `kube_storageclass_info{storageclass="local",provisioner="kubernetes.io/no-provisioner",reclaim_policy="Retain",volume_binding_mode="WaitForFirstConsumer"} 1`,
		},
		{
			name: "created",
			obj: &storagev1.StorageClass{
				ObjectMeta:        metav1.ObjectMeta{Name: "test_kube_storageclass-created", CreationTimestamp: start},
				Provisioner:       "kubernetes.io/rbd",
				ReclaimPolicy:     ptr.To(corev1.PersistentVolumeReclaimDelete),
				VolumeBindingMode: ptr.To(storagev1.VolumeBindingImmediate),
			},
			families: []string{"kube_storageclass_created"},
			want:     `kube_storageclass_created{storageclass="test_kube_storageclass-created"} 1.501569018e+09`,
		},
		{
			name: "labels without allowlist",
			obj: &storagev1.StorageClass{
				ObjectMeta:  metav1.ObjectMeta{Name: "test_storageclass-labels", Labels: map[string]string{"foo": "bar"}},
				Provisioner: "kubernetes.io/rbd",
			},
			families: []string{"kube_storageclass_labels", "kube_storageclass_annotations"},
			want:     ``,
		},
		{
			name: "full object, every family",
			obj: &storagev1.StorageClass{
				ObjectMeta: metav1.ObjectMeta{
					Name: "gp3", CreationTimestamp: start,
					Labels:      map[string]string{"foo": "bar"},
					Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"},
				},
				Provisioner:          "ebs.csi.aws.com",
				Parameters:           map[string]string{"type": "gp3"},
				MountOptions:         []string{"debug"},
				AllowVolumeExpansion: ptr.To(true),
				VolumeBindingMode:    ptr.To(storagev1.VolumeBindingWaitForFirstConsumer),
				AllowedTopologies:    []corev1.TopologySelectorTerm{{}},
			},
			filter: family.Filter{Labels: allow(t, "foo"), Annotations: allow(t, "storageclass.kubernetes.io/is-default-class")},
			want: `
				kube_storageclass_info{storageclass="gp3",provisioner="ebs.csi.aws.com",reclaim_policy="Delete",volume_binding_mode="WaitForFirstConsumer"} 1
				kube_storageclass_created{storageclass="gp3"} 1.501569018e+09
				kube_storageclass_annotations{storageclass="gp3",annotation_storageclass_kubernetes_io_is_default_class="true"} 1
				kube_storageclass_labels{storageclass="gp3",label_foo="bar"} 1`,
		},
	})
}

func TestStorageClassStrip(t *testing.T) {
	s := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "s"}, Parameters: map[string]string{"a": "b"}, MountOptions: []string{"x"}}
	StorageClasses.Strip(s)
	if s.Parameters != nil || s.MountOptions != nil {
		t.Errorf("unread fields kept: %+v", s)
	}
	// The info family defaults unset fields without writing them back.
	StorageClasses.Compile(family.Filter{}).Record(s)
	if s.ReclaimPolicy != nil || s.VolumeBindingMode != nil {
		t.Errorf("info family modified the object: %+v", s)
	}
}
