package resources

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestConfigMapFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, ConfigMaps, []golden[*corev1.ConfigMap]{
		{
			name: "allowlisted labels and annotations, resource version not a number",
			obj: &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{
					Name: "configmap1", Namespace: "ns1", ResourceVersion: "BBBBB",
					Annotations: map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
					Labels:      map[string]string{"excluded": "me", "app": "mysql-server"},
				},
				Data: map[string]string{"k": "v"},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "app.k8s.io/owner")},
			families: []string{"kube_configmap_annotations", "kube_configmap_labels", "kube_configmap_info", "kube_configmap_metadata_resource_version"},
			want: `
				kube_configmap_annotations{namespace="ns1",configmap="configmap1",annotation_app_k8s_io_owner="@foo"} 1
				kube_configmap_labels{namespace="ns1",configmap="configmap1",label_app="mysql-server"} 1
				kube_configmap_info{namespace="ns1",configmap="configmap1"} 1`,
		},
		{
			name: "created, resource version",
			obj: &corev1.ConfigMap{
				ObjectMeta: metav1.ObjectMeta{Name: "configmap2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "10596"},
				BinaryData: map[string][]byte{"b": {1}},
				Immutable:  ptr.To(true),
			},
			families: []string{"kube_configmap_info", "kube_configmap_created", "kube_configmap_metadata_resource_version"},
			want: `
				kube_configmap_info{namespace="ns2",configmap="configmap2"} 1
				kube_configmap_created{namespace="ns2",configmap="configmap2"} 1.501569018e+09
				kube_configmap_metadata_resource_version{namespace="ns2",configmap="configmap2"} 10596`,
		},
		{
			name: "empty object, labels and annotations without allowlists",
			obj:  &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns", Labels: map[string]string{"a": "b"}, Annotations: map[string]string{"a": "b"}}},
			want: `kube_configmap_info{namespace="ns",configmap="c"} 1`,
		},
		{
			name:     "large resource version",
			obj:      &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns", ResourceVersion: "123456789012"}},
			families: []string{"kube_configmap_metadata_resource_version"},
			want:     `kube_configmap_metadata_resource_version{namespace="ns",configmap="c"} 1.23456789012e+11`,
		},
	})
}

func TestConfigMapStrip(t *testing.T) {
	c := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "c", OwnerReferences: []metav1.OwnerReference{{Name: "o"}}},
		Data:       map[string]string{"k": "v"},
		BinaryData: map[string][]byte{"b": {1}},
		Immutable:  ptr.To(true),
	}
	ConfigMaps.Strip(c)
	if c.Data != nil || c.BinaryData != nil || c.Immutable != nil || c.OwnerReferences != nil {
		t.Errorf("unread fields kept: %+v", c)
	}
}
