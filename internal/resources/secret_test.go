package resources

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

func TestSecretFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	fams := []string{"kube_secret_info", "kube_secret_metadata_resource_version", "kube_secret_created", "kube_secret_labels", "kube_secret_type", "kube_secret_owner"}
	runGolden(t, Secrets, []golden[*corev1.Secret]{
		{
			name:     "opaque, resource version zeros",
			obj:      &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "secret1", Namespace: "ns1", ResourceVersion: "000000"}, Type: corev1.SecretTypeOpaque},
			families: fams,
			want: `
				kube_secret_info{namespace="ns1",secret="secret1"} 1
				kube_secret_owner{namespace="ns1",secret="secret1",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_secret_type{namespace="ns1",secret="secret1",type="Opaque"} 1
				kube_secret_metadata_resource_version{namespace="ns1",secret="secret1"} 0`,
		},
		{
			name: "service account token, resource version not a number",
			obj: &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: "secret2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "123456B"},
				Type:       corev1.SecretTypeServiceAccountToken,
				Data:       map[string][]byte{"token": []byte("t")},
			},
			families: fams,
			want: `
				kube_secret_info{namespace="ns2",secret="secret2"} 1
				kube_secret_owner{namespace="ns2",secret="secret2",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_secret_type{namespace="ns2",secret="secret2",type="kubernetes.io/service-account-token"} 1
				kube_secret_created{namespace="ns2",secret="secret2"} 1.501569018e+09`,
		},
		{
			name: "dockercfg, labels without allowlist",
			obj: &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: "secret3", Namespace: "ns3", CreationTimestamp: start, Labels: map[string]string{"test-3": "test-3"}, ResourceVersion: "0"},
				Type:       corev1.SecretTypeDockercfg,
			},
			families: fams,
			want: `
				kube_secret_info{namespace="ns3",secret="secret3"} 1
				kube_secret_owner{namespace="ns3",secret="secret3",owner_kind="",owner_name="",owner_is_controller=""} 1
				kube_secret_type{namespace="ns3",secret="secret3",type="kubernetes.io/dockercfg"} 1
				kube_secret_created{namespace="ns3",secret="secret3"} 1.501569018e+09
				kube_secret_metadata_resource_version{namespace="ns3",secret="secret3"} 0`,
		},
		{
			name: "controller owner",
			obj: &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{
					Name: "secret4", Namespace: "ns4", CreationTimestamp: start, Labels: map[string]string{"test-4": "test-4"}, ResourceVersion: "0",
					OwnerReferences: []metav1.OwnerReference{{Name: "managed-secret4", Kind: "ManagedSecret", Controller: ptr.To(true), APIVersion: "x/v1", UID: "u"}},
				},
				Type: corev1.SecretTypeOpaque,
			},
			families: fams,
			want: `
				kube_secret_info{namespace="ns4",secret="secret4"} 1
				kube_secret_owner{namespace="ns4",secret="secret4",owner_kind="ManagedSecret",owner_name="managed-secret4",owner_is_controller="true"} 1
				kube_secret_type{namespace="ns4",secret="secret4",type="Opaque"} 1
				kube_secret_created{namespace="ns4",secret="secret4"} 1.501569018e+09
				kube_secret_metadata_resource_version{namespace="ns4",secret="secret4"} 0`,
		},
		{
			name: "owners without and with controller false",
			obj: &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{
					Name: "s", Namespace: "ns",
					OwnerReferences: []metav1.OwnerReference{{Name: "a", Kind: "A"}, {Name: "b", Kind: "B", Controller: ptr.To(false)}},
				},
			},
			families: []string{"kube_secret_owner", "kube_secret_type"},
			want: `
				kube_secret_owner{namespace="ns",secret="s",owner_kind="A",owner_name="a",owner_is_controller="false"} 1
				kube_secret_owner{namespace="ns",secret="s",owner_kind="B",owner_name="b",owner_is_controller="false"} 1
				kube_secret_type{namespace="ns",secret="s",type=""} 1`,
		},
		{
			name: "labels and annotations allowlisted",
			obj: &corev1.Secret{
				ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns", Labels: map[string]string{"app": "x", "b": "y"}, Annotations: map[string]string{"team": "t"}},
				Data:       map[string][]byte{"password": []byte("hunter2")},
				StringData: map[string]string{"user": "root"},
			},
			filter:   family.Filter{Labels: allow(t, "app"), Annotations: allow(t, "*")},
			families: []string{"kube_secret_labels", "kube_secret_annotations"},
			want: `
				kube_secret_labels{namespace="ns",secret="s",label_app="x"} 1
				kube_secret_annotations{namespace="ns",secret="s",annotation_team="t"} 1`,
		},
	})
}

func TestSecretStrip(t *testing.T) {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: "s", Finalizers: []string{"f"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "K", Name: "n", UID: "u", Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}},
		},
		Data:       map[string][]byte{"password": []byte("hunter2")},
		StringData: map[string]string{"user": "root"},
		Immutable:  ptr.To(true),
		Type:       corev1.SecretTypeBasicAuth,
	}
	Secrets.Strip(s)
	if s.Data != nil || s.StringData != nil || s.Immutable != nil || s.Finalizers != nil {
		t.Errorf("unread fields kept: %+v", s)
	}
	if s.Type != corev1.SecretTypeBasicAuth {
		t.Errorf("type dropped")
	}
	if o := s.OwnerReferences; len(o) != 1 || o[0].Kind != "K" || o[0].Name != "n" || !*o[0].Controller || o[0].UID != "" || o[0].APIVersion != "" || o[0].BlockOwnerDeletion != nil {
		t.Errorf("owner references: %+v", o)
	}
}
