package resources

import (
	"strings"
	"testing"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubestate/kubestate/internal/family"
)

func TestCertificateSigningRequestFamilies(t *testing.T) {
	csr := func(cert []byte, types ...certv1.RequestConditionType) *certv1.CertificateSigningRequest {
		c := &certv1.CertificateSigningRequest{
			ObjectMeta: metav1.ObjectMeta{
				Name:              "certificate-test",
				Generation:        1,
				Labels:            map[string]string{"cert": "test"},
				CreationTimestamp: metav1.Time{Time: time.Unix(1500000000, 0)},
			},
			Spec:   certv1.CertificateSigningRequestSpec{SignerName: "signer", Request: []byte("-----BEGIN CERTIFICATE REQUEST-----")},
			Status: certv1.CertificateSigningRequestStatus{Certificate: cert},
		}
		for _, ty := range types {
			c.Status.Conditions = append(c.Status.Conditions, certv1.CertificateSigningRequestCondition{Type: ty, Status: corev1.ConditionTrue, Reason: "r"})
		}
		return c
	}
	lines := func(approved, denied, failed, length string) string {
		const p = `{certificatesigningrequest="certificate-test",signer_name="signer"`
		return `
			kube_certificatesigningrequest_created` + p + `} 1.5e+09
			kube_certificatesigningrequest_condition` + p + `,condition="approved"} ` + approved + `
			kube_certificatesigningrequest_condition` + p + `,condition="denied"} ` + denied + `
			kube_certificatesigningrequest_condition` + p + `,condition="failed"} ` + failed + `
			kube_certificatesigningrequest_cert_length` + p + `} ` + length
	}
	fams := []string{
		"kube_certificatesigningrequest_created", "kube_certificatesigningrequest_condition",
		"kube_certificatesigningrequest_labels", "kube_certificatesigningrequest_cert_length",
	}
	runGolden(t, CertificateSigningRequests, []golden[*certv1.CertificateSigningRequest]{
		{name: "pending", obj: csr(nil), families: fams, want: lines("0", "0", "0", "0")},
		{name: "denied", obj: csr(nil, certv1.CertificateDenied), families: fams, want: lines("0", "1", "0", "0")},
		{name: "approved", obj: csr(nil, certv1.CertificateApproved), families: fams, want: lines("1", "0", "0", "0")},
		{name: "failed", obj: csr(nil, certv1.CertificateFailed), families: fams, want: lines("0", "0", "1", "0")},
		{name: "issued", obj: csr([]byte("just for test"), certv1.CertificateApproved), families: fams, want: lines("1", "0", "0", "13")},
		{
			name: "all conditions", families: fams, want: lines("1", "1", "1", "0"),
			obj: csr(nil, certv1.CertificateApproved, certv1.CertificateDenied, certv1.CertificateFailed),
		},
		{
			name: "duplicate conditions count", families: fams, want: lines("2", "2", "2", "0"),
			obj: csr(nil, certv1.CertificateApproved, certv1.CertificateDenied, certv1.CertificateApproved, certv1.CertificateDenied,
				certv1.CertificateFailed, certv1.CertificateFailed, "SomethingElse"),
		},
		{
			name: "large certificate", families: []string{"kube_certificatesigningrequest_cert_length"},
			obj:  csr([]byte(strings.Repeat("x", 20000))),
			want: `kube_certificatesigningrequest_cert_length{certificatesigningrequest="certificate-test",signer_name="signer"} 20000`,
		},
		{
			name:   "labels and annotations allowlisted",
			obj:    &certv1.CertificateSigningRequest{ObjectMeta: metav1.ObjectMeta{Name: "c", Labels: map[string]string{"cert": "test"}, Annotations: map[string]string{"a": "b"}}},
			filter: family.Filter{Labels: allow(t, "cert"), Annotations: allow(t, "a")},
			want: `
				kube_certificatesigningrequest_annotations{certificatesigningrequest="c",signer_name="",annotation_a="b"} 1
				kube_certificatesigningrequest_labels{certificatesigningrequest="c",signer_name="",label_cert="test"} 1
				kube_certificatesigningrequest_condition{certificatesigningrequest="c",signer_name="",condition="approved"} 0
				kube_certificatesigningrequest_condition{certificatesigningrequest="c",signer_name="",condition="denied"} 0
				kube_certificatesigningrequest_condition{certificatesigningrequest="c",signer_name="",condition="failed"} 0
				kube_certificatesigningrequest_cert_length{certificatesigningrequest="c",signer_name=""} 0`,
		},
	})
}

func TestCertificateSigningRequestStrip(t *testing.T) {
	c := &certv1.CertificateSigningRequest{
		ObjectMeta: metav1.ObjectMeta{Name: "c"},
		Spec:       certv1.CertificateSigningRequestSpec{SignerName: "s", Request: []byte("req"), Username: "u", Groups: []string{"g"}},
		Status: certv1.CertificateSigningRequestStatus{
			Certificate: []byte("cert"),
			Conditions:  []certv1.CertificateSigningRequestCondition{{Type: certv1.CertificateApproved, Message: "m"}},
		},
	}
	CertificateSigningRequests.Strip(c)
	if c.Spec.Request != nil || c.Spec.Username != "" || c.Spec.Groups != nil || c.Spec.SignerName != "s" {
		t.Errorf("spec: %+v", c.Spec)
	}
	if len(c.Status.Certificate) != 4 || string(c.Status.Certificate) == "cert" {
		t.Errorf("certificate: %q", c.Status.Certificate)
	}
	if c.Status.Conditions[0] != (certv1.CertificateSigningRequestCondition{Type: certv1.CertificateApproved}) {
		t.Errorf("conditions: %+v", c.Status.Conditions)
	}
}
