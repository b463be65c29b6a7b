package resources

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestVolumeAttachmentFamilies(t *testing.T) {
	const name = "csi-5ff16a1ad085261021e21c6cb3a6defb979a8794f25a4f90f6285664cff37224"
	runGolden(t, VolumeAttachments, []golden[*storagev1.VolumeAttachment]{
		{
			name: "attached",
			obj: &storagev1.VolumeAttachment{
				ObjectMeta: metav1.ObjectMeta{Generation: 2, Name: name, Labels: map[string]string{"app": "foobar"}},
				Spec: storagev1.VolumeAttachmentSpec{
					Attacher: "cinder.csi.openstack.org",
					NodeName: "node1",
					Source:   storagev1.VolumeAttachmentSource{PersistentVolumeName: ptr.To("pvc-44f6ff3f-ba9b-49c4-9b95-8b01c4bd4bab")},
				},
				Status: storagev1.VolumeAttachmentStatus{Attached: true, AttachmentMetadata: map[string]string{"DevicePath": "/dev/sdd"}},
			},
			want: `
				kube_volumeattachment_info{volumeattachment="` + name + `",attacher="cinder.csi.openstack.org",node="node1"} 1
				kube_volumeattachment_labels{volumeattachment="` + name + `",label_app="foobar"} 1
				kube_volumeattachment_spec_source_persistentvolume{volumeattachment="` + name + `",volumename="pvc-44f6ff3f-ba9b-49c4-9b95-8b01c4bd4bab"} 1
				kube_volumeattachment_status_attached{volumeattachment="` + name + `"} 1
				kube_volumeattachment_status_attachment_metadata{volumeattachment="` + name + `",metadata_device_path="/dev/sdd"} 1`,
		},
		{
			name: "empty object: labels and metadata still emitted, no source",
			obj:  &storagev1.VolumeAttachment{ObjectMeta: metav1.ObjectMeta{Name: "va"}},
			want: `
				kube_volumeattachment_labels{volumeattachment="va"} 1
				kube_volumeattachment_info{volumeattachment="va",attacher="",node=""} 1
				kube_volumeattachment_status_attached{volumeattachment="va"} 0
				kube_volumeattachment_status_attachment_metadata{volumeattachment="va"} 1`,
		},
		{
			name: "labels ignore the allowlist; inline source, errors, created",
			obj: &storagev1.VolumeAttachment{
				ObjectMeta: metav1.ObjectMeta{
					Name: "va", CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
					Labels:      map[string]string{"b": "2", "a-b": "1"},
					Annotations: map[string]string{"csi.alpha.kubernetes.io/node-id": "i-1"},
					Finalizers:  []string{"external-attacher/ebs-csi-aws-com"},
				},
				Spec: storagev1.VolumeAttachmentSpec{
					Attacher: "ebs.csi.aws.com", NodeName: "n",
					Source: storagev1.VolumeAttachmentSource{InlineVolumeSpec: &corev1.PersistentVolumeSpec{StorageClassName: "x"}},
				},
				Status: storagev1.VolumeAttachmentStatus{
					AttachmentMetadata: map[string]string{"devicePath": "/dev/xvdba", "device-path": "x"},
					AttachError:        &storagev1.VolumeError{Message: "boom"},
				},
			},
			filter: family.Filter{Labels: allow(t, "b"), Annotations: allow(t, "*")},
			want: `
				kube_volumeattachment_labels{volumeattachment="va",label_a_b="1",label_b="2"} 1
				kube_volumeattachment_info{volumeattachment="va",attacher="ebs.csi.aws.com",node="n"} 1
				kube_volumeattachment_created{volumeattachment="va"} 1.5e+09
				kube_volumeattachment_status_attached{volumeattachment="va"} 0
				kube_volumeattachment_status_attachment_metadata{volumeattachment="va",metadata_device_path_conflict1="x",metadata_device_path_conflict2="/dev/xvdba"} 1`,
		},
	})
}

func TestVolumeAttachmentStrip(t *testing.T) {
	v := &storagev1.VolumeAttachment{
		ObjectMeta: metav1.ObjectMeta{Name: "va", Annotations: map[string]string{"a": "b"}},
		Spec:       storagev1.VolumeAttachmentSpec{Source: storagev1.VolumeAttachmentSource{InlineVolumeSpec: &corev1.PersistentVolumeSpec{}}},
		Status:     storagev1.VolumeAttachmentStatus{DetachError: &storagev1.VolumeError{}},
	}
	VolumeAttachments.Strip(v)
	if v.Annotations != nil || v.Spec.Source.InlineVolumeSpec != nil || v.Status.DetachError != nil {
		t.Errorf("unread fields kept: %+v", v)
	}
}
