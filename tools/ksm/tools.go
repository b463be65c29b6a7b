//go:build tools

// Package tools pins the binaries built from this module.
package tools

import _ "k8s.io/kube-state-metrics/v2"
