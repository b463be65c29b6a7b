package parity

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// EscapingNamespace is the namespace EnsureEscapingProbe creates.
const EscapingNamespace = "parity-escaping"

// EscapingAnnotations are label values no fixture has: every character the text format escapes
// (backslash, double quote, newline), others it does not (tab, braces, comma, '=', '#'), multi-byte
// UTF-8 and a value that looks like a float. testdata/parity/allowlists.yaml allowlists
// `kubestate.dev/*` namespace annotations, so they reach kube_namespace_annotations there.
var EscapingAnnotations = map[string]string{
	"kubestate.dev/escaping": "quote \" backslash \\ newline \n tab \t braces {a=\"b\"}, comma, # hash",
	"kubestate.dev/utf8":     "Grüße ✓ 日本 🚀",
	"kubestate.dev/number":   "1e+09",
	"kubestate.dev/empty":    "",
}

// EnsureEscapingProbe creates (once) a namespace carrying EscapingAnnotations, so that both sides
// have to escape and print them.
func EnsureEscapingProbe(ctx context.Context, kube kubernetes.Interface) error {
	_, err := kube.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name:        EscapingNamespace,
		Annotations: EscapingAnnotations,
		Labels:      map[string]string{"app": "parity-escaping", "team": ""},
	}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating namespace %s: %w", EscapingNamespace, err)
	}
	return nil
}
