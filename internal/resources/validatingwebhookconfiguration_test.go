package resources

import (
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestValidatingWebhookConfigurationFamilies(t *testing.T) {
	start := metav1.Unix(1501569018, 0)
	runGolden(t, ValidatingWebhookConfigurations, []golden[*admissionregistrationv1.ValidatingWebhookConfiguration]{
		{
			name: "KSM 1: numeric resource version, no creation timestamp",
			obj: &admissionregistrationv1.ValidatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingwebhookconfiguration1", Namespace: "ns1", ResourceVersion: "123456"},
			},
			want: `
				kube_validatingwebhookconfiguration_info{namespace="ns1",validatingwebhookconfiguration="validatingwebhookconfiguration1"} 1
				kube_validatingwebhookconfiguration_metadata_resource_version{namespace="ns1",validatingwebhookconfiguration="validatingwebhookconfiguration1"} 123456`,
		},
		{
			name: "KSM 2: resource version that is not a number emits nothing",
			obj: &admissionregistrationv1.ValidatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingwebhookconfiguration2", Namespace: "ns2", CreationTimestamp: start, ResourceVersion: "abcdef"},
			},
			want: `
				kube_validatingwebhookconfiguration_created{namespace="ns2",validatingwebhookconfiguration="validatingwebhookconfiguration2"} 1.501569018e+09
				kube_validatingwebhookconfiguration_info{namespace="ns2",validatingwebhookconfiguration="validatingwebhookconfiguration2"} 1`,
		},
		{
			name: "KSM 3: webhooks with a service and with a URL",
			obj: &admissionregistrationv1.ValidatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "validatingwebhookconfiguration3", Namespace: "ns3", CreationTimestamp: start, ResourceVersion: "abcdef"},
				Webhooks: []admissionregistrationv1.ValidatingWebhook{
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
			families: []string{"kube_validatingwebhookconfiguration_webhook_clientconfig_service"},
			want: `
				kube_validatingwebhookconfiguration_webhook_clientconfig_service{namespace="ns3",validatingwebhookconfiguration="validatingwebhookconfiguration3",webhook_name="webhook_with_external_url",service_name="",service_namespace=""} 1
				kube_validatingwebhookconfiguration_webhook_clientconfig_service{namespace="ns3",validatingwebhookconfiguration="validatingwebhookconfiguration3",webhook_name="webhook_with_service",service_name="svc",service_namespace="ns"} 1`,
		},
		{
			name: "cluster-scoped object: empty namespace label",
			obj: &admissionregistrationv1.ValidatingWebhookConfiguration{
				ObjectMeta: metav1.ObjectMeta{Name: "m", ResourceVersion: "7"},
			},
			want: `
				kube_validatingwebhookconfiguration_info{namespace="",validatingwebhookconfiguration="m"} 1
				kube_validatingwebhookconfiguration_metadata_resource_version{namespace="",validatingwebhookconfiguration="m"} 7`,
		},
	})
}
