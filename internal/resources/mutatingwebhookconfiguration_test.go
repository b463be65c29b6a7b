package resources

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestMutatingWebhookConfigurationFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, MutatingWebhookConfigurations, []golden[*admissionregistrationv1.MutatingWebhookConfiguration]{
		{
			name: "KSM 1: numeric resource version, no creation timestamp",
			obj: &admissionregistrationv1.MutatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingwebhookconfiguration1", Namespace: "ns1", ResourceVersion: "123456"},
			},
			want: `
				kube_mutatingwebhookconfiguration_info{namespace="ns1",mutatingwebhookconfiguration="mutatingwebhookconfiguration1"} 1
				kube_mutatingwebhookconfiguration_metadata_resource_version{namespace="ns1",mutatingwebhookconfiguration="mutatingwebhookconfiguration1"} 123456`,
		},
		{
			name: "KSM 2: resource version that is not a number emits nothing",
			obj: &admissionregistrationv1.MutatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingwebhookconfiguration2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "abcdef"},
			},
			want: `
				kube_mutatingwebhookconfiguration_created{namespace="ns2",mutatingwebhookconfiguration="mutatingwebhookconfiguration2"} 1.501569018e+09
				kube_mutatingwebhookconfiguration_info{namespace="ns2",mutatingwebhookconfiguration="mutatingwebhookconfiguration2"} 1`,
		},
		{
			name: "KSM 3: webhooks with a service and with a URL",
			obj: &admissionregistrationv1.MutatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "mutatingwebhookconfiguration3", Namespace: "ns3", CreationTimestamp: start, ResourceVersion: "abcdef"},
				Webhooks: []admissionregistrationv1.MutatingWebhook{
					{
						Name: "webhook_with_service",
						ClientConfig: admissionregistrationv1.WebhookClientConfig{
							Service:  &admissionregistrationv1.ServiceReference{Name: "svc", Namespace: "ns", Path: policyPtr("/m"), Port: policyPtr[int32](8443)},
							CABundle: []byte("-----BEGIN CERTIFICATE-----"),
						},
						Rules: []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create}}},
					},
					{
						Name:         "webhook_with_external_url",
						ClientConfig: admissionregistrationv1.WebhookClientConfig{URL: policyPtr("example.com")},
					},
				},
			},
			families: []string{"kube_mutatingwebhookconfiguration_webhook_clientconfig_service"},
			want: `
				kube_mutatingwebhookconfiguration_webhook_clientconfig_service{namespace="ns3",mutatingwebhookconfiguration="mutatingwebhookconfiguration3",webhook_name="webhook_with_external_url",service_name="",service_namespace=""} 1
				kube_mutatingwebhookconfiguration_webhook_clientconfig_service{namespace="ns3",mutatingwebhookconfiguration="mutatingwebhookconfiguration3",webhook_name="webhook_with_service",service_name="svc",service_namespace="ns"} 1`,
		},
		{
			name: "cluster-scoped object: empty namespace label",
			obj: &admissionregistrationv1.MutatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "m", ResourceVersion: "7"},
			},
			want: `
				kube_mutatingwebhookconfiguration_info{namespace="",mutatingwebhookconfiguration="m"} 1
				kube_mutatingwebhookconfiguration_metadata_resource_version{namespace="",mutatingwebhookconfiguration="m"} 7`,
		},
	})
}

func TestWebhookConfigurationStrip(t *testing.T) {
	m := &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "m", Labels: map[string]string{"a": "b"}, Annotations: map[string]string{"a": "b"}},
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:         "w",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{Service: &admissionregistrationv1.ServiceReference{Name: "s", Path: policyPtr("/p")}, CABundle: []byte("ca"), URL: policyPtr("u")},
			Rules:        []admissionregistrationv1.RuleWithOperations{{}},
		}},
	}
	MutatingWebhookConfigurations.Strip(m)
	cc := m.Webhooks[0].ClientConfig
	if m.Labels != nil || m.Annotations != nil || m.Webhooks[0].Rules != nil || cc.CABundle != nil || cc.URL != nil || cc.Service.Path != nil || cc.Service.Name != "s" {
		t.Errorf("mutating webhook configuration not stripped to what families read: %+v", m)
	}
	v := &admissionregistrationv1.ValidatingWebhookConfiguration{
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:         "w",
			ClientConfig: admissionregistrationv1.WebhookClientConfig{CABundle: []byte("ca")},
			Rules:        []admissionregistrationv1.RuleWithOperations{{}},
		}},
	}
	ValidatingWebhookConfigurations.Strip(v)
	if w := v.Webhooks[0]; w.Name != "w" || w.Rules != nil || w.ClientConfig.CABundle != nil || w.ClientConfig.Service != nil {
		t.Errorf("validating webhook configuration not stripped to what families read: %+v", v)
	}
}
